"""Threshold tuning: the live version's override, its history, the what-if preview and the page."""

from __future__ import annotations

import html
import json
import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from faqbot.web.core.db import session_scope
from faqbot.web.core.tables import AuditEvent, Feedback, LearnedPhrasing, ModelVersion, Query, Ticket, utcnow
from faqbot.web.insights.charts import Marker, Series, horizontal_bar_chart, line_chart, stacked_bar_chart
from faqbot.web.insights.thresholds import curve_at
from faqbot.web.models.overrides import for_target
from faqbot.web.models.retraining import retrain
from faqbot.web.models.store import version_path

from ..support import MODEL_VERSION

URL = "/api/v1/admin/thresholds"
ANSWERED_QUESTION = "wheres my package"  # answered, but not with confidence 1.0


def manifest(app) -> dict:
    path = f"{app.config['MODELS_DIR']}/{MODEL_VERSION}/manifest.json"
    with open(path, encoding="utf-8") as handle:
        return json.load(handle)


def test_get_shows_the_live_models_own_thresholds_and_curve(app, client, auth):
    body = client.get(URL, headers=auth.headers("admin")).get_json()
    own = manifest(app)["thresholds"]
    assert body["version"] == MODEL_VERSION
    assert body["model"] == {"answer": own["answer"], "suggest": own["suggest"]}
    assert body["effective"] == body["model"] and body["override"] is None and body["source"] == "model"
    assert len(body["curve"]) == 101 and body["history"] == []


def test_new_thresholds_reach_ask_without_retraining_and_reset_restores(app, client, auth):
    admin = auth.headers("admin", "boss@example.com")
    first = client.post("/api/v1/ask", json={"question": ANSWERED_QUESTION}).get_json()
    assert first["status"] == "answered" and first["confidence"] < 1.0

    response = client.put(URL, headers=admin, json={"answer": 1.0, "suggest": 0.0, "version": MODEL_VERSION})
    assert response.status_code == 200
    assert response.get_json()["effective"] == {"answer": 1.0, "suggest": 0.0}
    assert (
        client.post("/api/v1/ask", json={"question": ANSWERED_QUESTION}).get_json()["status"] == "suggested"
    )

    client.put(URL, headers=admin, json={"answer": 1.0, "suggest": 1.0})
    assert client.post("/api/v1/ask", json={"question": ANSWERED_QUESTION}).get_json()["status"] == "handoff"

    reset = client.delete(URL, headers=admin).get_json()
    assert reset["override"] is None and reset["effective"] == reset["model"]
    assert client.post("/api/v1/ask", json={"question": ANSWERED_QUESTION}).get_json()["status"] == "answered"

    with session_scope(app) as session:
        assert session.get(ModelVersion, MODEL_VERSION).thresholds is None
        events = session.scalars(select(AuditEvent).order_by(AuditEvent.id)).all()
        assert [e.kind for e in events] == ["thresholds"] * 3
        assert all(e.subject == MODEL_VERSION and e.user_id is not None for e in events)
        assert events[0].before["source"] == "model"
        assert events[0].after == {"answer": 1.0, "suggest": 0.0, "source": "override", "mode": "explicit"}
        assert events[2].after["source"] == "model"
    history = client.get(URL, headers=admin).get_json()["history"]
    assert [h["user"] for h in history] == ["boss@example.com"] * 3
    assert history[0]["after"]["source"] == "model"  # newest first


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        ({"answer": 0.3, "suggest": 0.5}, "must not exceed"),
        ({"answer": 1.5, "suggest": 0.5}, "between 0 and 1"),
        ({"answer": -0.1, "suggest": -0.2}, "between 0 and 1"),
        ({"answer": "0.5", "suggest": 0.2}, "'answer' must be a number"),
        ({"answer": True, "suggest": 0.2}, "'answer' must be a number"),
        ({"answer": 0.5}, "'suggest' must be a number"),
        ({"answer": 0.5, "suggest": 0.2, "version": 7}, "'version' must be a string"),
    ],
)
def test_invalid_thresholds_are_a_clear_400(client, auth, body, fragment):
    response = client.put(URL, headers=auth.headers("admin"), json=body)
    assert response.status_code == 400
    assert fragment in response.get_json()["error"]["message"]


