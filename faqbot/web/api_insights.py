"""Admin API for thresholds (view, set, reset, preview) and analytics (JSON and CSV)."""

from __future__ import annotations

from flask import Blueprint, Response, current_app, g, jsonify, request

from . import analytics, thresholds
from .db import get_db
from .errors import ApiError
from .payload import json_body
from .security import require_api_role
from .tables import iso

bp = Blueprint("insights_api", __name__, url_prefix="/api/v1/admin")


def _state_json(state: thresholds.ThresholdState) -> dict:
    return {**state.as_json(), "history": _history_json()}


def _history_json() -> list[dict]:
    return [{**item, "at": iso(item["at"])} for item in thresholds.history(get_db(), limit=20)]


@bp.get("/thresholds")
@require_api_role("admin")
def get_thresholds():
    state = thresholds.current_state(get_db(), current_app.config["MODELS_DIR"])
    return jsonify(_state_json(state))


@bp.put("/thresholds")
@require_api_role("admin")
def put_thresholds():
    body = json_body()
    answer, suggest = thresholds.validate(body.get("answer"), body.get("suggest"))
    version = body.get("version")
    if version is not None and not isinstance(version, str):
        raise ApiError(400, "invalid_version", "'version' must be a string (the live model version).")
    state = thresholds.set_thresholds(
        get_db(), current_app.config["MODELS_DIR"], answer, suggest, g.user.id, version
    )
    return jsonify(_state_json(state))


@bp.delete("/thresholds")
@require_api_role("admin")
def reset_thresholds():
    state = thresholds.set_thresholds(get_db(), current_app.config["MODELS_DIR"], None, None, g.user.id)
    return jsonify(_state_json(state))


@bp.get("/thresholds/preview")
@require_api_role("admin")
def preview_thresholds():
    db = get_db()
    state = thresholds.current_state(db, current_app.config["MODELS_DIR"])
    answer = _number_arg("answer", state.effective["answer"])
    suggest = _number_arg("suggest", state.effective["suggest"])
    answer, suggest = thresholds.validate(answer, suggest)
    days = thresholds.validate_days(request.args.get("days", "30"))
    return jsonify(thresholds.preview(db, state, answer, suggest, days))


def _number_arg(name: str, default: float) -> float:
    text = request.args.get(name)
    return default if text is None else thresholds.parse_form_number(text, name)


@bp.get("/analytics")
@require_api_role("admin")
def get_analytics():
    period = analytics.parse_period(request.args.get("from"), request.args.get("to"))
    return jsonify(analytics.report(get_db(), period))


@bp.get("/analytics.csv")
@require_api_role("admin")
def get_analytics_csv():
    return csv_response(request.args.get("table", "daily"))


def csv_response(table: str) -> Response:
    """The CSV download of a period's table (shared by the page and the API)."""
    period = analytics.parse_period(request.args.get("from"), request.args.get("to"))
    text = analytics.csv_export(get_db(), period, table)
    name = f"faqbot-{table}-{period.start.isoformat()}-{period.end.isoformat()}.csv"
    return Response(
        text,
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
