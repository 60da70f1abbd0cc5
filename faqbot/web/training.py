"""Training from the database, and retraining as a background job any process can report on.

The corpus is rebuilt from the database (FAQs with their phrasings, plus what staff taught the
bot through resolved tickets) and trained outside any transaction.  The first model of an
instance is made live at once (:func:`train_new_version`); every later one goes through the
gate in :mod:`faqbot.web.retraining`.  A job's parameters and progress live in its ``jobs`` row,
so any worker can show it, and any failure leaves the live model exactly as it was.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
from datetime import datetime, timedelta
from typing import Any

from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from .db import session_scope
from .errors import ApiError
from .modelstore import new_version_name, register, set_live, version_path
from .tables import Faq, FaqRevision, Job, LearnedPhrasing, ModelVersion, as_utc, iso, utcnow

log = logging.getLogger(__name__)
RETRY_FAILED_SCHEDULED_AFTER = timedelta(hours=1)  # a failing scheduled retrain is not retried every tick


def corpus_records(session: Session) -> list[dict]:
    """The FAQs as corpus records: own phrasings first, then the learned ones."""
    faqs = session.scalars(
        select(Faq)
        .where(Faq.archived.is_(False))  # archived FAQs are neither answered nor suggested
        .options(selectinload(Faq.phrasings))
        .order_by(Faq.position, Faq.id)
    ).all()
    learned: dict[str, list[str]] = {}
    for row in session.scalars(select(LearnedPhrasing).order_by(LearnedPhrasing.id)):
        learned.setdefault(row.faq_id, []).append(row.text)
    return [
        {
            "id": faq.id,
            "question": faq.question,
            "answer": faq.answer,
            "category": faq.category,
            "alternates": [p.text for p in faq.phrasings] + learned.get(faq.id, []),
        }
        for faq in faqs
    ]


def fit_records(app: Flask, records: list[dict]) -> Any:
    """An engine model fitted on corpus ``records`` with the instance's calibration settings."""
    import faqbot
    from faqbot.corpus import corpus_from_records

    corpus = corpus_from_records(records, source="database")
    labelled = calibration_queries(app.config.get("CALIBRATION_QUERIES"), corpus)
    return faqbot.fit_model(corpus, labelled=labelled, target_precision=app.config["TARGET_PRECISION"])


def train_new_version(app: Flask, source: str) -> str:
    """Fit on the database corpus, save, register and make it live: the first model of an
    instance, which has nothing to be compared with."""
    import faqbot

    with session_scope(app) as session:
        records = corpus_records(session)
    model = fit_records(app, records)
    version = new_version_name()
    faqbot.save_model(model, version_path(app.config["MODELS_DIR"], version))
    with session_scope(app) as session:
        register(session, version, dict(model.manifest or {}), source)
        session.flush()
        set_live(session, version)
    log.info("trained model version %s on %d FAQs (%s)", version, len(records), source)
    return version


def calibration_queries(path: str | None, corpus) -> list | None:
    """Labelled queries for calibration, minus those naming FAQs the corpus no longer has."""
    if not path:
        return None
    from faqbot.labelled import load_labelled

    known = {faq.id for faq in corpus.faqs}
    queries = [q for q in load_labelled(path) if q.faq_id is None or q.faq_id in known]
    return queries or None


def _owner() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def queue_retrain(
    session: Session,
    user_id: int | None,
    *,
    force: bool = False,
    trigger: str = "api",
    stage: str = "queued",
) -> Job:
    """Record a retrain job (committed); one at a time, so a second one is a 409.

    ``force`` makes the candidate live even when the gate would hold it back.
    """
    busy = session.scalar(select(Job).where(Job.kind == "retrain", Job.status.in_(("queued", "running"))))
    if busy is not None:
        raise ApiError(409, "retrain_in_progress", f"Retrain job {busy.id} is still {busy.status}.")
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
    session.commit()
    return job


def start_retrain(app: Flask, session: Session, user_id: int | None, **options: Any) -> Job:
    """Queue a retrain job and run it in a background thread of this process."""
    job = queue_retrain(session, user_id, **options)
    thread = threading.Thread(target=run_retrain, args=(app, job.id), name=f"retrain-{job.id}", daemon=True)
    thread.start()
    return job


def run_retrain(app: Flask, job_id: int) -> None:
    """Run a queued job to its end; whatever happens, the job row says how it ended."""
    from .retraining import retrain

    with session_scope(app) as session:
        job = session.get(Job, job_id)
        job.status, job.started_at, job.owner = "running", utcnow(), _owner()
        options, user_id = dict(job.details or {}), job.requested_by
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


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


# ------------------------------------------------------------------ scheduled retraining


def new_material(session: Session, since: datetime | None) -> int:
    """Learned phrasings plus FAQs created or changed after ``since`` (everything if None)."""
    learned = select(func.count()).select_from(LearnedPhrasing)
    revised = select(FaqRevision.faq_id).distinct()
    created = select(Faq.id)
    if since is not None:
        learned = learned.where(LearnedPhrasing.created_at > since)
        revised = revised.where(FaqRevision.created_at > since)
        created = created.where(Faq.created_at > since)
    faqs = set(session.scalars(revised)) | set(session.scalars(created))
    return int(session.scalar(learned)) + len(faqs)


def scheduled_retrain(app: Flask) -> dict[str, Any]:
    """Start a retrain when ``RETRAIN_AUTO_MIN_NEW`` phrasings/FAQs arrived; say what was done.

    New material is counted since the newest model version (live or a held-back candidate), so
    a candidate the gate held back is not retrained again and again on the same material.
    """
    needed = int(app.config.get("RETRAIN_AUTO_MIN_NEW") or 0)
    if needed <= 0:
        return {"action": "disabled"}
    with session_scope(app) as session:
        busy = session.scalar(select(Job).where(Job.kind == "retrain", Job.status.in_(("queued", "running"))))
        if busy is not None:
            return {"action": "skipped", "reason": f"retrain job {busy.id} is {busy.status}"}
        since = session.scalar(select(func.max(ModelVersion.created_at)))
        new = new_material(session, since)
        if new < needed:
            return {"action": "none", "new": new, "needed": needed, "since": iso(since)}
        if _failed_recently(session, since):
            return {"action": "skipped", "reason": "the last retrain failed less than an hour ago"}
        stage = f"scheduled: {new} new phrasings/FAQs since {iso(since) or 'the start'}"
        try:
            job = start_retrain(app, session, None, trigger="scheduled", stage=stage)
        except ApiError as error:  # another process started one a moment ago
            return {"action": "skipped", "reason": error.message}
        return {"action": "started", "job_id": job.id, "new": new, "needed": needed}


def _failed_recently(session: Session, since: datetime | None) -> bool:
    last = session.scalar(select(Job).where(Job.kind == "retrain").order_by(Job.id.desc()).limit(1))
    if last is None or last.status != "failed" or last.finished_at is None:
        return False
    finished = as_utc(last.finished_at)
    after_since = since is None or finished > as_utc(since)
    return after_since and utcnow() - finished < RETRY_FAILED_SCHEDULED_AFTER
