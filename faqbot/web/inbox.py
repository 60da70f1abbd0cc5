"""The staff inbox: server-rendered pages to find, answer and resolve handed-off questions."""

from __future__ import annotations

from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from sqlalchemy import select

from . import tickets
from .db import get_db
from .errors import ApiError
from .forms import ActionForm, LinkForm, NewFaqForm, ReplyForm
from .security import require_login
from .tables import TICKET_STATUSES, Faq, Ticket

bp = Blueprint("inbox", __name__, url_prefix="/inbox")
PAGE_SIZE = 50


@bp.get("/")
@require_login("staff")
def index():
    status = request.args.get("status", "open")
    status = status if status in TICKET_STATUSES else None
    text = request.args.get("q", "").strip()
    page = request.args.get("page", 1, type=int)
    page = page if 1 <= page <= 10_000 else 1
    offset = (page - 1) * PAGE_SIZE
    # One extra row tells whether there is a next page without counting the whole result.
    found, counts = tickets.search_tickets(get_db(), status, text or None, PAGE_SIZE + 1, offset)
    return render_template(
        "inbox.html",
        tickets=found[:PAGE_SIZE],
        counts=counts,
        status=status,
        q=text,
        page=page,
        more=len(found) > PAGE_SIZE,
    )


@bp.get("/tickets/<id:ticket_id>")
@require_login("staff")
def ticket(ticket_id: int):
    db = get_db()
    found = db.get(Ticket, ticket_id)
    if found is None:
        return render_template("error.html", status=404, message="No such ticket."), 404
    faqs = db.scalars(select(Faq).order_by(Faq.position, Faq.id)).all()
    return render_template(
        "ticket.html",
        ticket=found,
        faqs=faqs,
        reply_form=ReplyForm(),
        link_form=LinkForm(),
        new_faq_form=NewFaqForm(),
        dismiss_form=ActionForm(),
    )


@bp.post("/tickets/<id:ticket_id>/reply")
@require_login("staff")
def reply(ticket_id: int):
    form = ReplyForm()
    return _act(ticket_id, form, lambda db, t: tickets.reply(db, t, g.user, form.text.data), "Reply sent.")


@bp.post("/tickets/<id:ticket_id>/link")
@require_login("staff")
def link(ticket_id: int):
    form = LinkForm()
    payload = {"action": "link", "faq_id": form.faq_id.data}
    return _act(
        ticket_id,
        form,
        lambda db, t: tickets.resolve(db, t, g.user, payload),
        f"Linked to FAQ #{form.faq_id.data}; the next retrain learns this wording.",
    )


@bp.post("/tickets/<id:ticket_id>/new-faq")
@require_login("staff")
def new_faq(ticket_id: int):
    form = NewFaqForm()
    payload = {"action": "new_faq", "question": form.question.data, "answer": form.answer.data}
    return _act(
        ticket_id,
        form,
        lambda db, t: tickets.resolve(db, t, g.user, payload),
        "Proposed as a new FAQ; an admin will review it.",
    )


@bp.post("/tickets/<id:ticket_id>/dismiss")
@require_login("staff")
def dismiss(ticket_id: int):
    form = ActionForm()
    return _act(
        ticket_id,
        form,
        lambda db, t: tickets.resolve(db, t, g.user, {"action": "dismiss"}),
        "Dismissed.",
    )


def _act(ticket_id: int, form, action, done: str):
    """Validate the form (CSRF included), run the ticket action, and come back to the ticket."""
    if not form.validate_on_submit():
        problems = "; ".join(f"{k}: {', '.join(v)}" for k, v in form.errors.items())
        flash(f"Not saved: {problems}", "error")
        return redirect(url_for("inbox.ticket", ticket_id=ticket_id))
    db = get_db()
    ticket = db.get(Ticket, ticket_id)
    if ticket is None:
        return render_template("error.html", status=404, message="No such ticket."), 404
    try:
        action(db, ticket)
    except ApiError as error:
        db.rollback()
        flash(error.message, "error")
    else:
        flash(done, "info")
    return redirect(url_for("inbox.ticket", ticket_id=ticket_id))
