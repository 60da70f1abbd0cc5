"""Staff API of the workspace: assignment, tags, read marks, bulk actions, and the summary the
pages poll for the unread count and new-ticket alerts."""

from __future__ import annotations

from flask import g, jsonify
from sqlalchemy import select

from faqbot.web.core.db import get_db
from faqbot.web.core.errors import ApiError
from faqbot.web.core.payload import json_body
from faqbot.web.core.security import require_api_role
from faqbot.web.core.tables import Ticket, iso
from faqbot.web.inbox import bulk, tickets
from faqbot.web.inbox.assignment import assign
from faqbot.web.inbox.blueprints import api as bp
from faqbot.web.inbox.live import inbox_stamp, not_modified, unchanged, with_etag
from faqbot.web.inbox.people import teammates
from faqbot.web.inbox.reads import mark_read, mark_unread, unread_clause
from faqbot.web.inbox.serialize import person, ticket_detail
from faqbot.web.inbox.tagging import parse_tags, set_tags, tags_in_use
from faqbot.web.inbox.views import attention, view_clause, view_counts

MAX_ALERTS = 20


@bp.post("/tickets/<id:ticket_id>/assign")
@require_api_role("staff")
def assign_ticket(ticket_id: int):
    """``{"assignee_id": n}``, ``{"assignee_id": null}`` (unassign) or ``{"assignee": "me"}``."""
    body = json_body()
    db = get_db()
    ticket = tickets.get_ticket(db, ticket_id)
    if body.get("assignee") == "me":
        target = g.user.id
    elif "assignee_id" in body:
        target = body["assignee_id"]
    else:
        raise ApiError(400, "invalid_assignee", "Send 'assignee_id' (a user id or null) or 'assignee': 'me'.")
    assign(db, ticket, target, g.user)
    db.commit()
    return jsonify(ticket_detail(ticket))


@bp.put("/tickets/<id:ticket_id>/tags")
@require_api_role("staff")
def put_tags(ticket_id: int):
    """``{"tags": [...]}``: the ticket's tags become exactly these."""
    body = json_body()
    db = get_db()
    ticket = tickets.get_ticket(db, ticket_id)
    set_tags(ticket, parse_tags(body.get("tags")))
    db.commit()
    return jsonify(ticket_detail(ticket))


@bp.post("/tickets/<id:ticket_id>/read")
@require_api_role("staff")
def read(ticket_id: int):
    db = get_db()
    ticket = tickets.get_ticket(db, ticket_id)
    mark_read(db, g.user, ticket)
    db.commit()
    return jsonify({"id": ticket.id, "unread": False})


@bp.delete("/tickets/<id:ticket_id>/read")
@require_api_role("staff")
def unread(ticket_id: int):
    db = get_db()
    ticket = tickets.get_ticket(db, ticket_id)
    mark_unread(db, g.user, ticket)
    db.commit()
    return jsonify({"id": ticket.id, "unread": ticket.status != "closed"})


@bp.post("/tickets/bulk")
@require_api_role("staff")
def bulk_action():
    outcome = bulk.run(get_db(), g.user, json_body())
    return jsonify(outcome.as_json())


@bp.get("/teammates")
@require_api_role("staff")
def list_teammates():
    return jsonify({"teammates": [person(u) for u in teammates(get_db())]})


@bp.get("/tags")
@require_api_role("staff")
def list_tags():
    return jsonify({"tags": [{"tag": tag, "tickets": n} for tag, n in tags_in_use(get_db())]})


@bp.get("/inbox")
@require_api_role("staff")
def summary():
    """Counts per view, unread per view, the number for the title (unread, mine or nobody's),
    and the newest such unread tickets, for notifications."""
    db, user = get_db(), g.user
    etag = inbox_stamp(db, user, "summary")
    if not_modified(etag):
        return unchanged(etag)
    counts, unread_counts = view_counts(db, user)
    waiting = (
        select(Ticket.id, Ticket.question, Ticket.last_visitor_at)
        .where(unread_clause(user.id), view_clause("all", user.id))
        .where(view_clause("mine", user.id) | view_clause("unassigned", user.id))
        .order_by(Ticket.last_visitor_at.desc(), Ticket.id.desc())
        .limit(MAX_ALERTS)
    )
    alerts = [{"id": i, "question": q[:200], "at": iso(at)} for i, q, at in db.execute(waiting)]
    body = {
        "counts": counts,
        "unread": unread_counts,
        "attention": attention(unread_counts),
        "alerts": alerts,
    }
    return with_etag(jsonify(body), etag)
