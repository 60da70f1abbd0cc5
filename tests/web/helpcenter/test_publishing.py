"""What the admin decides is public: internal FAQs and categories are answered by the bot but listed
nowhere public; categories keep the admin's order, pinned FAQs come first; a renamed category's old
page redirects.  And no public page or API ever shows a learned phrasing, an archived or internal
FAQ, or a question a visitor typed."""

from __future__ import annotations

import html
import re
import urllib.parse

import pytest

from faqbot.web.core.db import session_scope
from faqbot.web.core.tables import Faq, LearnedPhrasing
from web.support import make_config

from .support import HOME, jsonld, parse

REFUND = "48"
REFUND_PAGE = "/help/refunds/48-how-long-does-a-refund-take"
REFUND_QUESTION = "How long does a refund take?"


@pytest.fixture
def app_config(instance, database_url):
    return make_config(instance, database_url, RATELIMIT_ENABLED=False)


@pytest.fixture
def admin(auth) -> dict[str, str]:
    return auth.headers("admin")


def patch_faq(client, admin, faq_id: str, **changes) -> dict:
    path = f"/api/v1/admin/faqs/{faq_id}"
    revision = client.get(path, headers=admin).get_json()["revision"]
    response = client.patch(path, headers=admin, json={"revision": revision, **changes})
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def set_category(client, admin, name: str, **settings) -> dict:
    response = client.post(
        "/api/v1/admin/categories/settings", headers=admin, json={"name": name, **settings}
    )
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def public_faq_ids(client, query: str = "") -> set[str]:
    body = client.get("/api/v1/faqs" + query).get_json()
    return {faq["id"] for faq in body["faqs"]} | {f["id"] for c in body["categories"] for f in c["faqs"]}


def sitemap_urls(client) -> list[str]:
    return re.findall(r"<loc>([^<]+)</loc>", client.get("/sitemap.xml").get_data(as_text=True))


def jsonld_questions(html: str) -> list[str]:
    questions = []
    for block in jsonld(html):
        entity = block["mainEntity"]
        questions += [q["name"] for q in (entity if isinstance(entity, list) else [entity])]
    return questions


def test_an_internal_faq_is_answered_by_the_bot_but_listed_nowhere(client, admin):
    patch_faq(client, admin, REFUND, visibility="internal")
    asked = client.post("/api/v1/ask", json={"question": REFUND_QUESTION}).get_json()
    assert asked["status"] == "answered" and asked["answer"]["faq_id"] == REFUND

    assert client.get(REFUND_PAGE).status_code == 404
    for path in (HOME, "/help/refunds", "/help/search?q=how+long+does+a+refund+take"):
        html = client.get(path).get_data(as_text=True)
        assert REFUND_QUESTION not in html, path
        assert REFUND not in parse(html).faq_ids, path
        assert REFUND_QUESTION not in jsonld_questions(html), path
    assert not any("/48-" in url for url in sitemap_urls(client))
    assert REFUND not in public_faq_ids(client)
    assert REFUND not in public_faq_ids(client, "?q=how+long+does+a+refund+take")
    assert REFUND not in public_faq_ids(client, "?category=Refunds")
    related = client.get("/help/refunds/49", follow_redirects=True)
    assert related.status_code == 200 and "/48-" not in related.get_data(as_text=True)

    patch_faq(client, admin, REFUND, visibility="public")  # and back
    assert client.get(REFUND_PAGE).status_code == 200
    assert REFUND in public_faq_ids(client)


def test_an_internal_search_answer_is_not_presented_as_the_result(client, admin):
    patch_faq(client, admin, REFUND, visibility="internal")
    html = client.get("/help/search?q=how+long+does+a+refund+take").get_data(as_text=True)
    assert "We could not find an answer that fits" in html


def test_an_internal_category_hides_its_page_its_faqs_and_its_topic(client, admin):
    set_category(client, admin, "Refunds", visibility="internal")
    asked = client.post("/api/v1/ask", json={"question": REFUND_QUESTION}).get_json()
    assert asked["status"] == "answered" and asked["answer"]["faq_id"] == REFUND
    assert client.get("/help/refunds").status_code == 404
    assert client.get(REFUND_PAGE).status_code == 404
    home = client.get(HOME).get_data(as_text=True)
    assert 'href="/help/refunds"' not in home and REFUND_QUESTION not in home
    assert not any("/help/refunds" in url for url in sitemap_urls(client))
    body = client.get("/api/v1/faqs").get_json()
    assert "Refunds" not in {c["name"] for c in body["categories"]}
    assert REFUND not in public_faq_ids(client)
    contact = client.get("/help/contact").get_data(as_text=True)
    assert '<option value="Refunds"' not in contact  # not offered as a topic either


def directory_names(client, path: str = HOME) -> list[str]:
    html = client.get(path).get_data(as_text=True)
    section = html.split('class="hc-topics"')[1].split("</ul>")[0]
    return re.findall(r'<span class="hc-topic-name">([^<]+)</span>', section)


def test_categories_keep_the_admins_order(client, admin):
    before = directory_names(client)
    assert before[0] == "Products"
    response = client.put(
        "/api/v1/admin/categories/order", headers=admin, json={"names": ["Refunds", "Warranty"]}
    )
    assert response.status_code == 200, response.get_json()
    after = directory_names(client)
    assert after[:2] == ["Refunds", "Warranty"]
    assert after[2:] == [name for name in before if name not in ("Refunds", "Warranty")]  # then as before
    assert directory_names(client, "/help/products")[:2] == ["Refunds", "Warranty"]
    api = [c["name"] for c in client.get("/api/v1/faqs").get_json()["categories"]]
    assert api[:2] == ["Refunds", "Warranty"]


