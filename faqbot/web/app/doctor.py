"""``faqbot doctor``: check an instance without changing it, and say what is wrong.

Unlike starting the service, it neither migrates nor trains: it reads the configuration as the
app factory would, then checks the database (reachable, migrated to the newest revision), the
live model (registered, files verified, loadable), the rate-limit store and the mail backend.
One line per check; the exit code is 1 when any check failed.
"""

from __future__ import annotations

import argparse
import os
import smtplib
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from flask import Config

from faqbot.web.app.instance import NotAnInstance, require_instance
from faqbot.web.core.branding import check_settings as check_brand_settings
from faqbot.web.core.config import ConfigError, defaults, ensure_secret_key, fill_paths, from_environment

Check = Callable[[dict[str, Any]], str]  # returns what is fine; raises Problem (or anything) if not


class Problem(Exception):
    """A failed check, with a message meant for the operator."""


def add_commands(subparsers: Any) -> None:
    doctor = subparsers.add_parser("doctor", help="check the instance: database, model, rate limits, mail")
    doctor.set_defaults(func=cmd_doctor)


def cmd_doctor(args: argparse.Namespace) -> int:
    try:
        instance = require_instance("doctor")
        config = read_config(instance)
    except (NotAnInstance, ConfigError) as error:
        print(f"FAIL  instance: {error}")
        return 1
    print(f"ok    instance: {instance}")
    failed = 0
    for name, check in CHECKS:
        try:
            detail = check(config)
        except Exception as error:  # every failure is a line of the report, never a traceback
            failed += 1
            reason = str(error) if isinstance(error, Problem) else f"{type(error).__name__}: {error}"
            print(f"FAIL  {name}: {reason}")
        else:
            print(f"ok    {name}: {detail}")
    print(f"{failed} problem{'s' if failed != 1 else ''} found" if failed else "everything looks fine")
    sys.stdout.flush()
    return 1 if failed else 0


def read_config(instance: Path) -> dict[str, Any]:
    """The settings the app factory would use (defaults, ``config.py``, environment)."""
    config = defaults()
    from_file = Config(str(instance))
    from_file.from_pyfile("config.py", silent=True)
    config.update(from_file)
    config.update(from_environment())
    fill_paths(config, instance)
    ensure_secret_key(config, instance)
    check_brand_settings(config)
    return config


def check_database(config: dict[str, Any]) -> str:
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory
    from sqlalchemy.exc import SQLAlchemyError

    from faqbot.web.core.db import alembic_config, create_db_engine

    engine = create_db_engine(config["DATABASE_URL"])
    where = engine.url.render_as_string(hide_password=True)
    try:
        with engine.connect() as connection:
            current = set(MigrationContext.configure(connection).get_current_heads())
    except SQLAlchemyError as error:
        raise Problem(f"cannot reach {where}: {_driver_reason(error)}") from None
    finally:
        engine.dispose()
    heads = set(ScriptDirectory.from_config(alembic_config()).get_heads())
    if current != heads:
        shown = ", ".join(sorted(current)) or "no tables"
        raise Problem(
            f"{where} is at revision {shown}, this faqbot needs {', '.join(sorted(heads))}: "
            "start the service once (or run `faqbot init`) to migrate it"
        )
    return f"{where}, migrated ({', '.join(sorted(heads))})"


def _driver_reason(error: Exception) -> str:
    """The first line of what the database driver said, without SQLAlchemy's wrapping."""
    return str(getattr(error, "orig", None) or error).strip().splitlines()[0]


def check_model(config: dict[str, Any]) -> str:
    from sqlalchemy import func, select

    from faqbot.engine.artifact import verify
    from faqbot.web.core.db import create_db_engine
    from faqbot.web.core.tables import Faq
    from faqbot.web.models.store import live_version, load_engine_model, version_path

    engine = create_db_engine(config["DATABASE_URL"])
    try:
        with engine.connect() as connection:
            from sqlalchemy.orm import Session

            with Session(connection) as session:
                version = live_version(session)
                faqs = session.scalar(select(func.count()).select_from(Faq))
    except Exception as error:
        raise Problem(f"cannot read the live version from the database ({type(error).__name__})") from None
    finally:
        engine.dispose()
    if not faqs:
        raise Problem("there are no FAQs: import a corpus (`faqbot kb import FILE --apply`), then train")
    if version is None:
        raise Problem("no model is live: train one with `faqbot models retrain`")
    path = version_path(config["MODELS_DIR"], version)
    verify(path)
    load_engine_model(path)
    return f"{version} in {config['MODELS_DIR']}, verified and loadable ({faqs} FAQs)"


def check_ratelimit_store(config: dict[str, Any]) -> str:
    from limits.storage import storage_from_string
    from sqlalchemy.exc import SQLAlchemyError

    from faqbot.web.core import limitstore
    from faqbot.web.core.db import create_db_engine

    uri = config["RATELIMIT_STORAGE_URI"]
    if not config["RATELIMIT_ENABLED"]:
        return "rate limiting is off (FAQBOT_RATELIMIT_ENABLED)"
    if uri.startswith("memory://"):
        return "memory:// (per process; use database:// or redis:// with several workers)"
    if limitstore.is_database_uri(uri):
        engine = create_db_engine(config["DATABASE_URL"])
        try:
            limitstore.DatabaseStorage(uri, engine=engine).check()
        except SQLAlchemyError as error:
            raise Problem(f"the database store cannot read its counters: {_driver_reason(error)}") from None
        finally:
            engine.dispose()
        return f"{uri} (the service's database, shared by every worker) answers"
    options = {"socket_connect_timeout": 2.0, "socket_timeout": 2.0} if uri.startswith("redis") else {}
    if not storage_from_string(uri, **options).check():
        raise Problem(f"the store {uri} does not answer")
    return f"{uri} answers"


def check_mail(config: dict[str, Any]) -> str:
    backend = config["MAIL_BACKEND"]
    if backend == "console":
        return "console (mails are logged, not sent)"
    if backend == "file":
        directory = Path(config["MAIL_FILE_DIR"])
        existing = next(p for p in (directory, *directory.parents) if p.exists())
        if not os.access(existing, os.W_OK):
            raise Problem(f"file backend: cannot write to {existing}")
        return f"file, into {directory}"
    if backend != "smtp":
        raise Problem(f"unknown FAQBOT_MAIL_BACKEND {backend!r}: use console, file or smtp")
    host, port = config["SMTP_HOST"], config["SMTP_PORT"]
    smtp_class = smtplib.SMTP_SSL if config["SMTP_SECURITY"] == "ssl" else smtplib.SMTP
    try:
        with smtp_class(host, port, timeout=config["SMTP_TIMEOUT"]) as client:
            if config["SMTP_SECURITY"] == "starttls":
                client.starttls()
            if config.get("SMTP_USERNAME"):
                client.login(config["SMTP_USERNAME"], config.get("SMTP_PASSWORD") or "")
            client.noop()
    except (OSError, smtplib.SMTPException) as error:
        raise Problem(f"smtp server {host}:{port}: {error}") from None
    return f"smtp {host}:{port} accepts connections"


CHECKS: tuple[tuple[str, Check], ...] = (
    ("database", check_database),
    ("model", check_model),
    ("rate-limit store", check_ratelimit_store),
    ("mail", check_mail),
)
