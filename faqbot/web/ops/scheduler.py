"""Periodic tasks (retention, the debounced retrain) run by whichever process claims them first.

Every serving process runs a daemon thread that wakes every ``SCHEDULER_TICK`` seconds.  A due
task is claimed with one conditional ``UPDATE`` of its ``scheduled_runs`` row (not claimed, or the
claim expired, and last started longer ago than the task's interval); the database lets exactly
one process win, so gunicorn workers and several instances sharing PostgreSQL run each task once.
A claim expires after ``LEASE``, so a process that dies mid-task does not block it forever.
"""

from __future__ import annotations

import logging
import os
import secrets
import socket
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from flask import Flask
from sqlalchemy import or_, update
from sqlalchemy.exc import IntegrityError

from faqbot.web.core.db import new_session
from faqbot.web.core.tables import ScheduledRun, utcnow

log = logging.getLogger(__name__)
LEASE = timedelta(hours=1)


@dataclass(frozen=True)
class Task:
    """A periodic job: ``run(app, now)`` returns what to record, or None when it had nothing to do.

    ``now`` is the tick's clock (tests pass a later one instead of waiting)."""

    name: str
    interval: timedelta
    run: Callable[[Flask, datetime], dict[str, Any] | None]
    enabled: Callable[[Flask], bool] = lambda app: True


def _retention(app: Flask, now: datetime) -> dict[str, Any]:
    from faqbot.web.ops.retention import purge

    with new_session(app) as session:
        return purge(session, app.config["RETENTION_DAYS"]).as_json()


def _retrain(app: Flask, now: datetime) -> dict[str, Any]:
    """Start a retrain once teaching has been quiet for a while (see models.schedule); checked
    at every tick, since the debounce, not the tick, decides when."""
    from faqbot.web.models.schedule import scheduled_retrain

    return scheduled_retrain(app, now)


TASKS = (
    Task("retention", timedelta(days=1), _retention, lambda app: app.config["RETENTION_DAYS"] > 0),
    Task(
        "retrain",
        timedelta(seconds=1),
        _retrain,
        lambda app: int(app.config["RETRAIN_AUTO_MIN_NEW"] or 0) > 0,
    ),
)


def new_owner() -> str:
    """Who holds a claim: host, process and a random part (a forked worker gets its own)."""
    return f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(3)}"


def _ensure_row(app: Flask, name: str) -> None:
    """Create the task's row on first use; another process inserting it first is fine."""
    with new_session(app) as session:
        if session.get(ScheduledRun, name) is not None:
            return
        session.add(ScheduledRun(name=name))
        try:
            session.commit()
        except IntegrityError:
            session.rollback()  # lost the insert race: the row exists now, which is all we need


def claim(app: Flask, task: Task, owner: str, now: datetime | None = None) -> bool:
    """Try to claim ``task`` for ``owner``; True for exactly one of several concurrent callers."""
    now = now or utcnow()
    _ensure_row(app, task.name)
    row = ScheduledRun.__table__.c
    stmt = (
        update(ScheduledRun)
        .where(
            row.name == task.name,
            or_(row.claimed_until.is_(None), row.claimed_until < now),
            or_(row.last_started_at.is_(None), row.last_started_at <= now - task.interval),
        )
        .values(claimed_until=now + LEASE, owner=owner, last_started_at=now)
    )
    with new_session(app) as session:
        won = session.execute(stmt).rowcount == 1
        session.commit()
    return won


def _finish(app: Flask, task: Task, owner: str, result: dict[str, Any] | None) -> None:
    with new_session(app) as session:
        session.execute(
            update(ScheduledRun)
            .where(ScheduledRun.name == task.name, ScheduledRun.owner == owner)
            .values(claimed_until=None, last_finished_at=utcnow(), last_result=result)
        )
        session.commit()


def run_due(app: Flask, owner: str, now: datetime | None = None, tasks=TASKS) -> list[str]:
    """Run every enabled task that is due and that this owner claims; returns their names.

    A failing task is logged and its error recorded; it does not stop the others.
    """
    ran = []
    now = now or utcnow()
    for task in tasks:
        if not task.enabled(app) or not claim(app, task, owner, now):
            continue
        try:
            result = task.run(app, now)
        except Exception as error:
            log.exception("scheduled task %s failed", task.name)
            result = {"error": f"{type(error).__name__}: {error}"}
        _finish(app, task, owner, result)
        ran.append(task.name)
    return ran


class Scheduler:
    """This process's scheduler thread; restarted after a fork (the thread does not survive one)."""

    def __init__(self, app: Flask) -> None:
        self._app = app
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._pid: int | None = None

    def ensure_running(self) -> None:
        if self._pid == os.getpid() and self._thread is not None and self._thread.is_alive():
            return
        self._pid, self._stop = os.getpid(), threading.Event()
        self._thread = threading.Thread(target=self._loop, name="faqbot-scheduler", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        self._stop.set()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(timeout)

    def _loop(self) -> None:
        owner, stop = new_owner(), self._stop
        while not stop.wait(self._app.config["SCHEDULER_TICK"]):
            try:
                run_due(self._app, owner)
            except Exception:  # keep the thread alive: a bad tick must not end all periodic work
                if stop.is_set():
                    return
                log.exception("scheduler: tick failed; retrying at the next tick")


def init_app(app: Flask) -> None:
    """Start the scheduler thread in this process (and after a fork, on the first request)."""
    if not app.config.get("SCHEDULER_ENABLED", True):
        return
    scheduler = Scheduler(app)
    app.extensions["faqbot.scheduler"] = scheduler
    scheduler.ensure_running()
    app.before_request(scheduler.ensure_running)
