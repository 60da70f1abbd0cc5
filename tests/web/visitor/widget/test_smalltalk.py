"""Small talk in the browser: "hi" gets a friendly reply, no feedback buttons, and no ticket."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from faqbot.web.core.db import session_scope
from faqbot.web.core.tables import Query, Ticket

pytest.importorskip("playwright.sync_api", reason="pip install playwright")

from playwright.sync_api import expect  # noqa: E402

from .support import TRACK_ORDER, Widget  # noqa: E402


def session_id(widget: Widget, server) -> str:
    raw = widget.page.evaluate(f"() => localStorage.getItem('faqbot:{server.url}')")
    return json.loads(raw)["sessionId"]


@pytest.mark.parametrize("width,height", [(1280, 800), (375, 740)])
def test_hi_gets_a_reply_and_no_ticket(server, tab, width, height):
    tab.page.set_viewport_size({"width": width, "height": height})
    tab.page.goto(server.url + "/demo")
    widget = Widget(tab.page).open()
    widget.ask("hi")
    reply = widget.last_message()
    expect(reply).to_contain_text("help assistant")
    expect(reply.get_by_role("button", name="Yes")).to_have_count(0)  # no "was this helpful"
    expect(widget.log.locator(".email")).to_have_count(0)
    widget.ask("thanks!")
    expect(widget.last_message()).to_contain_text("welcome")
    tab.screenshot(f"smalltalk-{width}")

    sid = session_id(widget, server)
    with session_scope(server.app) as db:
        rows = db.execute(select(Query.question, Query.decision).where(Query.session_id == sid)).all()
        assert [tuple(r) for r in rows] == [("hi", "smalltalk"), ("thanks!", "smalltalk")]
        assert db.scalar(select(func.count(Ticket.id)).where(Ticket.session_id == sid)) == 0


def test_not_what_i_asked_offers_other_answers_and_a_person(server, tab):
    tab.page.goto(server.url + "/demo")
    widget = Widget(tab.page).open()
    widget.ask(TRACK_ORDER)
    expect(widget.answer_to(TRACK_ORDER)).to_be_visible()
    widget.ask("that's not what I asked")
    offer = widget.last_message()
    expect(offer).to_contain_text("Sorry, that wasn't it")
    person = offer.get_by_role("button", name="None of these")
    expect(person).to_be_visible()
    tab.screenshot("not-what-i-asked")
    person.click()
    expect(widget.question).to_have_value(TRACK_ORDER)  # the earlier question, ready for a person
    sid = session_id(widget, server)
    with session_scope(server.app) as db:
        assert db.scalar(select(func.count(Ticket.id)).where(Ticket.session_id == sid)) == 0
