"""Training from the database, and retraining as a background job any process can report on.

The corpus is rebuilt from the database (FAQs with their phrasings, plus what staff taught the
bot through resolved tickets) and trained outside any transaction.  The first model of an
instance is made live at once (:func:`train_new_version`); every later one goes through the
gate in :mod:`faqbot.web.models.retraining`.  A job's parameters and progress live in its ``jobs`` row,
so any worker can show it, and any failure leaves the live model exactly as it was.
"""

from __future__ import annotations

import logging
import os
import secrets
import socket
import threading
from datetime import datetime, timedelta
from typing import Any

from flask import Flask
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from faqbot.web.core import leases
from faqbot.web.core.db import session_scope
from faqbot.web.core.errors import ApiError
from faqbot.web.core.tables import Job, utcnow
from faqbot.web.models.fitting import corpus_snapshot, fit_records
from faqbot.web.models.retraining import retrain
from faqbot.web.models.store import new_version_name, register, set_live, version_path

log = logging.getLogger(__name__)
RETRAIN_LEASE = "retrain"  # held by the running retrain job: never two at once, anywhere
LEASE_TTL = timedelta(minutes=5)  # a holder that stops renewing loses the lease after this
LEASE_RENEW = timedelta(seconds=30)


def train_new_version(app: Flask, source: str) -> str:
    """Fit on the database corpus, save, register and make it live: the first model of an
    instance, which has nothing to be compared with."""
    import faqbot

    with session_scope(app) as session:
        records, contents = corpus_snapshot(session)
    model = fit_records(app, records)
    version = new_version_name()
    faqbot.save_model(model, version_path(app.config["MODELS_DIR"], version))
    with session_scope(app) as session:
        register(session, version, dict(model.manifest or {}), source, contents)
        session.flush()
        set_live(session, version)
    log.info("trained model version %s on %d FAQs (%s)", version, len(records), source)
    return version


def _owner() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def _lease_owner(job_id: int) -> str:
    return f"job:{job_id}"


def active_retrain(session: Session) -> Job | None:
    return session.scalar(
        select(Job).where(Job.kind == "retrain", Job.status.in_(("queued", "running"))).order_by(Job.id)
    )


def reap_stale_jobs(session: Session, now: datetime | None = None) -> int:
    """Fail retrain jobs whose lease lapsed: their process stopped renewing it (it died, or its
    machine did), so they can never finish, and they must not block the next retrain.

    The jobs are read before the lease (a job committed meanwhile is not seen, rather than seen
    without its lease), and each is failed only if it is still active when written.
    """
    active = list(
        session.scalars(select(Job.id).where(Job.kind == "retrain", Job.status.in_(("queued", "running"))))
    )
    if not active:
        return 0
    held = leases.holder(session, RETRAIN_LEASE)
    now = now or utcnow()
    reaped = 0
    for job_id in active:
        if held is not None and held.owner == _lease_owner(job_id) and not held.expired(now):
            continue
        reaped += session.execute(
            update(Job)
            .where(Job.id == job_id, Job.status.in_(("queued", "running")))
            .values(
                status="failed",
                finished_at=utcnow(),
                error="interrupted: the process running it stopped (its lease lapsed)",
            )
            .execution_options(synchronize_session=False)
        ).rowcount
        log.warning("retrain job %s was abandoned by its process; marked failed", job_id)
    session.commit()
    return reaped


def queue_retrain(
    session: Session,
    user_id: int | None,
    *,
    force: bool = False,
    trigger: str = "api",
    stage: str = "queued",
) -> Job:
    """Record a retrain job under the retrain lease (committed); one at a time across every
    worker and instance, so a second one is a 409.

    ``force`` makes the candidate live even when the gate would hold it back.
    """
    reap_stale_jobs(session)
    starting = f"starting:{_owner()}:{secrets.token_hex(4)}"
    if not leases.acquire(session, RETRAIN_LEASE, starting, LEASE_TTL):
        session.rollback()
        busy = active_retrain(session)
        message = f"Retrain job {busy.id} is still {busy.status}." if busy else "Another retrain is starting."
        raise ApiError(409, "retrain_in_progress", message)
    job = Job(
        kind="retrain",
        status="queued",
        requested_by=user_id,
        owner=_owner(),
        stage=stage,
        progress=0.0,
        details={"trigger": trigger, "force": bool(force)},
    )
    session.add(job)
    session.flush()
    leases.transfer(session, RETRAIN_LEASE, starting, _lease_owner(job.id))
    session.commit()
    return job


