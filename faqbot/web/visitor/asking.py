"""Answering a visitor's question: ask the live model, log it, and hand off when needed.

The query row and, for a handoff, its ticket are written in one transaction: either both exist
or neither does, and a database failure becomes a 503 the visitor can retry, never a lost ticket
that the visitor was told exists.
"""

from __future__ import annotations

import json
import logging
import secrets
import time
from dataclasses import dataclass
from typing import Any

from flask import current_app
from sqlalchemy import bindparam, exists, func, insert, select
from sqlalchemy.engine import Row
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from faqbot.web.core.errors import ApiError
from faqbot.web.core.tables import Faq, Query, Ticket, TicketMessage, iso, utcnow
from faqbot.web.inbox import intake
from faqbot.web.kb.query import active_faqs, withhold_retired
from faqbot.web.models.store import live_model
from faqbot.web.visitor import clarify as clarifying
from faqbot.web.visitor import rejection, smalltalk

log = logging.getLogger(__name__)

MESSAGES = {
    "answered": "Here is the answer.",
    "suggested": "Did you mean one of these?",
    "handoff": "I could not find an answer, so I passed your question to a person. "
    "Leave your email to hear back, or check back here later.",
    "requested": "I passed your question to a person. Leave your email to hear back, "
    "or check back here later.",
    "taken_over": "A person is handling this conversation; I added your message to it.",
    # Replaced by the reply in the response; this is what a ticket's history shows.
    "smalltalk": "(a small-talk reply)",
}


@dataclass
class _Asked:
    """One question with the engine's verdict, on its way into the database."""

    question: str
    session_id: str | None
    want_person: bool
    email: str | None
    result: dict[str, Any]
    model: Any
    version: str
    latency_ms: float
    faqs: dict[str, Row]  # id, question, answer, category of the FAQs the result names, now


def ask(
    session: Session,
    question: str,
    session_id: str | None,
    want_person: bool,
    email: str | None = None,
) -> dict:
    """Answer, suggest or hand off; returns the ``POST /api/v1/ask`` response body.

    ``email`` is kept on the ticket if the question is handed off (and ignored otherwise).
    """
    live = live_model().get()
    if live is None:
        raise _unavailable(session)
    version, model = live
    started = time.perf_counter()
    raw = model.ask(question)
    latency_ms = (time.perf_counter() - started) * 1000
    faqs = active_faqs(session, raw)
    result = withhold_retired(session, raw, faqs)
    asked = _Asked(question, session_id, want_person, email, result, model, version, latency_ms, faqs)
    try:
        return _record(session, asked)
    except SQLAlchemyError:
        session.rollback()
        log.exception("database error while recording a question; nothing was saved")
        raise ApiError(
            503, "service_unavailable", "We could not save your question; please try again."
        ) from None


def _unavailable(session: Session) -> ApiError:
    """No model is live: the first one is still training (try again), or there is nothing to
    train on (no FAQs: retrying cannot help, and the visitor should be told so)."""
    if session.scalar(select(func.count()).select_from(Faq)):
        return ApiError(503, "model_unavailable", "The bot is starting up; please try again.")
    return ApiError(
        503,
        "not_configured",
        "This help service has no answers set up yet. Please contact us another way for now.",
    )


def _record(session: Session, asked: _Asked) -> dict:
    """Log the question (and open its ticket, or add it to a taken-over conversation)."""
    plain = asked.result["status"] in ("answered", "suggested") and not asked.want_person
    if plain and not rejection.asks_for_person(asked.question):
        body = _record_plainly(session, asked)
        if body is not None:
            return body
    return _record_in_transaction(session, asked)


