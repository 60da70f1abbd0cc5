"""Try a question on the live model and on another version, side by side, with each decision's
explanation (matched phrasing, similarity, runner-up, the words that drove the match).

Nothing is logged: a trial is not a visitor's question, so it stays out of analytics and the
review queue.  Each version decides as it would serve: with its threshold override, and without
FAQs archived or deleted since it was trained.  Versions other than the live one are loaded on
demand and kept, one at a time, per process (a model is tens of megabytes).
"""

from __future__ import annotations

import json
import logging
import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from faqbot.web.core.errors import ApiError
from faqbot.web.core.tables import Faq, ModelVersion
from faqbot.web.kb.query import withhold_retired
from faqbot.web.models.store import UnknownVersion, apply_thresholds, load_engine_model, version_path

EXTENSION = "faqbot.trial_models"
log = logging.getLogger(__name__)


class VersionCache:
    """The last ``size`` versions loaded for trials in this process."""

    def __init__(self, loader: Callable[[Path], Any] = load_engine_model, size: int = 1) -> None:
        self._loader, self._size = loader, size
        self._models: OrderedDict[str, Any] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, path: Path) -> Any:
        key = str(path)
        with self._lock:
            if key in self._models:
                self._models.move_to_end(key)
                return self._models[key]
            model = self._loader(path)
            self._models[key] = model
            while len(self._models) > self._size:
                self._models.popitem(last=False)
            return model


def _cache(app: Flask) -> VersionCache:
    return app.extensions.setdefault(EXTENSION, VersionCache())


def default_candidate(rows: Sequence[ModelVersion]) -> ModelVersion | None:
    """The version an admin most likely wants to compare: the newest one waiting for a decision,
    else the newest other one that could be made live."""
    others = sorted((row for row in rows if not row.is_live), key=lambda row: row.created_at, reverse=True)
    for state in ("pending", "available"):
        found = next((row for row in others if row.state == state), None)
        if found is not None:
            return found
    return None


def _plain(value: Any) -> Any:
    return json.loads(json.dumps(value, default=float))


def decide(session: Session, model: Any, question: str) -> dict[str, Any]:
    """One version's decision with its explanation, the FAQs named by their current question."""
    result = _plain(withhold_retired(session, model.ask(question)))
    explanation = result.get("explanation") or {}
    runner_up = explanation.get("runner_up")
    ids = {result.get("faq_id"), runner_up.get("faq_id") if runner_up else None} - {None}
    rows = session.execute(select(Faq.id, Faq.question).where(Faq.id.in_(ids))).all() if ids else []
    texts = {faq_id: text for faq_id, text in rows}
    shown = result["status"] in ("answered", "suggested")
    return {
        "status": result["status"],
        "faq_id": result.get("faq_id"),
        "faq_question": texts.get(result.get("faq_id")),
        "confidence": result.get("confidence"),
        "reply": result.get("reply"),
        "suggestions": result.get("suggestions", []) if shown else [],
        "explanation": {
            "matched_phrasing": explanation.get("matched_phrasing"),
            "similarity": explanation.get("similarity"),
            "terms": explanation.get("terms", []),
            "runner_up": {**runner_up, "question": texts.get(runner_up.get("faq_id"))} if runner_up else None,
        },
    }


def _side(session: Session, version: str, model: Any, question: str, state: str) -> dict[str, Any]:
    return {"version": version, "state": state, **decide(session, model, question)}


def _candidate(app: Flask, session: Session, version: str) -> tuple[ModelVersion, Any]:
    """The candidate's row and its model as it would decide (with its threshold override)."""
    row = session.get(ModelVersion, version)
    if row is None:
        raise ApiError(404, "not_found", f"No model version {version!r}.")
    if row.is_live:
        raise ApiError(400, "invalid_version", f"{version} is the live version; choose another one.")
    try:
        model = _cache(app).get(version_path(app.config["MODELS_DIR"], version))
    except UnknownVersion as error:
        raise ApiError(404, "not_found", str(error)) from None
    except Exception as error:  # a broken or missing directory: say so, never a 500
        log.warning("cannot load model version %s to try a question: %s", version, error)
        raise ApiError(409, "version_unreadable", f"Version {version} cannot be loaded: {error}") from None
    return row, apply_thresholds(model, row.thresholds)


def try_question(
    app: Flask, session: Session, question: str, live: tuple[str, Any] | None, candidate: str | None
) -> dict[str, Any]:
    """The live model's and the ``candidate`` version's decisions on ``question``."""
    question = " ".join(question.split())
    limit = int(app.config.get("MAX_QUESTION_LENGTH", 500))
    if not question:
        raise ApiError(400, "missing_question", "Type a question to try.")
    if len(question) > limit:
        raise ApiError(400, "question_too_long", f"The question may have at most {limit} characters.")
    body: dict[str, Any] = {"question": question, "live": None, "candidate": None}
    if live is not None:
        body["live"] = _side(session, live[0], live[1], question, "live")
    if candidate is not None:
        row, model = _candidate(app, session, candidate)
        body["candidate"] = _side(session, candidate, model, question, row.state)
    return body
