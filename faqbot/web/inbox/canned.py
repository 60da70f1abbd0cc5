"""Canned replies: saved answers staff insert in the composer; admins write and keep them."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from faqbot.web.core.errors import ApiError
from faqbot.web.core.tables import CannedReply, User, iso

MAX_TITLE = 200
MAX_BODY = 10_000


def all_replies(session: Session) -> list[CannedReply]:
    """Every canned reply, by title."""
    return list(session.scalars(select(CannedReply).order_by(func.lower(CannedReply.title), CannedReply.id)))


def get_reply(session: Session, reply_id: int) -> CannedReply:
    found = session.get(CannedReply, reply_id)
    if found is None:
        raise ApiError(404, "not_found", f"No canned reply {reply_id}.")
    return found


def _field(values: dict[str, Any], name: str, limit: int) -> str:
    value = values.get(name)
    if not isinstance(value, str) or not value.strip():
        raise ApiError(400, f"invalid_{name}", f"'{name}' must be a non-empty string.")
    if len(value.strip()) > limit:
        raise ApiError(400, f"invalid_{name}", f"'{name}' must be at most {limit} characters.")
    return value.strip()


def _check_title_free(session: Session, title: str, own_id: int | None) -> None:
    clash = session.scalar(select(CannedReply).where(func.lower(CannedReply.title) == title.lower()))
    if clash is not None and clash.id != own_id:
        raise ApiError(409, "duplicate_title", f"A canned reply is already called {title!r}.")


def _commit(session: Session, title: str) -> None:
    """Commit; a title taken by someone else in the meantime is the same 409 as one taken before."""
    try:
        session.commit()
    except IntegrityError:
        session.rollback()
        raise ApiError(409, "duplicate_title", f"A canned reply is already called {title!r}.") from None


def create_reply(session: Session, values: dict[str, Any], user: User) -> CannedReply:
    title, body = _field(values, "title", MAX_TITLE), _field(values, "body", MAX_BODY)
    _check_title_free(session, title, None)
    reply = CannedReply(title=title, body=body, created_by=user.id)
    session.add(reply)
    _commit(session, title)
    return reply


def update_reply(session: Session, reply: CannedReply, values: dict[str, Any]) -> CannedReply:
    """Change the title and/or body; fields left out stay as they are."""
    if "title" in values:
        title = _field(values, "title", MAX_TITLE)
        _check_title_free(session, title, reply.id)
        reply.title = title
    if "body" in values:
        reply.body = _field(values, "body", MAX_BODY)
    _commit(session, reply.title)
    return reply


def delete_reply(session: Session, reply: CannedReply) -> None:
    session.delete(reply)
    session.commit()


def reply_json(reply: CannedReply) -> dict[str, Any]:
    return {
        "id": reply.id,
        "title": reply.title,
        "body": reply.body,
        "created_at": iso(reply.created_at),
        "updated_at": iso(reply.updated_at),
    }
