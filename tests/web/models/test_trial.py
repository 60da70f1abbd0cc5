"""The models page's "try a question": the live model and another version side by side, with
their explanations, as each would decide for a visitor; nothing is logged."""

from __future__ import annotations

import shutil

import pytest
from sqlalchemy import func, select

from faqbot.web.core.db import session_scope
from faqbot.web.core.tables import ModelVersion, Query
from faqbot.web.models.store import register, version_path

from ..support import MODEL_VERSION

CANDIDATE = "20990101T000000Z-cautious"
QUESTION = "How can I track my order?"


@pytest.fixture
def candidate(app) -> str:
    """The sample model again as a pending candidate that answers only when certain."""
    root = version_path(app.config["MODELS_DIR"], MODEL_VERSION).parent
    shutil.copytree(root / MODEL_VERSION, root / CANDIDATE)
    with session_scope(app) as session:
        row = register(session, CANDIDATE, {"faq_count": 66}, "test")
        row.state, row.thresholds = "pending", {"answer": 1.0, "suggest": 0.01}
    return CANDIDATE


def _logged(app) -> int:
    with session_scope(app) as session:
        return session.scalar(select(func.count()).select_from(Query))


def test_the_api_shows_both_decisions_with_their_explanations(app, client, auth, candidate):
    headers = auth.headers("admin")
    response = client.post("/api/v1/admin/try", json={"question": QUESTION}, headers=headers)
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    live, other = body["live"], body["candidate"]
    assert (live["version"], live["state"], other["version"], other["state"]) == (
        MODEL_VERSION,
        "live",
        candidate,
        "pending",
    )
    assert live["status"] == "answered" and other["status"] == "suggested", (
        live,
        other,
    )  # its threshold of 1
    assert live["faq_id"] == other["faq_id"] and live["faq_question"]
    for side in (live, other):
        explanation = side["explanation"]
        assert explanation["matched_phrasing"] and 0 < explanation["similarity"] <= 1
        assert explanation["terms"] and explanation["runner_up"]["faq_id"] != side["faq_id"]
        assert explanation["runner_up"]["question"]
    assert _logged(app) == 0  # a trial is not a visitor's question


@pytest.mark.sqlite_only
def test_the_api_refuses_bad_input(client, auth, candidate):
    headers = auth.headers("admin")
    cases = [
        ({"question": " "}, 400, "missing_question"),
        ({"question": "x" * 501}, 400, "question_too_long"),
        ({"question": QUESTION, "version": MODEL_VERSION}, 400, "invalid_version"),
        ({"question": QUESTION, "version": "20990101T000000Z-nope"}, 404, "not_found"),
        ({"question": QUESTION, "version": "../../etc"}, 404, "not_found"),
    ]
    for body, status, code in cases:
        response = client.post("/api/v1/admin/try", json=body, headers=headers)
        assert (response.status_code, response.get_json()["error"]["code"]) == (status, code), body
    assert (
        client.post("/api/v1/admin/try", json={"question": QUESTION}, headers=auth.headers()).status_code
        == 403
    )


@pytest.mark.sqlite_only
def test_the_models_page_shows_both_versions_side_by_side(app, client, auth, candidate):
    auth.login("boss@example.com", "admin")
    page = client.get("/admin/", query_string={"q": "<b>" + QUESTION})
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "The versions decide differently: live answered" in html
    assert html.count('class="card trial-side"') == 2
    assert f"Candidate (pending) <small>{candidate}</small>" in html
    assert "Matched phrasing" in html and "Runner-up" in html and "Words that drove the match" in html
    assert "<b>How" not in html and "&lt;b&gt;How" in html  # the question is escaped
    assert _logged(app) == 0


@pytest.mark.sqlite_only
def test_the_box_says_so_when_there_is_nothing_to_compare(client, auth):
    auth.login("boss@example.com", "admin")
    html = client.get("/admin/", query_string={"q": QUESTION}).get_data(as_text=True)
    assert "No other version to compare: retrain to get a candidate." in html
    assert html.count('class="card trial-side"') == 1


@pytest.mark.sqlite_only
def test_a_version_that_cannot_be_loaded_is_explained(app, client, auth, candidate):
    shutil.rmtree(version_path(app.config["MODELS_DIR"], candidate))
    auth.login("boss@example.com", "admin")
    page = client.get("/admin/", query_string={"q": QUESTION, "candidate": candidate})
    assert page.status_code == 409
    assert f"Version {candidate} cannot be loaded" in page.get_data(as_text=True)
    with session_scope(app) as session:
        assert session.get(ModelVersion, candidate) is not None
