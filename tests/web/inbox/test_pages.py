"""The staff inbox pages: filters, counts, search, the ticket page and its forms, escaping."""

from __future__ import annotations

import re

import pytest

from faqbot.web.core.db import session_scope
from faqbot.web.core.tables import LearnedPhrasing, ProposedFaq, Ticket

XSS = '<script>alert("x")</script> where is my order'


@pytest.fixture
def logged_in(client, auth):
    auth.login("inbox@example.com", "staff")
    return client


def handoff(client, question: str) -> int:
    body = client.post("/api/v1/ask", json={"question": question, "handoff": True}).get_json()
    return body["ticket"]["id"]


def test_inbox_lists_open_tickets_oldest_first_with_counts(logged_in):
    first, second = handoff(logged_in, "first question"), handoff(logged_in, "second question")
    html = logged_in.get("/inbox/").get_data(as_text=True)
    assert html.index("first question") < html.index("second question")
    assert re.search(r'view=all"[^>]*>All\s*<span class="view-count">2</span>', html)
    assert re.search(r'view=closed"[^>]*>Closed\s*<span class="view-count">0</span>', html)
    assert f"/inbox/tickets/{first}" in html and f"/inbox/tickets/{second}" in html


def test_inbox_filters_and_search(logged_in, auth):
    handoff(logged_in, "about llamas")
    done = handoff(logged_in, "about alpacas")
    logged_in.post(
        f"/api/v1/staff/tickets/{done}/resolve", headers=auth.headers(), json={"action": "dismiss"}
    )
    open_page = logged_in.get("/inbox/?status=open").get_data(as_text=True)
    assert "about llamas" in open_page and "about alpacas" not in open_page
    closed = logged_in.get("/inbox/?status=closed").get_data(as_text=True)
    assert "about alpacas" in closed and "about llamas" not in closed
    found = logged_in.get("/inbox/?status=all&q=LLAMA").get_data(as_text=True)
    assert "about llamas" in found and "about alpacas" not in found
    wildcard = logged_in.get("/inbox/?status=all&q=%25_").get_data(as_text=True)
    assert "Nothing here matches" in wildcard  # % and _ are matched literally, not as wildcards


def test_visitor_text_is_escaped_everywhere(logged_in):
    ticket = handoff(logged_in, XSS)
    for path in ("/inbox/", f"/inbox/tickets/{ticket}"):
        html = logged_in.get(path).get_data(as_text=True)
        assert "<script>alert" not in html
        assert "&lt;script&gt;" in html


def test_ticket_page_shows_question_suggestions_and_forms(logged_in):
    ticket = handoff(logged_in, "my parcel never came")
    html = logged_in.get(f"/inbox/tickets/{ticket}").get_data(as_text=True)
    assert "my parcel never came" in html
    assert "Matched phrasing" in html and "%" in html
    for action in ("reply", "link", "new-faq", "dismiss"):
        assert f"/inbox/tickets/{ticket}/{action}" in html
    assert html.count('name="csrf_token"') >= 4


def test_reply_link_and_new_faq_through_the_forms(app, logged_in, auth):
    ticket = handoff(logged_in, "my parcel never came")
    page = f"/inbox/tickets/{ticket}"
    token = auth.page_csrf(page)
    response = logged_in.post(f"{page}/reply", data={"text": "We sent a new one.", "csrf_token": token})
    assert response.status_code == 302
    assert "We sent a new one." in logged_in.get(page).get_data(as_text=True)
    logged_in.post(f"{page}/link", data={"faq_id": "34", "csrf_token": token})
    other = handoff(logged_in, "can I pay in seashells")
    logged_in.post(
        f"/inbox/tickets/{other}/new-faq",
        data={"question": "Can I pay in seashells?", "answer": "No.", "csrf_token": token},
    )
    with session_scope(app) as session:
        assert session.get(Ticket, ticket).resolution == "link"
        assert session.query(LearnedPhrasing).one().faq_id == "34"
        assert session.query(ProposedFaq).one().question == "Can I pay in seashells?"
        assert session.get(Ticket, other).status == "closed"


def test_linking_to_an_unknown_faq_is_refused_with_a_message(logged_in, auth):
    ticket = handoff(logged_in, "something")
    page = f"/inbox/tickets/{ticket}"
    logged_in.post(f"{page}/link", data={"faq_id": "9999", "csrf_token": auth.page_csrf(page)})
    html = logged_in.get(page).get_data(as_text=True)
    assert "No FAQ with id" in html and "open" in html


def test_unknown_ticket_page_is_404(logged_in):
    assert logged_in.get("/inbox/tickets/12345").status_code == 404


def test_about_page_links_to_the_inbox(client):
    html = client.get("/about").get_data(as_text=True)
    assert "/inbox/" in html and "/api/v1/ask" in html


def test_home_page_is_the_demo_shop_with_the_widget(client):
    html = client.get("/").get_data(as_text=True)
    assert "Brightline" in html and "/widget.js?v=" in html and "data-faqbot-api" in html


@pytest.mark.sqlite_only
def test_inbox_pages_through_many_tickets(logged_in, monkeypatch):
    monkeypatch.setattr("faqbot.web.inbox.list_pages.PAGE_SIZE", 2)
    for n in range(5):
        handoff(logged_in, f"question number {n}")
    first = logged_in.get("/inbox/").get_data(as_text=True)
    assert "question number 0" in first and "question number 2" not in first
    assert "page=2" in first
    last = logged_in.get("/inbox/?page=3").get_data(as_text=True)
    assert "question number 4" in last and "Next page" not in last
    assert '<span class="view-count">5</span>' in last
