"""Admin subcommands of ``faqbot`` (knowledge base, retention, ...): each area adds its own
parsers in a function called from :func:`add_commands`."""

from __future__ import annotations

from typing import Any


def add_commands(subparsers: Any) -> None:
    """Add the admin areas' subcommands (none yet)."""
    from . import cli_kb, cli_retention

    cli_retention.add_commands(subparsers)
    cli_kb.add_commands(subparsers)
