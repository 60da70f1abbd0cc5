"""Ticket operations shared by the staff inbox pages and the staff API.

Replying, resolving and notifying live here once, so the two front doors cannot disagree on
what "link to FAQ #n" or "dismiss" means.
"""

from __future__ import annotations

import logging
from typing import Any

from flask import current_app
from sqlalchemy.orm import Session

from faqbot.web.core.errors import ApiError
from faqbot.web.core.tables import (
    Faq,
    LearnedPhrasing,
    ProposedFaq,
    Ticket,
    TicketMessage,
    User,
    utcnow,
)
from faqbot.web.inbox.mail import MailError, send_mail
from faqbot.web.inbox.mailing import reply_mail
from faqbot.web.inbox.people import display_name
from faqbot.web.inbox.reads import mark_read

log = logging.getLogger(__name__)
MAX_REPLY = 10_000


def get_ticket(session: Session, ticket_id: int) -> Ticket:
    ticket = session.get(Ticket, ticket_id)
    if ticket is None:
        raise ApiError(404, "not_found", f"No ticket {ticket_id}.")
    return ticket


def reply(session: Session, ticket: Ticket, user: User, text: object) -> TicketMessage:
    """Save a staff reply (the conversation is now taken over), then email it if we can."""
    if not isinstance(text, str) or not text.strip():
        raise ApiError(400, "invalid_text", "'text' must be a non-empty string.")
    if len(text) > MAX_REPLY:
        raise ApiError(400, "invalid_text", f"'text' must be at most {MAX_REPLY} characters.")
    if ticket.status == "closed":
        raise ApiError(409, "ticket_closed", "This ticket is closed.")
    message = TicketMessage(
        ticket=ticket, author="staff", user_id=user.id, text=text.strip(), author_name=display_name(user)
    )
    session.add(message)
    ticket.status, ticket.answered_at = "answered", utcnow()
    mark_read(session, user, ticket)  # whoever answers has read it
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
        text, html = reply_mail(ticket, message)
        try:
            send_mail(current_app.config, ticket.email, "Re: your question", text, html)
        except MailError:
            log.exception("could not email the reply on ticket %s", ticket.id)
            break
        message.emailed_at = utcnow()
        session.commit()
        sent += 1
    return sent


def _teach(session: Session, faq: Faq, ticket: Ticket, user: User) -> None:
    """The visitor's wording becomes a learned phrasing of the FAQ, recorded in its history."""
    from faqbot.web.kb import service as kb

    before = kb.snapshot(faq, session)
    kb.bump_revision(session, faq, None)
    session.add(LearnedPhrasing(faq_id=faq.id, text=ticket.question, ticket_id=ticket.id, created_by=user.id))
    kb.record_revision(session, faq, "learned_added", before, user.id, "ticket")


def resolve(session: Session, ticket: Ticket, user: User, payload: dict[str, Any]) -> Ticket:
    """Close a ticket as "link" (teach a phrasing), "new_faq" (propose an FAQ) or "dismiss".

    "link" and "new_faq" also answer the visitor (the FAQ's answer, or the new FAQ's) unless staff
    already did: a visitor whose question was resolved is never left without a reply."""
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
        if not any(m.author == "staff" for m in ticket.messages):  # staff already answered otherwise
            _answer_visitor(session, ticket, user, faq.answer)
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
        if not any(m.author == "staff" and m.text == answer for m in ticket.messages):
            _answer_visitor(session, ticket, user, answer)
    elif action != "dismiss":
        raise ApiError(400, "invalid_action", "'action' must be 'link', 'new_faq' or 'dismiss'.")
    ticket.status, ticket.resolution, ticket.closed_at = "closed", action, utcnow()
    session.commit()
    notify_visitor(session, ticket)
    return ticket


def _answer_visitor(session: Session, ticket: Ticket, user: User, text: str) -> None:
    """Resolving a ticket with an answer sends that answer as the team's reply, so the visitor who
    waited hears back (in the widget, and by email after the commit when one was left)."""
    session.add(
        TicketMessage(
            ticket=ticket, author="staff", user_id=user.id, text=text, author_name=display_name(user)
        )
    )
    ticket.answered_at = ticket.answered_at or utcnow()


def _text(payload: dict[str, Any], name: str, limit: int) -> str:
    value = payload.get(name)
    if not isinstance(value, str) or not value.strip() or len(value) > limit:
        raise ApiError(
            400,
            f"invalid_{name}",
            f"'{name}' must be a non-empty string of at most {limit} characters.",
        )
    return value.strip()
