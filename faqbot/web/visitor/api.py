"""The public JSON API the chat widget calls: ask, feedback, browse FAQs, follow a ticket.

Browsing (``/faqs``, ``/widget/config``) lives in :mod:`browse`, on this blueprint.

It is cross-origin (CORS for the configured origins only), cookie-free, size- and rate-limited.
"""

from __future__ import annotations

from flask import Blueprint, Response, current_app, jsonify, request
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from faqbot.web.core.db import get_db
from faqbot.web.core.errors import ApiError
from faqbot.web.core.payload import is_row_id, json_body, string_field, valid_email
from faqbot.web.core.tables import Feedback, Query, Ticket, iso
from faqbot.web.inbox.tickets import notify_visitor
from faqbot.web.visitor.asking import ask

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


def _ticket_by_token(token: str) -> Ticket:
    ticket = get_db().scalar(select(Ticket).where(Ticket.token == token)) if len(token) < 64 else None
    if ticket is None:
        raise ApiError(404, "not_found", "No ticket with this token.")
    return ticket


def _since() -> int:
    raw = request.args.get("since", "0")
    if not raw.isdigit() or len(raw) > 10:
        raise ApiError(400, "invalid_since", "'since' must be a message id (a whole number).")
    return int(raw)


@bp.get("/tickets/<token>")
def ticket_status(token: str):
    """The visitor's ticket.  ``?since=<message id>`` lists only the messages after that one
    (each carries its ``id``); ``reply`` is the latest staff reply either way."""
    since = _since()
    ticket = _ticket_by_token(token)
    messages = [
        {
            "id": m.id,
            "author": m.author,
            "author_name": (m.author_name or "Support team") if m.author == "staff" else None,
            "text": m.text,
            "created_at": iso(m.created_at),
        }
        for m in ticket.messages
    ]
    replies = [m["text"] for m in messages if m["author"] == "staff"]
    return jsonify(
        {
            "id": ticket.id,
            "status": ticket.status,
            "question": ticket.question,
            "created_at": iso(ticket.created_at),
            "reply": replies[-1] if replies else None,
            "messages": [m for m in messages if m["id"] > since],
            "last_message_id": messages[-1]["id"] if messages else 0,
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


# Browsing the FAQs and the widget's look are routes of this blueprint too.
from faqbot.web.visitor import browse as _browse  # noqa: E402,F401
