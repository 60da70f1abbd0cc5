"""Admin API: retrain, follow jobs, list and activate model versions, review proposed FAQs."""

from __future__ import annotations

from flask import Blueprint, current_app, g, jsonify
from sqlalchemy import select

from . import proposals
from .db import get_db
from .errors import ApiError
from .modelstore import UnknownVersion
from .modelstore import activate as activate_version
from .security import require_api_role
from .serialize import job, model_version
from .tables import Job, ModelVersion, ProposedFaq
from .training import start_retrain

bp = Blueprint("admin_api", __name__, url_prefix="/api/v1/admin")


@bp.post("/retrain")
@require_api_role("admin")
def retrain():
    new_job = start_retrain(current_app._get_current_object(), get_db(), g.user.id)
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


@bp.post("/models/<version>/activate")
@require_api_role("admin")
def activate(version: str):
    """Make a version live (a rollback is activating an older one)."""
    try:
        row = activate_version(get_db(), current_app.config["MODELS_DIR"], version)
    except UnknownVersion as error:
        raise ApiError(404, "not_found", str(error)) from None
    return jsonify(model_version(row))


@bp.get("/proposed-faqs")
@require_api_role("admin")
def list_proposed():
    rows = get_db().scalars(select(ProposedFaq).order_by(ProposedFaq.id))
    return jsonify({"proposed_faqs": [proposals.as_json(row) for row in rows]})


@bp.post("/proposed-faqs/<id:proposal_id>/approve")
@require_api_role("admin")
def approve(proposal_id: int):
    return jsonify(proposals.as_json(proposals.approve(get_db(), proposal_id)))


@bp.post("/proposed-faqs/<id:proposal_id>/reject")
@require_api_role("admin")
def reject(proposal_id: int):
    return jsonify(proposals.as_json(proposals.reject(get_db(), proposal_id)))
