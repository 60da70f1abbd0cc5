"""``GET /api/v1/faqs``: paging, search with the bot's engine, categories, ETag and 304; and
``GET /api/v1/widget/config``.  On SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from faqbot.web.core.db import session_scope
from faqbot.web.core.tables import Faq, Query
from web.support import make_config


@pytest.fixture
def app_config(instance, database_url):
    return make_config(instance, database_url, RATELIMIT_ENABLED=False)


def get(client, **params):
    response = client.get("/api/v1/faqs", query_string=params)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def test_pages_cover_every_faq_once_in_order(client):
    everything = get(client)
    assert everything["total"] == 66 and len(everything["faqs"]) == 66 and everything["next_offset"] is None
    seen, offset = [], 0
    while offset is not None:
        page = get(client, limit=25, offset=offset)
        assert page["total"] == 66 and page["limit"] == 25 and page["offset"] == offset
        assert len(page["faqs"]) == min(25, 66 - offset)
        seen += [faq["id"] for faq in page["faqs"]]
        offset = page["next_offset"]
    assert seen == [faq["id"] for faq in everything["faqs"]]
    beyond = get(client, limit=10, offset=100)
    assert beyond["faqs"] == [] and beyond["total"] == 66 and beyond["next_offset"] is None


def test_a_page_groups_its_faqs_but_lists_every_category(client):
    page = get(client, limit=3)
    grouped = [faq["id"] for c in page["categories"] for faq in c["faqs"]]
    assert sorted(grouped) == sorted(faq["id"] for faq in page["faqs"])
    assert len(page["categories"]) == 14 and sum(c["count"] for c in page["categories"]) == 66
    refunds = next(c for c in page["categories"] if c["name"] == "Refunds")
    assert refunds["label"] == "Refunds" and refunds["count"] == 2


def test_each_faq_says_what_a_visitor_needs_and_nothing_more(client):
    faq = get(client, limit=1)["faqs"][0]
    assert set(faq) == {"id", "question", "answer", "category", "asked", "pinned", "url"}
    assert faq["url"].startswith("http://localhost/help/")


@pytest.mark.parametrize(
    ("params", "code"),
    [
        ({"limit": "0"}, "invalid_limit"),
        ({"limit": "501"}, "invalid_limit"),
        ({"limit": "ten"}, "invalid_limit"),
        ({"offset": "-1"}, "invalid_offset"),
        ({"q": "x" * 501}, "invalid_q"),
    ],
)
def test_bad_paging_or_search_is_a_clear_400(client, params, code):
    response = client.get("/api/v1/faqs", query_string=params)
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == code


def test_search_uses_the_bots_engine(app, client):
    with session_scope(app) as session:
        logged = session.scalar(select(func.count()).select_from(Query))
    found = get(client, q="i want my money back", limit=5)
    assert found["faqs"][0]["id"] == "48" and found["faqs"][0]["match"] == "engine"
    assert found["status"] in ("answered", "suggested") and found["query"] == "i want my money back"
    assert found["total"] >= 1 and len(found["faqs"]) <= 5
    with session_scope(app) as session:  # typing is not asking: nothing reaches the question log
        assert session.scalar(select(func.count()).select_from(Query)) == logged


def test_search_finds_a_word_being_typed(client):
    found = get(client, q="refu")
    assert {"48", "49"} <= {faq["id"] for faq in found["faqs"]}
    words = [faq for faq in found["faqs"] if faq["match"] == "words"]
    assert all("refu" in (faq["question"] + faq["answer"]).lower() for faq in words)


def test_search_within_a_category(client):
    found = get(client, q="refund", category="Refunds")
    assert found["faqs"] and {faq["category"] for faq in found["faqs"]} == {"Refunds"}
    assert [c["name"] for c in found["categories"]] == ["Refunds"]


def test_nonsense_finds_only_the_closest_at_best(client):
    found = get(client, q="zxqv blorf quantum llama")
    assert found["status"] not in ("answered", "suggested")
    assert all(faq["match"] == "engine" for faq in found["faqs"])


def test_a_category_filter_and_faqs_without_a_category(app, client):
    only = get(client, category="Refunds")
    assert {faq["category"] for faq in only["faqs"]} == {"Refunds"} and only["total"] == 2
    with session_scope(app) as session:
        session.get(Faq, "1").category = None
    other = get(client, category="Other")
    assert [faq["id"] for faq in other["faqs"]] == ["1"]
    assert other["categories"] == [
        {"name": None, "label": "Other", "count": 1, "asked": 0, "faqs": other["faqs"]}
    ]
    assert get(client, category="No such topic")["total"] == 0


def test_etag_and_304(app, client):
    first = client.get("/api/v1/faqs?limit=5")
    tag = first.headers["ETag"]
    assert first.cache_control.public and first.cache_control.max_age == 60
    again = client.get("/api/v1/faqs?limit=5", headers={"If-None-Match": tag})
    assert again.status_code == 304 and again.data == b""
    searched = client.get("/api/v1/faqs?q=refund")
    assert (
        client.get("/api/v1/faqs?q=refund", headers={"If-None-Match": searched.headers["ETag"]}).status_code
        == 304
    )
    with session_scope(app) as session:
        session.get(Faq, first.get_json()["faqs"][0]["id"]).question = "A reworded question?"
    changed = client.get("/api/v1/faqs?limit=5", headers={"If-None-Match": tag})
    assert changed.status_code == 200 and changed.headers["ETag"] != tag


@pytest.mark.sqlite_only
def test_widget_config_without_settings(client):
    response = client.get("/api/v1/widget/config")
    body = response.get_json()
    assert body == {
        "site_name": None,
        "title": "Help",
        "logo_url": None,
        "brand_color": None,
        "on_brand_color": None,
        "help_center_url": "http://localhost/help",
    }
    assert (
        client.get("/api/v1/widget/config", headers={"If-None-Match": response.headers["ETag"]}).status_code
        == 304
    )


@pytest.mark.sqlite_only
@pytest.mark.parametrize(
    ("color", "logo", "expected"),
    [
        (
            "#1E3A8A",
            "/static/widget/favicon.svg",
            ("#1e3a8a", "#ffffff", "http://localhost/static/widget/favicon.svg"),
        ),
        ("#ff0", "https://cdn.example/logo.svg", ("#ffff00", "#111827", "https://cdn.example/logo.svg")),
    ],
)
def test_widget_config_with_settings(instance, database_url, color, logo, expected):
    from faqbot.web import create_app

    app = create_app(
        make_config(instance, database_url, SITE_NAME="Brightline", BRAND_COLOR=color, SITE_LOGO_URL=logo)
    )
    try:
        body = app.test_client().get("/api/v1/widget/config").get_json()
    finally:
        app.extensions["faqbot.engine"].dispose()
    assert (body["brand_color"], body["on_brand_color"], body["logo_url"]) == expected
    assert body["site_name"] == "Brightline" and body["title"] == "Brightline help"
