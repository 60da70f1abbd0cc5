"""The pages outside the APIs: the demo shop at ``/``, the operator's start page and the health check."""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify, render_template
from sqlalchemy import text

from . import widget
from .db import get_db
from .modelstore import live_model

bp = Blueprint("site", __name__)


@bp.get("/")
def home():
    """The demo shop page with the widget, so a fresh install has something to click."""
    return widget.demo()


@bp.get("/about")
def about():
    """Where things are: inbox, API description, health."""
    return render_template("home.html", max_length=current_app.config["MAX_QUESTION_LENGTH"])


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
    ready = database["ready"] and model["ready"]
    body = {"status": "ok" if ready else "unavailable", "database": database, "model": model}
    return jsonify(body), 200 if ready else 503
