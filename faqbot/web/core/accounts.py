"""Changes to accounts, in one place for the people pages, their API and ``faqbot users``.

The rules they all keep: a password passes the policy of :mod:`faqbot.web.core.passwords`
unless it is a random temporary one; a password set by someone else (a reset, an invitation,
the printed first-admin one) must be replaced by its owner at the next login; a password
change or a deactivation ends every session and bearer token of the user; the last active
admin cannot be demoted or deactivated, or nobody could manage the instance any more.

Failures are :class:`ApiError`, so the API answers them as they are and the pages show their
message.  The caller commits.
"""

from __future__ import annotations

import secrets

from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash

from faqbot.web.core.errors import ApiError
from faqbot.web.core.passwords import MAX_LENGTH, WeakPassword, check_password
from faqbot.web.core.payload import EMAIL_RE
from faqbot.web.core.security import end_all_sessions, hash_password, normalise_email, revoke_tokens
from faqbot.web.core.tables import ROLES, User

MAX_DISPLAY_NAME = 120


def display_name(user: User) -> str:
    """What people see for ``user``: the chosen name, else the email address."""
    return user.display_name or user.email


def temporary_password() -> str:
    """A random password (96 bits) for someone else to use once and replace."""
    return secrets.token_urlsafe(12)


def clean_display_name(value: object) -> str | None:
    """A display name as stored: stripped, None when empty; refuses non-strings and long ones."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise ApiError(400, "invalid_display_name", "'display_name' must be a string.")
    value = " ".join(value.split())
    if len(value) > MAX_DISPLAY_NAME:
        raise ApiError(
            400, "invalid_display_name", f"The display name may have at most {MAX_DISPLAY_NAME} characters."
        )
    return value or None


def check_new_password(password: object, user_email: str, name: str | None = None) -> str:
    """``password`` if the policy accepts it for this account, else a 400 saying why."""
    if not isinstance(password, str):
        raise ApiError(400, "invalid_password", "The password must be a string.")
    try:
        check_password(password, [user_email] + ([name] if name else []))
    except WeakPassword as error:
        raise ApiError(400, "weak_password", f"Choose another password: {error}.") from None
    return password


def valid_role(role: object) -> str:
    if role not in ROLES:
        raise ApiError(400, "invalid_role", f"The role must be one of: {', '.join(ROLES)}.")
    return str(role)


def create_user(
    session: Session,
    email: object,
    role: object,
    *,
    password: str | None = None,
    name: str | None = None,
    must_change: bool = True,
) -> tuple[User, str | None]:
    """A new active user; returns it and the temporary password when none was given.

    A password chosen by an admin for someone else is temporary too (``must_change``); the
    command line, where people set their own, passes ``must_change=False``.
    """
    if not isinstance(email, str) or not EMAIL_RE.match(normalise_email(email)) or len(email) > 254:
        raise ApiError(400, "invalid_email", "Give a valid email address, such as ana@example.com.")
    email = normalise_email(email)
    role = valid_role(role)
    name = clean_display_name(name)
    if session.scalar(select(User.id).where(User.email == email)) is not None:
        raise ApiError(409, "user_exists", f"A user with email {email} already exists.")
    temporary = None
    if password is None:
        password = temporary = temporary_password()
    else:
        check_new_password(password, email, name)
    user = User(
        email=email,
        role=role,
        display_name=name,
        password_hash=hash_password(password),
        must_change_password=must_change or temporary is not None,
    )
    session.add(user)
    session.flush()
    return user, temporary


def set_password(user: User, password: str, *, must_change: bool) -> int:
    """Store a new password and end every session and token of ``user``; how many tokens ended."""
    user.password_hash = hash_password(password)
    user.must_change_password = must_change
    end_all_sessions(user)
    return revoke_tokens(user)


def change_own_password(user: User, current: object, new: object) -> int:
    """A user replacing their password: the current one must be right, the new one good and
    different.  Wrong guesses count towards the login back-off of the account, so a stolen
    session cannot try passwords faster than the login page allows."""
    from faqbot.web.core import logins  # needs a request's database session

    wait = logins.locked_for(user.email)
    if wait:
        raise ApiError(
            429,
            "too_many_attempts",
            f"Too many wrong passwords for this account; try again in {wait} seconds.",
        )
    if not isinstance(current, str) or len(current) > MAX_LENGTH or not current:
        raise ApiError(400, "wrong_password", "Type your current password.")
    if not check_password_hash(user.password_hash, current):
        logins.record_failure(user.email)
        raise ApiError(400, "wrong_password", "The current password is not right.")
    if new == current:
        raise ApiError(400, "same_password", "The new password must differ from the current one.")
    check_new_password(new, user.email, user.display_name)
    logins.record_success(user.email)
    return set_password(user, str(new), must_change=False)


def reset_password(user: User, actor: User | None) -> str:
    """A temporary password for ``user`` (shown once to the admin), to be replaced at the next
    login; every session and token of the user ends."""
    if actor is not None and actor.id == user.id:
        raise ApiError(409, "own_account", "Change your own password on your profile page instead.")
    password = temporary_password()
    set_password(user, password, must_change=True)
    return password


def active_admins(session: Session, excluding: int | None = None) -> int:
    """How many active admins there are besides ``excluding``; locks their rows on PostgreSQL,
    so two admins demoting each other at the same moment cannot both succeed."""
    query = select(User.id).where(User.role == "admin", User.active.is_(True))
    if excluding is not None:
        query = query.where(User.id != excluding)
    return len(session.scalars(query.with_for_update()).all())


def _keep_an_admin(session: Session, user: User, doing: str) -> None:
    if user.role == "admin" and user.active and active_admins(session, excluding=user.id) == 0:
        raise ApiError(
            409,
            "last_admin",
            f"{user.email} is the last active admin and cannot be {doing}: make another user an admin "
            "first, or nobody could manage people, FAQs and models.",
        )


def set_role(session: Session, user: User, role: object, *, guard: bool = True) -> bool:
    """Give ``user`` another role; whether it changed.  Ends the user's sessions, so open pages
    do not keep rights the role no longer has."""
    role = valid_role(role)
    if role == user.role:
        return False
    if guard and role != "admin":
        _keep_an_admin(session, user, "demoted")
    user.role = role
    end_all_sessions(user)
    return True


def deactivate(session: Session, user: User, *, guard: bool = True) -> int:
    """Lock ``user`` out: every session and token ends; how many tokens there were."""
    if guard:
        _keep_an_admin(session, user, "deactivated")
    user.active = False
    end_all_sessions(user)
    return revoke_tokens(user)


def reactivate(user: User) -> None:
    """Let ``user`` log in again with their password (their old tokens stay revoked)."""
    user.active = True


def update_profile(user: User, *, name: object = ..., notify_new_tickets: object = ...) -> None:
    """Change what the user may change about themself (``...`` leaves a field as it is)."""
    if name is not ...:
        user.display_name = clean_display_name(name)
    if notify_new_tickets is not ...:
        if not isinstance(notify_new_tickets, bool):
            raise ApiError(400, "invalid_notify_new_tickets", "'notify_new_tickets' must be true or false.")
        user.notify_new_tickets = notify_new_tickets
