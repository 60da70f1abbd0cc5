"""Read marks: a ticket is unread for a person until they open it after the visitor last wrote.

Only the visitor's turns make a ticket unread (a teammate's reply does not), and a closed ticket
is never unread: the count in the title is what waits for someone.
"""

from __future__ import annotations

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session
from sqlalchemy.sql import ColumnElement

from faqbot.web.core.tables import Ticket, TicketRead, User, utcnow


def read_at(user_id: int):
    """When ``user_id`` last read the ticket of the enclosing query (a correlated subquery)."""
    return (
        select(TicketRead.read_at)
        .where(TicketRead.user_id == user_id, TicketRead.ticket_id == Ticket.id)
        .scalar_subquery()
    )


def unread_clause(user_id: int) -> ColumnElement[bool]:
    """SQL: the ticket is open or answered and has visitor activity ``user_id`` has not read."""
    seen = read_at(user_id)
    return and_(Ticket.status != "closed", or_(seen.is_(None), seen < Ticket.last_visitor_at))


def unread_ids(session: Session, user: User, ticket_ids: list[int]) -> set[int]:
    """Which of these tickets are unread for ``user``."""
    if not ticket_ids:
        return set()
    query = select(Ticket.id).where(Ticket.id.in_(ticket_ids), unread_clause(user.id))
    return set(session.scalars(query))


def mark_read(session: Session, user: User, ticket: Ticket) -> None:
    """Record that ``user`` has seen the ticket as it is now (the caller commits)."""
    row = session.get(TicketRead, (user.id, ticket.id))
    if row is None:
        session.add(TicketRead(user_id=user.id, ticket_id=ticket.id, read_at=utcnow()))
    else:
        row.read_at = utcnow()


def mark_unread(session: Session, user: User, ticket: Ticket) -> None:
    """Forget ``user``'s read mark, so the ticket counts as unread again (the caller commits)."""
    row = session.get(TicketRead, (user.id, ticket.id))
    if row is not None:
        session.delete(row)
