"""Admin pages: model versions (retrain, compare, promote, discard, roll back) and proposed FAQs."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    g,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from sqlalchemy import select

from faqbot.web.core.db import get_db
from faqbot.web.core.errors import ApiError
from faqbot.web.core.forms import ActionForm
from faqbot.web.core.security import require_login
from faqbot.web.core.tables import Job, ModelVersion
from faqbot.web.models.schedule import schedule_status
from faqbot.web.models.store import UnknownVersion, live_model
from faqbot.web.models.summary import summaries
from faqbot.web.models.training import start_retrain
from faqbot.web.models.trial import default_candidate, try_question
from faqbot.web.models.versions import VersionConflict, get_version
from faqbot.web.models.versions import activate as activate_version
from faqbot.web.models.versions import discard as discard_version

bp = Blueprint("admin", __name__, url_prefix="/admin", template_folder="templates")
REFRESH_SECONDS = 2  # how often the models page reloads itself while a retrain runs


@bp.get("/")
@require_login("admin")
def models():
    db = get_db()
    versions = db.scalars(select(ModelVersion).order_by(ModelVersion.created_at.desc())).all()
    jobs = db.scalars(select(Job).order_by(Job.id.desc()).limit(10)).all()
    running = next((j for j in jobs if j.status in ("queued", "running")), None)
    live = next((v for v in versions if v.is_live), None)
    trial, status = _trial(versions)
    schedule = schedule_status(current_app._get_current_object(), db)
    page = render_template(
        "models/list.html",
        versions=versions,
        jobs=jobs,
        running=running,
        live=live,
        schedule=schedule,
        form=ActionForm(),
        described=summaries(versions, current_app.config["MODELS_DIR"]),
        **trial,
    )
    response = make_response(page, status)
    if running is not None:  # a header, not inline script: the CSP allows no script here
        response.headers["Refresh"] = str(REFRESH_SECONDS)
    return response


def _trial(versions) -> tuple[dict, int]:
    """The "try a question" box: the question asked (``?q=``), the version compared with the
    live one (``?candidate=``, by default the newest pending), and both decisions."""
    question = request.args.get("q", "").strip()
    default = default_candidate(versions)
    candidate = request.args.get("candidate") or (default.version if default else None)
    others = [v for v in versions if not v.is_live]
    box = {"trial_q": question, "trial_candidate": candidate, "trial_versions": others, "trial": None}
    if not question:
        return {**box, "trial_error": None}, 200
    app = current_app._get_current_object()
    try:
        box["trial"] = try_question(app, get_db(), question, live_model().get(), candidate)
    except ApiError as error:
        return {**box, "trial_error": error.message}, error.status
    return {**box, "trial_error": None}, 200


@bp.get("/models/<version>")
@require_login("admin")
def report(version: str):
    """The candidate-versus-live report of one version."""
    try:
        row = get_version(get_db(), current_app.config["MODELS_DIR"], version)
    except UnknownVersion:
        abort(404)
    return render_template("models/report.html", v=row, report=row.report, form=ActionForm())


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