def test_a_version_that_is_no_longer_live_is_refused(app, client, auth):
    response = client.put(
        URL, headers=auth.headers("admin"), json={"answer": 0.9, "suggest": 0.5, "version": "x"}
    )
    assert response.status_code == 409 and response.get_json()["error"]["code"] == "version_changed"
    with session_scope(app) as session:
        assert session.get(ModelVersion, MODEL_VERSION).thresholds is None


def log(session, confidence, decision="answered", days_ago=1, faq_id="1", **extra) -> Query:
    row = Query(
        question=f"q {confidence}",
        decision=decision,
        faq_id=faq_id,
        confidence=confidence,
        latency_ms=1.0,
        model_version=MODEL_VERSION,
        created_at=utcnow() - timedelta(days=days_ago),
        **extra,
    )
    session.add(row)
    session.flush()
    return row


@pytest.fixture
def traffic(app):
    """Recent questions with known confidences (plus ones the preview must leave alone)."""
    with session_scope(app) as session:
        for confidence in (0.1, 0.3, 0.5):
            log(session, confidence, "suggested")
        high, higher = log(session, 0.7), log(session, 0.9)
        session.add_all(
            [Feedback(query_id=high.id, helpful=False), Feedback(query_id=higher.id, helpful=True)]
        )
        requested = Ticket(token="t1", question="person please", reason="requested", status="open")
        session.add(requested)
        session.flush()
        log(session, 0.95, "handoff", ticket_id=requested.id)  # asked for a person: stays a handoff
        log(session, 0.99, "handoff", faq_id=None)  # no candidate FAQ at all
        log(session, 0.8, "taken_over")  # a follow-up to staff, not a bot decision
        log(session, 0.9, days_ago=40)  # outside the window


def test_preview_recomputes_recent_traffic_with_proposed_thresholds(client, auth, traffic):
    url = f"{URL}/preview?answer=0.6&suggest=0.2&days=30"
    body = client.get(url, headers=auth.headers("admin")).get_json()
    assert body["questions"] == 7 and body["other_versions"] == 0
    assert body["proposed"]["counts"] == {"answered": 2, "suggested": 2, "handoff": 3}
    assert body["proposed"]["shares"]["answered"] == pytest.approx(2 / 7)
    assert body["feedback_proposed"] == {"votes": 2, "helpful": 1, "rate": 0.5}

    stricter = client.get(f"{URL}/preview?answer=0.8&suggest=0.4", headers=auth.headers("admin")).get_json()
    assert stricter["proposed"]["counts"] == {"answered": 1, "suggested": 2, "handoff": 4}
    assert stricter["feedback_proposed"] == {"votes": 1, "helpful": 1, "rate": 1.0}
    assert stricter["days"] == 30


def test_preview_reads_the_curve_at_the_proposed_threshold(app, client, auth):
    curve = manifest(app)["curve"]
    body = client.get(f"{URL}/preview?answer=0.5&suggest=0.2", headers=auth.headers("admin")).get_json()
    at_half = next(p for p in curve if p["threshold"] == 0.5)
    assert body["curve_proposed"]["precision"] == pytest.approx(at_half["precision"])
    assert body["curve_proposed"]["coverage"] == pytest.approx(at_half["coverage"])


def test_curve_is_interpolated_between_grid_points():
    curve = [
        {"threshold": 0.0, "precision": 0.5, "coverage": 1.0},
        {"threshold": 0.1, "precision": 0.7, "coverage": 0.8},
    ]
    assert curve_at(curve, 0.05) == pytest.approx({"threshold": 0.05, "precision": 0.6, "coverage": 0.9})
    assert curve_at([], 0.5) is None


@pytest.mark.parametrize(
    "query", ["answer=abc", "answer=0.2&suggest=0.5", "days=0", "days=9999", "answer=nan"]
)
def test_preview_rejects_bad_parameters(client, auth, query):
    response = client.get(f"{URL}/preview?{query}", headers=auth.headers("admin"))
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] in ("invalid_thresholds", "invalid_days")


