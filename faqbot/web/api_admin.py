"""Admin API: retrain, follow jobs, list, inspect, activate and discard model versions, review
proposed FAQs."""

from __future__ import annotations

from flask import Blueprint, current_app, g, jsonify, request
from sqlalchemy import select

from . import proposals
from .db import get_db
from .errors import ApiError
from .modelstore import UnknownVersion
from .payload import json_body
from .security import require_api_role
from .serialize import job, model_version, model_version_detail
from .tables import Job, ModelVersion, ProposedFaq
from .training import start_retrain
from .versions import VersionConflict, get_version
from .versions import activate as activate_version
from .versions import discard as discard_version

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


@bp.get("/jobs/<id:job_id>")
@require_api_role("admin")
def get_job(job_id: int):
    row = get_db().get(Job, job_id)
    if row is None:
        raise ApiError(404, "not_found", f"No job {job_id}.")
    return jsonify({"job": job(row)})


@bp.get("/models")
@require_api_role("admin")
def list_models():
    rows = get_db().scalars(select(ModelVersion).order_by(ModelVersion.created_at.desc()))
    versions = [model_version(row) for row in rows]
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
    return jsonify(model_version_detail(row))


@bp.post("/models/<version>/activate")
@require_api_role("admin")
def activate(version: str):
    """Make a version live: promote a pending candidate, or roll back to an earlier one."""
    return jsonify(model_version(_version_action(activate_version, version)))


@bp.post("/models/<version>/discard")
@require_api_role("admin")
def discard(version: str):
    """Refuse a pending candidate; it can no longer be made live."""
    return jsonify(model_version(_version_action(discard_version, version)))


@bp.get("/proposed-faqs")
@require_api_role("admin")
def list_proposed():
    rows = get_db().scalars(select(ProposedFaq).order_by(ProposedFaq.id))
    return jsonify({"proposed_faqs": [proposals.as_json(row) for row in rows]})


@bp.post("/proposed-faqs/<id:proposal_id>/approve")
@require_api_role("admin")
def approve(proposal_id: int):
    return jsonify(proposals.as_json(proposals.approve(get_db(), proposal_id, user_id=g.user.id)))


@bp.post("/proposed-faqs/<id:proposal_id>/reject")
@require_api_role("admin")
def reject(proposal_id: int):
    return jsonify(proposals.as_json(proposals.reject(get_db(), proposal_id)))
