"""The contact form's ticket: a handoff that did not start in the chat.

The ticket and its ``queries`` row are written in one transaction, as a widget handoff is; the
engine's suggestions go on the ticket when a model is live (staff link it in one click), but a
message is accepted without one.  The confirmation mail goes out after the commit, and a failed
send is logged, never a lost message.
"""

from __future__ import annotations

import json
import logging
import secrets
import time
from dataclasses import dataclass
from typing import Any

from flask import current_app
from sqlalchemy.orm import Session

from faqbot.web.core.tables import Query, Ticket, utcnow
from faqbot.web.inbox import intake
from faqbot.web.inbox.mail import MailError, send_mail
from faqbot.web.kb.query import withhold_retired
from faqbot.web.models.store import live_model

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Message:
    name: str
    email: str
    text: str
    category: str | None


def _engine_view(session: Session, text: str) -> tuple[dict[str, Any] | None, str | None, float]:
    live = live_model().get()
    if live is None:
        return None, None, 0.0
    started = time.perf_counter()
    result = withhold_retired(session, live[1].ask(text))
    return result, live[0], (time.perf_counter() - started) * 1000


def open_ticket(session: Session, message: Message) -> Ticket:
    """Create the ticket (and its logged question) for a contact-form message."""
    result, version, latency_ms = _engine_view(session, message.text)
    suggestions = [
        {"faq_id": s["faq_id"], "question": s["question"], "confidence": float(s["confidence"])}
        for s in (result or {}).get("suggestions", [])
    ]
    topic = f"; topic: {message.category}" if message.category else ""
    note = {"role": "contact form", "text": f"From {message.name} <{message.email}>{topic}", "at": None}
    ticket = Ticket(
        token=secrets.token_urlsafe(24),
        question=message.text,
        reason="requested",
        conversation=[note],
        suggestions=suggestions,
        explanation=json.loads(json.dumps(result.get("explanation"), default=float)) if result else None,
        email=message.email,
        status="open",
        created_at=utcnow(),
    )
    note["at"] = ticket.created_at.isoformat()
    session.add(ticket)
    recipients = intake.ticket_opened(session, ticket)
    session.flush()
    session.add(
        Query(
            question=message.text,
            decision="handoff",
            faq_id=result.get("faq_id") if result else None,
            confidence=float(result["confidence"]) if result else 0.0,
            latency_ms=latency_ms,
            model_version=version,
            ticket_id=ticket.id,
        )
    )
    session.commit()
    intake.announce(ticket, recipients)
    return ticket


def confirm(ticket: Ticket, name: str, follow_url: str) -> bool:
    """Mail the visitor that their message arrived; False (and a log line) when it could not go."""
    body = (
        f"Hello {name},\n\nthank you for your message. It reached our support team as ticket "
        f"#{ticket.id}, and we will answer you by email.\n\nYou wrote:\n\n{ticket.question}\n\n"
        f"You can also follow your ticket here:\n{follow_url}\n"
    )
    try:
        send_mail(current_app.config, ticket.email, f"We received your message (ticket #{ticket.id})", body)
    except MailError:
        log.exception("could not send the contact-form confirmation for ticket %s", ticket.id)
        return False
    return True
