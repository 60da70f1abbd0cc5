"""Training a model from the database, and retraining as a background job.

The corpus is rebuilt from the database (FAQs with their phrasings, plus what staff taught the
bot through resolved tickets), trained outside any transaction, saved atomically as a new version
directory, and only then registered and made live.  Any failure before that last step leaves the
live model exactly as it was.
"""

from __future__ import annotations

import logging
import os
import socket
import threading

from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from .db import session_scope
from .errors import ApiError
from .modelstore import new_version_name, register, set_live, version_path
from .tables import Faq, Job, LearnedPhrasing, utcnow

log = logging.getLogger(__name__)


def corpus_records(session: Session) -> list[dict]:
    """The FAQs as corpus records: own phrasings first, then the learned ones."""
    faqs = session.scalars(
        select(Faq).options(selectinload(Faq.phrasings)).order_by(Faq.position, Faq.id)
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


def train_new_version(app: Flask, source: str) -> str:
    """Fit on the database corpus, save a new version, register it and make it live."""
    import faqbot
    from faqbot.corpus import corpus_from_records

    with session_scope(app) as session:
        records = corpus_records(session)
    corpus = corpus_from_records(records, source="database")
    labelled = calibration_queries(app.config.get("CALIBRATION_QUERIES"), corpus)
    model = faqbot.fit_model(corpus, labelled=labelled, target_precision=app.config["TARGET_PRECISION"])
    version = new_version_name()
    faqbot.save_model(model, version_path(app.config["MODELS_DIR"], version))
    with session_scope(app) as session:
        register(session, version, dict(model.manifest or {}), source)
        session.flush()
        set_live(session, version)
    log.info("trained model version %s on %d FAQs (%s)", version, len(corpus), source)
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


def start_retrain(app: Flask, session: Session, user_id: int | None) -> Job:
    """Record a retrain job and run it in a background thread of this process.

    One retrain at a time: a second request while one is queued or running is a 409.
    """
    busy = session.scalar(select(Job).where(Job.kind == "retrain", Job.status.in_(("queued", "running"))))
    if busy is not None:
        raise ApiError(409, "retrain_in_progress", f"Retrain job {busy.id} is still {busy.status}.")
    job = Job(kind="retrain", status="queued", requested_by=user_id, owner=_owner())
    session.add(job)
    session.commit()
    thread = threading.Thread(target=run_retrain, args=(app, job.id), name=f"retrain-{job.id}", daemon=True)
    thread.start()
    return job


def run_retrain(app: Flask, job_id: int) -> None:
    with session_scope(app) as session:
        job = session.get(Job, job_id)
        job.status, job.started_at, job.owner = "running", utcnow(), _owner()
    try:
        version = train_new_version(app, source=f"retrain job {job_id}")
    except Exception as error:  # any failure: record it, keep the live model
        log.exception("retrain job %s failed; the live model is unchanged", job_id)
        _finish(app, job_id, "failed", error=f"{type(error).__name__}: {error}")
    else:
        _finish(app, job_id, "succeeded", version=version)


def _finish(app: Flask, job_id: int, status: str, *, error: str | None = None, version=None):
    with session_scope(app) as session:
        job = session.get(Job, job_id)
        job.status, job.finished_at = status, utcnow()
        job.error, job.model_version = error, version


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
