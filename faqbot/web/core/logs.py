"""Logging for the service, the same under gunicorn and the dev server: one line per record with
timestamp, level, request id and logger, and what visitors typed escaped so it cannot forge lines.

Under gunicorn nothing configures the root logger, so without a handler of its own faqbot's INFO
lines were lost and its warnings came out bare.  When the host already routes the root logger
somewhere (pytest, an embedding application), faqbot leaves that to it.
"""

from __future__ import annotations

import logging
import re
import secrets

from flask import Flask, Response, g, has_request_context, request

from faqbot.web.core.hygiene import escape_for_log

FORMAT = "%(asctime)s %(levelname)s [%(request_id)s] %(name)s: %(message)s"
REQUEST_ID_HEADER = "X-Request-ID"
_CLIENT_ID = re.compile(r"[A-Za-z0-9._-]{8,64}")  # a proxy's id is kept when it is this tame


class RequestFormatter(logging.Formatter):
    """Adds the request id and escapes control characters in the message (not in tracebacks)."""

    def __init__(self) -> None:
        super().__init__(FORMAT)

    def formatMessage(self, record: logging.LogRecord) -> str:  # noqa: N802 - logging's name
        record.message = escape_for_log(record.message)
        if not hasattr(record, "request_id"):
            record.request_id = current_request_id()
        return super().formatMessage(record)


def current_request_id() -> str:
    return (g.get("request_id") or "-") if has_request_context() else "-"


def configure(level: str | int) -> None:
    """Give the ``faqbot`` logger its level and, unless the root logger has handlers, a handler."""
    logger = logging.getLogger("faqbot")
    logger.setLevel(level)
    if logging.getLogger().handlers or any(getattr(h, "_faqbot", False) for h in logger.handlers):
        return
    handler = logging.StreamHandler()
    handler.setFormatter(RequestFormatter())
    handler._faqbot = True  # type: ignore[attr-defined]
    logger.addHandler(handler)
    logger.propagate = False  # so a root handler added later does not print each line twice


def _assign_request_id() -> None:
    offered = request.headers.get(REQUEST_ID_HEADER, "")
    g.request_id = offered if _CLIENT_ID.fullmatch(offered) else secrets.token_hex(8)


def _echo_request_id(response: Response) -> Response:
    if "request_id" in g:
        response.headers.setdefault(REQUEST_ID_HEADER, g.request_id)
    return response


def init_app(app: Flask) -> None:
    configure(app.config["LOG_LEVEL"])
    app.before_request_funcs.setdefault(None, []).insert(0, _assign_request_id)
    app.after_request(_echo_request_id)
