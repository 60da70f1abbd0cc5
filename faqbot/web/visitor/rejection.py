"""Asking for a person right after an answer: the visitor is telling us the answer was wrong.

The widget's "talk to a person" (``handoff: true``), or a message the engine reads as a request
for a person ("can I speak to someone"), that comes right after the bot answered in the same
conversation rejects that answer: it is recorded as the answer's feedback ("asked for a person"),
so it comes back to the review queue as a wrong answer and counts against the FAQ in analytics.
A visitor who already voted on the answer keeps their vote, and a request long after the answer
(a visitor back the next day with something else) is not read as a verdict on it.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from faqbot.engine.smalltalk_text import HANDOFF, normalize, split_symbols
from faqbot.web.core.tables import Query, as_utc, utcnow
from faqbot.web.review.wrong_answers import ASKED_FOR_PERSON, record_rejection

WINDOW = timedelta(minutes=10)  # "right after": the answer was the conversation's last message, this recently


def asks_for_person(text: str) -> bool:
    """Whether the message asks for a person, by the engine's own rule (so a request is never
    taken for small talk here either)."""
    norm = normalize(split_symbols(text)[0])
    return bool(norm) and any(pattern.search(norm) for pattern in HANDOFF)


def reject_last_answer(session: Session, session_id: str | None) -> Query | None:
    """If the conversation's last message was answered within ``WINDOW``, record the rejection
    (not committed) and return that query; else None."""
    if not session_id:
        return None
    last = session.scalar(
        select(Query).where(Query.session_id == session_id).order_by(Query.id.desc()).limit(1)
    )
    if last is None or last.decision != "answered" or last.faq_id is None:
        return None
    if utcnow() - as_utc(last.created_at) > WINDOW:
        return None
    record_rejection(session, last, ASKED_FOR_PERSON)
    return last