def list_ids(client, path: str, label: str | None = None) -> list[str]:
    html = client.get(path).get_data(as_text=True)
    if label:
        html = html.split(f'aria-label="{label}"')[1].split("</ul>")[0]
    else:
        html = html.split('class="hc-faqs')[1].split("</ul>")[0]
    return parse("<ul " + html).faq_ids


def test_pinned_faqs_come_first_on_the_home_and_their_category(client, admin):
    last_product = list_ids(client, "/help/products")[-1]
    assert list_ids(client, HOME, "Popular questions")[0] != last_product
    patch_faq(client, admin, last_product, pinned=True)
    assert list_ids(client, HOME, "Popular questions")[0] == last_product
    assert list_ids(client, "/help/products")[0] == last_product
    assert client.get("/api/v1/faqs").get_json()["faqs"][0]["id"] == last_product
    assert client.get("/api/v1/faqs?category=Products").get_json()["faqs"][0]["pinned"] is True


def test_a_renamed_category_redirects_from_its_old_page(client, admin):
    renamed = client.post(
        "/api/v1/admin/categories/rename", headers=admin, json={"from": "Refunds", "to": "Money back"}
    )
    assert renamed.status_code == 200
    response = client.get("/help/refunds")
    assert response.status_code == 301 and response.headers["Location"] == "/help/money-back"
    assert client.get("/help/money-back").status_code == 200
    assert client.get(REFUND_PAGE).headers["Location"] == "/help/money-back/48-how-long-does-a-refund-take"
    client.post(
        "/api/v1/admin/categories/rename", headers=admin, json={"from": "Money back", "to": "Refunds ok"}
    )
    assert client.get("/help/refunds").headers["Location"] == "/help/refunds-ok"  # a chain ends at the last
    assert client.get("/help/money-back").headers["Location"] == "/help/refunds-ok"


def test_a_category_keeps_its_settings_through_a_rename(client, admin):
    set_category(client, admin, "Refunds", visibility="internal", position=1)
    client.post(
        "/api/v1/admin/categories/rename", headers=admin, json={"from": "Refunds", "to": "Money back"}
    )
    rows = {
        c["name"]: c for c in client.get("/api/v1/admin/categories", headers=admin).get_json()["categories"]
    }
    assert (rows["Money back"]["visibility"], rows["Money back"]["position"]) == ("internal", 1)
    assert client.get("/help/refunds").status_code == 404  # an internal category is not redirected to


# --- item 6: nothing private on any public page -----------------------------------------------------

LEARNED = "zqxv learned wording about a lost parcel"
INTERNAL_ANSWER = "Internal only: staff override code 7731 for refunds."
ARCHIVED_ANSWER = "Archived text: the 2019 refund rules."
TYPED = "my neighbour qwzx stole my parcel from the porch"


def public_pages(client) -> list[str]:
    """Every public page a crawler or visitor can reach, and the public API."""
    urls = [urllib.parse.urlsplit(u).path for u in sitemap_urls(client)]
    assert len(urls) > 66  # home, every topic and every published FAQ
    urls += [
        "/sitemap.xml",
        "/robots.txt",
        "/help/contact",
        "/help/search?q=" + urllib.parse.quote(LEARNED),
        "/help/search?q=" + urllib.parse.quote(TYPED),
        "/help/search?q=refund+rules",
        "/api/v1/faqs",
        "/api/v1/faqs?q=" + urllib.parse.quote(LEARNED),
        "/api/v1/faqs?q=override+code",
        "/api/v1/faqs?q=refund+rules",
        "/api/v1/faqs?q=parcel",
        "/api/v1/widget/config",
        "/",
        "/demo",
    ]
    return urls


def test_no_public_page_shows_learned_phrasings_internal_or_archived_faqs_or_visitors_questions(
    app, client, admin
):
    with session_scope(app) as session:
        session.add(LearnedPhrasing(faq_id="38", text=LEARNED))
        session.get(Faq, "49").answer = ARCHIVED_ANSWER
        session.get(Faq, "49").archived = True
    patch_faq(client, admin, REFUND, visibility="internal", answer=INTERNAL_ANSWER)
    for _ in range(3):  # a visitor's question, asked often enough to count as popular
        client.post("/api/v1/ask", json={"question": TYPED})
    asked = client.post("/api/v1/ask", json={"question": LEARNED})  # the learned wording, asked
    assert asked.status_code == 200
    leaks = {}
    for path in public_pages(client):
        response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)
        text = response.get_data(as_text=True)
        typed = urllib.parse.parse_qs(urllib.parse.urlsplit(path).query).get("q", [""])[0]
        if typed:  # a search page shows what this visitor typed, and only that
            text = text.replace(typed, "").replace(html.escape(typed), "")
        secrets = (LEARNED, INTERNAL_ANSWER, ARCHIVED_ANSWER, TYPED, REFUND_QUESTION)
        found = [secret for secret in secrets if secret in text or html.escape(secret) in text]
        if found:
            leaks[path] = found
    assert not leaks, leaks
