"""Admin API for thresholds (view, set, reset, preview) and analytics (JSON and CSV)."""

from __future__ import annotations

from flask import Blueprint, Response, current_app, g, jsonify, request

from faqbot.web.core.db import get_db
from faqbot.web.core.errors import ApiError
from faqbot.web.core.payload import json_body
from faqbot.web.core.security import require_api_role
from faqbot.web.core.tables import iso
from faqbot.web.insights import analytics, overview, thresholds

bp = Blueprint("insights_api", __name__, url_prefix="/api/v1/admin")
MAX_FAQ_ROWS = 100_000


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
    """Explicit ``answer`` and ``suggest``, or a ``target_precision`` carried to each new version."""
    body = json_body()
    version = body.get("version")
    if version is not None and not isinstance(version, str):
        raise ApiError(400, "invalid_version", "'version' must be a string (the live model version).")
    answer = suggest = target = None
    if "target_precision" in body:
        if "answer" in body or "suggest" in body:
            raise ApiError(
                400,
                "invalid_thresholds",
                "Give either 'target_precision' or 'answer' and 'suggest', not both.",
            )
        target = thresholds.validate_target(body["target_precision"])
    else:
        answer, suggest = thresholds.validate(body.get("answer"), body.get("suggest"))
    state = thresholds.set_thresholds(
        get_db(), current_app.config["MODELS_DIR"], answer, suggest, g.user.id, version, target=target
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
    if request.args.get("target_precision") is not None:
        target = thresholds.validate_target(_number_arg("target_precision", 0.0))
        resolved = thresholds.for_target(state, target)
        answer, suggest = resolved["answer"], resolved["suggest"]
    else:
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
    return jsonify(overview.report(get_db(), period))


@bp.get("/analytics/faqs")
@require_api_role("admin")
def get_faq_rejections():
    """Per FAQ: how often its answer was given and rejected in the period, and the rate."""
    period = analytics.parse_period(request.args.get("from"), request.args.get("to"))
    sort = request.args.get("sort", "rejected")
    limit = _limit_arg(request.args.get("limit"))
    faqs = analytics.faq_rejections(get_db(), period, sort=sort, limit=limit)
    return jsonify(
        {"from": period.start.isoformat(), "to": period.end.isoformat(), "sort": sort, "faqs": faqs}
    )


def _limit_arg(text: str | None) -> int | None:
    if text in (None, ""):
        return None
    if not text.isdigit() or not 1 <= int(text) <= MAX_FAQ_ROWS:
        raise ApiError(400, "invalid_limit", f"'limit' must be a whole number from 1 to {MAX_FAQ_ROWS}.")
    return int(text)


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
