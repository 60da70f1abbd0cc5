"""When the scheduler retrains: soon after staff teach the bot, once things have been quiet.

Everything the model learns from (a learned phrasing, a new, edited, archived or deleted FAQ, an
import) is recorded as an FAQ revision, so the changes since the newest model version are the
revisions made after its corpus was read.  A retrain is *due* once there were at least
``RETRAIN_AUTO_MIN_NEW`` of them and either nothing changed for ``RETRAIN_DEBOUNCE_SECONDS`` (a
burst of teaching becomes one retrain) or the first of them waited ``RETRAIN_MAX_WAIT_SECONDS`` (a
busy day still retrains).  Whether the corpus really differs is decided by its fingerprint, which
each retrain records: a change committed while a retrain was reading the corpus is not missed,
and one it already contains does not start a second retrain.

The newest version counts, live or held back by the gate, so a candidate waiting for an admin is
not retrained again and again on the same material.  Starting goes through the retrain lease
(:func:`faqbot.web.models.training.queue_retrain`), so two workers never retrain at once.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from faqbot.web.core.db import session_scope
from faqbot.web.core.errors import ApiError
from faqbot.web.core.tables import FaqRevision, Job, ModelVersion, as_utc, iso, utcnow
from faqbot.web.models.fitting import corpus_fingerprint, corpus_records
from faqbot.web.models.training import active_retrain, reap_stale_jobs, start_retrain

RETRY_FAILED_AFTER = timedelta(hours=1)  # a failing scheduled retrain is not retried every tick
#: Revisions this long before a retrain read its corpus are checked against its fingerprint: one
#: written just before the read may have been committed just after it.
READ_MARGIN = timedelta(seconds=30)
_fingerprints: dict[tuple, str] = {}  # (max revision id, count) -> fingerprint, per process
_fingerprints_lock = threading.Lock()


@dataclass
class Outlook:
    """What the scheduler sees: ``state`` is one of ``disabled``, ``up_to_date``, ``collecting``
    (fewer changes than asked for), ``waiting`` (for quiet), ``due``, ``running``, ``failed``."""

    state: str
    changes: int = 0
    first_change: datetime | None = None
    last_change: datetime | None = None
    due_at: datetime | None = None
    since_version: str | None = None
    job_id: int | None = None
    reason: str = ""

    def as_json(self) -> dict[str, Any]:
        return {
            "state": self.state,
            "changes": self.changes,
            "first_change": iso(self.first_change),
            "last_change": iso(self.last_change),
            "due_at": iso(self.due_at),
            "since_version": self.since_version,
            "job_id": self.job_id,
            "reason": self.reason,
        }


@dataclass(frozen=True)
class _Basis:
    """What the newest version was trained on: its corpus's fingerprint and when it was read."""

    version: str | None
    read_at: datetime | None
    fingerprint: str | None


def _settings(app: Flask) -> tuple[int, timedelta, timedelta]:
    config = app.config
    return (
        int(config.get("RETRAIN_AUTO_MIN_NEW") or 0),
        timedelta(seconds=float(config.get("RETRAIN_DEBOUNCE_SECONDS", 120.0))),
        timedelta(seconds=float(config.get("RETRAIN_MAX_WAIT_SECONDS", 900.0))),
    )


def _basis(session: Session) -> _Basis:
    newest = session.scalar(select(ModelVersion).order_by(ModelVersion.created_at.desc()).limit(1))
    if newest is None:
        return _Basis(None, None, None)
    corpus = (newest.report or {}).get("corpus") or {}
    if corpus.get("read_at") and corpus.get("fingerprint"):
        return _Basis(
            newest.version, as_utc(datetime.fromisoformat(corpus["read_at"])), corpus["fingerprint"]
        )
    # The first version (or one adopted from disk) records no fingerprint: it was trained from a
    # corpus read before it was registered.
    return _Basis(newest.version, as_utc(newest.created_at), None)


def _revisions(session: Session, after: datetime | None) -> tuple[int, datetime | None, datetime | None, int]:
    """Count, first and last time, and highest id of the FAQ revisions made after ``after``."""
    stmt = select(
        func.count(FaqRevision.id),
        func.min(FaqRevision.created_at),
        func.max(FaqRevision.created_at),
        func.max(FaqRevision.id),
    )
    if after is not None:
        stmt = stmt.where(FaqRevision.created_at > after)
    count, first, last, top = session.execute(stmt).one()
    return int(count or 0), first and as_utc(first), last and as_utc(last), int(top or 0)


