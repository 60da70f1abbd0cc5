"""Database engine, per-request sessions, and the start-up migration.

One engine per app (kept in ``app.extensions``), one session per request (``get_db()``, closed
at teardown), and short-lived sessions from :func:`session_scope` for background threads.
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import time
from collections.abc import Iterator
from pathlib import Path

from alembic import command
from alembic.config import Config as AlembicConfig
from flask import Flask, current_app, g
from sqlalchemy import Dialect, Engine, create_engine, event, text
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.orm import Session, sessionmaker

log = logging.getLogger(__name__)
_MIGRATIONS = Path(__file__).resolve().parent / "migrations"
_STARTUP_LOCK_KEY = 0x6661_7162  # "faqb": serialises start-up across PostgreSQL clients
PING_AFTER_IDLE = 2.0  # seconds a pooled PostgreSQL connection may sit unused before it is pinged


def create_db_engine(url: str) -> Engine:
    """An engine with the settings each backend needs for concurrent workers."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    engine = create_engine(url)
    event.listen(engine, "connect", _mark_idle)
    event.listen(engine, "checkin", _mark_idle)
    event.listen(engine, "checkout", _ping_if_idle(engine.dialect))
    return engine


def _mark_idle(_dbapi_connection, record) -> None:
    record.info["idle_since"] = time.monotonic()


def _ping_if_idle(dialect: Dialect):
    """SQLAlchemy's ``pool_pre_ping``, but only for a connection that sat unused for a while.

    A ping is a round trip to the server (one of the six a visitor's question made), and under
    load every request checks a connection out milliseconds after the last one checked it in.
    A connection idle longer than ``PING_AFTER_IDLE`` (the server may
    have restarted, or a firewall dropped it) is still checked, and replaced when it is dead.  One
    that dies under load fails its statement; SQLAlchemy then replaces every connection of the
    pool, and the request answers a 503 that asks to try again (``/ask`` has written nothing then).
    """

    def on_checkout(dbapi_connection, record, _proxy) -> None:
        if time.monotonic() - record.info.get("idle_since", 0.0) < PING_AFTER_IDLE:
            return
        try:
            alive = dialect.do_ping(dbapi_connection)
        except Exception as error:  # noqa: BLE001 - whatever the driver raises, it is dead
            raise DisconnectionError(f"database connection lost: {error}") from error
        if not alive:
            raise DisconnectionError("database connection lost")

    return on_checkout


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    """WAL lets readers work while a writer commits; foreign keys are off by default in SQLite.

    ``synchronous=NORMAL`` is SQLite's advice for WAL: a commit no longer waits for an fsync of
    the log, yet a committed transaction survives a crash of any process (``kill -9`` of a
    worker); only a power cut or an OS crash can lose the last commits.
    """
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def init_app(app: Flask) -> None:
    engine = create_db_engine(app.config["DATABASE_URL"])
    app.extensions["faqbot.engine"] = engine
    app.extensions["faqbot.sessionmaker"] = sessionmaker(engine, expire_on_commit=False)
    app.teardown_appcontext(_close_db)


def get_engine(app: Flask | None = None) -> Engine:
    return (app or current_app).extensions["faqbot.engine"]


def new_session(app: Flask | None = None) -> Session:
    return (app or current_app).extensions["faqbot.sessionmaker"]()


def get_db() -> Session:
    """The session of the current request (or app context), created on first use."""
    if "db" not in g:
        g.db = new_session()
    return g.db


def _close_db(_exc: BaseException | None = None) -> None:
    session = g.pop("db", None)
    if session is not None:
        session.close()


@contextlib.contextmanager
def session_scope(app: Flask | None = None) -> Iterator[Session]:
    """A session that commits on success and rolls back on error, for work outside requests."""
    session = new_session(app)
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


@contextlib.contextmanager
def startup_lock(app: Flask) -> Iterator[None]:
    """Let one process at a time migrate and seed: gunicorn workers start together.

    A file lock in the instance directory covers the processes of one machine; on PostgreSQL an
    advisory lock also covers several machines sharing the database.
    """
    lock_path = Path(app.instance_path) / ".startup.lock"
    with open(lock_path, "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            engine = get_engine(app)
            if engine.dialect.name == "postgresql":
                with engine.connect() as connection:
                    connection.execute(text("SELECT pg_advisory_lock(:k)"), {"k": _STARTUP_LOCK_KEY})
                    connection.commit()
                    try:
                        yield
                    finally:
                        connection.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": _STARTUP_LOCK_KEY})
                        connection.commit()
            else:
                yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def alembic_config() -> AlembicConfig:
    config = AlembicConfig()
    config.set_main_option("script_location", str(_MIGRATIONS))
    return config


def upgrade(engine: Engine) -> None:
    """Apply every pending migration (programmatically, so start-up needs no alembic.ini)."""
    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