def test_staff_and_strangers_cannot_reach_thresholds(client, auth):
    staff = auth.headers("staff")
    for method, path in [("get", URL), ("put", URL), ("delete", URL), ("get", f"{URL}/preview")]:
        assert getattr(client, method)(path, headers=staff, json={}).status_code == 403
        assert getattr(client, method)(path, json={}).status_code == 401
    auth.login("plain@example.com", "staff")
    assert client.get("/admin/thresholds").status_code == 403
    token = auth.page_csrf("/inbox/")
    assert client.post("/admin/thresholds", data={"csrf_token": token}).status_code == 403
    assert client.post("/admin/thresholds/reset", data={"csrf_token": token}).status_code == 403


def test_page_shows_curve_what_if_and_sets_and_resets(app, client, auth, traffic):
    auth.login("boss@example.com", "admin")
    page = client.get("/admin/thresholds?answer=0.6&suggest=0.2&days=30").get_data(as_text=True)
    assert "<svg" in page and "proposed answer 0.60" in page and MODEL_VERSION in page
    assert "2 (28.6%)" in page  # answered with the proposed thresholds

    token = auth.page_csrf("/admin/thresholds")
    assert client.post("/admin/thresholds", data={"answer": "0.7", "suggest": "0.3"}).status_code == 400
    form = {"csrf_token": token, "answer": "0.7", "suggest": "0.3", "version": MODEL_VERSION}
    client.post("/admin/thresholds", data=form)
    with session_scope(app) as session:
        assert session.get(ModelVersion, MODEL_VERSION).thresholds == {"answer": 0.7, "suggest": 0.3}
    page = client.get("/admin/thresholds").get_data(as_text=True)
    assert "your explicit thresholds" in page and "boss@example.com" in page

    bad = client.post("/admin/thresholds", data={**form, "suggest": "0.9"}, follow_redirects=True)
    assert "must not exceed" in bad.get_data(as_text=True)
    client.post("/admin/thresholds/reset", data={"csrf_token": token})
    with session_scope(app) as session:
        assert session.get(ModelVersion, MODEL_VERSION).thresholds is None


def test_page_with_a_bad_what_if_says_so(client, auth):
    auth.login("boss@example.com", "admin")
    response = client.get("/admin/thresholds?answer=<script>&days=3")
    assert response.status_code == 400
    text = response.get_data(as_text=True)
    assert "must be a number" in text and "<script>" not in text


def test_charts_escape_hostile_labels():
    hostile = '<script>alert("x")</script>'
    charts = [
        line_chart(
            [0, 1],
            [Series(hostile, [0.1, 0.9])],
            title=hostile,
            x_label="x",
            y_label="y",
            markers=[Marker(0.5, hostile)],
        ),
        stacked_bar_chart([hostile], [Series(hostile, [3])], title="t", y_label="n"),
        horizontal_bar_chart([hostile], [4], title="t", x_label="n"),
    ]
    for svg in charts:
        assert "<script>" not in str(svg) and "&lt;script&gt;" in str(svg)


def test_an_override_survives_a_retrain_and_the_candidate_is_judged_with_it(app, client, auth):
    admin = auth.headers("admin", "boss@example.com")
    chosen = {"answer": 0.8, "suggest": 0.3}
    assert client.put(URL, headers=admin, json={**chosen, "version": MODEL_VERSION}).status_code == 200

    result = retrain(app, source="test")  # the unchanged corpus: a candidate as good as the live one
    assert result.live, result.report["gate"]
    assert result.report["thresholds_carried"] == chosen
    with session_scope(app) as session:
        assert session.get(ModelVersion, result.version).thresholds == chosen
    body = client.get(URL, headers=admin).get_json()
    assert body["version"] == result.version and body["effective"] == chosen and body["source"] == "override"


# --- a target precision, kept as a target ----------------------------------------------------


def lowest_reaching(curve: list[dict], target: float) -> dict:
    return min((p for p in curve if p["answered"] and p["precision"] >= target), key=lambda p: p["threshold"])


