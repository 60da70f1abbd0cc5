"""Admin pages: model versions (retrain, activate, roll back) and proposed FAQs to review."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, g, redirect, render_template, url_for
from sqlalchemy import select

from . import proposals
from .db import get_db
from .errors import ApiError
from .forms import ActionForm
from .modelstore import UnknownVersion, activate
from .security import require_login
from .tables import Job, ModelVersion, ProposedFaq
from .training import start_retrain

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.get("/")
@require_login("admin")
def models():
    db = get_db()
    versions = db.scalars(select(ModelVersion).order_by(ModelVersion.created_at.desc())).all()
    jobs = db.scalars(select(Job).order_by(Job.id.desc()).limit(10)).all()
    return render_template("admin_models.html", versions=versions, jobs=jobs, form=ActionForm())


@bp.post("/retrain")
@require_login("admin")
def retrain():
    if ActionForm().validate_on_submit():
        try:
            job = start_retrain(current_app._get_current_object(), get_db(), g.user.id)
        except ApiError as error:
            flash(error.message, "error")
        else:
            flash(f"Retrain job {job.id} started; reload to follow it.", "info")
    return redirect(url_for("admin.models"))


@bp.post("/models/<version>/activate")
@require_login("admin")
def activate_model(version: str):
    if ActionForm().validate_on_submit():
        try:
            activate(get_db(), current_app.config["MODELS_DIR"], version)
        except UnknownVersion as error:
            flash(str(error), "error")
        else:
            flash(f"{version} is live; every worker switches within a second.", "info")
    return redirect(url_for("admin.models"))


@bp.get("/proposals")
@require_login("admin")
def proposal_list():
    rows = get_db().scalars(
        select(ProposedFaq).where(ProposedFaq.status == "pending").order_by(ProposedFaq.id)
    )
    return render_template("admin_proposals.html", proposals=rows.all(), form=ActionForm())


@bp.post("/proposals/<id:proposal_id>/<any(approve, reject):decision>")
@require_login("admin")
def decide(proposal_id: int, decision: str):
    if ActionForm().validate_on_submit():
        try:
            getattr(proposals, decision)(get_db(), proposal_id)
        except ApiError as error:
            flash(error.message, "error")
        else:
            flash(f"Proposed FAQ {proposal_id}: {decision}d. Retrain to use it.", "info")
    return redirect(url_for("admin.proposal_list"))
