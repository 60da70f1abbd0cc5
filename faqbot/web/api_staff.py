"""Staff API for integrations: list, read, reply to and resolve tickets."""

from __future__ import annotations

from flask import Blueprint, g, jsonify, request

from . import tickets
from .db import get_db
from .errors import ApiError
from .payload import json_body
from .security import require_api_role
from .serialize import ticket_detail, ticket_summary

bp = Blueprint("staff_api", __name__, url_prefix="/api/v1/staff")


def _int_arg(name: str, default: int, maximum: int) -> int:
    raw = request.args.get(name)
    if raw is None:
        return default
    if not raw.isdigit() or int(raw) > maximum:
        raise ApiError(400, f"invalid_{name}", f"'{name}' must be an integer from 0 to {maximum}.")
    return int(raw)


@bp.get("/tickets")
@require_api_role("staff")
def list_tickets():
    status = request.args.get("status") or None
    limit, offset = _int_arg("limit", 50, 500), _int_arg("offset", 0, 10**9)
    found, counts = tickets.search_tickets(get_db(), status, request.args.get("q"), limit, offset)
    return jsonify({"tickets": [ticket_summary(t) for t in found], "counts": counts})


@bp.get("/tickets/<id:ticket_id>")
@require_api_role("staff")
def get_ticket(ticket_id: int):
    return jsonify(ticket_detail(tickets.get_ticket(get_db(), ticket_id)))


@bp.post("/tickets/<id:ticket_id>/reply")
@require_api_role("staff")
def reply(ticket_id: int):
    body = json_body()
    db = get_db()
    ticket = tickets.get_ticket(db, ticket_id)
    tickets.reply(db, ticket, g.user, body.get("text"))
    return jsonify(ticket_detail(ticket)), 201


@bp.post("/tickets/<id:ticket_id>/resolve")
@require_api_role("staff")
def resolve(ticket_id: int):
    body = json_body()
    db = get_db()
    ticket = tickets.resolve(db, tickets.get_ticket(db, ticket_id), g.user, body)
    return jsonify(ticket_detail(ticket))
