"""Response headers (no-store on staff data, HSTS in production, a request id) and log lines
(timestamp, level, request id, visitor text escaped)."""

from __future__ import annotations

import io
import logging

import pytest

from faqbot.web import create_app
from faqbot.web.core.logs import RequestFormatter

from ..support import make_config

pytestmark = pytest.mark.sqlite_only  # headers and logging do not depend on the database


def test_staff_pages_and_apis_are_not_cached_public_ones_may_be(client, auth):
    headers = auth.headers("admin")
    for path in ("/api/v1/staff/tickets", "/api/v1/admin/models"):
        assert client.get(path, headers=headers).headers["Cache-Control"] == "no-store", path
    assert client.get("/login").headers["Cache-Control"] == "no-store"
    auth.login()
    assert client.get("/inbox/").headers["Cache-Control"] == "no-store"
    assert "no-store" not in client.get("/api/v1/faqs").headers.get("Cache-Control", "")
    assert "no-store" not in client.get("/widget.js").headers.get("Cache-Control", "")


def test_hsts_only_in_production(client, instance, database_url):
    assert "Strict-Transport-Security" not in client.get("/healthz").headers
    config = make_config(instance, database_url, ENV="production")
    app = create_app(config)
    try:
        response = app.test_client().get("/healthz")
        assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")
    finally:
        app.extensions["faqbot.engine"].dispose()


def test_every_response_has_a_request_id_and_keeps_a_tame_one(client):
    generated = client.get("/healthz").headers["X-Request-ID"]
    assert len(generated) == 16
    kept = client.get("/healthz", headers={"X-Request-ID": "edge-1234abcd"})
    assert kept.headers["X-Request-ID"] == "edge-1234abcd"
    forged = client.get("/healthz", headers={"X-Request-ID": "forged <script> line"})
    assert "forged" not in forged.headers["X-Request-ID"]


def test_log_lines_carry_time_level_request_id_and_escape_visitor_text(app):
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(RequestFormatter())
    logger = logging.getLogger("faqbot.test")
    logger.addHandler(handler)
    try:
        with app.test_request_context("/", headers={"X-Request-ID": "req-00000042"}):
            app.preprocess_request()
            logger.warning("visitor typed %s", "hi\n2026-01-01 00:00:00 ERROR forged")
        logger.warning("outside a request")
    finally:
        logger.removeHandler(handler)
    lines = stream.getvalue().splitlines()
    assert len(lines) == 2
    assert " WARNING [req-00000042] faqbot.test: visitor typed hi\\n2026-01-01" in lines[0]
    assert lines[0][:4].isdigit()  # starts with the timestamp
    assert "[-] faqbot.test: outside a request" in lines[1]
