"""Change stamps for the inbox's live updates: pages and API clients poll with ``If-None-Match``
and get 304 until something they show has changed.

Why polling and not server-sent events: under gunicorn's threaded workers an open event stream
holds one of a worker's few threads for as long as the tab is open, nginx buffers and times out
long responses unless told otherwise, and several workers or instances would need a message bus
to hear each other's changes.  A conditional GET every few seconds is a short request that any
proxy passes, costs one small query when nothing changed, and reads the state every worker
shares: the database.

A stamp covers the counts and newest rows of what a view shows, plus every ticket changed in the
last few minutes by id and time, so a transaction that commits after a later one (its clock read
earlier) still changes the stamp when it lands.
"""

from __future__ import annotations

import hashlib
from datetime import timedelta

from flask import Response, make_response, request
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from faqbot.web.core.tables import Ticket, TicketAssignment, TicketMessage, TicketRead, User, iso, utcnow

SKEW = timedelta(minutes=3)


def _digest(*parts: object) -> str:
    return 'W/"' + hashlib.sha256(repr(parts).encode()).hexdigest()[:32] + '"'


def inbox_stamp(session: Session, user: User, *extra: object) -> str:
    """Changes whenever a ticket, message, assignment or this user's read marks change."""
    totals = select(
        select(func.count(Ticket.id)).scalar_subquery(),
        select(func.max(Ticket.updated_at)).scalar_subquery(),
        select(func.count(TicketMessage.id)).scalar_subquery(),
        select(func.max(TicketMessage.id)).scalar_subquery(),
        select(func.count()).select_from(TicketAssignment).scalar_subquery(),
        select(func.count()).where(TicketRead.user_id == user.id).scalar_subquery(),
        select(func.max(TicketRead.read_at)).where(TicketRead.user_id == user.id).scalar_subquery(),
    )
    recent = (
        select(Ticket.id, Ticket.updated_at).where(Ticket.updated_at >= utcnow() - SKEW).order_by(Ticket.id)
    )
    return _digest(user.id, tuple(session.execute(totals).one()), tuple(session.execute(recent)), extra)


def ticket_stamp(ticket: Ticket, *extra: object) -> str:
    """Changes whenever the ticket, its messages, tags or assignee change."""
    last = ticket.messages[-1].id if ticket.messages else 0
    assigned = (ticket.assignment.user_id, iso(ticket.assignment.assigned_at)) if ticket.assignment else None
    return _digest(ticket.id, iso(ticket.updated_at), len(ticket.messages), last, assigned, extra)


def not_modified(etag: str) -> bool:
    """Whether the client already holds the version ``etag`` names."""
    return etag in [tag.strip() for tag in request.headers.get("If-None-Match", "").split(",")]


def with_etag(body: Response | str, etag: str) -> Response:
    response = make_response(body)
    response.headers["ETag"] = etag
    return response


def unchanged(etag: str) -> Response:
    return with_etag(Response(status=304), etag)
