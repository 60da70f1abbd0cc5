"""The faqbot web service: ``create_app()`` builds a configured Flask app ready to serve.

Nothing happens at import time.  The factory assembles configuration (registry defaults,
``instance/config.py``, ``FAQBOT_*`` variables, ``test_config``), wires the extensions and
blueprints, then migrates the database, seeds the sample FAQs and makes sure a model is live.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from pathlib import Path
from typing import Any

from flask import Config, Flask, Response, current_app, request
from flask_wtf.csrf import CSRFProtect
from werkzeug.middleware.proxy_fix import ProxyFix

from faqbot.web.app import bootstrap, openapi
from faqbot.web.core import auth, bodylimit, branding, db, errors, hygiene, logs, ratelimit
from faqbot.web.core.config import ConfigError, defaults, ensure_secret_key, fill_paths, from_environment
from faqbot.web.core.config import instance_path as default_instance_path
from faqbot.web.core.payload import RowIdConverter
from faqbot.web.helpcenter import pages as helpcenter
from faqbot.web.inbox import api as api_staff
from faqbot.web.inbox import pages as inbox_pages
from faqbot.web.insights import api as api_insights
from faqbot.web.insights import pages as insights_pages
from faqbot.web.kb import api as api_kb
from faqbot.web.kb import pages as kb_pages
from faqbot.web.kb.query import SHOWN_FAQS
from faqbot.web.kb.shown import ShownFaqs
from faqbot.web.models import api as api_admin
from faqbot.web.models import pages as admin_pages
from faqbot.web.models.store import LiveModel
from faqbot.web.ops import scheduler
from faqbot.web.people import account as people_account
from faqbot.web.people import api as api_people
from faqbot.web.people import pages as people_pages
from faqbot.web.review import api as api_review
from faqbot.web.review import pages as review_pages
from faqbot.web.visitor import api as api_public
from faqbot.web.visitor import site, widget
from faqbot.web.visitor.sessions import ApiAwareSessionInterface

__all__ = ["ConfigError", "create_app"]

CORE = Path(__file__).resolve().parents[1] / "core"

BLUEPRINTS = (
    site.bp,
    auth.bp,
    inbox_pages.bp,
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
    helpcenter.bp,
    people_pages.bp,
    people_account.bp,
    api_people.bp,
)

# JSON APIs: bearer tokens, and session writes must send X-CSRFToken (see security.py).
API_BLUEPRINTS = (api_public.bp, api_staff.bp, api_admin.bp, api_kb.bp, api_review.bp, api_insights.bp)
API_BLUEPRINTS += (api_people.bp,)


def create_app(test_config: Mapping[str, Any] | None = None, *, with_model: bool = True) -> Flask:
    """Build the app; ``test_config`` overrides every other source of settings.

    ``with_model=False`` skips making sure a model is live (no training), for commands such as
    ``faqbot users create`` that only need the database.
    """
    instance = Path((test_config or {}).get("INSTANCE_PATH") or default_instance_path())
    instance.mkdir(parents=True, exist_ok=True)
    app = Flask(
        __name__,
        instance_path=str(instance),
        instance_relative_config=True,
        template_folder=str(CORE / "templates"),  # the shared layout; each area's pages bring their own
        static_folder=str(CORE / "static"),
    )
    _configure(app, instance, test_config)
    logs.init_app(app)
    if app.config["PROXY_COUNT"]:
        count = app.config["PROXY_COUNT"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count, x_host=count)
    app.url_map.converters["id"] = RowIdConverter
    app.session_interface = ApiAwareSessionInterface()
    app.after_request(_security_headers)
    if app.config["ENV"] == "production":
        app.after_request(_strict_transport)
    db.init_app(app)
    errors.init_app(app)
    hygiene.init_app(app)
    bodylimit.init_app(app)
    _protect(app)
    for blueprint in BLUEPRINTS:
        app.register_blueprint(blueprint)
    # In production the loaded model is frozen out of the garbage collector (store.py says why);
    # not in tests and development, where a process loads many models and a full collection
    # on each load would cost more than it saves.
    production = app.config["ENV"] == "production"
    interval = app.config["MODEL_CHECK_INTERVAL"]
    app.extensions["faqbot.live_model"] = LiveModel(app, interval=interval, freeze=production)
    app.extensions[SHOWN_FAQS] = ShownFaqs(interval=interval)
    bootstrap.prepare(app, with_model=with_model)
    if with_model:
        scheduler.init_app(app)
    return app


def _protect(app: Flask) -> None:
    """CSRF on every form; rate limits on the public API and the login page."""
    csrf = CSRFProtect(app)
    for blueprint in (*API_BLUEPRINTS, openapi.bp):
        csrf.exempt(blueprint)  # JSON APIs: bearer tokens; session writes check X-CSRFToken
    limiter = ratelimit.init_app(app)
    limiter.request_filter(lambda: request.method == "OPTIONS")  # CORS preflights are free
    limiter.limit(lambda: app.config["RATELIMIT_PUBLIC"])(api_public.bp)
    limiter.limit(lambda: app.config["RATELIMIT_LOGIN"])(auth.bp)
    limiter.limit(lambda: app.config["RATELIMIT_PUBLIC"], exempt_when=helpcenter.reading)(helpcenter.bp)


# Pages and APIs anyone may read; everything else shows staff data (visitor emails, tickets).
PUBLIC_BLUEPRINTS = frozenset(
    {site.bp.name, api_public.bp.name, openapi.bp.name, widget.bp.name, helpcenter.bp.name}
)


def _security_headers(response: Response) -> Response:
    """Browser hardening for every response; pages get a strict content security policy, and
    staff and admin pages and APIs are never stored by a browser or proxy cache."""
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    if request.blueprint is not None and request.blueprint not in PUBLIC_BLUEPRINTS:
        response.headers["Cache-Control"] = "no-store"
    response.headers.setdefault("Referrer-Policy", "same-origin")
    if response.mimetype == "text/html":
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault(
            "Content-Security-Policy",
            "default-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'; "
            f"img-src {branding.image_sources(current_app.config)}",
        )
    return response


def _strict_transport(response: Response) -> Response:
    """Production is served over HTTPS (its session cookie is Secure): browsers should keep to it."""
    response.headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
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
    branding.check_settings(config)
    config.setdefault("SESSION_COOKIE_HTTPONLY", True)
    config.setdefault("SESSION_COOKIE_SAMESITE", "Lax")
    config.setdefault("PERMANENT_SESSION_LIFETIME", timedelta(hours=config["SESSION_LIFETIME_HOURS"]))
    if config["ENV"] == "production":
        config.setdefault("SESSION_COOKIE_SECURE", True)
    config["WTF_CSRF_TIME_LIMIT"] = config.get("WTF_CSRF_TIME_LIMIT")
    app.config.update(config)
