"""Staff API of the composer: canned replies (read by staff, written by admins), FAQs to insert
or link, the Markdown preview, and the person's notification settings."""

from __future__ import annotations

from flask import g, jsonify
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from faqbot.web.core.db import get_db
from faqbot.web.core.errors import ApiError
from faqbot.web.core.markdown import render_markdown
from faqbot.web.core.payload import json_body
from faqbot.web.core.security import require_api_role
from faqbot.web.core.tables import Faq
from faqbot.web.inbox import canned
from faqbot.web.inbox.blueprints import api as bp
from faqbot.web.inbox.tickets import MAX_REPLY


@bp.get("/canned-replies")
@require_api_role("staff")
def list_canned():
    return jsonify({"canned_replies": [canned.reply_json(r) for r in canned.all_replies(get_db())]})


@bp.post("/canned-replies")
@require_api_role("admin")
def create_canned():
    reply = canned.create_reply(get_db(), json_body(), g.user)
    return jsonify(canned.reply_json(reply)), 201


@bp.get("/canned-replies/<id:reply_id>")
@require_api_role("staff")
def get_canned(reply_id: int):
    return jsonify(canned.reply_json(canned.get_reply(get_db(), reply_id)))


@bp.patch("/canned-replies/<id:reply_id>")
@require_api_role("admin")
def update_canned(reply_id: int):
    body = json_body()
    db = get_db()
    return jsonify(canned.reply_json(canned.update_reply(db, canned.get_reply(db, reply_id), body)))


@bp.delete("/canned-replies/<id:reply_id>")
@require_api_role("admin")
def delete_canned(reply_id: int):
    db = get_db()
    canned.delete_reply(db, canned.get_reply(db, reply_id))
    return "", 204


def faq_choice(faq: Faq) -> dict:
    """What a picker needs to find an FAQ by its words: question, category and phrasings."""
    return {
        "id": faq.id,
        "question": faq.question,
        "category": faq.category,
        "phrasings": [p.text for p in faq.phrasings],
    }


@bp.get("/faqs")
@require_api_role("staff")
def list_faqs():
    """Current (not archived) FAQs in corpus order, for choosing one to link or insert."""
    query = select(Faq).where(Faq.archived.is_(False)).options(selectinload(Faq.phrasings))
    faqs = get_db().scalars(query.order_by(Faq.position, Faq.id))
    return jsonify({"faqs": [faq_choice(f) for f in faqs]})


@bp.get("/faqs/<faq_id>")
@require_api_role("staff")
def get_faq(faq_id: str):
    faq = get_db().get(Faq, faq_id) if len(faq_id) <= 64 else None
    if faq is None:
        raise ApiError(404, "not_found", f"No FAQ {faq_id!r}.")
    return jsonify({**faq_choice(faq), "answer": faq.answer, "archived": faq.archived})


@bp.post("/preview")
@require_api_role("staff")
def preview():
    """``{"text"}``: the reply as the visitor will see it (Markdown rendered, raw HTML escaped)."""
    text = json_body().get("text")
    if not isinstance(text, str) or len(text) > MAX_REPLY:
        raise ApiError(400, "invalid_text", f"'text' must be a string of at most {MAX_REPLY} characters.")
    return jsonify({"html": str(render_markdown(text))})


@bp.get("/notifications")
@require_api_role("staff")
def get_notifications():
    return jsonify({"email_new_tickets": bool(g.user.notify_new_tickets)})


@bp.put("/notifications")
@require_api_role("staff")
def put_notifications():
    """``{"email_new_tickets": bool}``: mail me for every new ticket (or stop)."""
    value = json_body().get("email_new_tickets")
    if not isinstance(value, bool):
        raise ApiError(400, "invalid_email_new_tickets", "'email_new_tickets' must be true or false.")
    g.user.notify_new_tickets = value
    get_db().commit()
    return jsonify({"email_new_tickets": value})
