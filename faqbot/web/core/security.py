"""Who is calling: password and token hashing, and the role checks used by every blueprint.

Staff and admin endpoints accept either a bearer token (integrations) or the login session of
the inbox.  A session-authenticated API write must also carry the CSRF token (header
``X-CSRFToken``), since a browser would send the cookie on a forged cross-site request too.
"""

from __future__ import annotations

import functools
import hashlib
import secrets
import time
from collections.abc import Callable
from typing import TypeVar

from flask import abort, current_app, g, redirect, request, session, url_for
from flask_wtf.csrf import CSRFError, validate_csrf
from sqlalchemy import delete, select
from sqlalchemy.orm import object_session
from werkzeug.security import check_password_hash, generate_password_hash
from wtforms import ValidationError

from faqbot.web.core.db import get_db
from faqbot.web.core.errors import ApiError
from faqbot.web.core.tables import ROLES, ApiToken, User, utcnow

F = TypeVar("F", bound=Callable)
TOKEN_PREFIX = "fqb_"
_RANK = {"staff": 1, "admin": 2}
_UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}


def hash_password(password: str) -> str:
    return generate_password_hash(password)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_api_token() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def normalise_email(email: str) -> str:
    return email.strip().lower()


def authenticate(email: str, password: str) -> User | None:
    """The active user with this email and password, or None (same cost either way)."""
    user = get_db().scalar(select(User).where(User.email == normalise_email(email)))
    stored = user.password_hash if user is not None else _dummy_hash()
    valid = check_password_hash(stored, password)
    return user if valid and user is not None and user.active else None


@functools.cache
def _dummy_hash() -> str:
    """A hash to check against when the email is unknown, so timing does not reveal it."""
    return generate_password_hash("not-a-real-password")


def has_role(user: User, role: str) -> bool:
    return _RANK.get(user.role, 0) >= _RANK[role]


def start_session(user: User) -> None:
    """Log ``user`` in on this browser: a fresh session bound to the user's current epoch."""
    session.clear()
    session["user_id"] = user.id
    session["epoch"] = user.session_epoch
    session["since"] = int(time.time())
    session.permanent = True


def end_all_sessions(user: User) -> None:
    """Revoke every login session of ``user`` on every worker (the caller commits)."""
    user.session_epoch = (user.session_epoch or 0) + 1


def revoke_tokens(user: User) -> int:
    """Delete every bearer token of ``user`` (the caller commits); how many there were."""
    db = object_session(user) or get_db()
    result = db.execute(delete(ApiToken).where(ApiToken.user_id == user.id))
    return result.rowcount or 0


def session_user() -> User | None:
    """The user logged in to the inbox through the session cookie, if any.

    A session is only good while its user is active, its epoch is the user's current one (see
    :func:`end_all_sessions`) and it is younger than ``PERMANENT_SESSION_LIFETIME``, however
    often the cookie was refreshed.
    """
    user_id = session.get("user_id")
    if user_id is None:
        return None
    user = get_db().get(User, user_id)
    lifetime = current_app.permanent_session_lifetime.total_seconds()
    fresh = time.time() - session.get("since", 0) <= lifetime
    if user is None or not user.active or session.get("epoch") != user.session_epoch or not fresh:
        session.clear()
        return None
    return user


def _bearer_user() -> User | None:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    db = get_db()
    row = db.scalar(select(ApiToken).where(ApiToken.token_hash == hash_token(token.strip())))
    if row is None or not row.user.active:
        raise ApiError(401, "unauthorized", "The bearer token is not valid.")
    row.last_used_at = utcnow()
    db.commit()
    return row.user


def api_user(role: str, *, password_gate: bool = True) -> User:
    """Authenticate an API request (bearer token, else session) and check its role.

    A session whose user must still replace a temporary password may only reach the endpoints
    that do that (``password_gate=False``); a bearer token was made by its owner, so it is not
    held back.
    """
    if role not in ROLES:
        raise ValueError(role)
    user = _bearer_user()
    by_session = user is None
    if user is None:
        user = session_user()
        if user is not None and request.method in _UNSAFE:
            _check_api_csrf()
    if user is None:
        raise ApiError(401, "unauthorized", "Log in or send an 'Authorization: Bearer' token.")
    if not has_role(user, role):
        raise ApiError(403, "forbidden", f"This needs the {role} role.")
    if by_session and password_gate and user.must_change_password:
        raise ApiError(
            403,
            "password_change_required",
            "Choose your own password first (POST /api/v1/me/password): the one you were given "
            "was temporary.",
        )
    g.user = user
    g.auth_method = "session" if by_session else "token"
    return user


def _check_api_csrf() -> None:
    try:
        validate_csrf(request.headers.get("X-CSRFToken"))
    except (ValidationError, CSRFError) as error:
        raise ApiError(400, "csrf_failed", f"Session requests need an X-CSRFToken header: {error}") from None


def require_api_role(role: str, *, password_gate: bool = True) -> Callable[[F], F]:
    """Decorator for JSON API views: 401 without credentials, 403 with too small a role (or,
    for a session, before a temporary password is replaced; see :func:`api_user`)."""

    def decorate(view: F) -> F:
        @functools.wraps(view)
        def wrapped(*args, **kwargs):
            api_user(role, password_gate=password_gate)
            return view(*args, **kwargs)

        return wrapped  # type: ignore[return-value]

    return decorate


#: The page where a user replaces a temporary password (the people area's).
PASSWORD_PAGE = "account.password"


def require_login(role: str = "staff", *, password_gate: bool = True) -> Callable[[F], F]:
    """Decorator for staff and admin pages: redirect to the login page, or 403 with too small a
    role.  A user whose password is temporary is sent to the password form first, from every
    page but the ones that take ``password_gate=False``."""

    def decorate(view: F) -> F:
        @functools.wraps(view)
        def wrapped(*args, **kwargs):
            user = session_user()
            if user is None:
                return redirect(url_for("auth.login", next=request.full_path))
            if password_gate and user.must_change_password:
                return redirect(url_for(PASSWORD_PAGE, next=request.full_path.removesuffix("?")))
            if not has_role(user, role):
                abort(403)
            g.user = user
            return view(*args, **kwargs)

        return wrapped  # type: ignore[return-value]

    return decorate
