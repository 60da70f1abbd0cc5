"""Admin pages: threshold tuning (curve, what-if, history) and analytics (charts, tables, CSV)."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, g, redirect, render_template, request, url_for

from . import analytics, api_insights, thresholds
from .charts import PALETTE, Marker, Series, horizontal_bar_chart, line_chart, stacked_bar_chart
from .db import get_db
from .errors import ApiError
from .forms import ActionForm
from .security import require_login

bp = Blueprint("insights", __name__, url_prefix="/admin")


def _error_page(error: ApiError):
    return render_template("error.html", status=error.status, message=error.message), error.status


def curve_chart(state: thresholds.ThresholdState, proposed: float | None = None):
    """Precision and coverage against the answer threshold, with the thresholds marked."""
    if not state.curve:
        return None
    points = sorted(state.curve, key=lambda p: p["threshold"])
    markers = [
        Marker(state.effective["answer"], f"answer {state.effective['answer']:.2f}", PALETTE[0]),
        Marker(state.effective["suggest"], f"suggest {state.effective['suggest']:.2f}", PALETTE[1]),
    ]
    if proposed is not None and abs(proposed - state.effective["answer"]) > 1e-9:
        markers.append(Marker(proposed, f"proposed answer {proposed:.2f}", PALETTE[2]))
    return line_chart(
        [p["threshold"] for p in points],
        [
            Series("precision", [p["precision"] for p in points], PALETTE[3]),
            Series("coverage", [p["coverage"] for p in points], PALETTE[4]),
        ],
        title="Precision and coverage of the live model by answer threshold",
        x_label="answer threshold (confidence)",
        y_label="share of labelled questions",
        markers=markers,
    )


@bp.get("/thresholds")
@require_login("admin")
def thresholds_page():
    db = get_db()
    try:
        state = thresholds.current_state(db, current_app.config["MODELS_DIR"])
    except ApiError as error:
        return _error_page(error)
    status, problem, result = 200, None, None
    answer_text = request.args.get("answer")
    suggest_text = request.args.get("suggest")
    days_text = request.args.get("days", "30")
    try:
        answer = thresholds.parse_form_number(answer_text, "answer") if answer_text else None
        suggest = thresholds.parse_form_number(suggest_text, "suggest") if suggest_text else None
        answer, suggest = thresholds.validate(
            state.effective["answer"] if answer is None else answer,
            state.effective["suggest"] if suggest is None else suggest,
        )
        days = thresholds.validate_days(days_text)
        result = thresholds.preview(db, state, answer, suggest, days)
    except ApiError as error:
        status, problem = 400, error.message
        answer, suggest, days = state.effective["answer"], state.effective["suggest"], 30
    return render_template(
        "insights_thresholds.html",
        state=state,
        chart=curve_chart(state, answer),
        answer=answer,
        suggest=suggest,
        days=days,
        preview=result,
        problem=problem,
        history=thresholds.history(db),
        form=ActionForm(),
    ), status


@bp.post("/thresholds")
@require_login("admin")
def set_thresholds():
    if ActionForm().validate_on_submit():
        try:
            answer = thresholds.parse_form_number(request.form.get("answer"), "answer")
            suggest = thresholds.parse_form_number(request.form.get("suggest"), "suggest")
            answer, suggest = thresholds.validate(answer, suggest)
            thresholds.set_thresholds(
                get_db(),
                current_app.config["MODELS_DIR"],
                answer,
                suggest,
                g.user.id,
                request.form.get("version") or None,
            )
        except ApiError as error:
            flash(error.message, "error")
        else:
            flash(f"Thresholds set: answer {answer:g}, suggest {suggest:g}. Every worker follows.", "info")
    return redirect(url_for("insights.thresholds_page"))


@bp.post("/thresholds/reset")
@require_login("admin")
def reset_thresholds():
    if ActionForm().validate_on_submit():
        try:
            thresholds.set_thresholds(get_db(), current_app.config["MODELS_DIR"], None, None, g.user.id)
        except ApiError as error:
            flash(error.message, "error")
        else:
            flash("Thresholds reset to the model's own.", "info")
    return redirect(url_for("insights.thresholds_page"))


def analytics_charts(report: dict) -> dict:
    days = report["daily"]
    labels = [row["day"][5:] for row in days]  # MM-DD keeps the axis readable
    outcomes = stacked_bar_chart(
        labels,
        [
            Series("answered", [row["answered"] for row in days], PALETTE[0]),
            Series("suggested", [row["suggested"] for row in days], PALETTE[1]),
            Series("handoff", [row["handoff"] for row in days], PALETTE[2]),
            Series("follow-up to staff", [row["taken_over"] for row in days], PALETTE[3]),
        ],
        title="Questions per day by outcome",
        y_label="questions",
    )
    faqs = report["top_faqs"]
    top = horizontal_bar_chart(
        [f"#{f['faq_id']} {f['question']}" for f in faqs],
        [f["answered"] for f in faqs],
        title="Top FAQs by questions answered",
        x_label="questions answered",
    )
    return {"outcomes": outcomes, "top_faqs": top}


@bp.get("/analytics")
@require_login("admin")
def analytics_page():
    status, problem = 200, None
    try:
        period = analytics.parse_period(request.args.get("from"), request.args.get("to"))
    except ApiError as error:
        status, problem = 400, error.message
        period = analytics.parse_period(None, None)
    report = analytics.report(get_db(), period)
    return render_template(
        "insights_analytics.html",
        report=report,
        period=period,
        problem=problem,
        charts=analytics_charts(report),
        retention_days=current_app.config["RETENTION_DAYS"],
    ), status


@bp.get("/analytics.csv")
@require_login("admin")
def analytics_csv():
    try:
        return api_insights.csv_response(request.args.get("table", "daily"))
    except ApiError as error:
        return _error_page(error)
