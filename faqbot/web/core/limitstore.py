"""``database://``: rate-limit counters in the service's own database, shared by every worker.

The default store.  A per-process ``memory://`` store lets each gunicorn worker count on its own
(two workers let twice the limit through, the login guard included), and Redis is one more
service to run; the database is already there and already shared.  The store implements the
`limits` library's fixed-window storage: one row per key with its count and the moment its
window ends, and every hit is one atomic upsert (``INSERT ... ON CONFLICT DO UPDATE ...
RETURNING``, which PostgreSQL and SQLite >= 3.35 both have), so concurrent workers never lose a
count.  A hit runs in a short transaction of its own, never inside the request's session.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from typing import Any

from limits.storage import Storage
from sqlalchemy import bindparam, case, delete, select, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

from faqbot.web.core.tables import RateLimit

SCHEME = "database"
SWEEP_SECONDS = 600.0  # how often a process deletes windows that ended
_MAX_KEY = 255


_NO_SYNC_COMMIT = text("SET LOCAL synchronous_commit TO OFF")


def _upsert(insert: Callable) -> Any:
    """The hit statement, built once (building it cost more than running it)."""
    table = RateLimit.__table__
    stmt = insert(table).values(
        key=bindparam("key"), hits=bindparam("hits"), expires_at=bindparam("expires_at")
    )
    ended = table.c.expires_at <= bindparam("now")
    return stmt.on_conflict_do_update(
        index_elements=[table.c.key],
        set_={
            "hits": case((ended, stmt.excluded.hits), else_=table.c.hits + stmt.excluded.hits),
            "expires_at": case((ended, stmt.excluded.expires_at), else_=table.c.expires_at),
        },
    ).returning(table.c.hits)


def is_database_uri(uri: str) -> bool:
    """Whether ``RATELIMIT_STORAGE_URI`` names this store."""
    return uri.startswith(f"{SCHEME}://")


class DatabaseStorage(Storage):
    """A `limits` storage on a SQLAlchemy engine, given as the ``engine`` storage option."""

    STORAGE_SCHEME = [SCHEME]

    def __init__(self, uri: str | None = None, wrap_exceptions: bool = False, **options: Any) -> None:
        engine = options.get("engine")
        if not isinstance(engine, Engine):
            raise ValueError("the database:// rate-limit store needs the service's engine")
        super().__init__(uri, wrap_exceptions=wrap_exceptions)
        self.engine: Engine = engine
        self._postgres = engine.dialect.name == "postgresql"
        self._upsert = _upsert(postgresql.insert if self._postgres else sqlite.insert)
        self._next_sweep = 0.0

    @property
    def base_exceptions(self) -> type[Exception]:
        return SQLAlchemyError

    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        """Count ``amount`` hits on ``key``; a window that has ended starts again at ``amount``."""
        now = time.time()
        values = {"key": _stored(key), "hits": amount, "expires_at": now + expiry, "now": now}
        with self.engine.begin() as connection:
            if self._postgres:
                # A counter, not a promise: a crash may forget the last hits of a window, so the
                # commit need not wait for the disk (every public request makes one or two).
                connection.execute(_NO_SYNC_COMMIT)
            hits = connection.execute(self._upsert, values).scalar_one()
            if now >= self._next_sweep:
                self._next_sweep = now + SWEEP_SECONDS
                connection.execute(delete(RateLimit.__table__).where(RateLimit.__table__.c.expires_at <= now))
        return int(hits)

    def get(self, key: str) -> int:
        row = self._row(key)
        return int(row.hits) if row is not None and row.expires_at > time.time() else 0

    def get_expiry(self, key: str) -> float:
        row = self._row(key)
        return float(row.expires_at) if row is not None and row.expires_at > time.time() else time.time()

    def check(self) -> bool:
        with self.engine.connect() as connection:
            connection.execute(select(RateLimit.__table__.c.key).limit(1)).all()
        return True

    def reset(self) -> int | None:
        with self.engine.begin() as connection:
            return connection.execute(delete(RateLimit.__table__)).rowcount

    def clear(self, key: str) -> None:
        table = RateLimit.__table__
        with self.engine.begin() as connection:
            connection.execute(delete(table).where(table.c.key == _stored(key)))

    def _row(self, key: str) -> Any:
        table = RateLimit.__table__
        with self.engine.connect() as connection:
            return connection.execute(
                select(table.c.hits, table.c.expires_at).where(table.c.key == _stored(key))
            ).first()


def _stored(key: str) -> str:
    """Keys name the address and the limit; a rare very long one (IPv6 plus a long endpoint
    name) is stored by its digest so it fits the column."""
    if len(key) <= _MAX_KEY:
        return key
    return "sha256:" + hashlib.sha256(key.encode()).hexdigest()
