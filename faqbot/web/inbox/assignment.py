"""Who works on a ticket: assigning by hand, and optional round-robin auto-assignment.

Auto-assignment (setting ``INBOX_AUTO_ASSIGN``) gives each new ticket to the active staff member
who was auto-assigned one longest ago (never first); admins take part only when there is no
active staff account, so that a one-person instance still gets its tickets assigned.
"""

from __future__ import annotations

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import Session

from faqbot.web.core.errors import ApiError
from faqbot.web.core.tables import Ticket, TicketAssignment, User, utcnow
from faqbot.web.inbox.people import get_teammate


def assignee_of(ticket: Ticket) -> User | None:
    return ticket.assignment.user if ticket.assignment is not None else None


def assign(session: Session, ticket: Ticket, assignee_id: object, by: User | None) -> User | None:
    """Assign the ticket to the active inbox user ``assignee_id`` (None: unassign); the caller
    commits.  Closed tickets keep their last assignee, for the record."""
    if ticket.status == "closed":
        raise ApiError(409, "ticket_closed", f"Ticket {ticket.id} is closed.")
    if assignee_id is None:
        if ticket.assignment is not None:
            ticket.assignment = None
            ticket.updated_at = utcnow()
        return None
    user = get_teammate(session, assignee_id)
    if user is None:
        raise ApiError(400, "invalid_assignee", f"No active staff member with id {assignee_id!r}.")
    current = ticket.assignment
    if current is None or current.user_id != user.id:
        ticket.assignment = TicketAssignment(
            user_id=user.id, assigned_by=by.id if by else None, assigned_at=utcnow()
        )
        ticket.updated_at = utcnow()
    return user


def assign_on_arrival(session: Session, ticket: Ticket) -> User | None:
    """Give a new ticket to the next person in the round, when the setting is on."""
    if not current_app.config.get("INBOX_AUTO_ASSIGN"):
        return None
    user = _next_in_round(session, "staff") or _next_in_round(session, "admin")
    if user is None:
        return None
    ticket.assignment = TicketAssignment(user_id=user.id, assigned_by=None, assigned_at=utcnow())
    user.last_assigned_at = utcnow()
    return user


def _next_in_round(session: Session, role: str) -> User | None:
    waited_longest = User.last_assigned_at.is_(None).desc(), User.last_assigned_at, User.id
    query = select(User).where(User.active.is_(True), User.role == role).order_by(*waited_longest)
    # On PostgreSQL two tickets arriving at once go to two people (the first one's pick is
    # locked); SQLite has one writer at a time and ignores the clause.
    return session.scalars(query.limit(1).with_for_update(skip_locked=True)).first()
