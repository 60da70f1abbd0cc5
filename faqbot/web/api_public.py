"""The public JSON API the chat widget calls: ask, feedback, browse FAQs, follow a ticket.

It is cross-origin (CORS for the configured origins only), cookie-free, size- and rate-limited.
"""

from __future__ import annotations

from flask import Blueprint, Response, current_app, jsonify, request
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from .asking import ask
from .db import get_db
from .errors import ApiError
from .payload import is_row_id, json_body, string_field
from .tables import Faq, Feedback, Query, Ticket, iso
from .tickets import notify_visitor, valid_email

bp = Blueprint("public", __name__, url_prefix="/api/v1")
FEEDBACK_REASONS = ("not what I asked", "did not answer it")


@bp.after_request
def _cors_and_no_cookies(response: Response) -> Response:
    """Allow only configured origins, and never credentials (sessions.py keeps cookies out)."""
    response.headers.add("Vary", "Origin")
    origin = request.headers.get("Origin")
    allowed = current_app.config["ALLOWED_ORIGINS"]
    if origin and ("*" in allowed or origin in allowed):
        response.headers["Access-Control-Allow-Origin"] = origin
        if request.method == "OPTIONS":
            response.headers["Access-Control-Allow-Methods"] = "GET, POST, OPTIONS"
            response.headers["Access-Control-Allow-Headers"] = "Content-Type"
            response.headers["Access-Control-Max-Age"] = "600"
    return response


@bp.post("/ask")
def ask_question():
    body = json_body()
    limit = current_app.config["MAX_QUESTION_LENGTH"]
    question = string_field(body, "question", max_length=limit)
    session_id = string_field(body, "session_id", required=False, max_length=100)
    handoff = body.get("handoff", False)
    if not isinstance(handoff, bool):
        raise ApiError(400, "invalid_handoff", "'handoff' must be true or false.")
    email = valid_email(body["email"]) if body.get("email") is not None else None
    return jsonify(ask(get_db(), question, session_id, handoff, email=email))


@bp.post("/feedback")
def feedback():
    body = json_body()
    query_id, helpful = body.get("query_id"), body.get("helpful")
    if not is_row_id(query_id):
        raise ApiError(400, "invalid_query_id", "'query_id' must be a positive integer.")
    if not isinstance(helpful, bool):
        raise ApiError(400, "invalid_helpful", "'helpful' must be true or false.")
    reason = body.get("reason")
    if reason is not None and reason not in FEEDBACK_REASONS:
        choices = " or ".join(f"'{r}'" for r in FEEDBACK_REASONS)
        raise ApiError(400, "invalid_reason", f"'reason' must be {choices}.")
    db = get_db()
    if db.get(Query, query_id) is None:
        raise ApiError(404, "not_found", f"No query {query_id}.")
    try:
        row = _save_feedback(db, query_id, helpful, reason)
    except IntegrityError:
        # Two votes on one answer raced ("No", then a reason): the other one inserted the
        # row between our look-up and our insert, so this one becomes an update.
        db.rollback()
        row = _save_feedback(db, query_id, helpful, reason)
    return jsonify({"query_id": query_id, "helpful": row.helpful, "reason": row.reason})


def _save_feedback(db, query_id: int, helpful: bool, reason: str | None) -> Feedback:
    """Insert or update the one feedback row of a query, and commit."""
    row = db.scalar(select(Feedback).where(Feedback.query_id == query_id))
    if row is None:
        row = Feedback(query_id=query_id, helpful=helpful)
        db.add(row)
    row.helpful, row.reason = helpful, reason if not helpful else None
    db.commit()
    return row


@bp.get("/faqs")
def faqs():
    """FAQs grouped by category; the most asked categories and FAQs first."""
    db = get_db()
    asked = (
        select(Query.faq_id, func.count().label("n"))
        .where(Query.decision == "answered")
        .group_by(Query.faq_id)
        .subquery()
    )
    query = select(Faq, func.coalesce(asked.c.n, 0)).outerjoin(asked, asked.c.faq_id == Faq.id)
    query = query.where(Faq.archived.is_(False))  # archived FAQs are not offered to visitors
    category = request.args.get("category")
    if category:
        query = query.where(Faq.category == category)
    groups: dict[str, list[dict]] = {}
    for faq, count in db.execute(query.order_by(Faq.position, Faq.id)):
        item = {"id": faq.id, "question": faq.question, "answer": faq.answer, "asked": count}
        groups.setdefault(faq.category or "", []).append(item)
    categories = [
        {
            "name": name or None,
            "asked": sum(f["asked"] for f in items),
            "faqs": sorted(items, key=lambda f: -f["asked"]),
        }
        for name, items in groups.items()
    ]
    categories.sort(key=lambda c: -c["asked"])
    return jsonify({"categories": categories})


def _ticket_by_token(token: str) -> Ticket:
    ticket = get_db().scalar(select(Ticket).where(Ticket.token == token)) if len(token) < 64 else None
    if ticket is None:
        raise ApiError(404, "not_found", "No ticket with this token.")
    return ticket


@bp.get("/tickets/<token>")
def ticket_status(token: str):
    ticket = _ticket_by_token(token)
    messages = [
        {"author": m.author, "text": m.text, "created_at": iso(m.created_at)} for m in ticket.messages
    ]
    replies = [m["text"] for m in messages if m["author"] == "staff"]
    return jsonify(
        {
            "id": ticket.id,
            "status": ticket.status,
            "question": ticket.question,
            "created_at": iso(ticket.created_at),
            "reply": replies[-1] if replies else None,
            "messages": messages,
            "email_on_file": ticket.email is not None,
        }
    )


@bp.post("/tickets/<token>/contact")
def ticket_contact(token: str):
    body = json_body()
    email = valid_email(body.get("email"))
    ticket = _ticket_by_token(token)
    db = get_db()
    ticket.email = email
    db.commit()
    sent = notify_visitor(db, ticket)  # replies written before the email was left
    return jsonify({"id": ticket.id, "email_on_file": True, "replies_emailed": sent})
