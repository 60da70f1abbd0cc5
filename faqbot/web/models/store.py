"""Versioned models on disk, which one is live (in the database), and the per-process live copy.

Every serving process keeps its loaded model and, at most once per ``MODEL_CHECK_INTERVAL``,
asks the database which version is live.  When that changed it loads the new one fully and only
then swaps the reference, so a retrain or rollback reaches every gunicorn worker (and every
instance sharing the database) without a restart and without failing a request.  A version that
fails to load is logged and the old model keeps serving.
"""

from __future__ import annotations

import gc
import logging
import re
import secrets
import threading
import time
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from flask import Flask, current_app
from sqlalchemy import case, select, update
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from faqbot.web.core.db import new_session
from faqbot.web.core.tables import ModelVersion, utcnow

log = logging.getLogger(__name__)
RETRY_FAILED_LOAD_AFTER = 60.0  # seconds; a version that failed to load is retried this often
_VERSION_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,79}$")


class UnknownVersion(ValueError):
    """A version name that is malformed, escapes the models directory, or is not on disk."""


def new_version_name() -> str:
    """Sortable by time, unique across processes training at the same second."""
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    return f"{stamp}-{secrets.token_hex(3)}"


def version_path(models_dir: str | Path, version: str) -> Path:
    """The directory of ``version`` inside ``models_dir``; refuses anything that could escape it."""
    if not isinstance(version, str) or not _VERSION_RE.match(version) or ".." in version:
        raise UnknownVersion(f"invalid model version name {version!r}")
    root = Path(models_dir).resolve()
    path = (root / version).resolve()
    if path.parent != root:
        raise UnknownVersion(f"model version {version!r} is outside the models directory")
    return path


def live_version(session: Session) -> str | None:
    return session.scalar(select(ModelVersion.version).where(ModelVersion.is_live.is_(True)))


def live_state(session: Session) -> tuple[str | None, dict[str, Any] | None]:
    """The live version and the admin's threshold override of it (None: the model's own)."""
    row = session.execute(
        select(ModelVersion.version, ModelVersion.thresholds).where(ModelVersion.is_live.is_(True))
    ).first()
    return (row[0], row[1]) if row else (None, None)


def apply_thresholds(model: Any, override: dict[str, Any] | None) -> Any:
    """``model`` deciding with the admin's thresholds, when they are set and valid."""
    if not override:
        return model
    try:
        return model.with_thresholds(float(override["answer"]), float(override["suggest"]))
    except (KeyError, TypeError, ValueError):
        log.warning("ignoring invalid threshold override %r", override)
        return model


def set_live(session: Session, version: str) -> None:
    """Make ``version`` the only live one, in one statement so no reader sees zero or two."""
    if session.get(ModelVersion, version) is None:
        raise UnknownVersion(f"no model version {version!r}")
    is_target = ModelVersion.version == version
    session.execute(
        update(ModelVersion).values(
            is_live=is_target,
            activated_at=case((is_target, utcnow()), else_=ModelVersion.activated_at),
        )
    )


def register(
    session: Session,
    version: str,
    manifest: dict[str, Any],
    source: str,
    contents: dict[str, Any] | None = None,
) -> ModelVersion:
    """Record a saved version; ``contents`` (from :func:`faqbot.web.models.fitting.corpus_snapshot`)
    says what it was trained on, completed with the FAQ count and thresholds of its manifest."""
    recorded = {"faqs": manifest.get("faq_count"), **(contents or {})}
    recorded["thresholds"] = manifest.get("thresholds")
    row = ModelVersion(version=version, metrics=manifest.get("metrics"), source=source, contents=recorded)
    session.add(row)
    return row


def disk_versions(models_dir: str | Path) -> list[str]:
    """Version directories present on disk, newest name first."""
    root = Path(models_dir)
    if not root.is_dir():
        return []
    names = [p.name for p in root.iterdir() if p.is_dir() and _VERSION_RE.match(p.name)]
    return sorted(names, reverse=True)


def load_engine_model(path: Path):
    import faqbot  # the engine; imported lazily so the web package imports without it

    return faqbot.load(path)


class LiveModel:
    """This process's copy of the live model, refreshed from the database at most once a second."""

    def __init__(
        self,
        app: Flask,
        loader: Callable[[Path], Any] = load_engine_model,
        interval: float = 1.0,
        freeze: bool = False,
    ) -> None:
        self._app = app
        self._freeze = freeze
        self._loader = loader
        self._interval = interval
        self._lock = threading.Lock()
        self._current: tuple[str, Any] | None = None
        self._base: Any = None  # the loaded model, before any threshold override
        self._override: dict[str, Any] | None = None
        self._failed_version: str | None = None
        self._retry_failed_at = 0.0
        self._next_check = 0.0

    def prime(self, version: str, model: Any) -> None:
        """Start from a model this process already holds (saves loading it twice at start-up)."""
        with self._lock:
            if self._current is None:
                self._current, self._base = (version, model), model

    def get(self) -> tuple[str, Any] | None:
        """``(version, model)`` of the live model, or None when none could be loaded yet."""
        # Only the first load blocks; later refreshes let other threads use the old model.
        # Without a model every thread waits for the one loading it (rather than answering
        # "starting up" while the load is half done), then checks again itself if still none.
        if self._due() and self._lock.acquire(blocking=self._current is None):
            try:
                if self._due():
                    self._refresh()
            finally:
                self._lock.release()
        return self._current

    def _due(self) -> bool:
        return self._current is None or time.monotonic() >= self._next_check

    def _refresh(self) -> None:
        self._next_check = time.monotonic() + self._interval
        try:
            with new_session(self._app) as session:
                version, override = live_state(session)
        except SQLAlchemyError:
            log.exception("cannot read the live model version; keeping the current model")
            return
        current = self._current[0] if self._current else None
        if version is None:
            return
        if version == current:
            if override != self._override:
                self._current = (version, apply_thresholds(self._base, override))
                self._override = override
                log.info("model version %s now decides with thresholds %s", version, override)
            return
        if version == self._failed_version and time.monotonic() < self._retry_failed_at:
            return
        try:
            path = version_path(self._app.config["MODELS_DIR"], version)
            model = self._loader(path)
        except Exception:
            log.exception("cannot load model version %s; keeping %s", version, current)
            self._failed_version = version
            self._retry_failed_at = time.monotonic() + RETRY_FAILED_LOAD_AFTER
            return
        self._base, self._override = model, override
        self._current = (version, apply_thresholds(model, override))
        self._failed_version = None
        log.info("now serving model version %s (was %s)", version, current)
        if self._freeze:
            freeze_what_is_loaded()


def freeze_what_is_loaded() -> None:
    """Keep the loaded model (and the code) out of the cyclic garbage collector's work.

    A full collection walks every tracked object and stops every thread of the process while it
    runs: 54-72 ms with the sample model loaded, longer than the p99 a visitor should see, and
    each request's allocations trigger one every so often.  ``gc.freeze`` moves what exists now
    into a permanent generation that collections skip (reference counting still frees it).  A
    swap unfreezes and collects once first, so the cycles of the model it replaced are freed.
    """
    gc.unfreeze()
    gc.collect()
    gc.freeze()


def live_model() -> LiveModel:
    return current_app.extensions["faqbot.live_model"]