def _current_fingerprint(session: Session, key: tuple) -> str:
    """The corpus's fingerprint now; recomputed only when the revisions moved on."""
    with _fingerprints_lock:
        known = _fingerprints.get(key)
    if known is None:
        known = corpus_fingerprint(corpus_records(session))
        with _fingerprints_lock:
            _fingerprints.clear()  # only the latest matters
            _fingerprints[key] = known
    return known


def outlook(app: Flask, session: Session, now: datetime | None = None) -> Outlook:
    """Whether a scheduled retrain is due, and if not, why not and when it will be."""
    now = now or utcnow()
    min_new, debounce, max_wait = _settings(app)
    if min_new <= 0:
        return Outlook("disabled", reason="scheduled retraining is off (RETRAIN_AUTO_MIN_NEW is 0)")
    running = active_retrain(session)
    if running is not None:
        return Outlook("running", job_id=running.id, reason=f"retrain job {running.id} is {running.status}")
    basis = _basis(session)
    checked_from = basis.read_at - READ_MARGIN if basis.read_at and basis.fingerprint else basis.read_at
    near, _, _, top = _revisions(session, checked_from)
    if near == 0:
        return Outlook(
            "up_to_date", since_version=basis.version, reason="nothing changed since the newest version"
        )
    if basis.fingerprint and _current_fingerprint(session, (basis.version, top, near)) == basis.fingerprint:
        return Outlook(
            "up_to_date", since_version=basis.version, reason="the newest version has every change"
        )
    changes, first, last, _ = _revisions(session, basis.read_at)
    if changes == 0:  # changed, but only by a revision written just before the last corpus read
        changes, first, last = 1, basis.read_at, basis.read_at
    look = Outlook("waiting", changes, first, last, since_version=basis.version)
    if changes < min_new:
        look.state, look.reason = "collecting", f"{changes} of {min_new} changes needed for a retrain"
        return look
    if _failed_recently(session, basis.read_at, now):
        look.state, look.reason = "failed", "the last retrain failed less than an hour ago"
        return look
    look.due_at = min(last + debounce, first + max_wait)
    if now >= look.due_at:
        look.state, look.reason = "due", f"{changes} change(s), quiet since {iso(last)}"
    else:
        look.reason = f"{changes} change(s); retrains at {iso(look.due_at)} unless more arrive"
    return look


def _failed_recently(session: Session, since: datetime | None, now: datetime) -> bool:
    last = session.scalar(select(Job).where(Job.kind == "retrain").order_by(Job.id.desc()).limit(1))
    if last is None or last.status != "failed" or last.finished_at is None:
        return False
    finished = as_utc(last.finished_at)
    return (since is None or finished > since) and now - finished < RETRY_FAILED_AFTER


def schedule_status(app: Flask, session: Session) -> dict[str, Any]:
    """The outlook with the settings behind it, for the models page and the admin API."""
    min_new, debounce, max_wait = _settings(app)
    settings = {
        "min_changes": min_new,
        "debounce_seconds": debounce.total_seconds(),
        "max_wait_seconds": max_wait.total_seconds(),
        "tick_seconds": float(app.config.get("SCHEDULER_TICK", 15.0)),
    }
    enabled = bool(app.config.get("SCHEDULER_ENABLED", True))
    return {**outlook(app, session).as_json(), "settings": settings, "scheduler_enabled": enabled}


def scheduled_retrain(app: Flask, now: datetime | None = None) -> dict[str, Any]:
    """The scheduler's tick: start a retrain when one is due; says what it saw and did."""
    with session_scope(app) as session:
        reap_stale_jobs(session)
        look = outlook(app, session, now)
        if look.state != "due":
            return {"action": "none", **look.as_json()}
        stage = f"scheduled: {look.changes} change(s) since {look.since_version or 'the start'}"
        try:
            job = start_retrain(app, session, None, trigger="scheduled", stage=stage)
        except ApiError as error:  # another process started one a moment ago
            return {"action": "skipped", "reason": error.message}
        return {**look.as_json(), "action": "started", "job_id": job.id}
