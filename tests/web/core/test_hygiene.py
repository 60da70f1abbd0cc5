"""Control characters are refused with one clear 400 before anything reaches the database."""

from __future__ import annotations

import logging

import pytest

from faqbot.web.core.hygiene import bad_character, escape_for_log

from .test_errors import assert_error


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/tickets/%00",
        "/api/v1/tickets/abc%0Adef",
        "/api/v1/faqs?category=%00",
        "/api/v1/faqs?category=a%1Fb",
        "/api/v1/faqs?%00=x",
        "/api/v1/nowhere/%00",
    ],
)
def test_control_characters_in_paths_and_parameters_are_400(client, path):
    assert_error(client.get(path), 400, "invalid_text")


def test_staff_search_with_nul_is_400(client, auth):
    headers = auth.headers("staff")
    assert_error(client.get("/api/v1/staff/tickets?q=%00", headers=headers), 400, "invalid_text")


@pytest.mark.parametrize(
    "body",
    [
        {"question": "where is\u0000 my order"},
        {"question": "lone \ud800 surrogate"},
        {"question": "ok", "session_id": "a\u0007b"},
        {"question\u0000": "where is my order"},
        {"question": "x", "nested": [{"deep": "\u0000"}]},
    ],
)
def test_control_characters_in_json_are_400(client, body):
    assert_error(client.post("/api/v1/ask", json=body), 400, "invalid_text")


def test_tabs_and_line_breaks_are_fine_in_free_text(client):
    response = client.post("/api/v1/ask", json={"question": "where is\tmy\r\norder?"})
    assert response.status_code == 200, response.get_data(as_text=True)


def test_control_characters_in_a_form_are_a_400_page(client):
    response = client.post("/login", data={"email": "a\x00@example.com", "password": "x"})
    assert response.status_code == 400
    assert response.mimetype == "text/html"
    assert "control character" in response.get_data(as_text=True)


@pytest.mark.sqlite_only
def test_invalid_json_is_still_reported_by_the_view(client):
    response = client.post("/api/v1/ask", data="{nope", content_type="application/json")
    assert_error(response, 400, "invalid_json")


def test_bad_character_names_the_character():
    assert bad_character("ab\x00", free_text=True) == "U+0000"
    assert bad_character("a\tb\nc\rd", free_text=True) is None
    assert bad_character("a\tb", free_text=False) == "U+0009"
    assert bad_character("caf\u00e9 \u2013 \U0001f600", free_text=False) is None
    assert bad_character("\x85", free_text=True) == "U+0085"


def test_escape_for_log_keeps_one_line():
    assert escape_for_log("a\nb\x00c\u2028") == "a\\nb\\x00c\u2028"
    assert "\n" not in escape_for_log("x\r\n2026-01-01 ERROR forged")


@pytest.mark.sqlite_only
def test_a_refused_path_does_not_forge_log_lines(client, caplog):
    with caplog.at_level(logging.DEBUG):
        client.get("/api/v1/tickets/x%0A2026-01-01%20ERROR%20forged")
    assert all("\n2026-01-01" not in record.getMessage() for record in caplog.records)