def _record_plainly(session: Session, asked: _Asked) -> dict | None:
    """An answer or a suggestion writes only the question's log row: one INSERT, committed by
    itself (a single statement is atomic), before the response promises anything.

    The INSERT carries the taken-over check as its condition, so the whole write is one round
    trip to the database instead of four (BEGIN, the look-up, the INSERT, COMMIT), and on SQLite
    no write lock is held while the thread waits for the GIL between the INSERT and the COMMIT.
    None when the conversation is taken over by a person (nothing was written): the transaction
    of :func:`_record_in_transaction` handles that.
    """
    decision = asked.result["status"]
    answer = _answer(asked) if decision == "answered" else None
    row = _log_row(asked, decision, answer, clarify=False, ticket_id=None)
    with session.get_bind().connect() as connection:
        connection.execution_options(isolation_level="AUTOCOMMIT")
        if connection.dialect.name == "sqlite":
            # Not RETURNING: SQLite would keep the write lock until the row is fetched.
            result = connection.execute(_LOG_UNLESS_TAKEN_OVER, row)
            query_id = result.lastrowid if result.rowcount else None
        else:
            query_id = connection.scalar(_LOG_UNLESS_TAKEN_OVER_ID, row)
    if query_id is None:
        return None
    return dict(_response(query_id, decision, asked, answer, None, False), clarify=False)


def _log_row(asked: _Asked, decision: str, answer, *, clarify: bool, ticket_id: int | None) -> dict:
    """The ``queries`` row of this question."""
    chat = decision == smalltalk.SMALLTALK  # small talk is never an FAQ answer
    return {
        "question": asked.question,
        "decision": decision,
        "faq_id": None if chat else asked.result.get("faq_id"),
        "confidence": float(asked.result["confidence"]),
        "latency_ms": asked.latency_ms,
        "session_id": asked.session_id,
        "model_version": asked.version,
        "answer_question": answer["question"] if answer else None,
        "clarify": clarify,
        "ticket_id": ticket_id,
        "created_at": utcnow(),
    }


def _record_in_transaction(session: Session, asked: _Asked) -> dict:
    """Write the query (and its ticket, or the follow-up message) in one transaction."""
    result = asked.result
    if asked.want_person or rejection.asks_for_person(asked.question):
        rejection.reject_last_answer(session, asked.session_id)  # the answer just given was wrong
    taken = _taken_over_ticket(session, asked.session_id) if asked.session_id else None
    handoff = taken is None and (asked.want_person or result["status"] == "handoff")
    # A vague message gets one "could you tell me a bit more?" (logged as suggested) first.
    vague = handoff and not asked.want_person
    clarify = vague and clarifying.should_clarify(session, asked.question, asked.session_id)
    handoff = handoff and not clarify
    # The log keeps "taken_over" apart, so analytics do not count follow-ups as bot handoffs.
    decision = "taken_over" if taken else "handoff" if handoff else result["status"]
    decision = "suggested" if clarify else decision
    answer = _answer(asked) if decision == "answered" else None
    # Small talk never opens a ticket and is never an FAQ answer, so it is logged without one.
    chat = decision == smalltalk.SMALLTALK
    follow = smalltalk.follow_up(session, asked.session_id, result, asked.model) if chat else None
    ticket, recipients = taken, []
    if taken is not None:
        session.add(TicketMessage(ticket=taken, author="visitor", text=asked.question))
        taken.status, taken.last_visitor_at = "open", utcnow()  # waiting for staff again, unread
    elif handoff:
        history = _history(session, asked.session_id) if asked.session_id else []
        ticket = _new_ticket(asked, history)
        session.add(ticket)
        recipients = intake.ticket_opened(session, ticket)
    session.flush()  # the ticket's id, so the query row is inserted with it (no UPDATE after)
    row = _log_row(asked, decision, answer, clarify=clarify, ticket_id=ticket.id if ticket else None)
    # A plain insert, not the ORM's unit of work: it is most of what a question writes.
    query_id = session.execute(_LOG_QUERY, row).inserted_primary_key[0]
    session.commit()
    if ticket is not None and taken is None:
        intake.announce(ticket, recipients)
    body = _response(query_id, decision, asked, answer, ticket, taken is not None)
    if chat:
        body.update(smalltalk.response_fields(result, follow))
    if clarify:
        body.update(suggestions=clarifying.suggestions(result), message=clarifying.MESSAGE)
    body["clarify"] = clarify
    return body


