"""JSON shapes of tickets for the staff API.  New fields are only ever added, so integrations
written against the first version keep working."""

from __future__ import annotations

from typing import Any

from faqbot.web.core.tables import Ticket, TicketMessage, User, iso
from faqbot.web.inbox.assignment import assignee_of
from faqbot.web.inbox.people import display_name
from faqbot.web.inbox.tagging import tags_of
from faqbot.web.inbox.thread import build_thread


def person(user: User | None) -> dict[str, Any] | None:
    if user is None:
        return None
    return {"id": user.id, "name": display_name(user), "email": user.email, "role": user.role}


def ticket_summary(ticket: Ticket, unread: bool | None = None) -> dict[str, Any]:
    summary = {
        "id": ticket.id,
        "status": ticket.status,
        "question": ticket.question,
        "reason": ticket.reason,
        "email": ticket.email,
        "created_at": iso(ticket.created_at),
        "answered_at": iso(ticket.answered_at),
        "closed_at": iso(ticket.closed_at),
        "resolution": ticket.resolution,
        "resolution_faq_id": ticket.resolution_faq_id,
        "updated_at": iso(ticket.updated_at),
        "last_visitor_at": iso(ticket.last_visitor_at),
        "assignee": person(assignee_of(ticket)),
        "tags": tags_of(ticket),
    }
    if unread is not None:
        summary["unread"] = unread
    return summary


def message_json(message: TicketMessage) -> dict[str, Any]:
    return {
        "id": message.id,
        "author": message.author,
        "user_id": message.user_id,
        "author_name": message.author_name,
        "text": message.text,
        "created_at": iso(message.created_at),
        "emailed_at": iso(message.emailed_at),
    }


def ticket_detail(ticket: Ticket, unread: bool | None = None, since: int = 0) -> dict[str, Any]:
    """The whole ticket; ``since`` (a message id) keeps only the messages after it."""
    detail = {
        **ticket_summary(ticket, unread),
        "session_id": ticket.session_id,
        "conversation": ticket.conversation,
        "suggestions": ticket.suggestions,
        "explanation": ticket.explanation,
        "messages": [message_json(m) for m in ticket.messages if m.id > since],
        "last_message_id": ticket.messages[-1].id if ticket.messages else 0,
    }
    if not since:
        detail["thread"] = [turn.as_json() for turn in build_thread(ticket)]
    return detail
