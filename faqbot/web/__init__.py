"""The faqbot web service: ``create_app()`` builds a configured Flask app ready to serve.

Nothing happens at import time.  The factory assembles configuration (registry defaults,
``instance/config.py``, ``FAQBOT_*`` variables, ``test_config``), wires the extensions and
blueprints, then migrates the database, seeds the sample FAQs and makes sure a model is live.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Config, Flask, Response, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_wtf.csrf import CSRFProtect
from werkzeug.middleware.proxy_fix import ProxyFix

from . import (
    admin_pages,
    api_admin,
    api_insights,
    api_kb,
    api_public,
    api_review,
    api_staff,
    auth,
    bootstrap,
    db,
    errors,
    inbox,
    insights_pages,
    kb_pages,
    openapi,
    review_pages,
    scheduler,
    site,
    widget,
)
from .config import ConfigError, defaults, ensure_secret_key, fill_paths, from_environment
from .config import instance_path as default_instance_path
from .modelstore import LiveModel
from .payload import RowIdConverter
from .sessions import ApiAwareSessionInterface

__all__ = ["ConfigError", "create_app"]

BLUEPRINTS = (
    site.bp,
    auth.bp,
    inbox.bp,
    admin_pages.bp,
    kb_pages.bp,
    review_pages.bp,
    insights_pages.bp,
    api_public.bp,
    api_staff.bp,
    api_admin.bp,
    api_kb.bp,
    api_review.bp,
    api_insights.bp,
    openapi.bp,
    widget.bp,
)

# JSON APIs: bearer tokens, and session writes must send X-CSRFToken (see security.py).
API_BLUEPRINTS = (api_public.bp, api_staff.bp, api_admin.bp, api_kb.bp, api_review.bp, api_insights.bp)


def create_app(test_config: Mapping[str, Any] | None = None, *, with_model: bool = True) -> Flask:
    """Build the app; ``test_config`` overrides every other source of settings.

    ``with_model=False`` skips making sure a model is live (no training), for commands such as
    ``faqbot users create`` that only need the database.
    """
    instance = Path((test_config or {}).get("INSTANCE_PATH") or default_instance_path())
    instance.mkdir(parents=True, exist_ok=True)
    app = Flask(__name__, instance_path=str(instance), instance_relative_config=True)
    _configure(app, instance, test_config)
    logging.getLogger("faqbot").setLevel(app.config["LOG_LEVEL"])
    if app.config["PROXY_COUNT"]:
        count = app.config["PROXY_COUNT"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count, x_host=count)
    app.url_map.converters["id"] = RowIdConverter
    app.session_interface = ApiAwareSessionInterface()
    app.after_request(_security_headers)
    db.init_app(app)
    errors.init_app(app)
    _protect(app)
    for blueprint in BLUEPRINTS:
        app.register_blueprint(blueprint)
    app.extensions["faqbot.live_model"] = LiveModel(app, interval=app.config["MODEL_CHECK_INTERVAL"])
    bootstrap.prepare(app, with_model=with_model)
    if with_model:
        scheduler.init_app(app)
    return app


def _protect(app: Flask) -> None:
    """CSRF on every form; rate limits on the public API and the login page."""
    csrf = CSRFProtect(app)
    for blueprint in (*API_BLUEPRINTS, openapi.bp):
        csrf.exempt(blueprint)  # JSON APIs: bearer tokens; session writes check X-CSRFToken
    limiter = Limiter(get_remote_address, app=app, storage_uri=app.config["RATELIMIT_STORAGE_URI"])
    limiter.request_filter(lambda: request.method == "OPTIONS")  # CORS preflights are free
    limiter.limit(lambda: app.config["RATELIMIT_PUBLIC"])(api_public.bp)
    limiter.limit(lambda: app.config["RATELIMIT_LOGIN"])(auth.bp)


def _security_headers(response: Response) -> Response:
    """Browser hardening for every response; pages get a strict content security policy."""
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    if response.mimetype == "text/html":
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault(
            "Content-Security-Policy",
            "default-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'",
        )
    return response


def _configure(app: Flask, instance: Path, test_config: Mapping[str, Any] | None) -> None:
    config: dict[str, Any] = defaults()
    from_file = Config(str(instance))
    from_file.from_pyfile("config.py", silent=True)  # upper-case names only, as Flask does
    config.update(from_file)
    config.update(from_environment())
    config.update(test_config or {})
    fill_paths(config, instance)
    ensure_secret_key(config, instance)
    config.setdefault("SESSION_COOKIE_HTTPONLY", True)
    config.setdefault("SESSION_COOKIE_SAMESITE", "Lax")
    if config["ENV"] == "production":
        config.setdefault("SESSION_COOKIE_SECURE", True)
    config["WTF_CSRF_TIME_LIMIT"] = config.get("WTF_CSRF_TIME_LIMIT")
    app.config.update(config)
