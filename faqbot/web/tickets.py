"""Ticket operations shared by the staff inbox pages and the staff API.

Replying, resolving and notifying live here once, so the two front doors cannot disagree on
what "link to FAQ #n" or "dismiss" means.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from flask import current_app
from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from .errors import ApiError
from .mail import MailError, send_mail
from .tables import (
    TICKET_STATUSES,
    Faq,
    LearnedPhrasing,
    ProposedFaq,
    Ticket,
    TicketMessage,
    User,
    utcnow,
)

log = logging.getLogger(__name__)
EMAIL_RE = re.compile(
    r"^[^@\s<>\"',;]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$"
)
MAX_REPLY = 10_000


def valid_email(value: object) -> str:
    if not isinstance(value, str) or len(value.strip()) > 254 or not EMAIL_RE.match(value.strip()):
        raise ApiError(400, "invalid_email", "'email' must be a valid email address.")
    return value.strip()


def get_ticket(session: Session, ticket_id: int) -> Ticket:
    ticket = session.get(Ticket, ticket_id)
    if ticket is None:
        raise ApiError(404, "not_found", f"No ticket {ticket_id}.")
    return ticket


def search_tickets(
    session: Session, status: str | None, text: str | None, limit: int = 50, offset: int = 0
) -> tuple[list[Ticket], dict[str, int]]:
    """Tickets oldest first (the longest-waiting visitor comes first), plus counts per status."""
    if status is not None and status not in TICKET_STATUSES:
        raise ApiError(400, "invalid_status", f"'status' must be one of {', '.join(TICKET_STATUSES)}.")
    query = select(Ticket)
    if status:
        query = query.where(Ticket.status == status)
    if text:
        pattern = f"%{_escape_like(text.strip())}%"
        query = query.where(
            or_(
                Ticket.question.ilike(pattern, escape="\\"),
                Ticket.email.ilike(pattern, escape="\\"),
                Ticket.messages.any(TicketMessage.text.ilike(pattern, escape="\\")),
            )
        )
    tickets = session.scalars(query.order_by(Ticket.created_at, Ticket.id).limit(limit).offset(offset))
    counts = dict.fromkeys(TICKET_STATUSES, 0)
    for name, count in session.execute(select(Ticket.status, func.count()).group_by(Ticket.status)):
        counts[name] = count
    return list(tickets), counts


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def reply(session: Session, ticket: Ticket, user: User, text: object) -> TicketMessage:
    """Save a staff reply (the conversation is now taken over), then email it if we can."""
    if not isinstance(text, str) or not text.strip():
        raise ApiError(400, "invalid_text", "'text' must be a non-empty string.")
    if len(text) > MAX_REPLY:
        raise ApiError(400, "invalid_text", f"'text' must be at most {MAX_REPLY} characters.")
    if ticket.status == "closed":
        raise ApiError(409, "ticket_closed", "This ticket is closed.")
    message = TicketMessage(ticket=ticket, author="staff", user_id=user.id, text=text.strip())
    session.add(message)
    ticket.status, ticket.answered_at = "answered", utcnow()
    session.commit()
    notify_visitor(session, ticket)
    return message


def notify_visitor(session: Session, ticket: Ticket) -> int:
    """Email the staff replies the visitor has not been mailed yet; returns how many were sent."""
    if not ticket.email:
        return 0
    pending = [m for m in ticket.messages if m.author == "staff" and m.emailed_at is None]
    sent = 0
    for message in pending:
        body = f"You asked:\n\n  {ticket.question}\n\nOur reply:\n\n{message.text}\n\n(Ticket #{ticket.id})\n"
        try:
            send_mail(current_app.config, ticket.email, "Re: your question", body)
        except MailError:
            log.exception("could not email the reply on ticket %s", ticket.id)
            break
        message.emailed_at = utcnow()
        session.commit()
        sent += 1
    return sent


def _teach(session: Session, faq: Faq, ticket: Ticket, user: User) -> None:
    """The visitor's wording becomes a learned phrasing of the FAQ, recorded in its history."""
    from . import kb

    before = kb.snapshot(faq, session)
    kb.bump_revision(session, faq, None)
    session.add(LearnedPhrasing(faq_id=faq.id, text=ticket.question, ticket_id=ticket.id, created_by=user.id))
    kb.record_revision(session, faq, "learned_added", before, user.id, "ticket")


def resolve(session: Session, ticket: Ticket, user: User, payload: dict[str, Any]) -> Ticket:
    """Close a ticket as "link" (teach a phrasing), "new_faq" (propose an FAQ) or "dismiss"."""
    if ticket.status == "closed":
        raise ApiError(409, "ticket_closed", "This ticket is already resolved.")
    action = payload.get("action")
    if action == "link":
        faq_id = payload.get("faq_id")
        faq_id = str(faq_id).strip() if isinstance(faq_id, (str, int)) else None
        faq = session.get(Faq, faq_id) if faq_id else None
        if faq is None:
            raise ApiError(400, "unknown_faq", f"No FAQ with id {payload.get('faq_id')!r}.")
        if faq.archived:
            raise ApiError(409, "faq_archived", f"FAQ {faq_id} is archived; link to a current FAQ.")
        _teach(session, faq, ticket, user)
        ticket.resolution_faq_id = faq_id
    elif action == "new_faq":
        question, answer = _text(payload, "question", 1000), _text(payload, "answer", MAX_REPLY)
        session.add(
            ProposedFaq(
                question=question,
                answer=answer,
                phrasing=ticket.question,
                ticket_id=ticket.id,
                created_by=user.id,
            )
        )
    elif action != "dismiss":
        raise ApiError(400, "invalid_action", "'action' must be 'link', 'new_faq' or 'dismiss'.")
    ticket.status, ticket.resolution, ticket.closed_at = "closed", action, utcnow()
    session.commit()
    return ticket


def _text(payload: dict[str, Any], name: str, limit: int) -> str:
    value = payload.get(name)
    if not isinstance(value, str) or not value.strip() or len(value) > limit:
        raise ApiError(
            400,
            f"invalid_{name}",
            f"'{name}' must be a non-empty string of at most {limit} characters.",
        )
    return value.strip()
