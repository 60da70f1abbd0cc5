"""The ticket page: the conversation, the composer, assignment, tags and resolving, and the
live fragment that brings new turns without a reload."""

from __future__ import annotations

from flask import flash, g, jsonify, redirect, render_template, request, url_for
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from faqbot.web.core.db import get_db
from faqbot.web.core.errors import ApiError
from faqbot.web.core.forms import ActionForm, LinkForm, NewFaqForm
from faqbot.web.core.markdown import render_markdown
from faqbot.web.core.security import require_login
from faqbot.web.core.tables import Faq, Ticket
from faqbot.web.inbox import canned, tickets
from faqbot.web.inbox.assignment import assign, assignee_of
from faqbot.web.inbox.blueprints import pages as bp
from faqbot.web.inbox.forms import AssignForm, ComposeForm, TagsForm
from faqbot.web.inbox.live import not_modified, ticket_stamp, unchanged, with_etag
from faqbot.web.inbox.people import teammates
from faqbot.web.inbox.reads import mark_read, mark_unread
from faqbot.web.inbox.tagging import parse_tags, set_tags, tags_in_use, tags_of
from faqbot.web.inbox.thread import build_thread, turns_after
from faqbot.web.inbox.views import VIEWS, Filters, filtered


def _neighbours(ticket: Ticket, view: str) -> tuple[int | None, int | None]:
    """The previous and next ticket in the view the person came from (for j/k and the links)."""
    db = get_db()
    query = filtered(Filters(view=view), g.user.id).with_only_columns(Ticket.id)
    if view == "closed":
        ids = list(db.scalars(query.order_by(Ticket.closed_at.desc(), Ticket.id.desc()).limit(2000)))
    else:
        ids = list(db.scalars(query.order_by(Ticket.created_at, Ticket.id).limit(2000)))
    if ticket.id not in ids:
        return None, None
    at = ids.index(ticket.id)
    return (ids[at - 1] if at > 0 else None), (ids[at + 1] if at + 1 < len(ids) else None)


def _faqs() -> list[Faq]:
    query = select(Faq).where(Faq.archived.is_(False)).options(selectinload(Faq.phrasings))
    return list(get_db().scalars(query.order_by(Faq.position, Faq.id)))


def _view() -> str:
    view = request.args.get("view") or request.form.get("view")
    return view if view in VIEWS else "all"


def render_ticket(ticket: Ticket, compose: ComposeForm | None = None, preview=None, status: int = 200):
    view = _view()
    previous, following = _neighbours(ticket, view)
    page = render_template(
        "inbox/ticket.html",
        ticket=ticket,
        thread=build_thread(ticket),
        last_message_id=ticket.messages[-1].id if ticket.messages else 0,
        faqs=_faqs(),
        canned_replies=canned.all_replies(get_db()),
        teammates=teammates(get_db()),
        assignee=assignee_of(ticket),
        tags=tags_of(ticket),
        known_tags=[tag for tag, _ in tags_in_use(get_db())],
        view=view,
        previous=previous,
        following=following,
        compose=compose or ComposeForm(formdata=None),
        preview=preview,
        link_form=LinkForm(),
        new_faq_form=NewFaqForm(),
        action_form=ActionForm(),
        assign_form=AssignForm(),
        tags_form=TagsForm(),
    )
    return page, status


def _load(ticket_id: int) -> Ticket | None:
    return get_db().get(Ticket, ticket_id)


def _missing():
    return render_template("error.html", status=404, message="No such ticket."), 404


def _back_to(ticket_id: int):
    return redirect(url_for("inbox.ticket", ticket_id=ticket_id, view=_view()))


@bp.get("/tickets/<id:ticket_id>")
@require_login("staff")
def ticket(ticket_id: int):
    found = _load(ticket_id)
    if found is None:
        return _missing()
    mark_read(get_db(), g.user, found)
    get_db().commit()
    return render_ticket(found)


@bp.get("/tickets/<id:ticket_id>/live")
@require_login("staff")
def live_ticket(ticket_id: int):
    """New turns after ``after`` (a message id) as HTML, and whether the ticket changed
    otherwise (status, assignee, tags); 304 while nothing changed.  Marks it read: the person
    has it open."""
    found = _load(ticket_id)
    if found is None:
        return jsonify({"gone": True}), 404
    after = request.args.get("after", "0")
    after_id = int(after) if after.isdigit() and len(after) < 10 else 0
    etag = ticket_stamp(found, g.user.id, after_id, request.args.get("seen", ""))
    if not_modified(etag):
        return unchanged(etag)
    turns = turns_after(found, after_id)
    if turns and request.args.get("visible") == "1":
        mark_read(get_db(), g.user, found)
        get_db().commit()
    body = {
        "html": render_template("inbox/_turns.html", thread=turns),
        "last": found.messages[-1].id if found.messages else 0,
        "new": len(turns),
        "visitor": sum(1 for t in turns if t.role == "visitor"),
        "state": ticket_state(found),
    }
    return with_etag(jsonify(body), etag)


