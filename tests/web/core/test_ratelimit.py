"""Rate limits: Retry-After on 429, a clear 503 and a failing /healthz when the store is down,
and a Redis store shared by every app (worker) pointed at it (the default database store:
test_limitstore.py)."""

from __future__ import annotations

import secrets
import socket

import pytest

from faqbot.web import create_app

from ..support import free_port, make_config
from .test_errors import assert_error

REDIS = ("127.0.0.1", 6379)
pytestmark = pytest.mark.sqlite_only  # the limiter's store is what is tested, not the database


def _redis_up() -> bool:
    try:
        import redis  # noqa: F401
    except ImportError:
        return False
    try:
        with socket.create_connection(REDIS, timeout=0.5):
            return True
    except OSError:
        return False


needs_redis = pytest.mark.skipif(
    not _redis_up(), reason="needs the redis package (faqbot[redis]) and Redis on 127.0.0.1:6379"
)


@pytest.fixture
def make_app(instance, database_url):
    apps = []

    def make(**overrides):
        app = create_app(make_config(instance, database_url, **overrides))
        apps.append(app)
        return app

    yield make
    for app in apps:
        app.extensions["faqbot.engine"].dispose()


def test_every_429_says_when_to_retry(make_app):
    client = make_app(RATELIMIT_PUBLIC="1 per minute", RATELIMIT_LOGIN="1 per minute").test_client()
    client.get("/api/v1/faqs")
    response = client.get("/api/v1/faqs")
    assert_error(response, 429, "rate_limited")
    assert 1 <= int(response.headers["Retry-After"]) <= 61
    client.get("/login")
    page = client.get("/login")
    assert page.status_code == 429
    assert 1 <= int(page.headers["Retry-After"]) <= 61


def test_an_unreachable_store_is_503_and_not_ready(make_app):
    dead = f"redis://127.0.0.1:{free_port()}"  # nothing listens there
    app = make_app(RATELIMIT_STORAGE_URI=dead)
    client = app.test_client()
    assert_error(client.get("/api/v1/faqs"), 503, "service_unavailable")
    assert_error(client.post("/api/v1/ask", json={"question": "hi"}), 503, "service_unavailable")
    login = client.get("/login")
    assert login.status_code == 503
    assert "rate-limit store" in login.get_data(as_text=True)
    health = client.get("/healthz")
    assert health.status_code == 503
    assert health.get_json()["ratelimit_store"]["ready"] is False


@pytest.mark.parametrize("uri", ["database://", "memory://"])
def test_health_reports_a_working_store_ready(make_app, uri):
    health = make_app(RATELIMIT_STORAGE_URI=uri).test_client().get("/healthz")
    assert health.status_code == 200
    assert health.get_json()["ratelimit_store"]["ready"] is True


@needs_redis
def test_a_redis_store_is_shared_by_every_worker(make_app):
    import redis

    prefix = f"faqbot-test-{secrets.token_hex(4)}"
    config = {
        "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379",
        "RATELIMIT_KEY_PREFIX": prefix,  # this test's counters only
        "RATELIMIT_PUBLIC": "3 per minute",
    }
    first, second = make_app(**config).test_client(), make_app(**config).test_client()
    try:
        statuses = [client.get("/api/v1/faqs").status_code for client in (first, second, first, second)]
        assert statuses == [200, 200, 200, 429]
        assert first.get("/healthz").get_json()["ratelimit_store"] == {"ready": True}
    finally:
        connection = redis.Redis(*REDIS)
        for key in connection.scan_iter(f"*{prefix}*"):
            connection.delete(key)
        connection.close()
