"""The web service's subcommands of ``faqbot``: ``serve`` here, and every area's own.

The lead's ``faqbot/cli.py`` calls :func:`add_commands`; each subparser's ``func`` takes the
parsed arguments and returns the exit code.  The areas' commands find the app factory on the
arguments (``args.app_factory``), put there by this module, the only one that knows how the
service is assembled.
"""

from __future__ import annotations

import argparse
from typing import Any

from faqbot.web.core import cli as core_cli
from faqbot.web.kb import cli as kb_cli
from faqbot.web.models import cli as models_cli
from faqbot.web.ops import cli as ops_cli


def add_commands(subparsers: Any) -> None:
    """Add ``serve`` and the areas' subcommands to an argparse subparsers object."""
    from faqbot.web.app.factory import create_app

    before = set(subparsers.choices)
    serve = subparsers.add_parser("serve", help="run the web service (development server, or gunicorn)")
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on")
    serve.add_argument("--port", type=int, help="port to listen on (default 5000; 8000 with --production)")
    serve.add_argument(
        "--production",
        action="store_true",
        help="serve with gunicorn and faqbot's settings for it (faqbot/web/app/gunicorn_conf.py)",
    )
    serve.set_defaults(func=cmd_serve)
    core_cli.add_commands(subparsers)
    models_cli.add_commands(subparsers)
    ops_cli.add_commands(subparsers)
    kb_cli.add_commands(subparsers)
    for name in set(subparsers.choices) - before:
        subparsers.choices[name].set_defaults(app_factory=create_app)


def cmd_serve(args: argparse.Namespace) -> int:
    from faqbot.web.app.serving import run_dev_server, run_production

    if args.production:
        return run_production(host=args.host, port=args.port or 8000)
    return run_dev_server(host=args.host, port=args.port or 5000)
