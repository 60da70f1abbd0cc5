"""Admin API: retrain, follow jobs, list, inspect, activate and discard model versions."""

from __future__ import annotations

from flask import Blueprint, current_app, g, jsonify, request
from sqlalchemy import select

from faqbot.web.core.db import get_db
from faqbot.web.core.errors import ApiError
from faqbot.web.core.payload import json_body
from faqbot.web.core.security import require_api_role
from faqbot.web.core.tables import Job, ModelVersion
from faqbot.web.models.schedule import schedule_status
from faqbot.web.models.serialize import job, model_version, model_version_detail
from faqbot.web.models.store import UnknownVersion, live_model
from faqbot.web.models.summary import summaries
from faqbot.web.models.training import start_retrain
from faqbot.web.models.trial import default_candidate, try_question
from faqbot.web.models.versions import VersionConflict, get_version
from faqbot.web.models.versions import activate as activate_version
from faqbot.web.models.versions import discard as discard_version

bp = Blueprint("admin_api", __name__, url_prefix="/api/v1/admin")


@bp.post("/retrain")
@require_api_role("admin")
def retrain():
    """Start a gated retrain; ``{"force": true}`` makes the candidate live even if it is worse."""
    force = False
    if request.get_data(cache=True).strip():
        force = json_body().get("force", False)
        if not isinstance(force, bool):
            raise ApiError(400, "invalid_force", "'force' must be true or false.")
    new_job = start_retrain(current_app._get_current_object(), get_db(), g.user.id, force=force)
    response = jsonify({"job": job(new_job)})
    response.status_code = 202
    response.headers["Location"] = f"/api/v1/admin/jobs/{new_job.id}"
    return response


@bp.get("/retrain/schedule")
@require_api_role("admin")
def retrain_schedule():
    """Whether teaching is waiting for a retrain, and when the scheduler will start it."""
    return jsonify(schedule_status(current_app._get_current_object(), get_db()))


@bp.get("/jobs/<id:job_id>")
@require_api_role("admin")
def get_job(job_id: int):
    row = get_db().get(Job, job_id)
    if row is None:
        raise ApiError(404, "not_found", f"No job {job_id}.")
    return jsonify({"job": job(row)})


def _described() -> dict[str, dict]:
    rows = get_db().scalars(select(ModelVersion)).all()
    return summaries(rows, current_app.config["MODELS_DIR"])


@bp.get("/models")
@require_api_role("admin")
def list_models():
    rows = get_db().scalars(select(ModelVersion).order_by(ModelVersion.created_at.desc())).all()
    described = summaries(rows, current_app.config["MODELS_DIR"])
    versions = [model_version(row, described.get(row.version)) for row in rows]
    live = next((v["version"] for v in versions if v["is_live"]), None)
    return jsonify({"live": live, "versions": versions})


def _version_action(action, version: str):
    try:
        return action(get_db(), current_app.config["MODELS_DIR"], version, g.user.id)
    except UnknownVersion as error:
        raise ApiError(404, "not_found", str(error)) from None
    except VersionConflict as error:
        raise ApiError(409, "invalid_state", str(error)) from None


@bp.get("/models/<version>")
@require_api_role("admin")
def get_model(version: str):
    """One version with its full evaluation report (metrics side by side, changed questions)."""
    row = _version_action(lambda db, models_dir, name, _user: get_version(db, models_dir, name), version)
    return jsonify(model_version_detail(row, _described().get(row.version)))


@bp.post("/models/<version>/activate")
@require_api_role("admin")
def activate(version: str):
    """Make a version live: promote a pending candidate, or roll back to an earlier one."""
    row = _version_action(activate_version, version)
    return jsonify(model_version(row, _described().get(row.version)))


@bp.post("/models/<version>/discard")
@require_api_role("admin")
def discard(version: str):
    """Refuse a pending candidate; it can no longer be made live."""
    row = _version_action(discard_version, version)
    return jsonify(model_version(row, _described().get(row.version)))


@bp.post("/try")
@require_api_role("admin")
def try_a_question():
    """The live model's and another version's decisions on one question, with explanations."""
    body = json_body()
    question = body.get("question")
    if not isinstance(question, str):
        raise ApiError(400, "missing_question", "'question' must be a string.")
    candidate = body.get("version")
    if candidate is not None and not isinstance(candidate, str):
        raise ApiError(400, "invalid_version", "'version' must be a model version name.")
    db = get_db()
    if candidate is None:
        default = default_candidate(db.scalars(select(ModelVersion)).all())
        candidate = default.version if default else None
    app = current_app._get_current_object()
    return jsonify(try_question(app, db, question, live_model().get(), candidate))
