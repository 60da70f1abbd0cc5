"""The people of the inbox: the name a reply is signed with, and who can take a ticket."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from faqbot.web.core.payload import is_row_id
from faqbot.web.core.tables import User

INBOX_ROLES = ("staff", "admin")


def display_name(user: User | None) -> str:
    """The name replies are signed with: the user's display name, else the part of the email
    before "@" (users made before display names existed, or who cleared theirs)."""
    if user is None:
        return "Support team"
    return (user.display_name or "").strip() or user.email.partition("@")[0]


def teammates(session: Session) -> list[User]:
    """Active people who work the inbox, by name: whom a ticket can be assigned to."""
    found = session.scalars(select(User).where(User.active.is_(True), User.role.in_(INBOX_ROLES)))
    return sorted(found, key=lambda u: (display_name(u).lower(), u.id))


def get_teammate(session: Session, user_id: object) -> User | None:
    """The active inbox user with this id, or None."""
    if not is_row_id(user_id):  # not a bool, nor too large for PostgreSQL's INTEGER
        return None
    user = session.get(User, user_id)
    return user if user is not None and user.active and user.role in INBOX_ROLES else None
