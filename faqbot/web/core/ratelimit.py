"""Rate limiting: flask-limiter on the configured store, with the failure modes made explicit.

- Every 429 carries ``Retry-After`` (seconds until the breached window resets).
- When the store is unreachable (Redis down, say), a limited request gets a clear 503 in the
  error shape instead of a 500, and :func:`store_health` tells ``/healthz`` it is not ready.
  Letting requests through unlimited would silently drop the login page's guard against
  password guessing, so the service refuses rather than guesses.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from flask import Flask, Response, current_app
from flask_limiter import Limiter, RateLimitExceeded
from flask_limiter.util import get_remote_address

from faqbot.web.core import db, limitstore
from faqbot.web.core.config import ConfigError
from faqbot.web.core.errors import ApiError

log = logging.getLogger(__name__)
EXTENSION = "faqbot.limiter"
STORE_DOWN_MESSAGE = "The service cannot reach its rate-limit store right now; please try again."


class StoreUnavailable(ApiError):
    def __init__(self) -> None:
        super().__init__(503, "service_unavailable", STORE_DOWN_MESSAGE)


class GuardedLimiter(Limiter):
    """A limiter whose store failures become :class:`StoreUnavailable` (a 503), logged once each."""

    def _check_request_limit(self, callable_name: str | None = None, in_middleware: bool = True) -> None:
        try:
            super()._check_request_limit(callable_name=callable_name, in_middleware=in_middleware)
        except RateLimitExceeded:
            raise
        except Exception as error:  # any driver error of any store
            log.error("rate-limit store unreachable: %s: %s", type(error).__name__, error)
            raise StoreUnavailable() from None


def init_app(app: Flask) -> GuardedLimiter:
    """The app's limiter on ``RATELIMIT_STORAGE_URI``; views and blueprints are limited by the caller."""
    uri, strategy = app.config["RATELIMIT_STORAGE_URI"], app.config["RATELIMIT_STRATEGY"]
    if limitstore.is_database_uri(uri) and strategy != "fixed-window":
        raise ConfigError(
            f"RATELIMIT_STRATEGY={strategy} needs a store that keeps every hit: the database:// "
            "store counts fixed windows only; use redis:// or leave the strategy at fixed-window"
        )
    limiter = GuardedLimiter(
        get_remote_address,
        app=app,
        storage_uri=uri,
        storage_options=_storage_options(app, uri),
    )
    app.extensions[EXTENSION] = limiter
    app.after_request(_retry_after)
    return limiter


def _storage_options(app: Flask, uri: str) -> dict[str, Any]:
    if limitstore.is_database_uri(uri):
        return {"engine": db.get_engine(app)}  # the service's own database, shared by every worker
    if uri.startswith(("redis://", "rediss://", "redis+")):
        # Fail fast when Redis is away, rather than holding the worker for the OS's TCP timeout.
        return {"socket_connect_timeout": 1.0, "socket_timeout": 1.0}
    return {}


def _retry_after(response: Response) -> Response:
    """``after_request``: a 429 says when to try again."""
    if response.status_code != 429 or "Retry-After" in response.headers:
        return response
    limiter: GuardedLimiter | None = current_app.extensions.get(EXTENSION)
    current = limiter.current_limit if limiter is not None else None
    seconds = 60
    if current is not None:
        seconds = max(1, int(current.reset_at - time.time()) + 1)
    response.headers["Retry-After"] = str(seconds)
    return response


def store_health(app: Flask) -> dict[str, Any]:
    """``{"ready": bool, ...}`` for ``/healthz``: whether the rate-limit store answers."""
    limiter: GuardedLimiter | None = app.extensions.get(EXTENSION)
    if limiter is None or not app.config.get("RATELIMIT_ENABLED", True):
        return {"ready": True, "enabled": False}
    try:
        ready = bool(limiter.storage.check())
    except Exception as error:  # a driver error is "not ready", never a 500
        log.warning("health check: rate-limit store not ready: %s", error)
        return {"ready": False, "error": type(error).__name__}
    return {"ready": ready} if ready else {"ready": False, "error": "no answer"}
