"""Review queue pages: clusters of what visitors asked and the bot did not answer well, with
one-click link / new FAQ / ignore, and the FAQs staff proposed from their replies."""

from __future__ import annotations

from collections.abc import Callable

from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from sqlalchemy import select

from faqbot.web.core.db import get_db
from faqbot.web.core.errors import ApiError
from faqbot.web.core.forms import ActionForm
from faqbot.web.core.security import require_login
from faqbot.web.core.tables import Faq, ProposedFaq
from faqbot.web.review import actions as review_actions
from faqbot.web.review import proposals
from faqbot.web.review import queue as review
from faqbot.web.review import wrong_answers as wrong

bp = Blueprint("review", __name__, url_prefix="/admin/review", template_folder="templates")
bp.url_value_preprocessor(review_actions.allow_long_id_lists)

PAGE_CLUSTERS = 30
PERIODS = (7, 30, 90, 365)


@bp.get("/")
@require_login("admin")
def index():
    db = get_db()
    try:
        params = review.parse_request(request.args, default_limit=PAGE_CLUSTERS)
    except ApiError as error:
        flash(error.message, "error")
        return redirect(url_for("review.index"))
    model = review.current_model()
    queue = review.review_queue(db, model=model, **params)
    wrong_answers = wrong.wrong_answers(db, model=model, **params)
    pending = db.scalars(select(ProposedFaq).where(ProposedFaq.status == "pending").order_by(ProposedFaq.id))
    return render_template(
        "review/queue.html",
        queue=queue,
        wrong=wrong_answers,
        kind_labels=wrong.LABELS,
        proposals=pending.all(),
        form=ActionForm(),
        days=request.args.get("days", type=int, default=review.DEFAULT_DAYS),
        periods=PERIODS,
        limit=params["limit"],
        max_clustered=review.MAX_CLUSTERED,
        back=request.full_path,
        categories=db.scalars(select(Faq.category).where(Faq.category.is_not(None)).distinct()).all(),
    )


def _ids_from_form() -> list[int]:
    """The ticked wordings' query ids (each checkbox carries "12,15,31")."""
    ids: list[int] = []
    for value in request.form.getlist("ids"):
        for part in value.split(","):
            if not part.strip().isdigit():
                raise ApiError(400, "invalid_query_ids", "The form sent an invalid question id.")
            ids.append(int(part))
    if not ids:
        raise ApiError(400, "invalid_query_ids", "Tick at least one question.")
    return review_actions.parse_query_ids(ids)


def _act(ids: list[int]) -> str:
    """Carry out the pressed button; returns the message to show."""
    db, form, user_id = get_db(), request.form, g.user.id
    candidate = form.get("candidate")
    action = "link" if candidate else form.get("action")
    if action == "link":
        outcome = review_actions.link(db, ids, candidate or form.get("faq_id", ""), user_id)
        added = f"{len(outcome.added)} new phrasing(s)"
        linked = f"Linked {outcome.decided} question(s) to FAQ #{outcome.faq_id}"
        return f"{linked}: {added}; the next retrain uses them."
    if action == "new_faq":
        outcome = review_actions.new_faq(
            db,
            ids,
            question=form.get("question", ""),
            answer=form.get("answer", ""),
            category=form.get("category") or None,
            user_id=user_id,
        )
        return f"Created FAQ #{outcome.faq_id} from {outcome.decided} question(s); the next retrain uses it."
    if action == "ignore":
        outcome = review_actions.ignore(db, ids, user_id)
        return f"Ignored {outcome.decided} question(s); they will not come back."
    raise ApiError(400, "invalid_action", "Unknown action.")


def _back():
    """Back to the queue as it was shown (only ever a review page: no open redirect)."""
    target = request.form.get("back", "")
    if not target.startswith(bp.url_prefix + "/") or target.startswith("//"):
        target = url_for("review.index")
    return redirect(target)


@bp.post("/decide")
@require_login("admin")
def decide():
    return _decided(_act)


def _act_on_wrong(ids: list[int]) -> str:
    """ "The right FAQ was #m" (typed, or one of the bot's candidates) or "the answer was right"."""
    db, form, user_id = get_db(), request.form, g.user.id
    candidate = form.get("candidate")
    action = "correct" if candidate else form.get("action")
    if action == "correct":
        outcome = review_actions.correct(db, ids, candidate or form.get("faq_id", ""), user_id)
        added = f"{len(outcome.added)} new phrasing(s)"
        return (
            f"Taught FAQ #{outcome.faq_id} {added} from {outcome.decided} wrong answer(s); "
            "the next retrain uses it."
        )
    if action == "confirm":
        outcome = review_actions.confirm(db, ids, user_id)
        return f"Kept the answer for {outcome.decided} question(s); they will not come back for it."
    raise ApiError(400, "invalid_action", "Unknown action.")


@bp.post("/wrong-answers")
@require_login("admin")
def decide_wrong():
    return _decided(_act_on_wrong)


def _decided(act: Callable[[list[int]], str]):
    """Run a queue action on the checked rows and say what it did (or why not) on the page."""
    if not ActionForm().validate_on_submit():
        flash("The form expired; please try again.", "error")
        return _back()
    try:
        message = act(_ids_from_form())
    except ApiError as error:
        get_db().rollback()
        flash(error.message, "error")
    else:
        flash(message, "info")
    return _back()


@bp.post("/proposals/<id:proposal_id>/<any(approve, reject):decision>")
@require_login("admin")
def decide_proposal(proposal_id: int, decision: str):
    if ActionForm().validate_on_submit():
        try:
            if decision == "approve":
                proposal = proposals.approve(get_db(), proposal_id, user_id=g.user.id)
            else:
                proposal = proposals.reject(get_db(), proposal_id)
        except ApiError as error:
            flash(error.message, "error")
        else:
            done = (
                f"became FAQ #{proposal.faq_id}; retrain to use it" if decision == "approve" else "rejected"
            )
            flash(f"Proposed FAQ {proposal_id} {done}.", "info")
    return _back()
