"""Finding users for the people pages and API."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from faqbot.web.core.errors import ApiError
from faqbot.web.core.tables import User


def all_users(session: Session) -> list[User]:
    """Active people first, then by role (admins first) and email."""
    return list(session.scalars(select(User).order_by(User.active.desc(), User.role, User.email)))


def get_user(session: Session, user_id: int) -> User:
    user = session.get(User, user_id)
    if user is None:
        raise ApiError(404, "not_found", f"No user #{user_id}.")
    return user
