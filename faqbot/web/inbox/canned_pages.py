"""Canned replies for admins: list, create, edit and delete (staff use them in the composer)."""

from __future__ import annotations

from flask import flash, g, redirect, render_template, url_for

from faqbot.web.core.db import get_db
from faqbot.web.core.errors import ApiError
from faqbot.web.core.forms import ActionForm
from faqbot.web.core.markdown import render_markdown
from faqbot.web.core.security import require_login
from faqbot.web.inbox import canned
from faqbot.web.inbox.blueprints import pages as bp
from faqbot.web.inbox.forms import CannedForm


def _list(form: CannedForm, status: int = 200):
    replies = canned.all_replies(get_db())
    page = render_template(
        "inbox/canned.html", replies=replies, form=form, action_form=ActionForm(), markdown=render_markdown
    )
    return page, status


@bp.get("/canned/")
@require_login("admin")
def canned_index():
    return _list(CannedForm(formdata=None))


@bp.post("/canned/")
@require_login("admin")
def canned_create():
    form = CannedForm()
    if not form.validate_on_submit():
        flash("Not saved: give it a title and a reply (the form may have expired).", "error")
        return _list(form, 400)
    try:
        reply = canned.create_reply(get_db(), {"title": form.title.data, "body": form.body.data}, g.user)
    except ApiError as error:
        flash(error.message, "error")
        return _list(form, error.status)
    flash(f"Saved “{reply.title}”; staff can insert it from the reply box now.", "info")
    return redirect(url_for("inbox.canned_index"))


def _edit_page(reply, form: CannedForm, status: int = 200):
    page = render_template(
        "inbox/canned_edit.html",
        reply=reply,
        form=form,
        action_form=ActionForm(),
        preview=render_markdown(reply.body),
    )
    return page, status


@bp.get("/canned/<id:reply_id>")
@require_login("admin")
def canned_edit(reply_id: int):
    reply = get_db().get(canned.CannedReply, reply_id)
    if reply is None:
        return render_template("error.html", status=404, message="No such canned reply."), 404
    return _edit_page(reply, CannedForm(obj=reply))


@bp.post("/canned/<id:reply_id>")
@require_login("admin")
def canned_update(reply_id: int):
    db = get_db()
    reply = db.get(canned.CannedReply, reply_id)
    if reply is None:
        return render_template("error.html", status=404, message="No such canned reply."), 404
    form = CannedForm()
    if not form.validate_on_submit():
        flash("Not saved: give it a title and a reply (the form may have expired).", "error")
        return _edit_page(reply, form, 400)
    try:
        canned.update_reply(db, reply, {"title": form.title.data, "body": form.body.data})
    except ApiError as error:
        db.rollback()
        flash(error.message, "error")
        return _edit_page(db.get(canned.CannedReply, reply_id), form, error.status)
    flash(f"Saved “{reply.title}”.", "info")
    return redirect(url_for("inbox.canned_index"))


@bp.post("/canned/<id:reply_id>/delete")
@require_login("admin")
def canned_delete(reply_id: int):
    db = get_db()
    reply = db.get(canned.CannedReply, reply_id)
    if reply is not None and ActionForm().validate_on_submit():
        title = reply.title
        canned.delete_reply(db, reply)
        flash(f"Deleted “{title}”.", "info")
    return redirect(url_for("inbox.canned_index"))
