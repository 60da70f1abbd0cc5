"""Admin pages: model versions (retrain, compare, promote, discard, roll back) and proposed FAQs."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, g, make_response, redirect, render_template, url_for
from sqlalchemy import select

from .db import get_db
from .errors import ApiError
from .forms import ActionForm
from .modelstore import UnknownVersion
from .security import require_login
from .tables import Job, ModelVersion
from .training import start_retrain
from .versions import VersionConflict, get_version
from .versions import activate as activate_version
from .versions import discard as discard_version

bp = Blueprint("admin", __name__, url_prefix="/admin")
REFRESH_SECONDS = 2  # how often the models page reloads itself while a retrain runs


@bp.get("/")
@require_login("admin")
def models():
    db = get_db()
    versions = db.scalars(select(ModelVersion).order_by(ModelVersion.created_at.desc())).all()
    jobs = db.scalars(select(Job).order_by(Job.id.desc()).limit(10)).all()
    running = next((j for j in jobs if j.status in ("queued", "running")), None)
    live = next((v for v in versions if v.is_live), None)
    page = render_template(
        "admin_models.html", versions=versions, jobs=jobs, running=running, live=live, form=ActionForm()
    )
    response = make_response(page)
    if running is not None:  # a header, not inline script: the CSP allows no script here
        response.headers["Refresh"] = str(REFRESH_SECONDS)
    return response


@bp.get("/models/<version>")
@require_login("admin")
def report(version: str):
    """The candidate-versus-live report of one version."""
    try:
        row = get_version(get_db(), current_app.config["MODELS_DIR"], version)
    except UnknownVersion:
        abort(404)
    return render_template("admin_model_report.html", v=row, report=row.report, form=ActionForm())


@bp.post("/retrain")
@require_login("admin")
def retrain():
    if ActionForm().validate_on_submit():
        try:
            job = start_retrain(current_app._get_current_object(), get_db(), g.user.id, trigger="page")
        except ApiError as error:
            flash(error.message, "error")
        else:
            flash(f"Retrain job {job.id} started; this page follows it.", "info")
    return redirect(url_for("admin.models"))


@bp.post("/models/<version>/<any(activate, discard):action>")
@require_login("admin")
def decide_model(version: str, action: str):
    """Promote or roll back (activate), or discard a pending candidate."""
    if ActionForm().validate_on_submit():
        change = activate_version if action == "activate" else discard_version
        try:
            change(get_db(), current_app.config["MODELS_DIR"], version, g.user.id)
        except (UnknownVersion, VersionConflict) as error:
            flash(str(error), "error")
        else:
            done = "was discarded" if action == "discard" else "is live; every process follows within seconds"
            flash(f"{version} {done}.", "info")
    return redirect(url_for("admin.models"))


@bp.get("/proposals")
@require_login("admin")
def proposal_list():
    """Proposed FAQs are reviewed in the review queue now; old bookmarks land there."""
    return redirect(url_for("review.index", _anchor="proposals"))
