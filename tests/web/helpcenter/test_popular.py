"""Hot questions come first: "popular" counts what visitors asked in the last 30 days."""

from __future__ import annotations

from datetime import timedelta

import pytest

from faqbot.web.core.db import session_scope
from faqbot.web.core.tables import Query, utcnow
from web.support import make_config

from .support import HOME, parse


@pytest.fixture
def app_config(instance, database_url):
    return make_config(instance, database_url, RATELIMIT_ENABLED=False)


def popular_ids(client, path: str = HOME) -> list[str]:
    html = client.get(path).get_data(as_text=True)
    section = html.split('aria-label="Popular questions"')[1].split("</ul>")[0]
    return parse("<ul>" + section).faq_ids


def test_a_question_asked_twenty_times_through_the_api_tops_popular(client):
    before = popular_ids(client)
    assert before[0] != "48"
    for _ in range(20):
        body = client.post("/api/v1/ask", json={"question": "How long does a refund take?"}).get_json()
        assert body["status"] == "answered" and body["answer"]["faq_id"] == "48"
    assert popular_ids(client)[0] == "48"
    category = client.get("/help/refunds").get_data(as_text=True)
    assert parse(category).faq_ids[0] == "48"  # popular first on its category page too


def test_questions_older_than_thirty_days_do_not_count(app, client):
    with session_scope(app) as session:
        for _ in range(5):
            session.add(
                Query(
                    question="old",
                    decision="answered",
                    faq_id="60",
                    confidence=0.9,
                    latency_ms=1.0,
                    created_at=utcnow() - timedelta(days=31),
                )
            )
        session.add(Query(question="new", decision="answered", faq_id="30", confidence=0.9, latency_ms=1.0))
    ids = popular_ids(client)
    assert ids[0] == "30" and "60" not in ids
