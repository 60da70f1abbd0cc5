"""The inbox's views (Mine, Unassigned, All, Closed), filters (status, tag, words) and counts.

A view is who and what: Mine and Unassigned are the tickets still to be done that are mine or
nobody's, All is every ticket still to be done, Closed the resolved ones (most recent first).
Search needs every word somewhere in the question, a message or the visitor's email; "#12" or
"12" also finds ticket 12.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import Select, and_, case, func, or_, select, true
from sqlalchemy.orm import Session, selectinload
from sqlalchemy.sql import ColumnElement

from faqbot.web.core.errors import ApiError
from faqbot.web.core.tables import TICKET_STATUSES, Ticket, TicketAssignment, TicketMessage, TicketTag, User
from faqbot.web.inbox.reads import unread_clause
from faqbot.web.inbox.tagging import normalise_tag

VIEWS = ("mine", "unassigned", "all", "closed")
VIEW_LABELS = {"mine": "Mine", "unassigned": "Unassigned", "all": "All", "closed": "Closed"}
MAX_WORDS = 8


@dataclass
class Filters:
    """What a person asked the inbox to show."""

    view: str | None = "all"  # None: every ticket, closed ones too (the first API's list)
    status: str | None = None  # "open" or "answered" within a view (or any of TICKET_STATUSES)
    tag: str | None = None
    q: str = ""
    unread: bool = False

    def __post_init__(self) -> None:
        if self.view is not None and self.view not in VIEWS:
            raise ApiError(400, "invalid_view", f"'view' must be one of {', '.join(VIEWS)}.")
        if self.status is not None and self.status not in TICKET_STATUSES:
            raise ApiError(400, "invalid_status", f"'status' must be one of {', '.join(TICKET_STATUSES)}.")
        self.tag = normalise_tag(self.tag) if self.tag else None
        self.q = (self.q or "").strip()


@dataclass
class Listing:
    tickets: list[Ticket]
    counts: dict[str, int] = field(default_factory=dict)  # per view
    unread: dict[str, int] = field(default_factory=dict)  # per view (Closed: always 0)


def _assignee():
    return select(TicketAssignment.user_id).where(TicketAssignment.ticket_id == Ticket.id).scalar_subquery()


def view_clause(view: str | None, user_id: int) -> ColumnElement[bool]:
    assignee = _assignee()
    if view is None:
        return true()
    if view == "closed":
        return Ticket.status == "closed"
    open_ = Ticket.status != "closed"
    if view == "mine":
        return and_(open_, assignee == user_id)
    if view == "unassigned":
        return and_(open_, assignee.is_(None))
    return open_


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def search_clause(text: str) -> ColumnElement[bool] | None:
    """Every word in the question, a message or the email (case-insensitive, literal)."""
    words = text.split()[:MAX_WORDS]
    if not words:
        return None
    parts = []
    for word in words:
        pattern = f"%{_escape_like(word)}%"
        anywhere = [
            Ticket.question.ilike(pattern, escape="\\"),
            Ticket.email.ilike(pattern, escape="\\"),
            Ticket.messages.any(TicketMessage.text.ilike(pattern, escape="\\")),
        ]
        number = word.lstrip("#")
        if number.isdigit() and len(number) < 10:
            anywhere.append(Ticket.id == int(number))
        parts.append(or_(*anywhere))
    return and_(*parts)


def filtered(filters: Filters, user_id: int) -> Select:
    query = select(Ticket).where(view_clause(filters.view, user_id))
    if filters.status:
        query = query.where(Ticket.status == filters.status)
    if filters.tag:
        query = query.where(Ticket.tag_rows.any(TicketTag.tag == filters.tag))
    found = search_clause(filters.q)
    if found is not None:
        query = query.where(found)
    if filters.unread:
        query = query.where(unread_clause(user_id))
    return query


def list_tickets(session: Session, user: User, filters: Filters, limit: int, offset: int = 0) -> Listing:
    """One page of the view, oldest waiting first (Closed: last closed first), with counts."""
    order = (
        (Ticket.closed_at.desc(), Ticket.id.desc())
        if filters.view == "closed"
        else (Ticket.created_at, Ticket.id)
    )
    query = (
        filtered(filters, user.id)
        .options(
            selectinload(Ticket.tag_rows), selectinload(Ticket.assignment).selectinload(TicketAssignment.user)
        )
        .order_by(*order)
        .limit(limit)
        .offset(offset)
    )
    counts, unread = view_counts(session, user)
    return Listing(list(session.scalars(query)), counts, unread)


def view_counts(session: Session, user: User) -> tuple[dict[str, int], dict[str, int]]:
    """How many tickets each view holds, and how many of them are unread for ``user``."""
    unread = unread_clause(user.id)
    columns = []
    for view in VIEWS:
        where = view_clause(view, user.id)
        columns.append(func.coalesce(func.sum(case((where, 1), else_=0)), 0))
        columns.append(func.coalesce(func.sum(case((and_(where, unread), 1), else_=0)), 0))
    row = session.execute(select(*columns).select_from(Ticket)).one()
    counts = {view: int(row[2 * i]) for i, view in enumerate(VIEWS)}
    unread_counts = {view: int(row[2 * i + 1]) for i, view in enumerate(VIEWS)}
    return counts, unread_counts


def attention(unread: dict[str, int]) -> int:
    """The number in the title and the nav: unread tickets that are mine or nobody's."""
    return unread.get("mine", 0) + unread.get("unassigned", 0)


def status_counts(session: Session) -> dict[str, int]:
    counts = dict.fromkeys(TICKET_STATUSES, 0)
    for name, count in session.execute(select(Ticket.status, func.count()).group_by(Ticket.status)):
        counts[name] = count
    return counts
