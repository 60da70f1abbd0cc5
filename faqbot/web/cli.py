"""The web service's subcommands of ``faqbot``: serve, users, tokens, models (in cli_models).

The lead's ``faqbot/cli.py`` calls :func:`add_commands`; each subparser's ``func`` takes the
parsed arguments and returns the exit code.
"""

from __future__ import annotations

import argparse
import contextlib
import getpass
import sys
from collections.abc import Iterator
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from .tables import ROLES


def add_commands(subparsers: Any) -> None:
    """Add ``serve``, ``users`` and ``tokens`` to an argparse subparsers object."""
    serve = subparsers.add_parser("serve", help="run the web service (development server)")
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on")
    serve.add_argument("--port", type=int, default=5000, help="port to listen on")
    serve.set_defaults(func=cmd_serve)

    users = subparsers.add_parser("users", help="manage staff and admin accounts")
    users_sub = users.add_subparsers(dest="users_command", required=True)
    create = users_sub.add_parser("create", help="create a user (password from a prompt/stdin)")
    create.add_argument("--email", required=True)
    create.add_argument("--role", choices=ROLES, default="staff")
    create.set_defaults(func=cmd_users_create)

    from . import cli_models

    cli_models.add_commands(subparsers)

    tokens = subparsers.add_parser("tokens", help="manage API bearer tokens")
    tokens_sub = tokens.add_subparsers(dest="tokens_command", required=True)
    token = tokens_sub.add_parser("create", help="print a new bearer token for a user")
    token.add_argument("--email", required=True)
    token.set_defaults(func=cmd_tokens_create)

    from . import cli_admin

    cli_admin.add_commands(subparsers)


@contextlib.contextmanager
def _db_session() -> Iterator[Session]:
    """A committing session on a freshly built app, whose connections are closed afterwards."""
    from . import create_app
    from .db import get_engine, session_scope

    app = create_app(with_model=False)
    try:
        with session_scope(app) as session:
            yield session
    finally:
        get_engine(app).dispose()


def cmd_serve(args: argparse.Namespace) -> int:
    from .serving import run_dev_server

    return run_dev_server(host=args.host, port=args.port)


def read_password(stream=None) -> str:
    """Prompt twice on a terminal; read the first line of stdin otherwise (for scripts)."""
    stream = stream or sys.stdin
    if stream.isatty():
        first = getpass.getpass("Password: ")
        if first != getpass.getpass("Repeat password: "):
            raise ValueError("the passwords differ")
        return first
    return stream.readline().rstrip("\r\n")


def cmd_users_create(args: argparse.Namespace) -> int:
    from .security import hash_password, normalise_email
    from .tickets import EMAIL_RE

    email = normalise_email(args.email)
    if not EMAIL_RE.match(email):
        print(f"error: {args.email!r} is not a valid email address", file=sys.stderr)
        return 2
    try:
        password = read_password()
    except ValueError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    if len(password) < 8:
        print("error: the password must have at least 8 characters", file=sys.stderr)
        return 2
    from .tables import User

    try:
        with _db_session() as session:
            session.add(User(email=email, password_hash=hash_password(password), role=args.role))
    except IntegrityError:
        print(f"error: a user with email {email} already exists", file=sys.stderr)
        return 1
    print(f"created {args.role} {email}")
    return 0


def cmd_tokens_create(args: argparse.Namespace) -> int:
    from .security import hash_token, new_api_token, normalise_email
    from .tables import ApiToken, User

    with _db_session() as session:
        user = session.scalar(select(User).where(User.email == normalise_email(args.email)))
        if user is None:
            print(f"error: no user with email {args.email}", file=sys.stderr)
            return 1
        token = new_api_token()
        session.add(ApiToken(user_id=user.id, token_hash=hash_token(token)))
    print(token)
    return 0
