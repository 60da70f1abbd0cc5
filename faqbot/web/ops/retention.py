"""Deleting old visitor data: logged questions and closed tickets past ``RETENTION_DAYS``.

Feedback goes with its question and messages with their ticket (``ON DELETE CASCADE``); learned
phrasings and proposed FAQs keep their text and lose only the link (``SET NULL``).  Open tickets,
and tickets answered but not yet closed, are never deleted, however old.  Rows go in batches,
each its own transaction, so a large table is never locked by one huge delete.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from faqbot.web.core.tables import Feedback, Query, Ticket, TicketMessage, utcnow

BATCH_SIZE = 1000


@dataclass
class PurgeResult:
    """What a purge deleted (or, in a dry run, would delete)."""

    days: int
    cutoff: str
    dry_run: bool
    queries: int = 0
    feedback: int = 0
    tickets: int = 0
    messages: int = 0

    def as_json(self) -> dict[str, Any]:
        return asdict(self)

    def summary(self) -> str:
        verb = "Would delete" if self.dry_run else "Deleted"
        return (
            f"{verb} {self.queries} questions ({self.feedback} feedback votes) and {self.tickets} closed "
            f"tickets ({self.messages} messages) older than {self.days} days (before {self.cutoff})."
        )


def _old_queries(cutoff: datetime):
    return select(Query.id).where(Query.created_at < cutoff)


def _old_closed_tickets(cutoff: datetime):
    """Closed tickets whose last activity (closing, or any later change) is before the cutoff."""
    last_activity = func.coalesce(Ticket.closed_at, Ticket.updated_at, Ticket.created_at)
    return select(Ticket.id).where(
        Ticket.status == "closed", Ticket.created_at < cutoff, last_activity < cutoff
    )


def purge(session: Session, days: int, dry_run: bool = False, batch_size: int = BATCH_SIZE) -> PurgeResult:
    """Delete questions and closed tickets older than ``days`` days; commits batch by batch."""
    if days < 1:
        raise ValueError("days must be at least 1 (0 means keep forever: do not purge)")
    cutoff = utcnow() - timedelta(days=days)
    result = PurgeResult(days=days, cutoff=cutoff.isoformat(timespec="seconds"), dry_run=dry_run)
    if dry_run:
        _count(session, cutoff, result)
        return result
    while ids := session.scalars(_old_queries(cutoff).order_by(Query.id).limit(batch_size)).all():
        result.feedback += _count_in(session, Feedback.id, Feedback.query_id, ids)
        result.queries += session.execute(delete(Query).where(Query.id.in_(ids))).rowcount
        session.commit()
    while ids := session.scalars(_old_closed_tickets(cutoff).order_by(Ticket.id).limit(batch_size)).all():
        result.messages += _count_in(session, TicketMessage.id, TicketMessage.ticket_id, ids)
        result.tickets += session.execute(delete(Ticket).where(Ticket.id.in_(ids))).rowcount
        session.commit()
    return result


def _count_in(session: Session, counted, key, ids) -> int:
    return int(session.scalar(select(func.count(counted)).where(key.in_(ids))) or 0)


def _count(session: Session, cutoff: datetime, result: PurgeResult) -> None:
    queries = _old_queries(cutoff).subquery()
    tickets = _old_closed_tickets(cutoff).subquery()
    result.queries = int(session.scalar(select(func.count()).select_from(queries)) or 0)
    result.feedback = _count_in(session, Feedback.id, Feedback.query_id, select(queries.c.id))
    result.tickets = int(session.scalar(select(func.count()).select_from(tickets)) or 0)
    result.messages = _count_in(session, TicketMessage.id, TicketMessage.ticket_id, select(tickets.c.id))
