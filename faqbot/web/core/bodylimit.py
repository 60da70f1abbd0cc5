"""A chunked request body over ``MAX_CONTENT_LENGTH`` is a 413, like a declared one.

Werkzeug refuses a body whose ``Content-Length`` is too large, but a chunked body (no length
declared; gunicorn and the dev server pass it through) is only cut at the limit, so the view
saw truncated JSON and answered 400 ``invalid_json``.  This middleware reads such a body up to
one byte past the limit before Flask sees it: a body that fits is handed on with its length
declared, one that does not is dropped and the request is answered 413 ``payload_too_large``
in the usual error shape.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable
from typing import Any

from flask import Flask, request
from werkzeug.exceptions import RequestEntityTooLarge

TOO_LARGE = "faqbot.body_too_large"
_CHUNK = 64 * 1024


class ChunkedBodyLimit:
    """WSGI middleware: buffer a chunked body of at most ``max_length`` bytes, flag a longer one."""

    def __init__(self, wsgi_app: Callable[..., Iterable[bytes]], max_length: int | None) -> None:
        self.wsgi_app = wsgi_app
        self.max_length = max_length

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        chunked = "chunked" in environ.get("HTTP_TRANSFER_ENCODING", "").lower()
        if chunked and self.max_length is not None:  # a declared length does not count then
            body = _read_at_most(environ["wsgi.input"], self.max_length + 1)
            if len(body) > self.max_length:
                environ[TOO_LARGE] = True
                body = b""
            environ["wsgi.input"] = io.BytesIO(body)
            environ["CONTENT_LENGTH"] = str(len(body))
            del environ["HTTP_TRANSFER_ENCODING"]  # from here on, a body of known length
        return self.wsgi_app(environ, start_response)


def _read_at_most(stream: Any, limit: int) -> bytes:
    parts, size = [], 0
    while size < limit:
        part = stream.read(min(_CHUNK, limit - size))
        if not part:
            break
        parts.append(part)
        size += len(part)
    return b"".join(parts)


def refuse_flagged() -> None:
    """``before_request``: the 413 for a body the middleware found too large."""
    if request.environ.get(TOO_LARGE):
        raise RequestEntityTooLarge()


def init_app(app: Flask) -> None:
    """Wrap the app; call after :func:`hygiene.init_app` so the 413 comes before any other check."""
    app.wsgi_app = ChunkedBodyLimit(app.wsgi_app, app.config.get("MAX_CONTENT_LENGTH"))
    app.before_request_funcs.setdefault(None, []).insert(0, refuse_flagged)
