"""The one place where exceptions become responses.

Everything under ``/api`` answers ``{"error": {"code", "message"}}`` with a 4xx/5xx status, from
a validation problem raised as :class:`ApiError` down to an unexpected crash; other pages get a
plain HTML error page.  Keeping it in one module is what lets a test pin the shape.
"""

from __future__ import annotations

import logging

from flask import Flask, Response, jsonify, render_template, request
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from werkzeug.exceptions import HTTPException, InternalServerError

log = logging.getLogger(__name__)

# Stable machine-readable codes for the HTTP errors werkzeug raises itself.
HTTP_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "payload_too_large",
    415: "unsupported_media_type",
    429: "rate_limited",
    500: "internal_error",
    503: "service_unavailable",
}


class ApiError(Exception):
    """An error a client can act on; raised anywhere in a request, rendered by :func:`init_app`."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message


def error_response(status: int, code: str, message: str) -> Response:
    response = jsonify({"error": {"code": code, "message": message}})
    response.status_code = status
    return response


def _wants_json() -> bool:
    return request.path.startswith("/api/")


def _handle_api_error(error: ApiError):
    if _wants_json():
        return error_response(error.status, error.code, error.message)
    return render_template("error.html", status=error.status, message=error.message), error.status


def _handle_http(error: HTTPException):
    status = error.code or 500
    if not _wants_json():
        return error
    message = error.description or error.name
    if status == 429:
        message = f"Too many requests ({error.description}); please slow down."
    response = error_response(status, HTTP_CODES.get(status, "http_error"), message)
    if status == 405 and error.valid_methods:
        response.headers["Allow"] = ", ".join(sorted(error.valid_methods))
    for name, value in error.get_headers():
        if name.lower() == "retry-after":
            response.headers[name] = value
    return response


def _handle_csrf(error: CSRFError):
    if _wants_json():
        return error_response(400, "csrf_failed", error.description)
    return render_template("error.html", status=400, message=error.description), 400


def _handle_database_down(error: DBAPIError):
    """The database is unreachable or failing: a retryable 503, logged, never a bare 500."""
    log.exception("database error on %s %s", request.method, request.path)
    message = "The service cannot reach its database right now; please try again."
    if _wants_json():
        return error_response(503, "service_unavailable", message)
    return render_template("error.html", status=503, message=message), 503


def _handle_unexpected(error: Exception):
    """Log the traceback once, and show no internals to the client."""
    log.exception("unhandled error on %s %s", request.method, request.path)
    if _wants_json():
        return error_response(500, "internal_error", "An internal error occurred.")
    return InternalServerError()


def init_app(app: Flask) -> None:
    app.register_error_handler(ApiError, _handle_api_error)
    app.register_error_handler(CSRFError, _handle_csrf)
    app.register_error_handler(HTTPException, _handle_http)
    app.register_error_handler(OperationalError, _handle_database_down)
    app.register_error_handler(InterfaceError, _handle_database_down)
    app.register_error_handler(Exception, _handle_unexpected)
