"""``faqbot retention purge``: delete old questions and closed tickets now (the scheduler does it daily)."""

from __future__ import annotations

import argparse
from typing import Any


def _days(text: str) -> int:
    try:
        days = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number of days") from None
    if days < 1:
        raise argparse.ArgumentTypeError("--days must be at least 1")
    return days


def add_commands(subparsers: Any) -> None:
    """Add ``retention purge [--days N] [--dry-run]``."""
    retention = subparsers.add_parser("retention", help="delete old visitor data")
    sub = retention.add_subparsers(dest="retention_command", required=True)
    purge = sub.add_parser(
        "purge", help="delete questions and closed tickets older than RETENTION_DAYS (or --days)"
    )
    purge.add_argument("--days", type=_days, help="override RETENTION_DAYS for this run")
    purge.add_argument("--dry-run", action="store_true", help="only count what would be deleted")
    purge.set_defaults(func=cmd_retention_purge)


def cmd_retention_purge(args: argparse.Namespace) -> int:
    from faqbot.web.core.db import get_engine, new_session
    from faqbot.web.ops.retention import purge

    app = args.app_factory(with_model=False)
    try:
        days = args.days or app.config["RETENTION_DAYS"]
        if not days:
            print("RETENTION_DAYS is 0: visitor data is kept forever; pass --days N to purge anyway.")
            return 0
        with new_session(app) as session:
            result = purge(session, days, dry_run=args.dry_run)
        print(result.summary())
        return 0
    finally:
        get_engine(app).dispose()