def test_a_target_precision_is_resolved_on_the_live_curve_and_shown(app, client, auth):
    admin = auth.headers("admin", "boss@example.com")
    own = manifest(app)
    point = lowest_reaching(own["curve"], 0.97)
    body = client.put(
        URL, headers=admin, json={"target_precision": 0.97, "version": MODEL_VERSION}
    ).get_json()
    assert body["choice"] == {"mode": "target_precision", "target_precision": 0.97}
    assert body["effective"]["answer"] == point["threshold"]
    assert body["effective"]["suggest"] == min(own["thresholds"]["suggest"], point["threshold"])
    assert body["meaning"]["coverage"] == pytest.approx(point["coverage"])
    assert body["meaning"]["precision"] == pytest.approx(point["precision"]) and point["precision"] >= 0.97
    assert body["history"][0]["after"]["target_precision"] == 0.97
    preview = client.get(f"{URL}/preview?target_precision=0.97", headers=admin).get_json()
    assert preview["proposed"]["thresholds"]["answer"] == point["threshold"]


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"target_precision": 0}, "invalid_target"),
        ({"target_precision": 1.2}, "invalid_target"),
        ({"target_precision": "high"}, "invalid_target"),
        ({"target_precision": 0.9, "answer": 0.5, "suggest": 0.1}, "invalid_thresholds"),
    ],
)
def test_invalid_targets_are_a_clear_400(client, auth, body, code):
    response = client.put(URL, headers=auth.headers("admin"), json=body)
    assert response.status_code == 400 and response.get_json()["error"]["code"] == code


def test_a_target_precision_override_carries_over_to_a_retrained_version_as_a_target(app, client, auth):
    admin = auth.headers("admin", "boss@example.com")
    assert client.put(URL, headers=admin, json={"target_precision": 0.97}).status_code == 200
    with session_scope(app) as session:  # something new to learn, so the new version is a new model
        session.add(LearnedPhrasing(faq_id="38", text="wheres my parcel at"))

    result = retrain(app, source="test")
    assert result.live, result.report["gate"]
    carried = result.report["thresholds_carried"]
    assert carried["mode"] == "target_precision" and carried["target_precision"] == 0.97
    with open(
        version_path(app.config["MODELS_DIR"], result.version) / "manifest.json", encoding="utf-8"
    ) as f:
        new = json.load(f)
    with session_scope(app) as session:
        stored = session.get(ModelVersion, result.version).thresholds
    assert stored == for_target(0.97, new["curve"], new["thresholds"])  # re-read from its own curve
    assert stored["answer"] == lowest_reaching(new["curve"], 0.97)["threshold"]
    body = client.get(URL, headers=admin).get_json()
    assert body["version"] == result.version
    assert body["choice"] == {"mode": "target_precision", "target_precision": 0.97}


def test_the_page_offers_both_choices_and_a_clickable_curve(app, client, auth):
    auth.login("boss@example.com", "admin")
    page = client.get("/admin/thresholds").get_data(as_text=True)
    assert "By the precision you want" in page and "By explicit thresholds" in page
    links = re.findall(r'<a href="([^"]+)" class="chart-point" aria-label="([^"]+)"', page)
    answering = [p for p in manifest(app)["curve"] if round(p["threshold"] * 100) % 5 == 0 and p["answered"]]
    assert len(links) == len(answering) > 15  # every 0.05 that still answers something
    assert all("answer=" in href and href.endswith("#what-if") for href, _ in links)
    assert 'role="group"' in page and "Answer from 0.50:" in page
    clicked = client.get(html.unescape(links[10][0])).get_data(as_text=True)
    half = next(p for p in manifest(app)["curve"] if p["threshold"] == 0.5)
    assert f"{half['precision'] * 100:.1f}% of them right" in clicked

    token = auth.page_csrf("/admin/thresholds")
    saved = client.post(
        "/admin/thresholds",
        data={"csrf_token": token, "mode": "target", "target": "97", "version": MODEL_VERSION},
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "Target precision 97.0% saved" in saved and "your target precision of 97.0%" in saved
    with session_scope(app) as session:
        assert session.get(ModelVersion, MODEL_VERSION).thresholds["mode"] == "target_precision"
    refused = client.post(
        "/admin/thresholds",
        data={"csrf_token": token, "mode": "target", "target": "0"},
        follow_redirects=True,
    )
    assert "above 0" in refused.get_data(as_text=True)
