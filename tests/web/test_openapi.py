"""The OpenAPI description stays true to the routes; CORS and health behave as documented."""

from __future__ import annotations

import re

import pytest

from faqbot.web import create_app
from faqbot.web.app.openapi import spec_document

from .support import make_config


def documented_operations() -> set[tuple[str, str]]:
    return {(path, method.upper()) for path, item in spec_document()["paths"].items() for method in item}


def routed_operations(app) -> set[tuple[str, str]]:
    found = set()
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1"):
            continue
        path = re.sub(r"<(?:[a-z]+:)?([a-z_]+)>", r"{\1}", rule.rule)
        found |= {(path, m) for m in rule.methods - {"HEAD", "OPTIONS"}}
    return found


def test_openapi_paths_and_methods_match_the_routes(app):
    assert documented_operations() == routed_operations(app)


def test_openapi_is_served_as_3_1(client):
    body = client.get("/api/v1/openapi.json").get_json()
    assert body["openapi"] == "3.1.0"
    assert "/api/v1/ask" in body["paths"]


def test_every_operation_documents_its_responses_and_error_shape(client):
    body = client.get("/api/v1/openapi.json").get_json()
    for path, item in body["paths"].items():
        for method, operation in item.items():
            assert operation["summary"], (path, method)
            assert operation["responses"], (path, method)
            for status, response in operation["responses"].items():
                if int(status) >= 400:
                    schema = response["content"]["application/json"]["schema"]
                    assert schema == {"$ref": "#/components/schemas/Error"}


@pytest.fixture
def cors_app(instance, database_url):
    app = create_app(make_config(instance, database_url, ALLOWED_ORIGINS=["https://shop.example"]))
    yield app
    app.extensions["faqbot.engine"].dispose()


def test_cors_allows_only_configured_origins(cors_app):
    client = cors_app.test_client()
    ok = client.post(
        "/api/v1/ask",
        json={"question": "How can I track my order?"},
        headers={"Origin": "https://shop.example"},
    )
    assert ok.headers["Access-Control-Allow-Origin"] == "https://shop.example"
    assert "Access-Control-Allow-Credentials" not in ok.headers
    other = client.post(
        "/api/v1/ask",
        json={"question": "How can I track my order?"},
        headers={"Origin": "https://evil.example"},
    )
    assert "Access-Control-Allow-Origin" not in other.headers


def test_cors_preflight(cors_app):
    response = cors_app.test_client().options(
        "/api/v1/ask",
        headers={
            "Origin": "https://shop.example",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type",
        },
    )
    assert response.status_code == 200
    assert "POST" in response.headers["Access-Control-Allow-Methods"]
    assert "Content-Type" in response.headers["Access-Control-Allow-Headers"]


def test_cors_is_not_offered_on_the_staff_api(cors_app):
    response = cors_app.test_client().get("/api/v1/staff/tickets", headers={"Origin": "https://shop.example"})
    assert "Access-Control-Allow-Origin" not in response.headers


def test_healthz_reports_model_and_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.get_json()
    assert body["status"] == "ok"
    assert body["database"]["ready"] and body["model"]["ready"] and body["model"]["version"]


def test_healthz_is_503_without_a_model(tmp_path, database_url):
    app = create_app(make_config(tmp_path / "empty", database_url, SEED_CORPUS=""))
    try:
        response = app.test_client().get("/healthz")
        assert response.status_code == 503
        model = response.get_json()["model"]
        assert model["ready"] is False and model["version"] is None and "no FAQs" in model["problem"]
        asked = app.test_client().post("/api/v1/ask", json={"question": "hello"})
        assert asked.status_code == 503
        error = asked.get_json()["error"]
        assert error["code"] == "not_configured" and "no answers set up" in error["message"]
    finally:
        app.extensions["faqbot.engine"].dispose()


@pytest.mark.sqlite_only
def test_pages_carry_security_headers(client):
    response = client.get("/login")
    assert response.headers["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    assert client.get("/api/v1/faqs").headers["X-Content-Type-Options"] == "nosniff"


@pytest.mark.sqlite_only
def test_cors_preflights_do_not_use_up_the_rate_limit(instance, database_url):
    app = create_app(
        make_config(
            instance, database_url, ALLOWED_ORIGINS=["https://shop.example"], RATELIMIT_PUBLIC="1 per minute"
        )
    )
    try:
        client = app.test_client()
        headers = {"Origin": "https://shop.example", "Access-Control-Request-Method": "POST"}
        for _ in range(3):
            assert client.options("/api/v1/ask", headers=headers).status_code == 200
        asked = client.post(
            "/api/v1/ask", json={"question": "hello"}, headers={"Origin": "https://shop.example"}
        )
        assert asked.status_code == 200
    finally:
        app.extensions["faqbot.engine"].dispose()
