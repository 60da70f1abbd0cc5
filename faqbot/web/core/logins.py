"""Per-account login back-off, kept in the database so every worker and instance agrees.

After :data:`FREE_FAILURES` wrong passwords for one email address (known or not, so the
back-off reveals nothing about which accounts exist), further tries for that address are
refused without checking the password, for a delay that doubles with each further failure up
to :data:`MAX_DELAY`.  A successful login clears the record.  The per-address rate limit on the
login page still applies on top of this.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta, timezone

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError

from faqbot.web.core.db import get_db
from faqbot.web.core.tables import LoginThrottle, utcnow

FREE_FAILURES = 5
BASE_DELAY = 30.0  # seconds, after the fifth failure
MAX_DELAY = 3600.0


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)  # SQLite drops the zone


def delay_after(failures: int) -> float:
    """Seconds an address is locked after this many consecutive failures (0 below the free ones)."""
    if failures < FREE_FAILURES:
        return 0.0
    return min(MAX_DELAY, BASE_DELAY * 2 ** (failures - FREE_FAILURES))


def locked_for(email: str) -> int:
    """Whole seconds until ``email`` may try again; 0 when it may now."""
    row = get_db().get(LoginThrottle, email)
    if row is None or row.locked_until is None:
        return 0
    remaining = (_aware(row.locked_until) - utcnow()).total_seconds()
    return max(0, math.ceil(remaining))


def record_failure(email: str) -> None:
    """Count one more failure for ``email`` (atomically, so concurrent workers add up)."""
    db = get_db()
    for _attempt in range(3):
        now = utcnow()
        result = db.execute(
            update(LoginThrottle)
            .where(LoginThrottle.email == email)
            .values(failures=LoginThrottle.failures + 1, updated_at=now)
        )
        if result.rowcount:
            row = db.get(LoginThrottle, email, populate_existing=True)
            delay = delay_after(row.failures)
            row.locked_until = now + timedelta(seconds=delay) if delay else None
            db.commit()
            return
        try:
            db.add(LoginThrottle(email=email, failures=1, updated_at=now))
            db.commit()
            return
        except IntegrityError:  # another worker inserted it first: count on its row
            db.rollback()


def record_success(email: str) -> None:
    db = get_db()
    row = db.get(LoginThrottle, email)
    if row is not None:
        db.delete(row)
        db.commit()
