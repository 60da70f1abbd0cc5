"""The visitor's conversation on the demo shop: answers, "did you mean", feedback, handoff and the
staff reply, checked in the browser and in the server's database."""

from __future__ import annotations

import json
import urllib.request

import pytest
from sqlalchemy import select

from faqbot.web.core.db import session_scope
from faqbot.web.core.tables import Faq, Feedback, Query, Ticket

pytest.importorskip("playwright.sync_api", reason="pip install playwright")

from playwright.sync_api import expect  # noqa: E402

from .support import NONSENSE, TRACK_ORDER, Widget  # noqa: E402


@pytest.fixture
def widget(server, tab) -> Widget:
    tab.page.goto(server.url + "/demo")
    return Widget(tab.page).open()


def stored_state(widget: Widget, server) -> dict:
    raw = widget.page.evaluate(f"() => localStorage.getItem('faqbot:{server.url}')")
    return json.loads(raw)


def test_clear_question_gets_its_answer_rendered_from_markdown(server, tab, widget):
    expect(widget.panel.get_by_role("heading", name="Products")).to_be_visible()
    tab.screenshot("popular-questions")
    widget.ask(TRACK_ORDER)

    answer = widget.answer_to(TRACK_ORDER)
    expect(answer).to_contain_text("tracking number")
    expect(answer.locator("strong", has_text="tracking number")).to_be_visible()
    link = answer.get_by_role("link", name="My orders")
    expect(link).to_have_attribute("href", "https://brightline.example/account/orders")
    expect(link).to_have_attribute("rel", "noopener noreferrer")
    expect(link).to_have_attribute("target", "_blank")
    expect(widget.question).to_be_focused()
    tab.screenshot("answered")

    session_id = stored_state(widget, server)["sessionId"]
    with session_scope(server.app) as db:
        row = db.scalars(select(Query).where(Query.session_id == session_id)).one()
        assert (row.question, row.decision, row.faq_id) == (TRACK_ORDER, "answered", "38")


def test_popular_question_shows_its_answer(widget):
    widget.panel.get_by_role("button", name="Are your products new or refurbished?").click()
    expect(widget.answer_to("Are your products new or refurbished?")).to_contain_text("Grade A")
    assert widget.answer_to("Are your products new or refurbished?").locator("li").count() == 3


def test_ambiguous_question_offers_suggestions_and_a_click_answers(tab, widget):
    # Ambiguous (a returned item, or an out-of-stock item back in stock) and too short to place:
    # one clarifying turn with the closest FAQs.
    widget.ask("item back")
    suggestions = widget.last_message()
    expect(suggestions).to_contain_text("Could you tell me a bit more?")
    choice = suggestions.get_by_role("button", name="How do I return an item?")
    expect(choice).to_be_visible()
    tab.screenshot("suggestions")
    choice.click()
    expect(widget.answer_to("How do I return an item?")).to_contain_text("Returns portal")
    tab.screenshot("suggestion-answered")


def test_feedback_with_a_reason_reaches_the_server(server, tab, widget):
    widget.ask(TRACK_ORDER)
    answer = widget.answer_to(TRACK_ORDER)
    answer.get_by_role("button", name="No").click()
    # The thanks shows at once; the vote is read from the database only once its POST answered.
    with tab.page.expect_response("**/api/v1/feedback"):
        answer.get_by_role("button", name="Not what I asked").click()
    expect(answer).to_contain_text("Thanks for your feedback")
    tab.screenshot("feedback")

    widget.ask("How do I return an item?")
    second = widget.answer_to("How do I return an item?")
    with tab.page.expect_response("**/api/v1/feedback"):
        second.get_by_role("button", name="Yes").click()
    expect(second).to_contain_text("Thanks for your feedback")

    session_id = stored_state(widget, server)["sessionId"]
    with session_scope(server.app) as db:
        votes = db.execute(
            select(Query.question, Feedback.helpful, Feedback.reason)
            .join(Feedback, Feedback.query_id == Query.id)
            .where(Query.session_id == session_id)
            .order_by(Query.id)
        ).all()
    assert [tuple(v) for v in votes] == [
        (TRACK_ORDER, False, "not what I asked"),
        ("How do I return an item?", True, None),
    ]


