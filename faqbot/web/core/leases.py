"""Named leases in the database: work that must never run twice at once (a retrain), whichever
worker or instance starts it.

A lease is one row of ``leases``.  :func:`acquire` takes it with a single conditional ``UPDATE``
(free, or expired) inside the caller's transaction, so the lease and whatever the caller records
with it (a job row) commit together or not at all.  PostgreSQL's row lock and SQLite's single
writer make exactly one of several concurrent takers see its ``UPDATE`` match.  The holder renews
the lease while it works (:func:`renew`) and releases it at the end (:func:`release`); a holder
that dies stops renewing, and the lease expires instead of blocking the work forever.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import or_, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from faqbot.web.core.tables import Lease, as_utc, utcnow


@dataclass(frozen=True)
class Holder:
    """Who holds a lease, and until when (the lease is free again after ``expires_at``)."""

    owner: str
    expires_at: datetime

    def expired(self, now: datetime | None = None) -> bool:
        return self.expires_at <= (now or utcnow())


def _ensure_row(session: Session, name: str) -> None:
    """Create the lease's row on first use, in a transaction of its own; another process
    inserting it first is fine."""
    with Session(session.get_bind()) as own:
        if own.get(Lease, name) is not None:
            return
        own.add(Lease(name=name))
        try:
            own.commit()
        except IntegrityError:
            own.rollback()


def acquire(session: Session, name: str, owner: str, ttl: timedelta, now: datetime | None = None) -> bool:
    """Take the lease for ``owner`` unless someone else holds an unexpired one.

    Not committed: the caller commits it together with what it records under the lease (and a
    rollback gives it back).  True for exactly one of several concurrent callers.
    """
    _ensure_row(session, name)
    now = now or utcnow()
    row = Lease.__table__.c
    stmt = (
        update(Lease)
        .where(row.name == name, or_(row.expires_at.is_(None), row.expires_at <= now, row.owner == owner))
        .values(owner=owner, acquired_at=now, expires_at=now + ttl)
        .execution_options(synchronize_session=False)
    )
    return session.execute(stmt).rowcount == 1


def transfer(session: Session, name: str, owner: str, new_owner: str) -> bool:
    """Hand a held lease to another name (a job id known only after the insert); not committed."""
    stmt = (
        update(Lease)
        .where(Lease.name == name, Lease.owner == owner)
        .values(owner=new_owner)
        .execution_options(synchronize_session=False)
    )
    return session.execute(stmt).rowcount == 1


def renew(session: Session, name: str, owner: str, ttl: timedelta, now: datetime | None = None) -> bool:
    """Push the expiry of ``owner``'s lease out by ``ttl`` and commit; False if it was lost."""
    now = now or utcnow()
    stmt = (
        update(Lease)
        .where(Lease.name == name, Lease.owner == owner)
        .values(expires_at=now + ttl)
        .execution_options(synchronize_session=False)
    )
    held = session.execute(stmt).rowcount == 1
    session.commit()
    return held


def release(session: Session, name: str, owner: str) -> bool:
    """Give the lease back (only if ``owner`` still holds it) and commit."""
    stmt = (
        update(Lease)
        .where(Lease.name == name, Lease.owner == owner)
        .values(owner=None, expires_at=None)
        .execution_options(synchronize_session=False)
    )
    released = session.execute(stmt).rowcount == 1
    session.commit()
    return released


def holder(session: Session, name: str) -> Holder | None:
    """The current holder (possibly expired), or None when the lease is free."""
    row = session.get(Lease, name, populate_existing=True)
    if row is None or row.owner is None or row.expires_at is None:
        return None
    return Holder(row.owner, as_utc(row.expires_at))
