"""What a fresh or restarted instance does before serving: migrate, seed, get a live model.

All of it runs under :func:`faqbot.web.core.db.startup_lock`, so gunicorn workers starting together
do it once and then find it done.
"""

from __future__ import annotations

import logging
import threading
import time
from pathlib import Path

from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from faqbot.web.core import db
from faqbot.web.core.accounts import temporary_password
from faqbot.web.core.security import hash_password
from faqbot.web.core.tables import Faq, FaqPhrasing, ModelVersion, User
from faqbot.web.kb.service import record_revision
from faqbot.web.models.store import (
    disk_versions,
    live_version,
    load_engine_model,
    register,
    set_live,
    version_path,
)
from faqbot.web.models.training import fail_interrupted_jobs, train_new_version

log = logging.getLogger(__name__)


def prepare(app: Flask, with_model: bool = True) -> None:
    Path(app.config["MODELS_DIR"]).mkdir(parents=True, exist_ok=True)
    with db.startup_lock(app):
        db.upgrade(db.get_engine(app))
        with db.session_scope(app) as session:
            seed_faqs(session, app.config["SEED_CORPUS"])
            fail_interrupted_jobs(session)
            has_live = live_version(session) is not None
            has_faqs = session.scalar(select(func.count()).select_from(Faq)) > 0
        if with_model and has_live and has_faqs and not _live_model_readable(app):
            _train_or_log(app, "upgrade")
        elif with_model and not has_live and not _adopt_model_on_disk(app) and has_faqs:
            _train_or_log(app, "bootstrap")


def _train_or_log(app: Flask, source: str) -> None:
    with db.session_scope(app) as session:
        count = session.scalar(select(func.count()).select_from(Faq))
    log.info("training a model on %d FAQs (%s); the sample takes about a minute", count, source)
    started = time.monotonic()
    done = threading.Event()
    heartbeat = threading.Thread(target=_still_training, args=(done, started), daemon=True)
    heartbeat.start()
    try:
        version = train_new_version(app, source=source)
    except Exception:  # serve anyway: /healthz says no model, an admin can retrain
        log.exception("could not train a model (%s); starting without a new one", source)
    else:
        log.info("model %s is live (trained in %.0f s)", version, time.monotonic() - started)
    finally:
        done.set()
        heartbeat.join()


def _still_training(done: threading.Event, started: float, every: float = 10.0) -> None:
    """A line every ``every`` seconds, so a first start is never silent while the engine fits."""
    while not done.wait(every):
        log.info("still training (%.0f s so far)", time.monotonic() - started)


def _live_model_readable(app: Flask) -> bool:
    """Whether this faqbot can read the live model's directory: after an upgrade that changed
    the model format (or the scikit-learn release) it cannot, and the first start retrains.
    Checks the manifest and checksums only; unpickling is left to the live model's loader."""
    from faqbot.engine.artifact import ModelError, verify  # the engine, imported lazily

    with db.session_scope(app) as session:
        version = live_version(session)
    try:
        verify(version_path(app.config["MODELS_DIR"], version))
    except ModelError as error:
        log.warning("the live model %s cannot be read (%s); training a new one", version, error)
        return False
    except Exception:  # an odd name or a missing directory is the live model loader's to report
        return True
    return True


def seed_faqs(session: Session, corpus_path: str | None) -> int:
    """Import the seed corpus into an empty FAQ table; returns how many FAQs were added."""
    if session.scalar(select(func.count()).select_from(Faq)) or not corpus_path:
        return 0
    if not Path(corpus_path).is_file():
        log.warning("seed corpus %s not found; starting with no FAQs", corpus_path)
        return 0
    from faqbot.engine.corpus import load_corpus

    corpus = load_corpus(corpus_path)
    for position, faq in enumerate(corpus.faqs):
        row = Faq(id=faq.id, question=faq.question, answer=faq.answer, category=faq.category)
        row.phrasings = [FaqPhrasing(text=text, position=i) for i, text in enumerate(faq.phrasings[1:])]
        row.position, row.revision = position, 1
        session.add(row)
        record_revision(session, row, "created", None, None, "seed")
    log.info("imported %d FAQs from %s", len(corpus), corpus_path)
    return len(corpus)


def _adopt_model_on_disk(app: Flask) -> bool:
    """Register the newest loadable model directory already in the models dir (e.g. restored
    from a backup), rather than training again."""
    for version in disk_versions(app.config["MODELS_DIR"]):
        try:
            model = load_engine_model(version_path(app.config["MODELS_DIR"], version))
        except Exception as error:
            log.warning("not adopting model directory %s: %s", version, error)
            continue
        with db.session_scope(app) as session:
            if session.get(ModelVersion, version) is None:
                register(session, version, dict(model.manifest or {}), "adopted")
                session.flush()
            set_live(session, version)
        app.extensions["faqbot.live_model"].prime(version, model)
        log.info("adopted model version %s found on disk", version)
        return True
    return False


def ensure_first_admin(app: Flask, email: str = "admin@localhost") -> str | None:
    """Create an admin with a random password when there are no users; returns the password.

    The password is printed on a terminal (and may end up in a log), so it only gets the admin
    in once: the first login leads to the password form, and nothing else opens until the
    admin has chosen their own.
    """
    with db.session_scope(app) as session:
        if session.scalar(select(func.count()).select_from(User)):
            return None
        password = temporary_password()
        session.add(
            User(email=email, password_hash=hash_password(password), role="admin", must_change_password=True)
        )
    return password
