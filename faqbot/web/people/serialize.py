"""JSON shape of a user for the people API (never the password hash)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from faqbot.web.core.accounts import display_name
from faqbot.web.core.tables import ApiToken, User, iso


def user_json(user: User, tokens: int | None = None) -> dict[str, Any]:
    body = {
        "id": user.id,
        "email": user.email,
        "display_name": user.display_name,
        "name": display_name(user),
        "role": user.role,
        "active": user.active,
        "must_change_password": user.must_change_password,
        "notify_new_tickets": user.notify_new_tickets,
        "created_at": iso(user.created_at),
        "last_login_at": iso(user.last_login_at),
    }
    if tokens is not None:
        body["api_tokens"] = tokens
    return body


def initials(user: User) -> str:
    """Up to two letters for the avatar: of the display name's first and last words, else the
    first letter of the email (digits and punctuation skipped)."""
    words = [word for word in (user.display_name or "").split() if any(c.isalpha() for c in word)]
    picked = words[:1] + words[1:][-1:] if words else [user.email]
    letters = [next((c for c in word if c.isalpha()), "") for word in picked]
    return "".join(letters).upper() or "?"


def token_counts(session: Session) -> dict[int, int]:
    """Bearer tokens per user id (users without any are missing)."""
    rows = session.execute(select(ApiToken.user_id, func.count(ApiToken.id)).group_by(ApiToken.user_id))
    return {user_id: int(count) for user_id, count in rows}
