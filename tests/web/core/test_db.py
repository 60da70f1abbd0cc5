"""The PostgreSQL connection pool: a connection reused at once is not pinged, one left idle is,
and a dead idle connection is replaced before a request uses it."""

from __future__ import annotations

import os

import pytest
from sqlalchemy import create_engine, text

from faqbot.web.core import db

from ..support import POSTGRES_ENV, postgres_schema


@pytest.fixture
def pg_url():
    """The ping on checkout is for PostgreSQL only (SQLite has no server to lose)."""
    base = os.environ.get(POSTGRES_ENV)
    if not base:
        pytest.skip(f"{POSTGRES_ENV} is not set; set it to run the PostgreSQL pool tests")
    with postgres_schema(base) as url:
        yield url


@pytest.fixture
def pg_engine(pg_url):
    engine = db.create_db_engine(pg_url)
    yield engine
    engine.dispose()


@pytest.fixture
def pings(pg_engine, monkeypatch) -> list[str]:
    """What each ping the engine's pool sends finds: "alive" or "dead"."""
    seen: list[str] = []
    real = pg_engine.dialect.do_ping

    def counting(dbapi_connection):
        try:
            alive = real(dbapi_connection)
        except Exception:
            seen.append("dead")
            raise
        seen.append("alive" if alive else "dead")
        return alive

    monkeypatch.setattr(pg_engine.dialect, "do_ping", counting)
    return seen


def _backend_pid(engine) -> int:
    with engine.connect() as connection:
        return connection.scalar(text("SELECT pg_backend_pid()"))


def test_a_connection_reused_at_once_is_not_pinged(pg_engine, pings):
    first = _backend_pid(pg_engine)
    assert _backend_pid(pg_engine) == first
    assert pings == []


def test_an_idle_connection_is_pinged_and_a_dead_one_replaced(pg_engine, pings, monkeypatch, pg_url):
    first = _backend_pid(pg_engine)
    admin = create_engine(pg_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:  # as a server restart would
        assert connection.scalar(text("SELECT pg_terminate_backend(:pid)"), {"pid": first})
    admin.dispose()
    monkeypatch.setattr(db, "PING_AFTER_IDLE", 0.0)
    second = _backend_pid(pg_engine)  # no error: the ping found it dead and the pool reconnected
    assert second != first
    assert pings == ["dead", "alive"]  # the new connection is checked out through the same ping