def start_retrain(app: Flask, session: Session, user_id: int | None, **options: Any) -> Job:
    """Queue a retrain job and run it in a background thread of this process."""
    job = queue_retrain(session, user_id, **options)
    thread = threading.Thread(target=run_retrain, args=(app, job.id), name=f"retrain-{job.id}", daemon=True)
    thread.start()
    return job


def run_retrain(app: Flask, job_id: int) -> None:
    """Run a queued job to its end; whatever happens, the job row says how it ended, and the
    retrain lease is renewed while it runs and given back when it ends."""
    with session_scope(app) as session:
        job = session.get(Job, job_id)
        job.status, job.started_at, job.owner = "running", utcnow(), _owner()
        options, user_id = dict(job.details or {}), job.requested_by
    done = threading.Event()
    keeper = threading.Thread(
        target=_keep_lease, args=(app, job_id, done), name=f"lease-{job_id}", daemon=True
    )
    keeper.start()
    try:
        result = retrain(
            app,
            source=f"{options.get('trigger', 'api')} job {job_id}",
            job_id=job_id,
            user_id=user_id,
            force=bool(options.get("force")),
            progress=_progress_writer(app, job_id),
        )
    except Exception as error:  # any failure: record it, keep the live model
        log.exception("retrain job %s failed; the live model is unchanged", job_id)
        _finish(app, job_id, "failed", error=f"{type(error).__name__}: {error}")
    else:
        _finish(app, job_id, "succeeded", version=result.version, details=result.details)
    finally:
        done.set()
        keeper.join()
        with session_scope(app) as session:
            leases.release(session, RETRAIN_LEASE, _lease_owner(job_id))


def _keep_lease(app: Flask, job_id: int, done: threading.Event) -> None:
    """Renew the retrain lease every ``LEASE_RENEW`` while the job runs."""
    while not done.wait(LEASE_RENEW.total_seconds()):
        try:
            with session_scope(app) as session:
                if not leases.renew(session, RETRAIN_LEASE, _lease_owner(job_id), LEASE_TTL):
                    log.warning("retrain job %s lost its lease; another retrain may start", job_id)
        except Exception:  # a database hiccup: try again at the next beat, well within the TTL
            log.exception("could not renew the lease of retrain job %s", job_id)


def _progress_writer(app: Flask, job_id: int):
    def write(stage: str, progress: float) -> None:
        with session_scope(app) as session:
            job = session.get(Job, job_id)
            job.stage, job.progress = stage, progress
        log.info("retrain job %s: %s (%.0f%%)", job_id, stage, 100 * progress)

    return write


def _finish(app: Flask, job_id: int, status: str, *, error=None, version=None, details=None) -> None:
    with session_scope(app) as session:
        job = session.get(Job, job_id)
        job.status, job.finished_at = status, utcnow()
        job.error, job.model_version = error, version
        if details is not None:
            job.details = {**(job.details or {}), **details}


def fail_interrupted_jobs(session: Session) -> None:
    """Jobs left running by a dead process of this host can never finish; say so."""
    host = socket.gethostname()
    for job in session.scalars(select(Job).where(Job.status.in_(("queued", "running")))):
        owner_host, _, pid = (job.owner or "").rpartition(":")
        if owner_host == host and pid.isdigit() and not _alive(int(pid)):
            job.status, job.finished_at = "failed", utcnow()
            job.error = "interrupted: the process running it stopped"
            leases.release(session, RETRAIN_LEASE, _lease_owner(job.id))


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