def _response(
    query_id: int, decision: str, asked: _Asked, answer, ticket: Ticket | None, taken: bool
) -> dict:
    status = asked.result["status"]
    if taken:
        key = "taken_over"
    elif ticket is not None:
        key = "requested" if asked.want_person and status != "handoff" else "handoff"
    else:
        key = status
    token = None if ticket is None or taken else ticket.token
    return {
        "query_id": query_id,
        "status": "handoff" if taken else decision,
        "confidence": float(asked.result["confidence"]),
        "answer": answer,
        "suggestions": [] if taken else _suggestions(asked.result),
        "ticket": None if ticket is None else {"id": ticket.id, "token": token},
        "taken_over": taken,
        "message": MESSAGES[key],
    }


def _suggestions(result: dict) -> list[dict[str, Any]]:
    return [
        {"faq_id": s["faq_id"], "question": s["question"], "confidence": float(s["confidence"])}
        for s in result.get("suggestions", [])
    ]


def _answer(asked: _Asked) -> dict[str, Any] | None:
    """The FAQ as it is now in the database (answers may be edited after training)."""
    faq_id = asked.result["faq_id"]
    faq = asked.faqs.get(faq_id) or asked.model.faqs.get(faq_id)
    if faq is None:
        return None
    return {
        "faq_id": faq.id,
        "question": faq.question,
        "answer": faq.answer,
        "category": faq.category,
    }


# Built once: building a statement cost more than running it (every question runs these).
# Plain table statements: the ORM's bookkeeping cost more than the database on this path.
_queries, _tickets, _messages = Query.__table__, Ticket.__table__, TicketMessage.__table__
_LOG_QUERY = insert(_queries)
_TAKEN_OVER = (
    select(_tickets.c.id)
    .where(
        _tickets.c.session_id == bindparam("session_id"),
        _tickets.c.status != "closed",
        exists().where(_messages.c.ticket_id == _tickets.c.id, _messages.c.author == "staff"),
    )
    .order_by(_tickets.c.id.desc())
    .limit(1)
)
_LOGGED = (
    "question", "decision", "faq_id", "confidence", "latency_ms", "session_id", "model_version",
    "answer_question", "clarify", "ticket_id", "created_at",
)  # fmt: skip
# INSERT INTO queries (...) SELECT :question, ... WHERE NOT EXISTS (the taken-over ticket):
# no row when a person has taken the conversation over.
_LOG_UNLESS_TAKEN_OVER = insert(_queries).from_select(
    _LOGGED,
    select(*(bindparam(name, type_=_queries.c[name].type) for name in _LOGGED)).where(~exists(_TAKEN_OVER)),
)
_LOG_UNLESS_TAKEN_OVER_ID = _LOG_UNLESS_TAKEN_OVER.returning(_queries.c.id)


def _taken_over_ticket(session: Session, session_id: str) -> Ticket | None:
    """The session's unresolved ticket that staff have replied to, if any."""
    ticket_id = session.scalar(_TAKEN_OVER, {"session_id": session_id})
    return None if ticket_id is None else session.get(Ticket, ticket_id)


def _history(session: Session, session_id: str) -> list[dict[str, Any]]:
    """The session's earlier exchanges, oldest first, for the staff member picking it up."""
    limit = current_app.config["SESSION_HISTORY_LIMIT"]
    rows = session.scalars(
        select(Query).where(Query.session_id == session_id).order_by(Query.id.desc()).limit(limit)
    ).all()
    history = []
    for row in reversed(rows):
        history.append({"role": "visitor", "text": row.question, "at": iso(row.created_at)})
        bot = {
            "role": "bot",
            "status": row.decision,
            "faq_id": row.faq_id,
            "confidence": row.confidence,
        }
        bot["text"] = row.answer_question or MESSAGES.get(row.decision, row.decision)
        history.append(bot)
    return history


def _plain(value: Any) -> Any:
    """Plain JSON types only (the engine may hand back numpy floats)."""
    return json.loads(json.dumps(value, default=float))


def _new_ticket(asked: _Asked, history: list[dict[str, Any]]) -> Ticket:
    return Ticket(
        token=secrets.token_urlsafe(24),
        question=asked.question,
        session_id=asked.session_id,
        reason="requested" if asked.want_person else "low_confidence",
        conversation=history,
        suggestions=_suggestions(asked.result),
        explanation=_plain(asked.result.get("explanation")),
        email=asked.email,
        status="open",
        created_at=utcnow(),
    )
