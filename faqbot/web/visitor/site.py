"""The pages outside the APIs: the demo shop at ``/``, the operator's start page and the health check."""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify, render_template
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from faqbot.web.core.db import get_db
from faqbot.web.core.ratelimit import store_health
from faqbot.web.core.tables import Faq
from faqbot.web.models.store import live_model
from faqbot.web.visitor import widget

bp = Blueprint("site", __name__)


@bp.get("/")
def home():
    """The demo shop page with the widget, so a fresh install has something to click."""
    return widget.demo()


@bp.get("/about")
def about():
    """Where things are: inbox, API description, health."""
    return render_template("visitor/home.html", max_length=current_app.config["MAX_QUESTION_LENGTH"])


def serving_problem(session: Session) -> str:
    """Why no model is live, and what to do about it (for /healthz and the start-up banner)."""
    if not session.scalar(select(func.count()).select_from(Faq)):
        return (
            "there are no FAQs to answer from: import a corpus file (`faqbot kb import FILE --apply`, "
            "or the knowledge base page), then train (`faqbot models retrain`)"
        )
    return "no model is live: train one (`faqbot models retrain`, or the models page)"


@bp.get("/healthz")
def healthz():
    """200 when both the database answers and a model is loaded, else 503 saying which is not."""
    try:
        get_db().execute(text("SELECT 1"))
        database = {"ready": True}
    except Exception as error:  # any driver error means "not ready", never a 500
        current_app.logger.warning("health check: database not ready: %s", error)
        database = {"ready": False, "error": type(error).__name__}
    live = live_model().get()
    model = {"ready": live is not None, "version": live[0] if live else None}
    if live is None and database["ready"]:
        model["problem"] = serving_problem(get_db())
    limits = store_health(current_app)
    ready = database["ready"] and model["ready"] and limits["ready"]
    body = {"status": "ok" if ready else "unavailable", "database": database, "model": model}
    body["ratelimit_store"] = limits
    return jsonify(body), 200 if ready else 503