def ticket_state(found: Ticket) -> str:
    """What the page shows about the ticket besides its turns: when it changes, the page says so."""
    assignee = assignee_of(found)
    return f"{found.status}|{found.resolution}|{assignee.id if assignee else ''}|{','.join(tags_of(found))}"


@bp.post("/tickets/<id:ticket_id>/reply")
@require_login("staff")
def reply(ticket_id: int):
    """Send, or (without JavaScript) preview or insert into the draft and show the page again."""
    found = _load(ticket_id)
    if found is None:
        return _missing()
    form = ComposeForm()
    if not form.validate_on_submit():
        flash("Not sent: the form expired or the reply is too long; your text is below.", "error")
        return render_ticket(found, form, status=400)
    action = form.do.data or "send"
    if action != "send":
        return _compose(found, form, action)
    try:
        tickets.reply(get_db(), found, g.user, form.text.data)
    except ApiError as error:
        get_db().rollback()
        flash(error.message, "error")
        return render_ticket(found, form, status=error.status)
    flash("Reply sent." + (f" Emailed to {found.email}." if found.email else ""), "info")
    return _back_to(ticket_id)


def _compose(found: Ticket, form: ComposeForm, action: str):
    draft = form.text.data or ""
    addition = None
    if action == "canned" and (form.canned_id.data or "").isdigit():
        chosen = get_db().get(canned.CannedReply, int(form.canned_id.data))
        addition = chosen.body if chosen else None
    elif action == "faq" and form.insert_faq_id.data:
        chosen_faq = get_db().get(Faq, form.insert_faq_id.data)
        addition = chosen_faq.answer if chosen_faq else None
    if action in ("canned", "faq"):
        if addition is None:
            flash("Choose a canned reply or an FAQ to insert first.", "error")
        else:
            draft = f"{draft.rstrip()}\n\n{addition}" if draft.strip() else addition
    form.text.data = draft
    preview = render_markdown(draft) if action == "preview" or addition else None
    return render_ticket(found, form, preview)


def _act(ticket_id: int, form, action, done: str):
    """Validate the form (CSRF included), run the ticket action, and come back to the ticket."""
    if not form.validate_on_submit():
        problems = "; ".join(f"{k}: {', '.join(v)}" for k, v in form.errors.items())
        flash(f"Not saved: {problems}", "error")
        return _back_to(ticket_id)
    db = get_db()
    found = _load(ticket_id)
    if found is None:
        return _missing()
    try:
        action(db, found)
        db.commit()
    except ApiError as error:
        db.rollback()
        flash(error.message, "error")
    else:
        flash(done, "info")
    return _back_to(ticket_id)


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
    return _act(
        ticket_id,
        ActionForm(),
        lambda db, t: tickets.resolve(db, t, g.user, {"action": "dismiss"}),
        "Dismissed.",
    )


@bp.post("/tickets/<id:ticket_id>/assign")
@require_login("staff")
def assign_ticket(ticket_id: int):
    form = AssignForm()
    raw = form.assignee_id.data or ""
    target = g.user.id if raw == "me" else int(raw) if raw.isdigit() and len(raw) < 10 else None
    if raw and target is None:
        target = raw  # not a user id: assign() says so
    message = "Assigned to you." if raw == "me" else "Unassigned." if target is None else "Assigned."
    return _act(ticket_id, form, lambda db, t: assign(db, t, target, g.user), message)


@bp.post("/tickets/<id:ticket_id>/tags")
@require_login("staff")
def tag_ticket(ticket_id: int):
    form = TagsForm()
    return _act(ticket_id, form, lambda db, t: set_tags(t, parse_tags(form.tags.data or "")), "Tags saved.")


@bp.post("/tickets/<id:ticket_id>/unread")
@require_login("staff")
def unread(ticket_id: int):
    form = ActionForm()
    found = _load(ticket_id)
    if found is None:
        return _missing()
    if form.validate_on_submit():
        mark_unread(get_db(), g.user, found)
        get_db().commit()
        flash(f"Ticket #{ticket_id} is unread again.", "info")
    return redirect(url_for("inbox.index", view=_view()))
