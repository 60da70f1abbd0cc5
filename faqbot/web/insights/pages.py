"""Admin pages: threshold tuning (curve, what-if, history) and analytics (charts, tables, CSV)."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, g, redirect, render_template, request, url_for

from faqbot.web.core.db import get_db
from faqbot.web.core.errors import ApiError
from faqbot.web.core.forms import ActionForm
from faqbot.web.core.security import require_login
from faqbot.web.insights import analytics, overview, thresholds
from faqbot.web.insights import api as api_insights
from faqbot.web.insights.charts import (
    PALETTE,
    Marker,
    PointLink,
    Series,
    horizontal_bar_chart,
    line_chart,
    stacked_bar_chart,
)
from faqbot.web.review.wrong_answers import LABELS as KIND_LABELS

bp = Blueprint("insights", __name__, url_prefix="/admin", template_folder="templates")


def _error_page(error: ApiError):
    return render_template("error.html", status=error.status, message=error.message), error.status


POINT_STEP = 5  # every 0.05 of the curve is a link (21 points: enough to choose, few to tab through)


def curve_points(state: thresholds.ThresholdState, days: int) -> list[dict]:
    """Every 0.05 of the curve that still answers something, with the link previewing it."""
    points = []
    for point in sorted(state.curve, key=lambda p: p["threshold"]):
        hundredths = round(point["threshold"] * 100)
        if hundredths % POINT_STEP or not point.get("answered", 1):
            continue
        answer = hundredths / 100
        suggest = min(state.effective["suggest"], answer)
        href = url_for(
            "insights.thresholds_page", answer=f"{answer:.2f}", suggest=f"{suggest:.2f}", days=days
        )
        points.append({**point, "answer": answer, "href": href + "#what-if"})
    return points


def point_links(state: thresholds.ThresholdState, days: int) -> list[PointLink]:
    """The curve's points as links (SVG ``<a>``, no script) to the preview of that threshold."""
    return [
        PointLink(
            p["answer"],
            p["precision"],
            p["href"],
            f"Answer from {p['answer']:.2f}: {p['precision']:.0%} of answers right, "
            f"{p['coverage']:.0%} of questions answered. Preview it.",
            PALETTE[3],
        )
        for p in curve_points(state, days)
    ]


def curve_chart(state: thresholds.ThresholdState, proposed: float | None = None, days: int = 30):
    """Precision and coverage against the answer threshold, with the thresholds marked and the
    points of the precision line as links to their preview."""
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
        links=point_links(state, days),
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
    try:
        answer, suggest, target = _asked_thresholds(state)
        days = thresholds.validate_days(request.args.get("days", "30"))
        result = thresholds.preview(db, state, answer, suggest, days)
    except ApiError as error:
        status, problem = 400, error.message
        answer, suggest, days, target = state.effective["answer"], state.effective["suggest"], 30, None
    point = thresholds.curve_at(state.curve, answer)
    if target is None:  # the precision the previewed threshold reaches, as a starting target
        target = state.target if answer == state.effective["answer"] and state.target else None
        target = target or (round(point["precision"], 3) if point else None)
    return render_template(
        "insights/thresholds.html",
        state=state,
        chart=curve_chart(state, answer, days),
        points=curve_points(state, days) if state.curve else [],
        answer=answer,
        suggest=suggest,
        target=target,
        point=point,
        days=days,
        preview=result,
        problem=problem,
        history=thresholds.history(db),
        form=ActionForm(),
    ), status


def _asked_thresholds(state: thresholds.ThresholdState) -> tuple[float, float, float | None]:
    """The thresholds to preview: a target precision (as a percentage), explicit ones, or the
    ones in use; and the target when one was asked for."""
    args = request.args
    if args.get("target"):
        target = thresholds.validate_target(thresholds.parse_form_number(args["target"], "target") / 100)
        resolved = thresholds.for_target(state, target)
        return resolved["answer"], resolved["suggest"], target
    answer = thresholds.parse_form_number(args["answer"], "answer") if args.get("answer") else None
    suggest = thresholds.parse_form_number(args["suggest"], "suggest") if args.get("suggest") else None
    answer, suggest = thresholds.validate(
        state.effective["answer"] if answer is None else answer,
        state.effective["suggest"] if suggest is None else suggest,
    )
    return answer, suggest, None


@bp.post("/thresholds")
@require_login("admin")
def set_thresholds():
    """Save explicit thresholds, or (``mode=target``) a target precision given in percent."""
    if ActionForm().validate_on_submit():
        form, db, models_dir = request.form, get_db(), current_app.config["MODELS_DIR"]
        version = form.get("version") or None
        try:
            if form.get("mode") == "target":
                target = thresholds.parse_form_number(form.get("target"), "target") / 100
                target = thresholds.validate_target(target)
                state = thresholds.set_thresholds(
                    db, models_dir, None, None, g.user.id, version, target=target
                )
                effective = state.effective
                message = (
                    f"Target precision {target:.1%} saved: on {state.version} it answers from "
                    f"{effective['answer']:.2f} (suggests from {effective['suggest']:.2f}). Each new "
                    "version gets the threshold that reaches it on its own curve."
                )
            else:
                answer = thresholds.parse_form_number(form.get("answer"), "answer")
                suggest = thresholds.parse_form_number(form.get("suggest"), "suggest")
                answer, suggest = thresholds.validate(answer, suggest)
                thresholds.set_thresholds(db, models_dir, answer, suggest, g.user.id, version)
                message = f"Thresholds set: answer {answer:g}, suggest {suggest:g}. Every worker follows."
        except ApiError as error:
            db.rollback()
            flash(error.message, "error")
        else:
            flash(message, "info")
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
    rejected = report["rejections"]["most_rejected"]
    most = horizontal_bar_chart(
        [f"#{f['faq_id']} {f['question']}" for f in rejected],
        [f["rejected"] for f in rejected],
        title="Most rejected answers",
        x_label="answers rejected",
    )
    return {"outcomes": outcomes, "top_faqs": top, "rejected": most}


@bp.get("/analytics")
@require_login("admin")
def analytics_page():
    status, problem = 200, None
    try:
        period = analytics.parse_period(request.args.get("from"), request.args.get("to"))
    except ApiError as error:
        status, problem = 400, error.message
        period = analytics.parse_period(None, None)
    report = overview.report(get_db(), period)
    return render_template(
        "insights/analytics.html",
        report=report,
        period=period,
        problem=problem,
        charts=analytics_charts(report),
        kind_labels=KIND_LABELS,
        retention_days=current_app.config["RETENTION_DAYS"],
    ), status


@bp.get("/analytics.csv")
@require_login("admin")
def analytics_csv():
    try:
        return api_insights.csv_response(request.args.get("table", "daily"))
    except ApiError as error:
        return _error_page(error)
