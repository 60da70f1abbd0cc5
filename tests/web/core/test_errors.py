"""Bad input anywhere under /api gets a 4xx in the one error shape, never a 500."""

from __future__ import annotations

import io

import pytest

from ..support import make_config


def assert_error(response, status: int, code: str | None = None) -> dict:
    assert response.status_code == status, response.get_data(as_text=True)
    body = response.get_json()
    assert set(body) == {"error"}
    assert set(body["error"]) == {"code", "message"}
    assert isinstance(body["error"]["message"], str) and body["error"]["message"]
    if code is not None:
        assert body["error"]["code"] == code
    return body


@pytest.mark.sqlite_only
@pytest.mark.parametrize(
    ("payload", "code"),
    [
        ({}, "missing_question"),
        ({"question": None}, "missing_question"),
        ({"question": ""}, "invalid_question"),
        ({"question": "   "}, "invalid_question"),
        ({"question": 42}, "invalid_question"),
        ({"question": ["where"]}, "invalid_question"),
        ({"question": "x" * 501}, "invalid_question"),
        ({"question": "ok", "session_id": 7}, "invalid_session_id"),
        ({"question": "ok", "handoff": "yes"}, "invalid_handoff"),
    ],
)
def test_ask_rejects_bad_questions(client, payload, code):
    assert_error(client.post("/api/v1/ask", json=payload), 400, code)


def test_ask_accepts_a_question_of_exactly_the_maximum_length(client):
    assert client.post("/api/v1/ask", json={"question": "a" * 500}).status_code == 200


@pytest.mark.sqlite_only
def test_invalid_json_is_400(client):
    response = client.post("/api/v1/ask", data="{not json", content_type="application/json")
    assert_error(response, 400, "invalid_json")


@pytest.mark.sqlite_only
def test_json_that_is_not_an_object_is_400(client):
    assert_error(client.post("/api/v1/ask", json=["question"]), 400, "invalid_json")


@pytest.mark.sqlite_only
def test_wrong_content_type_is_415(client):
    response = client.post("/api/v1/ask", data={"question": "hello"})
    assert_error(response, 415, "unsupported_media_type")


@pytest.mark.sqlite_only
def test_oversized_body_is_413(client):
    body = '{"question": "' + "x" * 20000 + '"}'
    response = client.post("/api/v1/ask", data=body, content_type="application/json")
    assert_error(response, 413, "payload_too_large")


def _chunked(client, body: bytes):
    """A body sent without a declared length, as gunicorn hands a chunked request to the app."""
    return client.post(
        "/api/v1/ask",
        input_stream=io.BytesIO(body),
        content_type="application/json",
        headers={"Transfer-Encoding": "chunked"},
        environ_overrides={"wsgi.input_terminated": True},
    )


@pytest.mark.sqlite_only
def test_a_chunked_body_over_the_limit_is_413_and_one_within_it_is_read_whole(client):
    assert_error(_chunked(client, b'{"question": "' + b"x" * 20000 + b'"}'), 413, "payload_too_large")
    fits = _chunked(client, b'{"question": "How can I track my order?' + b" " * 15000 + b'"}')
    assert fits.status_code == 200 and fits.get_json()["status"] == "answered"


@pytest.mark.sqlite_only
def test_unknown_route_is_404(client):
    assert_error(client.get("/api/v1/nothing-here"), 404, "not_found")


@pytest.mark.sqlite_only
def test_wrong_method_is_405_with_allow(client):
    response = client.get("/api/v1/ask")
    assert_error(response, 405, "method_not_allowed")
    assert "POST" in response.headers["Allow"]


def test_unknown_ticket_token_is_404(client):
    assert_error(client.get("/api/v1/tickets/no-such-token"), 404, "not_found")
    response = client.post("/api/v1/tickets/no-such-token/contact", json={"email": "a@b.example"})
    assert_error(response, 404, "not_found")


@pytest.mark.sqlite_only
@pytest.mark.parametrize(
    "payload",
    [
        {"query_id": "1", "helpful": True},
        {"query_id": True, "helpful": True},
        {"query_id": 1, "helpful": "yes"},
        {"query_id": 1, "helpful": False, "reason": "meh"},
    ],
)
def test_feedback_rejects_bad_fields(client, payload):
    client.post("/api/v1/ask", json={"question": "how do I track my order"})
    assert_error(client.post("/api/v1/feedback", json=payload), 400)


def test_feedback_on_unknown_query_is_404(client):
    assert_error(client.post("/api/v1/feedback", json={"query_id": 999, "helpful": True}), 404)


