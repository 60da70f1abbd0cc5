"""One clarifying turn before a ticket: "order", "help" or "asdf" asks the visitor for more.

A message of a few words that the bot cannot place would otherwise open a ticket at once, and a
person would have to write back "what do you mean?".  Instead the visitor is asked to say a bit
more, with the FAQs that come closest.  The second unclear message in a row in the same
conversation, or an explicit request for a person, hands off as before.  Without a session the
bot cannot tell a second message from a first, so it hands off at once.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from faqbot.engine.text import words
from faqbot.web.core.tables import Query

MAX_VAGUE_WORDS = 3  # "order", "help me", "where is it": too little to act on
MIN_SUGGESTION = 0.02  # below this the engine has no idea; offering the FAQ only misleads
MAX_SUGGESTIONS = 3
MESSAGE = "Could you tell me a bit more? A whole sentence helps me find the right answer."


def is_vague(question: str) -> bool:
    return len(words(question)) <= MAX_VAGUE_WORDS


def should_clarify(session: Session, question: str, session_id: str | None) -> bool:
    """A vague message, in a conversation whose last message was not already a clarification."""
    if not session_id or not is_vague(question):
        return False
    last = session.scalar(
        select(Query.clarify).where(Query.session_id == session_id).order_by(Query.id.desc()).limit(1)
    )
    return not last


def suggestions(result: dict[str, Any]) -> list[dict[str, Any]]:
    """The engine's closest FAQs that are more than noise."""
    return [
        {"faq_id": s["faq_id"], "question": s["question"], "confidence": float(s["confidence"])}
        for s in result.get("suggestions", [])
        if float(s["confidence"]) >= MIN_SUGGESTION
    ][:MAX_SUGGESTIONS]
