"""Search: the bot's engine ranks the FAQs, matched words are marked, and every search is logged."""

from __future__ import annotations

import csv
import urllib.parse

import pytest
from sqlalchemy import select

from faqbot.web.core.config import SAMPLE_EVAL_QUERIES
from faqbot.web.core.db import session_scope
from faqbot.web.core.tables import LearnedPhrasing, Query, Ticket
from web.support import make_config

from .support import result_ids, set_archived


def search(client, text: str):
    return client.get("/help/search?" + urllib.parse.urlencode({"q": text}))


def test_money_back_finds_the_refund_faq(client):
    html = search(client, "i want my money back").get_data(as_text=True)
    assert result_ids(html)[0] == "48"
    assert "How long does a refund take?" in html


def test_matched_words_are_highlighted(client):
    html = search(client, "how long does a refund take").get_data(as_text=True)
    assert "<mark>refund</mark>" in html
    assert "<mark>how</mark>" not in html.lower()  # stop words are not worth marking


@pytest.fixture
def app_config(instance, database_url):
    """Searches are rate-limited like the public API; this suite asks hundreds of them."""
    return make_config(instance, database_url, RATELIMIT_ENABLED=False)


@pytest.mark.sqlite_only  # the ranking is the engine's; the database only logs it
def test_in_scope_wordings_find_their_faq_first(client):
    with open(SAMPLE_EVAL_QUERIES, newline="", encoding="utf-8") as handle:
        rows = [row for row in csv.DictReader(handle) if row["faq_id"]]
    first = [result_ids(search(client, row["question"]).get_data(as_text=True))[:1] for row in rows]
    hits = sum(found == [row["faq_id"]] for found, row in zip(first, rows))
    share = hits / len(rows)
    print(f"\nhelp-center search: expected FAQ first for {hits}/{len(rows)} in-scope wordings ({share:.1%})")
    assert share >= 0.90


def test_every_search_is_logged_and_misses_reach_the_review_queue(app, client, auth):
    search(client, "how long does a refund take")
    search(client, "zebra quantum spaghetti")
    with session_scope(app) as session:
        rows = {q.question: q for q in session.scalars(select(Query))}
        assert rows["how long does a refund take"].decision == "answered"
        assert rows["how long does a refund take"].faq_id == "48"
        assert rows["zebra quantum spaghetti"].decision == "handoff"
        assert session.scalars(select(Ticket)).all() == []  # a search opens no ticket
    clusters = client.get("/api/v1/admin/review/clusters", headers=auth.headers("admin")).get_json()
    texts = str(clusters)
    assert "zebra quantum spaghetti" in texts


def test_nothing_fits_offers_suggestions_and_the_contact_form(client):
    html = search(client, "zebra quantum spaghetti").get_data(as_text=True)
    assert "We could not find an answer that fits" in html
    assert "/help/contact?q=zebra+quantum+spaghetti" in html
    assert "Popular questions" in html and "Browse by topic" in html


def test_a_hostile_search_is_escaped(client):
    hostile = '<script>alert("x")</script><img src=x onerror=alert(1)> refund'
    response = search(client, hostile)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "<script>alert" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in html
    assert 'value="&lt;script&gt;' in html  # the search box keeps it, escaped
    assert response.headers["Cache-Control"] == "no-store"


def test_search_shows_no_archived_faq_and_no_learned_phrasing(app, client):
    with session_scope(app) as session:
        session.add(LearnedPhrasing(faq_id="48", text="SECRET refund wording"))
    set_archived(app, "48")
    html = search(client, "how long does a refund take").get_data(as_text=True)
    assert "48" not in result_ids(html) and "SECRET" not in html


def test_too_long_a_search_is_refused_politely(client):
    html = search(client, "refund " * 100).get_data(as_text=True)
    assert "Please keep your search to" in html


def test_empty_search_shows_the_box(client):
    html = client.get("/help/search").get_data(as_text=True)
    assert "Type a question" in html
