"""Home, category and FAQ pages: what they show, what they never show, and how they cache."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from faqbot.web.core.db import session_scope
from faqbot.web.core.tables import Faq, Feedback, LearnedPhrasing, Query

from .support import HOME, STOCK_FAQ, csrf_from, jsonld, parse, set_archived


def test_home_lists_popular_new_and_the_directory_with_counts(client):
    response = client.get(HOME)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "How do I know if a product is in stock?" in html
    assert "Popular questions" in html and "New and updated" in html
    assert "Browse by topic" in html and "/help/refunds" in html
    assert 'name="q"' in html and 'action="/help/search"' in html
    assert "<script>" not in html.split("</head>")[1]  # no JavaScript needed to read the body


def test_directory_counts_match_the_active_faqs(app, client):
    with session_scope(app) as session:
        refunds = len(session.scalars(select(Faq.id).where(Faq.category == "Refunds")).all())
    html = client.get(HOME).get_data(as_text=True)
    assert f"{refunds} questions" in html.split("/help/refunds")[1].split("</li>")[0]


def test_category_page_lists_its_faqs(client):
    html = client.get("/help/refunds").get_data(as_text=True)
    assert "How long does a refund take?" in html
    assert "How do I know if a product is in stock?" not in html
    assert client.get("/help/no-such-topic").status_code == 404


def test_faq_page_renders_markdown_and_links_back(client):
    response = client.get(STOCK_FAQ)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "<h1>How do I know if a product is in stock?</h1>" in html
    assert "<li><strong>In stock</strong>:" in html  # the answer's Markdown list
    assert "Was this helpful?" in html and "Still need help?" in html
    assert 'href="/help/contact"' in html
    page = parse(html)
    assert page.canonical == "http://localhost" + STOCK_FAQ
    assert page.meta["og:url"] == page.canonical and page.meta["og:type"] == "article"
    assert page.meta["og:title"].startswith("How do I know if a product is in stock?")


def test_related_faqs_come_from_the_engine(client):
    html = client.get("/help/refunds/48-how-long-does-a-refund-take").get_data(as_text=True)
    related = html.split('id="related-title"')[1]
    assert "/help/refunds/49-" in related  # "where does my refund go" is the engine's runner-up
    assert "/help/refunds/48-" not in related


def test_old_or_wrong_slugs_redirect_permanently(app, client):
    assert client.get("/help/products/1").headers["Location"].endswith(STOCK_FAQ)
    assert client.get("/help/wrong/1-old-question").status_code == 301
    with session_scope(app) as session:
        session.get(Faq, "1").question = "Is this product in stock?"
    response = client.get(STOCK_FAQ)
    assert response.status_code == 301
    assert response.headers["Location"] == "/help/products/1-is-this-product-in-stock"
    assert client.get("/help/products/999-nothing").status_code == 404


def test_raw_html_in_an_answer_is_shown_as_text(app, client):
    with session_scope(app) as session:
        faq = session.get(Faq, "1")
        faq.answer = 'Hi <script>alert("x")</script> <img src=x onerror=alert(1)> [go](javascript:alert(1))'
    html = client.get(STOCK_FAQ).get_data(as_text=True)
    body = html.split('<div class="hc-answer">')[1].split("</div>")[0]
    assert "<script>" not in body and "<img" not in body and "javascript:" not in body.split("[go]")[0]
    assert "&lt;script&gt;" in body
    assert 'href="javascript' not in html


def test_archived_faqs_and_learned_phrasings_never_show(app, client):
    with session_scope(app) as session:
        session.add(LearnedPhrasing(faq_id="48", text="SECRET visitor wording"))
    set_archived(app, "49")
    for path in (HOME, "/help/refunds", "/help/refunds/48-how-long-does-a-refund-take", "/sitemap.xml"):
        text = client.get(path).get_data(as_text=True)
        assert "SECRET" not in text
        assert "/help/refunds/49-" not in text, path
    assert (
        client.get("/help/refunds/49-where-does-my-refund-go-and-why-haven-t-i-received-it-yet").status_code
        == 404
    )


def test_json_ld_is_faq_page_and_qa_page(client):
    for path in (HOME, "/help/refunds"):
        (data,) = jsonld(client.get(path).get_data(as_text=True))
        assert data["@context"] == "https://schema.org" and data["@type"] == "FAQPage"
        assert data["mainEntity"]
        for question in data["mainEntity"]:
            assert question["@type"] == "Question" and question["name"]
            assert question["acceptedAnswer"]["@type"] == "Answer" and question["acceptedAnswer"]["text"]
            assert question["url"].startswith("http://localhost/help/")
    (data,) = jsonld(client.get(STOCK_FAQ).get_data(as_text=True))
    assert data["@type"] == "QAPage"
    question = data["mainEntity"]
    assert question["name"] == "How do I know if a product is in stock?" and question["answerCount"] == 1
    assert "<strong>In stock</strong>" in question["acceptedAnswer"]["text"]


def test_json_ld_cannot_break_out_of_its_script(app, client):
    with session_scope(app) as session:
        session.get(Faq, "1").answer = "</script><script>alert(1)</script>"
    html = client.get(STOCK_FAQ).get_data(as_text=True)
    assert "</script><script>alert(1)" not in html
    (data,) = jsonld(html)
    assert "&lt;/script&gt;" in data["mainEntity"]["acceptedAnswer"]["text"]


@pytest.mark.parametrize("path", [HOME, "/help/refunds", STOCK_FAQ, "/sitemap.xml"])
def test_a_matching_etag_or_date_gets_304(client, path):
    first = client.get(path)
    assert first.status_code == 200 and first.headers["ETag"].startswith('W/"')
    assert first.headers["Last-Modified"]
    again = client.get(path, headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and again.get_data() == b""
    assert again.headers["ETag"] == first.headers["ETag"]
    dated = client.get(path, headers={"If-Modified-Since": first.headers["Last-Modified"]})
    assert dated.status_code == 304
    assert client.get(path, headers={"If-None-Match": 'W/"other"'}).status_code == 200


def test_an_edit_changes_the_etag(app, client):
    before = client.get(STOCK_FAQ).headers["ETag"]
    with session_scope(app) as session:
        faq = session.get(Faq, "1")
        faq.answer, faq.revision = "Changed.", faq.revision + 1
    response = client.get(STOCK_FAQ, headers={"If-None-Match": before})
    assert response.status_code == 200 and response.headers["ETag"] != before


def test_list_pages_may_be_cached_by_proxies_and_faq_pages_only_by_the_browser(client):
    assert "public" in client.get(HOME).headers["Cache-Control"]
    faq = client.get(STOCK_FAQ).headers["Cache-Control"]  # it carries this visitor's CSRF token
    assert "private" in faq and "public" not in faq


def test_was_this_helpful_records_feedback_like_the_widget(app, client):
    html = client.get(STOCK_FAQ).get_data(as_text=True)
    token = csrf_from(html)
    action = STOCK_FAQ + "/feedback"
    assert client.post(action, data={"helpful": "no"}).status_code == 400  # no CSRF token
    response = client.post(action, data={"helpful": "no", "csrf_token": token})
    assert response.status_code == 303
    page = client.get(STOCK_FAQ).get_data(as_text=True)
    assert "What went wrong?" in page
    client.post(STOCK_FAQ + "/reason", data={"reason": "did not answer it", "csrf_token": token})
    assert "Thanks for your feedback!" in client.get(STOCK_FAQ).get_data(as_text=True)
    with session_scope(app) as session:
        vote = session.scalars(select(Feedback)).one()
        asked = session.get(Query, vote.query_id)
        assert (vote.helpful, vote.reason) == (False, "did not answer it")
        assert (asked.faq_id, asked.decision) == ("1", "helpcenter")


def test_a_reason_needs_a_vote_of_ones_own(client):
    token = csrf_from(client.get(STOCK_FAQ).get_data(as_text=True))
    response = client.post(STOCK_FAQ + "/reason", data={"reason": "did not answer it", "csrf_token": token})
    assert response.status_code == 400


def test_sitemap_lists_every_public_faq_and_no_archived_one(app, client):
    set_archived(app, "2")
    xml = client.get("/sitemap.xml")
    assert xml.mimetype == "application/xml"
    text = xml.get_data(as_text=True)
    with session_scope(app) as session:
        active = session.scalars(select(Faq).where(Faq.archived.is_(False))).all()
        assert len(active) > 50
        for faq in active:
            page = client.get(_loc_of(text, faq.id))
            assert page.status_code == 200, faq.id
    assert "/2-can-i-get-notified" not in text
    assert "<loc>http://localhost/help</loc>" in text and "<loc>http://localhost/help/refunds</loc>" in text


def _loc_of(sitemap: str, faq_id: str) -> str:
    for line in sitemap.splitlines():
        if f"/{faq_id}-" in line and "<loc>" in line:
            return line.split("<loc>")[1].split("</loc>")[0].removeprefix("http://localhost")
    raise AssertionError(f"FAQ {faq_id} is not in the sitemap")


def test_robots_txt_points_at_the_sitemap(client):
    text = client.get("/robots.txt").get_data(as_text=True)
    assert "Sitemap: http://localhost/sitemap.xml" in text
    assert "Disallow: /api/" in text and "Disallow: /help/search" in text
