"""One action on many tickets: dismiss, assign, tag, untag, mark read or unread.

Each ticket is done on its own: a closed ticket is skipped with a reason rather than failing
the rest, and the answer says which were done and which were not.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from faqbot.web.core.errors import ApiError
from faqbot.web.core.payload import is_row_id
from faqbot.web.core.tables import Ticket, User
from faqbot.web.inbox import tickets as ticket_ops
from faqbot.web.inbox.assignment import assign
from faqbot.web.inbox.people import get_teammate
from faqbot.web.inbox.reads import mark_read, mark_unread
from faqbot.web.inbox.tagging import add_tags, parse_tags, remove_tags

ACTIONS = ("dismiss", "assign", "add_tags", "remove_tags", "mark_read", "mark_unread")
MAX_TICKETS = 500


@dataclass
class Outcome:
    done: list[int] = field(default_factory=list)
    skipped: list[dict[str, Any]] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {"updated": self.done, "skipped": self.skipped}


def ticket_ids(value: object) -> list[int]:
    if not isinstance(value, list) or not value or not all(is_row_id(v) for v in value):
        raise ApiError(400, "invalid_ticket_ids", "'ticket_ids' must be a non-empty list of ticket ids.")
    if len(value) > MAX_TICKETS:
        raise ApiError(400, "invalid_ticket_ids", f"At most {MAX_TICKETS} tickets at once.")
    return list(dict.fromkeys(value))


def run(session: Session, user: User, body: dict[str, Any]) -> Outcome:
    """Apply ``body["action"]`` to ``body["ticket_ids"]`` (checked first, so bad input changes nothing)."""
    action = body.get("action")
    if action not in ACTIONS:
        raise ApiError(400, "invalid_action", f"'action' must be one of {', '.join(ACTIONS)}.")
    ids = ticket_ids(body.get("ticket_ids"))
    # Checked whatever the action, so that malformed input is refused rather than ignored.
    tags = parse_tags(body["tags"]) if body.get("tags") is not None else []
    if action in ("add_tags", "remove_tags") and not tags:
        raise ApiError(400, "invalid_tags", "'tags' must name at least one tag.")
    assignee = body.get("assignee_id")
    if assignee is not None and type(assignee) is not int:
        raise ApiError(400, "invalid_assignee", "'assignee_id' must be a user id or null.")
    assignee = assignee if action == "assign" else None
    if assignee is not None and get_teammate(session, assignee) is None:
        raise ApiError(400, "invalid_assignee", f"No active staff member with id {assignee!r}.")
    found = {t.id: t for t in session.scalars(select(Ticket).where(Ticket.id.in_(ids)))}
    outcome = Outcome()
    for ticket_id in ids:
        ticket = found.get(ticket_id)
        if ticket is None:
            outcome.skipped.append({"id": ticket_id, "reason": "not_found"})
            continue
        try:
            _one(session, user, ticket, action, tags, assignee)
        except ApiError as error:
            session.rollback()
            outcome.skipped.append({"id": ticket_id, "reason": error.code, "message": error.message})
            continue
        session.commit()
        outcome.done.append(ticket_id)
    return outcome


def _one(session: Session, user: User, ticket: Ticket, action: str, tags: list[str], assignee) -> None:
    if action == "dismiss":
        ticket_ops.resolve(session, ticket, user, {"action": "dismiss"})
    elif action == "assign":
        assign(session, ticket, assignee, user)
    elif action == "add_tags":
        add_tags(ticket, tags)
    elif action == "remove_tags":
        remove_tags(ticket, tags)
    elif action == "mark_read":
        mark_read(session, user, ticket)
    else:
        mark_unread(session, user, ticket)
