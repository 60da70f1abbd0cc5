"""Fixtures for the browser tests (widget, help center, staff pages): real faqbot servers on free
loopback ports, Debian's chromium driven by Playwright, and a page that fails the test on any
JavaScript error.

``tests/web/conftest.py`` registers them once for every suite below it: Playwright's sync API
allows one running instance per process, so a second registration (a conftest importing these
fixtures again) would start a second one and fail every browser test after it.  The sample model
is trained once per session (the web suite's ``trained_model_dir``).  Browser tests skip, saying
why, when ``/usr/bin/chromium`` or the ``playwright`` package is missing.
"""

from __future__ import annotations

import os
import re
import shutil
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from flask import Flask
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

from faqbot.web import create_app
from web.support import MODEL_VERSION, make_config

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
MAX_QUESTION_LENGTH = 200  # not the default 500, so the tests show the widget reads it


@dataclass
class Server:
    app: Flask
    url: str

    def staff_headers(self) -> dict[str, str]:
        """A bearer token for a new staff user, as ``faqbot tokens create`` would print."""
        from web.conftest import AuthActions  # the conftest imports this module

        return AuthActions(self.app, None).headers("staff")


class ShopSite:
    """Another company's site on its own loopback port (so another origin) that embeds the widget;
    tests publish pages on it."""

    def __init__(self) -> None:
        self.pages: dict[str, str] = {}
        self.url = ""

    def publish(self, path: str, document: str) -> str:
        self.pages[path] = document
        return self.url + path

    @Request.application
    def __call__(self, request: Request) -> Response:
        if request.path not in self.pages:
            return Response("not found", status=404)
        return Response(self.pages[request.path], mimetype="text/html")


def _serve_in_thread(wsgi_app, started: list) -> str:
    httpd = make_server("127.0.0.1", 0, wsgi_app, threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    started.append((httpd, thread))
    return f"http://127.0.0.1:{httpd.server_port}"


@pytest.fixture(scope="session")
def _threads() -> Iterator[list]:
    started: list[tuple[object, threading.Thread]] = []
    yield started
    for httpd, thread in started:
        httpd.shutdown()
        thread.join(timeout=10)


@pytest.fixture(scope="session")
def shop(_threads) -> ShopSite:
    site = ShopSite()
    site.url = _serve_in_thread(site, _threads)
    return site


@pytest.fixture(scope="session")
def serve(tmp_path_factory, trained_model_dir, shop, _threads):
    """A factory of real faqbot servers (werkzeug in a thread), each with its own instance."""
    apps: list[Flask] = []

    def start(name: str, **overrides) -> Server:
        instance = tmp_path_factory.mktemp(name) / "instance"
        shutil.copytree(trained_model_dir, instance / "models" / MODEL_VERSION)
        settings = {"ALLOWED_ORIGINS": [shop.url], "MAX_QUESTION_LENGTH": MAX_QUESTION_LENGTH}
        settings.update(overrides)
        app = create_app(make_config(instance, f"sqlite:///{instance / 'faqbot.db'}", **settings))
        apps.append(app)
        return Server(app, _serve_in_thread(app, _threads))

    yield start
    for app in apps:
        app.extensions["faqbot.engine"].dispose()


@pytest.fixture(scope="session")
def server(serve) -> Server:
    """The shared server; its rate limit is off so that the whole suite can run in a minute."""
    return serve("widget-server", RATELIMIT_ENABLED=False)


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        message = f"{CHROMIUM} is missing: install Debian's chromium package to run browser tests"
        if os.environ.get("FAQBOT_REQUIRE_BROWSER"):  # scripts/test installed it: never skip quietly
            pytest.fail(message)
        pytest.skip(message)
    sync_api = pytest.importorskip("playwright.sync_api", reason="pip install playwright")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class JsErrors:
    """Uncaught exceptions and console errors of a page; any not explicitly allowed fails the test."""

    def __init__(self) -> None:
        self.seen: list[str] = []
        self._allowed: list[re.Pattern] = []

    def watch(self, page) -> None:
        page.on("pageerror", lambda error: self.seen.append(f"uncaught: {error}"))
        page.on("console", self._console)

    def _console(self, message) -> None:
        if message.type == "error":
            self.seen.append(f"console: {message.text}")

    def allow(self, pattern: str) -> None:
        """Allow console errors matching ``pattern`` (e.g. the browser's own line for a 500)."""
        self._allowed.append(re.compile(pattern))

    def unexpected(self) -> list[str]:
        return [e for e in self.seen if not any(p.search(e) for p in self._allowed)]


@dataclass
class BrowserPage:
    page: object
    errors: JsErrors
    shots: Path

    def screenshot(self, name: str, page=None) -> Path:
        path = self.shots / f"{name}.png"
        (page or self.page).screenshot(path=str(path))
        return path

    def another_page(self):
        """A second page in the same browser context (same localStorage), watched for errors."""
        page = self.page.context.new_page()
        page.set_default_timeout(10_000)
        self.errors.watch(page)
        return page


@pytest.fixture
def context(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    yield context
    context.close()


@pytest.fixture
def tab(context, shots) -> Iterator[BrowserPage]:
    """A page whose JavaScript errors fail the test; screenshots go to the test's ``shots`` folder."""
    page = context.new_page()
    page.set_default_timeout(10_000)
    current = BrowserPage(page, JsErrors(), shots)
    current.errors.watch(page)
    yield current
    unexpected = current.errors.unexpected()
    assert not unexpected, f"the page logged JavaScript errors: {unexpected}"
