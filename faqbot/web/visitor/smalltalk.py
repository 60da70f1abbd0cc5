"""Small talk in a conversation: the reply, and "that's not what I asked" after an answer.

A small-talk message ("hi", "thanks", "are you a bot") gets the engine's reply and is logged with
the decision ``smalltalk``; it never opens a ticket, so a greeting costs nobody's time.

"That's not what I asked" right after an answer in the same session is read as a rejection of
that answer: the visitor is offered the earlier question's other suggestions and a person, and
the answer gets a "not what I asked" thumbs-down (unless the visitor already voted), so it comes
back to the review queue like any other.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from faqbot.engine.smalltalk import NOT_WHAT_I_ASKED
from faqbot.web.core.tables import Query
from faqbot.web.kb.query import withhold_retired
from faqbot.web.review import wrong_answers

SMALLTALK = "smalltalk"
REJECTED_REASON = wrong_answers.NOT_WHAT_I_ASKED
REJECTED_MESSAGE = "Sorry, that wasn't it. Is it one of these? If not, a person can help."
MAX_FOLLOW_UPS = 3


def follow_up(session: Session, session_id: str | None, result: dict[str, Any], model) -> dict | None:
    """For "that's not what I asked" right after an answer: the earlier question's other
    suggestions, and that question (the widget offers it to a person).  None otherwise."""
    if result.get("smalltalk_intent") != NOT_WHAT_I_ASKED or not session_id:
        return None
    previous = session.scalar(
        select(Query).where(Query.session_id == session_id).order_by(Query.id.desc()).limit(1)
    )
    if previous is None or previous.decision != "answered":
        return None
    again = withhold_retired(session, model.ask(previous.question))
    others = [s for s in again.get("suggestions", []) if s["faq_id"] != previous.faq_id]
    wrong_answers.record_rejection(session, previous, REJECTED_REASON)
    return {
        "question": previous.question,
        "suggestions": [
            {"faq_id": s["faq_id"], "question": s["question"], "confidence": float(s["confidence"])}
            for s in others[:MAX_FOLLOW_UPS]
        ],
    }


def response_fields(result: dict[str, Any], follow: dict | None) -> dict[str, Any]:
    """The small-talk part of a ``POST /api/v1/ask`` response."""
    reply = result.get("reply") or ""
    return {
        "reply": reply,
        "smalltalk_intent": result.get("smalltalk_intent"),
        "message": REJECTED_MESSAGE if follow else reply,
        "suggestions": follow["suggestions"] if follow else [],
        "offer_person": follow is not None,
        "retry_question": follow["question"] if follow else None,
    }
