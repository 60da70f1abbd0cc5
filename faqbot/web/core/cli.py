"""Subcommands of ``faqbot`` for accounts (``users``, ``tokens``), and what every area's subcommands
share: the app they work on.

An area's command never builds the app itself: :mod:`faqbot.web.app.cli` puts the app factory on
the parsed arguments (``args.app_factory``), so the areas stay below the layer that assembles them.
"""

from __future__ import annotations

import argparse
import contextlib
import getpass
import sys
from collections.abc import Iterator
from typing import Any

from flask import Flask
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from faqbot.web.core.db import get_engine, session_scope
from faqbot.web.core.payload import EMAIL_RE
from faqbot.web.core.tables import ROLES


def add_commands(subparsers: Any) -> None:
    """Add ``users`` and ``tokens`` to an argparse subparsers object."""
    users = subparsers.add_parser("users", help="manage staff and admin accounts")
    users_sub = users.add_subparsers(dest="users_command", required=True)
    users_sub.add_parser("list", help="list accounts").set_defaults(func=cmd_users_list)
    create = users_sub.add_parser("create", help="create a user (password from a prompt/stdin)")
    create.add_argument("--email", required=True)
    create.add_argument("--role", choices=ROLES, default="staff")
    create.add_argument("--name", help="display name (signs replies; default: the email)")
    create.set_defaults(func=cmd_users_create)
    passwd = users_sub.add_parser("passwd", help="set a new password; ends the user's sessions and tokens")
    passwd.add_argument("--email", required=True)
    passwd.set_defaults(func=cmd_users_passwd)
    role = users_sub.add_parser("role", help="change a user's role")
    role.add_argument("--email", required=True)
    role.add_argument("--role", choices=ROLES, required=True)
    role.set_defaults(func=cmd_users_role)
    deactivate = users_sub.add_parser("deactivate", help="lock an account out; ends its sessions and tokens")
    deactivate.add_argument("--email", required=True)
    deactivate.set_defaults(func=cmd_users_deactivate)
    reactivate = users_sub.add_parser("reactivate", help="let a deactivated account log in again")
    reactivate.add_argument("--email", required=True)
    reactivate.set_defaults(func=cmd_users_reactivate)

    tokens = subparsers.add_parser("tokens", help="manage API bearer tokens")
    tokens_sub = tokens.add_subparsers(dest="tokens_command", required=True)
    token = tokens_sub.add_parser("create", help="print a new bearer token for a user")
    token.add_argument("--email", required=True)
    token.set_defaults(func=cmd_tokens_create)
    listing = tokens_sub.add_parser("list", help="list tokens (ids, owners, last use; never the secret)")
    listing.add_argument("--email", help="only this user's tokens")
    listing.set_defaults(func=cmd_tokens_list)
    revoke = tokens_sub.add_parser("revoke", help="revoke one token by id, or all of a user's")
    which = revoke.add_mutually_exclusive_group(required=True)
    which.add_argument("--id", type=int, dest="token_id")
    which.add_argument("--email")
    revoke.set_defaults(func=cmd_tokens_revoke)


@contextlib.contextmanager
def command_app(args: argparse.Namespace) -> Iterator[Flask]:
    """The app a subcommand works on (no model is trained), whose connections are closed afterwards."""
    app = args.app_factory(with_model=False)
    try:
        yield app
    finally:
        get_engine(app).dispose()


@contextlib.contextmanager
def db_session(args: argparse.Namespace) -> Iterator[Session]:
    """A committing session on the subcommand's app."""
    with command_app(args) as app, session_scope(app) as session:
        yield session


def read_password(stream=None) -> str:
    """Prompt twice on a terminal; on other stdin read two lines, the password and its repeat.

    A script may send the password once (a single line, then end of input); when a second line
    comes it must match, so a mistyped repeat is caught as at the prompt.
    """
    stream = stream or sys.stdin
    if stream.isatty():
        first = getpass.getpass("Password: ")
        if first != getpass.getpass("Repeat password: "):
            raise ValueError("the passwords differ")
        return first
    first = stream.readline()
    if not first:
        raise ValueError("no password on stdin")
    repeat = stream.readline()
    if repeat and repeat.rstrip("\r\n") != first.rstrip("\r\n"):
        raise ValueError("the passwords differ")
    return first.rstrip("\r\n")


def _new_password(email: str) -> str | None:
    """A password from the prompt or stdin that passes the policy, or None (error printed)."""
    from faqbot.web.core.passwords import WeakPassword, check_password

    try:
        password = read_password()
        check_password(password, [email])
    except (ValueError, WeakPassword) as error:
        print(f"error: {error}", file=sys.stderr)
        return None
    return password


def _find_user(session: Session, email: str):
    from faqbot.web.core.security import normalise_email
    from faqbot.web.core.tables import User

    user = session.scalar(select(User).where(User.email == normalise_email(email)))
    if user is None:
        print(f"error: no user with email {email}", file=sys.stderr)
    return user