def staff_post(server, path: str, body: dict) -> int:
    """Act as staff through the staff API with a bearer token, like an integration would."""
    request = urllib.request.Request(
        f"{server.url}/api/v1/staff/{path}",
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json", **server.staff_headers()},
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.status


def staff_reply(server, ticket_id: int, text: str) -> None:
    assert staff_post(server, f"tickets/{ticket_id}/reply", {"text": text}) == 201


def handed_off_ticket(server, question: str) -> int:
    with session_scope(server.app) as db:
        ticket = db.scalars(select(Ticket).where(Ticket.question == question)).one()
        return ticket.id


def test_handoff_email_and_staff_reply_reach_the_visitor(server, tab, widget):
    widget.ask(NONSENSE)
    handoff = widget.last_message()
    expect(handoff).to_contain_text("passed your question to a person")
    handoff.get_by_role("textbox", name="Email (optional)").fill("visitor@example.com")
    handoff.get_by_role("button", name="Notify me").click()
    expect(handoff).to_contain_text("email you at visitor@example.com")
    tab.screenshot("handoff")

    with session_scope(server.app) as db:
        ticket = db.scalars(select(Ticket).where(Ticket.question == NONSENSE)).one()
        assert ticket.email == "visitor@example.com" and ticket.status == "open"
        ticket_id = ticket.id
    staff_reply(server, ticket_id, "Hello! See **our llama page**: https://example.com")
    reply = widget.log.locator(".message.staff")
    expect(reply).to_contain_text("Support team", timeout=15_000)
    expect(reply.locator("strong", has_text="our llama page")).to_be_visible()
    expect(reply.get_by_role("link", name="https://example.com")).to_have_attribute("target", "_blank")
    tab.screenshot("staff-reply")

    widget.page.reload()  # the conversation survives a reload, without asking again
    widget.open()
    expect(widget.log.locator(".message.staff")).to_have_count(1)
    expect(widget.log).to_contain_text(NONSENSE)

    widget.page.close()  # the visitor leaves; a second reply arrives while they are away
    staff_reply(server, ticket_id, "One more thing: we are on it.")
    later = tab.another_page()
    later.goto(server.url + "/demo")
    back = Widget(later)
    expect(back.launcher).to_have_class("launcher unread")
    expect(back.launcher).to_have_accessible_description("New reply from our team")
    back.open()
    expect(back.log.locator(".message.staff")).to_have_count(2)
    expect(back.log.locator(".message.staff").last).to_contain_text("we are on it")
    tab.screenshot("reply-after-return", page=later)


def test_visitor_can_ask_for_a_person_at_any_time(server, tab, widget):
    widget.ask(TRACK_ORDER)
    expect(widget.answer_to(TRACK_ORDER)).to_be_visible()
    widget.panel.get_by_role("button", name="Talk to a person").first.click()
    expect(widget.question).to_have_value(TRACK_ORDER)  # their last question, ready to send
    expect(widget.panel.get_by_role("button", name="Send to our team")).to_be_visible()
    tab.screenshot("person-mode")
    widget.question.fill("Where exactly is parcel 123?")
    widget.question.press("Enter")
    expect(widget.last_message()).to_contain_text("passed your question to a person")
    expect(widget.panel.get_by_role("button", name="Send", exact=True)).to_be_visible()

    session_id = stored_state(widget, server)["sessionId"]
    with session_scope(server.app) as db:
        ticket = db.scalars(select(Ticket).where(Ticket.session_id == session_id)).one()
        assert (ticket.question, ticket.reason) == ("Where exactly is parcel 123?", "requested")
    assert [t["id"] for t in stored_state(widget, server)["tickets"]] == [ticket.id]


def test_a_chosen_suggestion_shows_that_faq_even_when_the_engine_is_unsure(tab, widget):
    """If asking the chosen FAQ's question comes back "suggested" again, the widget still shows the
    FAQ the visitor picked (from GET /faqs), not another round of choices."""
    widget.ask("item back")
    choice = widget.last_message().get_by_role("button", name="How do I return an item?")

    def unsure(route) -> None:
        body = route.fetch().json()
        route.fulfill(json={**body, "status": "suggested", "answer": None})

    widget.page.route("**/api/v1/ask", unsure)
    choice.click()
    answer = widget.answer_to("How do I return an item?")
    expect(answer).to_contain_text("Returns portal")
    expect(answer.get_by_role("button", name="Yes")).to_be_visible()


def test_a_ticket_linked_to_an_faq_brings_its_answer_to_the_visitor(server, tab, widget):
    question = "qwzx plonk fribble of the wibbleton kind"  # this test's own ticket
    widget.ask(question)
    expect(widget.last_message()).to_contain_text("passed your question to a person")
    ticket_id = handed_off_ticket(server, question)
    assert staff_post(server, f"tickets/{ticket_id}/resolve", {"action": "link", "faq_id": 38}) == 200
    with session_scope(server.app) as db:
        opening = db.get(Faq, 38).answer[:35]  # plain words: no Markdown in its first 35 characters
    expect(widget.log.locator(".message.staff")).to_contain_text(opening, timeout=15_000)
    tab.screenshot("linked-faq-answer")