def test_unexpected_exception_is_500_in_the_error_shape(app, client, monkeypatch):
    def explode(*_args, **_kwargs):
        raise RuntimeError("boom with secret detail")

    monkeypatch.setattr("faqbot.web.visitor.api.ask", explode)
    app.config["PROPAGATE_EXCEPTIONS"] = False
    response = client.post("/api/v1/ask", json={"question": "hello"})
    body = assert_error(response, 500, "internal_error")
    assert "secret detail" not in body["error"]["message"]


def test_rate_limit_is_429_in_the_error_shape(instance, database_url):
    from faqbot.web import create_app

    app = create_app(make_config(instance, database_url, RATELIMIT_PUBLIC="2 per minute"))
    try:
        client = app.test_client()
        statuses = [client.get("/api/v1/faqs").status_code for _ in range(3)]
        assert statuses[:2] == [200, 200]
        assert_error(client.get("/api/v1/faqs"), 429, "rate_limited")
    finally:
        app.extensions["faqbot.engine"].dispose()


@pytest.mark.sqlite_only
def test_rate_limits_are_per_visitor_behind_a_trusted_proxy(instance, database_url):
    from faqbot.web import create_app

    config = make_config(instance, database_url, RATELIMIT_PUBLIC="1 per minute", PROXY_COUNT=1)
    app = create_app(config)
    try:
        client = app.test_client()
        first = {"X-Forwarded-For": "203.0.113.1"}
        assert client.get("/api/v1/faqs", headers=first).status_code == 200
        assert client.get("/api/v1/faqs", headers=first).status_code == 429
        other = {"X-Forwarded-For": "203.0.113.2"}
        assert client.get("/api/v1/faqs", headers=other).status_code == 200
    finally:
        app.extensions["faqbot.engine"].dispose()


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/staff/tickets/99999999999999999999",
        "/api/v1/staff/tickets/0",
        "/api/v1/staff/tickets/-1",
        "/api/v1/admin/jobs/2147483648",
    ],
)
def test_out_of_range_ids_are_404_not_database_errors(client, auth, path):
    assert_error(client.get(path, headers=auth.headers("admin")), 404, "not_found")


@pytest.mark.parametrize(
    ("method", "path"),
    [("DELETE", "/api/v1/staff/tickets/0/read"), ("DELETE", "/api/v1/staff/canned-replies/2147483648")],
)
def test_out_of_range_ids_are_404_beside_routes_of_other_methods(client, auth, method, path):
    """Not a 405 naming the other route's method, which is what werkzeug answers to a refused id."""
    assert_error(client.open(path, method=method, headers=auth.headers("admin")), 404, "not_found")


def test_huge_ids_in_bodies_are_400_not_database_errors(client, auth):
    headers = auth.headers("admin")
    restore = client.post("/api/v1/admin/faqs/1/restore", json={"revision_id": 2**31}, headers=headers)
    assert_error(restore, 400, "invalid_revision_id")
    body = {"action": "assign", "ticket_ids": [1], "assignee_id": 2**31}
    assert_error(
        client.post("/api/v1/staff/tickets/bulk", json=body, headers=headers), 400, "invalid_assignee"
    )


@pytest.mark.sqlite_only
@pytest.mark.parametrize(
    ("field", "code"), [({"tags": {"a": 1}}, "invalid_tags"), ({"assignee_id": "me"}, "invalid_assignee")]
)
def test_bulk_refuses_malformed_fields_its_action_does_not_use(client, auth, field, code):
    body = {"action": "dismiss", "ticket_ids": [1], **field}
    response = client.post("/api/v1/staff/tickets/bulk", json=body, headers=auth.headers("staff"))
    assert_error(response, 400, code)


def test_huge_query_id_in_feedback_is_400(client):
    response = client.post("/api/v1/feedback", json={"query_id": 2**40, "helpful": True})
    assert_error(response, 400, "invalid_query_id")


def test_database_outage_is_503_in_the_error_shape(app, client, auth, monkeypatch):
    from sqlalchemy import event
    from sqlalchemy.exc import OperationalError

    from faqbot.web.core.db import get_engine

    headers = auth.headers("staff")

    def refuse(*_args):
        raise OperationalError("SELECT", {}, Exception("server closed the connection"))

    event.listen(get_engine(app), "before_cursor_execute", refuse)
    try:
        response = client.get("/api/v1/staff/tickets", headers=headers)
        health = client.get("/healthz")
    finally:
        event.remove(get_engine(app), "before_cursor_execute", refuse)
    assert_error(response, 503, "service_unavailable")
    assert health.status_code == 503 and health.get_json()["database"]["ready"] is False
