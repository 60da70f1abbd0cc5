"""Ticket tags: short lower-case labels ("refund", "vip") that staff filter the inbox by."""

from __future__ import annotations

import re

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from faqbot.web.core.errors import ApiError
from faqbot.web.core.tables import Ticket, TicketTag, utcnow

MAX_TAG = 40
MAX_TAGS = 20
_SPACES = re.compile(r"\s+")
_ALLOWED = re.compile(r"^[\w][\w.+-]*$")


def normalise_tag(raw: object) -> str:
    """A tag as stored: trimmed, lower case, inner spaces as "-"; a clear error otherwise."""
    if not isinstance(raw, str):
        raise ApiError(400, "invalid_tag", "A tag must be a string.")
    tag = _SPACES.sub("-", raw.strip().lstrip("#").lower())
    if not tag or len(tag) > MAX_TAG or not _ALLOWED.match(tag):
        raise ApiError(
            400,
            "invalid_tag",
            f"Tag {raw!r}: use letters, digits, '-', '_', '.' or '+', at most {MAX_TAG} characters.",
        )
    return tag


def parse_tags(value: object) -> list[str]:
    """Tags from a list of strings or one comma-separated string, normalised, without repeats."""
    if isinstance(value, str):
        value = [part for part in value.split(",") if part.strip()]
    if not isinstance(value, list):
        raise ApiError(400, "invalid_tags", "'tags' must be a list of strings.")
    tags = list(dict.fromkeys(normalise_tag(item) for item in value))
    if len(tags) > MAX_TAGS:
        raise ApiError(400, "invalid_tags", f"A ticket has at most {MAX_TAGS} tags.")
    return tags


def tags_of(ticket: Ticket) -> list[str]:
    return [row.tag for row in ticket.tag_rows]


def set_tags(ticket: Ticket, tags: list[str]) -> None:
    """Make the ticket's tags exactly ``tags`` (the caller commits)."""
    wanted = set(tags)
    if wanted == set(tags_of(ticket)):
        return
    if len(wanted) > MAX_TAGS:
        raise ApiError(400, "invalid_tags", f"A ticket has at most {MAX_TAGS} tags.")
    ticket.tag_rows = [row for row in ticket.tag_rows if row.tag in wanted]
    have = set(tags_of(ticket))
    ticket.tag_rows.extend(TicketTag(tag=tag) for tag in sorted(wanted - have))
    ticket.updated_at = utcnow()  # the inbox's live view notices


def add_tags(ticket: Ticket, tags: list[str]) -> None:
    set_tags(ticket, [*tags_of(ticket), *tags])


def remove_tags(ticket: Ticket, tags: list[str]) -> None:
    set_tags(ticket, [tag for tag in tags_of(ticket) if tag not in tags])


def tags_in_use(session: Session, limit: int = 200) -> list[tuple[str, int]]:
    """Tags with how many tickets carry them, most used first (for filters and suggestions)."""
    count = func.count().label("n")
    rows = session.execute(
        select(TicketTag.tag, count)
        .group_by(TicketTag.tag)
        .order_by(count.desc(), TicketTag.tag)
        .limit(limit)
    )
    return [(tag, n) for tag, n in rows]
