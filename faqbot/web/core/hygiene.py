"""Input hygiene in one place: control characters are refused before any view or database sees them.

PostgreSQL cannot store a NUL byte in text, a lone surrogate cannot be encoded to UTF-8, and a
line break in a path forges log lines.  So every request is checked once, before its view runs:
the path, each query parameter, each form field and every string (keys too) of a JSON body.
Free text (JSON strings, form fields) may carry tab, line feed and carriage return; paths and
query parameters may carry no control character at all.  A refused request gets a 400 with
code ``invalid_text`` (an HTML error page outside ``/api``).
"""

from __future__ import annotations

import json
import re
from typing import Any

from flask import Flask, g, request

from faqbot.web.core.errors import ApiError

# C0 controls, DEL, C1 controls and UTF-16 surrogates (which only a JSON "\ud800" can smuggle in).
_STRICT = re.compile(r"[\x00-\x1f\x7f-\x9f\ud800-\udfff]")
_FREE_TEXT = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
_LOG_UNSAFE = re.compile(r"[\x00-\x1f\x7f-\x9f\ud800-\udfff]")
_JSON_BODY = "faqbot.json_body"
MISSING = object()


def bad_character(text: str, *, free_text: bool) -> str | None:
    """The first refused character of ``text`` as ``U+XXXX``, or None when it is clean."""
    match = (_FREE_TEXT if free_text else _STRICT).search(text)
    return None if match is None else f"U+{ord(match.group()):04X}"


def escape_for_log(text: str) -> str:
    """``text`` with every control character shown as an escape, so it stays on one log line."""
    return _LOG_UNSAFE.sub(lambda m: m.group().encode("unicode_escape", "backslashreplace").decode(), text)


def _refuse(where: str, found: str) -> ApiError:
    message = f"{where} contains a control character ({found}), which is not allowed."
    return ApiError(400, "invalid_text", message)


def _check_json(value: Any, where: str) -> None:
    if isinstance(value, str):
        if found := bad_character(value, free_text=True):
            raise _refuse(where, found)
    elif isinstance(value, dict):
        for key, item in value.items():
            if found := bad_character(key, free_text=False):
                raise _refuse(f"A key of {where}", found)
            _check_json(item, f"'{key}'")
    elif isinstance(value, list):
        for item in value:
            _check_json(item, where)


def check_request() -> None:
    """``before_request``: refuse a request whose path, parameters or body carry control characters."""
    if found := bad_character(request.path, free_text=False):
        raise _refuse("The path", found)
    for name, value in request.args.items(multi=True):
        if found := bad_character(name, free_text=False) or bad_character(value, free_text=False):
            raise _refuse(f"Query parameter '{escape_for_log(name)}'", found)
    if request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data"):
        for name, value in request.form.items(multi=True):
            if found := bad_character(name, free_text=False) or bad_character(value, free_text=True):
                raise _refuse(f"Form field '{escape_for_log(name)}'", found)
    elif request.mimetype == "application/json" and request.content_length != 0:
        try:
            body = json.loads(request.get_data(cache=True))
        except (ValueError, RecursionError):
            return  # payload.json_body says what is wrong with it
        _check_json(body, "the body")
        g.setdefault(_JSON_BODY, body)


def parsed_json_body() -> Any:
    """The body :func:`check_request` already parsed (so it is parsed once), else a sentinel."""
    return g.get(_JSON_BODY, MISSING)


def init_app(app: Flask) -> None:
    # First of the before_request hooks, so nothing (the rate limiter included) reads bad input.
    app.before_request_funcs.setdefault(None, []).insert(0, check_request)
