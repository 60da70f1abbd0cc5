"""Mail to visitors and staff through a configurable backend: console (default), file (.eml) or SMTP.

Sending never happens inside a database transaction, and a failed send is the caller's to log:
the staff reply is already saved and the visitor can still read it through the ticket endpoint.
"""

from __future__ import annotations

import logging
import os
import secrets
import smtplib
import sys
from collections.abc import Mapping
from datetime import datetime, timezone
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)
BACKENDS = ("console", "file", "smtp")


class MailError(RuntimeError):
    """The message could not be handed to the configured backend."""


def build_message(
    config: Mapping[str, Any], to: str, subject: str, body: str, html: str | None = None
) -> EmailMessage:
    """A mail with ``body`` as its text part and, when given, ``html`` as the alternative."""
    message = EmailMessage()
    message["From"] = config["MAIL_FROM"]
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain=str(config["MAIL_FROM"]).rpartition("@")[2] or None)
    message.set_content(body)
    if html is not None:
        message.add_alternative(html, subtype="html")
    return message


def send_mail(config: Mapping[str, Any], to: str, subject: str, body: str, html: str | None = None) -> None:
    """Send one mail (plain text, plus an HTML alternative when given) with the backend named
    by ``MAIL_BACKEND``."""
    backend = config["MAIL_BACKEND"]
    message = build_message(config, to, subject, body, html)
    try:
        if backend == "console":
            sys.stderr.write(f"--- mail (console backend) ---\n{message}\n--- end of mail ---\n")
        elif backend == "file":
            _write_file(Path(config["MAIL_FILE_DIR"]), message)
        elif backend == "smtp":
            _send_smtp(config, message)
        else:
            raise MailError(f"unknown MAIL_BACKEND {backend!r}; use one of {', '.join(BACKENDS)}")
    except (OSError, smtplib.SMTPException) as error:
        raise MailError(f"{backend} backend: {error}") from error


def _write_file(directory: Path, message: EmailMessage) -> Path:
    """Write ``<time>-<random>.eml``; written aside and renamed so readers never see half."""
    directory.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S%fZ")
    path = directory / f"{stamp}-{secrets.token_hex(4)}.eml"
    draft = path.with_suffix(".tmp")
    draft.write_bytes(bytes(message))
    os.replace(draft, path)
    return path


def _send_smtp(config: Mapping[str, Any], message: EmailMessage) -> None:
    security = config["SMTP_SECURITY"]
    host, port, timeout = config["SMTP_HOST"], config["SMTP_PORT"], config["SMTP_TIMEOUT"]
    smtp_class = smtplib.SMTP_SSL if security == "ssl" else smtplib.SMTP
    with smtp_class(host, port, timeout=timeout) as client:
        if security == "starttls":
            client.starttls()
        if config.get("SMTP_USERNAME"):
            client.login(config["SMTP_USERNAME"], config.get("SMTP_PASSWORD") or "")
        client.send_message(message)
