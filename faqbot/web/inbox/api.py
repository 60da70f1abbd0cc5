"""Staff API for integrations: list, read, reply to and resolve tickets.

Lists and tickets carry an ``ETag``; a client that sends it back in ``If-None-Match`` gets 304
until something changed (see :mod:`live`).  ``GET /tickets/<id>?since=<message id>`` returns only
the newer messages.  The workspace's other endpoints (assignment, tags, bulk actions, canned
replies, preview, notifications) live in :mod:`api_work` and :mod:`api_compose`.
"""

from __future__ import annotations

from flask import g, jsonify, request

from faqbot.web.core.db import get_db
from faqbot.web.core.errors import ApiError
from faqbot.web.core.payload import json_body
from faqbot.web.core.security import require_api_role
from faqbot.web.inbox import api_compose, api_work, tickets  # noqa: F401 (api_*: their routes)
from faqbot.web.inbox.blueprints import api as bp
from faqbot.web.inbox.live import inbox_stamp, not_modified, ticket_stamp, unchanged, with_etag
from faqbot.web.inbox.reads import unread_ids
from faqbot.web.inbox.serialize import ticket_detail, ticket_summary
from faqbot.web.inbox.views import Filters, attention, list_tickets, status_counts

__all__ = ["bp"]


def int_arg(name: str, default: int, maximum: int) -> int:
    raw = request.args.get(name)
    if raw is None:
        return default
    if not raw.isdigit() or int(raw) > maximum:
        raise ApiError(400, f"invalid_{name}", f"'{name}' must be an integer from 0 to {maximum}.")
    return int(raw)


def _filters() -> Filters:
    args = request.args
    unread = args.get("unread", "")
    if unread not in ("", "0", "1", "true", "false"):
        raise ApiError(400, "invalid_unread", "'unread' must be true or false.")
    return Filters(
        view=args.get("view") or None,
        status=args.get("status") or None,
        tag=args.get("tag") or None,
        q=args.get("q", ""),
        unread=unread in ("1", "true"),
    )


@bp.get("/tickets")
@require_api_role("staff")
def list_tickets_api():
    """Without ``view``: every ticket (or one status), oldest first, as the first version
    answered; with ``view`` (mine, unassigned, all, closed) that view.  Both add per-view counts
    and unread counts (``views``) and, per ticket, assignee, tags and unread."""
    db, user = get_db(), g.user
    limit, offset = int_arg("limit", 50, 500), int_arg("offset", 0, 10**9)
    filters = _filters()
    etag = inbox_stamp(db, user, request.query_string)
    if not_modified(etag):
        return unchanged(etag)
    listing = list_tickets(db, user, filters, limit, offset)
    unread = unread_ids(db, user, [t.id for t in listing.tickets])
    views = {"counts": listing.counts, "unread": listing.unread, "attention": attention(listing.unread)}
    body = {
        "tickets": [ticket_summary(t, t.id in unread) for t in listing.tickets],
        "counts": status_counts(db),
        "views": views,
    }
    return with_etag(jsonify(body), etag)


@bp.get("/tickets/<id:ticket_id>")
@require_api_role("staff")
def get_ticket(ticket_id: int):
    db = get_db()
    ticket = tickets.get_ticket(db, ticket_id)
    since = int_arg("since", 0, 2**31 - 1)
    unread = ticket.id in unread_ids(db, g.user, [ticket.id])
    etag = ticket_stamp(ticket, g.user.id, unread, since)
    if not_modified(etag):
        return unchanged(etag)
    return with_etag(jsonify(ticket_detail(ticket, unread, since)), etag)


@bp.post("/tickets/<id:ticket_id>/reply")
@require_api_role("staff")
def reply(ticket_id: int):
    body = json_body()
    db = get_db()
    ticket = tickets.get_ticket(db, ticket_id)
    tickets.reply(db, ticket, g.user, body.get("text"))
    return jsonify(ticket_detail(ticket, False)), 201


@bp.post("/tickets/<id:ticket_id>/resolve")
@require_api_role("staff")
def resolve(ticket_id: int):
    body = json_body()
    db = get_db()
    ticket = tickets.resolve(db, tickets.get_ticket(db, ticket_id), g.user, body)
    return jsonify(ticket_detail(ticket, False))
