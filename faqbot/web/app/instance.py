"""Which directory is an instance, and ``faqbot init [DIR]``, which makes one.

Every command works on ``FAQBOT_INSTANCE_PATH`` (default ``./instance``).  Run from the wrong
directory, a command that quietly created a fresh instance there would report success on an
empty database; so the commands that need an instance refuse a directory that is not one, and
only ``faqbot init`` and ``faqbot serve`` (or ``--create-instance``) create it.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from pathlib import Path
from typing import Any

from faqbot.web.core.config import ConfigError, instance_path

#: What any instance holds once the service has started in it (or an admin has configured it).
MARKERS = (".startup.lock", "config.py", "faqbot.db", "secret_key", "models")
#: Commands that create their instance rather than refusing a directory that is not one.
CREATING = frozenset({"init", "serve"})


class NotAnInstance(RuntimeError):
    """The directory a command would work on is not an instance."""


def is_instance(path: Path) -> bool:
    return path.is_dir() and any((path / marker).exists() for marker in MARKERS)


def require_instance(command: str) -> Path:
    """The instance path, or :class:`NotAnInstance` naming it and how to create one."""
    path = instance_path()
    if not is_instance(path):
        source = (
            "FAQBOT_INSTANCE_PATH" if os.environ.get("FAQBOT_INSTANCE_PATH") else "the default ./instance"
        )
        raise NotAnInstance(
            f"{path} is not a faqbot instance (looked there because of {source}). "
            f"Create one with `faqbot init {path}`, set FAQBOT_INSTANCE_PATH to an existing "
            f"instance, or run `faqbot --create-instance {command} ...`."
        )
    return path


def add_commands(subparsers: Any) -> None:
    init = subparsers.add_parser(
        "init", help="create an instance: database, sample or seed FAQs, first model, first admin"
    )
    init.add_argument(
        "directory", nargs="?", help="instance directory (default: FAQBOT_INSTANCE_PATH or ./instance)"
    )
    init.add_argument("--no-model", action="store_true", help="do not train the first model now")
    init.set_defaults(func=cmd_init)


def cmd_init(args: argparse.Namespace) -> int:
    """Migrate, seed and (unless ``--no-model``) train, as the first ``faqbot serve`` would."""
    from faqbot.web.app.bootstrap import ensure_first_admin
    from faqbot.web.app.factory import create_app
    from faqbot.web.core.db import get_engine

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    if args.directory:
        os.environ["FAQBOT_INSTANCE_PATH"] = str(Path(args.directory).resolve())
    path = instance_path()
    existed = is_instance(path)
    try:
        app = create_app(with_model=not args.no_model)
    except ConfigError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    try:
        password = ensure_first_admin(app)
        live = app.extensions["faqbot.live_model"].get() if not args.no_model else None
    finally:
        get_engine(app).dispose()
    print(f"{'instance is up to date' if existed else 'created instance'}: {path}")
    if live is not None:
        print(f"  live model: {live[0]}")
    if password:
        login = f"admin@localhost / {password}"
        print(f"  first admin login: {login}  (once: you choose your own at the first login)")
    print(f"  start it with: FAQBOT_INSTANCE_PATH={path} faqbot serve")
    return 0