def cmd_users_create(args: argparse.Namespace) -> int:
    from faqbot.web.core.accounts import create_user
    from faqbot.web.core.errors import ApiError
    from faqbot.web.core.security import normalise_email

    email = normalise_email(args.email)
    if not EMAIL_RE.match(email):
        print(f"error: {args.email!r} is not a valid email address", file=sys.stderr)
        return 2
    password = _new_password(email)
    if password is None:
        return 2
    try:
        with db_session(args) as session:
            create_user(session, email, args.role, password=password, name=args.name, must_change=False)
    except (IntegrityError, ApiError) as error:
        message = getattr(error, "message", None) or f"a user with email {email} already exists"
        print(f"error: {message}", file=sys.stderr)
        return 1
    print(f"created {args.role} {email}")
    return 0


def cmd_users_list(args: argparse.Namespace) -> int:
    from faqbot.web.core.tables import User

    with db_session(args) as session:
        users = session.scalars(select(User).order_by(User.email)).all()
        for user in users:
            state = "active" if user.active else "deactivated"
            if user.active and user.must_change_password:
                state += " (temporary password)"
            line = f"{user.email}\t{user.role}\t{state}\t{user.created_at:%Y-%m-%d}"
            print(f"{line}\t{user.display_name}" if user.display_name else line)
    return 0


def cmd_users_passwd(args: argparse.Namespace) -> int:
    from faqbot.web.core.accounts import set_password

    password = _new_password(args.email)
    if password is None:
        return 2
    with db_session(args) as session:
        user = _find_user(session, args.email)
        if user is None:
            return 1
        revoked = set_password(user, password, must_change=False)
    print(f"password changed for {user.email}; its sessions ended and {revoked} token(s) revoked")
    return 0


def cmd_users_role(args: argparse.Namespace) -> int:
    from faqbot.web.core.accounts import set_role

    with db_session(args) as session:
        user = _find_user(session, args.email)
        if user is None:
            return 1
        set_role(session, user, args.role, guard=False)  # the operator's way back in, so no guard
        _warn_without_admin(session)
    print(f"{user.email} is now {args.role}")
    return 0


def cmd_users_deactivate(args: argparse.Namespace) -> int:
    from faqbot.web.core.accounts import deactivate

    with db_session(args) as session:
        user = _find_user(session, args.email)
        if user is None:
            return 1
        revoked = deactivate(session, user, guard=False)
        _warn_without_admin(session)
    print(f"deactivated {user.email}; its sessions ended and {revoked} token(s) revoked")
    return 0


def cmd_users_reactivate(args: argparse.Namespace) -> int:
    from faqbot.web.core.accounts import reactivate

    with db_session(args) as session:
        user = _find_user(session, args.email)
        if user is None:
            return 1
        reactivate(user)
    print(f"reactivated {user.email}; it logs in with its password (its old tokens stay revoked)")
    return 0


def _warn_without_admin(session: Session) -> None:
    """The command line may leave no active admin (it is how one gets back in); it says so."""
    from faqbot.web.core.accounts import active_admins

    session.flush()
    if active_admins(session) == 0:
        print(
            "warning: no active admin is left; make one with `faqbot users role --email E --role admin`",
            file=sys.stderr,
        )


def cmd_tokens_create(args: argparse.Namespace) -> int:
    from faqbot.web.core.security import hash_token, new_api_token
    from faqbot.web.core.tables import ApiToken

    with db_session(args) as session:
        user = _find_user(session, args.email)
        if user is None:
            return 1
        if not user.active:
            print(f"error: {user.email} is deactivated", file=sys.stderr)
            return 1
        token = new_api_token()
        session.add(ApiToken(user_id=user.id, token_hash=hash_token(token)))
    print(token)
    return 0


def cmd_tokens_list(args: argparse.Namespace) -> int:
    from faqbot.web.core.tables import ApiToken, User

    with db_session(args) as session:
        query = select(ApiToken, User.email).join(User, ApiToken.user_id == User.id).order_by(ApiToken.id)
        if args.email:
            user = _find_user(session, args.email)
            if user is None:
                return 1
            query = query.where(ApiToken.user_id == user.id)
        for token, email in session.execute(query):
            used = f"{token.last_used_at:%Y-%m-%d %H:%M}" if token.last_used_at else "never used"
            print(f"{token.id}\t{email}\tcreated {token.created_at:%Y-%m-%d}\t{used}")
    return 0


def cmd_tokens_revoke(args: argparse.Namespace) -> int:
    from faqbot.web.core.security import revoke_tokens
    from faqbot.web.core.tables import ApiToken

    with db_session(args) as session:
        if args.token_id is not None:
            token = session.get(ApiToken, args.token_id)
            if token is None:
                print(f"error: no token with id {args.token_id}", file=sys.stderr)
                return 1
            session.delete(token)
            print(f"revoked token {args.token_id}")
            return 0
        user = _find_user(session, args.email)
        if user is None:
            return 1
        print(f"revoked {revoke_tokens(user)} token(s) of {user.email}")
    return 0
