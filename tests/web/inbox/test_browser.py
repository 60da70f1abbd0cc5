"""The inbox in a real browser against a real server: a visitor's new ticket appears in an open
inbox by itself with the unread count, assignment and the Mine view, a canned reply and an FAQ's
answer reach the visitor rendered (widget and mail), the FAQ picker finds an FAQ by a word, bulk
dismiss asks first, and the keyboard shortcuts.  Screenshots go to the test's shots folder."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
from sqlalchemy import select

from faqbot.web.core.db import session_scope
from faqbot.web.core.tables import Ticket
from web.conftest import AuthActions
from web.support import PASSWORD

pytest.importorskip("playwright.sync_api", reason="pip install playwright")

from playwright.sync_api import expect  # noqa: E402

from ..visitor.widget.support import Widget  # noqa: E402

STAFF, ADMIN = "robin@example.com", "ada@example.com"
NARROW = {"width": 375, "height": 740}


@pytest.fixture(scope="module")
def inbox_server(serve):
    server = serve("inbox-browser", RATELIMIT_ENABLED=False)
    auth = AuthActions(server.app, None)
    auth.create_user(STAFF, "staff")
    auth.create_user(ADMIN, "admin")
    return server


def log_in(page, base: str, email: str) -> None:
    page.goto(f"{base}/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{base}/inbox/")


def visitor_hands_off(browser, base: str, question: str, email: str | None = None):
    """A visitor asks on the demo shop, the bot hands off; returns (page, widget, ticket id)."""
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    page.goto(base + "/demo")
    widget = Widget(page).open()
    widget.ask(question)
    handoff = widget.last_message()
    expect(handoff).to_contain_text("passed your question to a person")
    if email:
        handoff.get_by_role("textbox", name="Email (optional)").fill(email)
        handoff.get_by_role("button", name="Notify me").click()
        expect(handoff).to_contain_text(f"email you at {email}")
    return page, widget


def ticket_id(server, question: str) -> int:
    with session_scope(server.app) as session:
        return session.scalars(
            select(Ticket.id).where(Ticket.question == question).order_by(Ticket.id.desc())
        ).first()


def shoot(page, shots: Path, name: str) -> None:
    page.screenshot(path=str(shots / f"{name}.png"), full_page=True)
    print(f"screenshot: {shots / name}.png")


def test_a_new_ticket_appears_in_an_open_inbox_with_the_unread_count(browser, inbox_server, tab, shots):
    base, page = inbox_server.url, tab.page
    log_in(page, base, STAFF)
    page.evaluate("() => { window.stillTheSamePage = true; }")
    before = page.title()
    question = "zxqv blorf quantum llama number one"
    visitor, _ = visitor_hands_off(browser, base, question)
    created = time.monotonic()
    new = ticket_id(inbox_server, question)
    row = page.locator(f"tr[data-ticket='{new}']")
    expect(row).to_be_visible(timeout=5_000)
    assert time.monotonic() - created < 5.0
    expect(row).to_have_class(re.compile(r"\bunread\b"))
    expect(page).to_have_title(re.compile(r"^\(\d+\) Inbox · faqbot$"), timeout=5_000)
    count = int(re.match(r"^\((\d+)\)", page.title()).group(1))
    assert count >= 1 and not before.startswith(f"({count})")
    expect(page.locator(".nav-wide [data-inbox-count]")).to_have_text(re.compile(rf"^{count}"))
    assert page.evaluate("() => window.stillTheSamePage === true")  # no reload happened
    shoot(page, shots, "inbox-live-1280x800")
    visitor.context.close()

    row.locator("a[data-open]").click()  # opening it reads it: the count goes down
    page.wait_for_url(re.compile(rf"/inbox/tickets/{new}"))
    expect(page.locator("ol.thread")).to_contain_text(question)
    assert page.title().startswith(f"({count - 1}) ") or count == 1


def test_assign_to_me_and_the_mine_view(browser, inbox_server, tab, shots):
    base, page = inbox_server.url, tab.page
    question = "zxqv blorf quantum llama number two"
    visitor, _ = visitor_hands_off(browser, base, question)
    visitor.context.close()
    new = ticket_id(inbox_server, question)
    log_in(page, base, STAFF)
    page.goto(f"{base}/inbox/tickets/{new}")
    page.get_by_role("button", name="Assign to me").click()
    expect(page.get_by_role("status").filter(has_text="Assigned to you.")).to_be_visible()
    expect(page.locator("dl.facts")).to_contain_text("robin")
    page.goto(f"{base}/inbox/?view=mine")
    expect(page.locator(f"tr[data-ticket='{new}']")).to_be_visible()
    expect(page.locator("nav.views a[aria-current='page']")).to_contain_text("Mine")
    page.goto(f"{base}/inbox/?view=unassigned")
    expect(page.locator(f"tr[data-ticket='{new}']")).to_have_count(0)
    shoot(page, shots, "unassigned-1280x800")


def test_a_canned_reply_and_an_faq_answer_reach_the_visitor_rendered(browser, inbox_server, tab, shots):
    base, page = inbox_server.url, tab.page
    log_in(page, base, ADMIN)  # an admin writes the canned reply on its page
    page.goto(f"{base}/inbox/canned/")
    page.get_by_label("Title").fill("Warranty intro")
    page.get_by_label("Reply", exact=True).fill(
        "Good news: **you are covered**.\n\n1. Keep your receipt\n2. Write to us"
    )
    page.get_by_role("button", name="Save canned reply").click()
    expect(page.locator(".canned-list strong", has_text="you are covered")).to_be_visible()

    question = "zxqv blorf warranty llama"
    visitor, widget = visitor_hands_off(browser, base, question, email="visitor@example.com")
    new = ticket_id(inbox_server, question)
    log_in(page, base, STAFF)
    page.goto(f"{base}/inbox/tickets/{new}")
    page.get_by_label("Canned reply").select_option(label="Warranty intro")
    page.get_by_role("button", name="Insert", exact=True).click()
    reply = page.get_by_label("Your reply to the visitor")
    expect(reply).to_have_value(re.compile(r"^Good news: \*\*you are covered\*\*"))
    picker = page.get_by_role("combobox", name="FAQ answer")
    picker.fill("extended warr")
    page.get_by_role("option", name=re.compile(r"#51 Can I buy an extended warranty")).click()
    page.get_by_role("button", name="Insert answer").click()
    expect(reply).to_have_value(re.compile(r"Write to us\n\nYes, with \*\*Brightline Care\*\*", re.S))
    page.get_by_role("button", name="Preview").click()
    preview = page.locator("[data-preview-body]")
    expect(preview.locator("strong", has_text="Brightline Care")).to_be_visible()
    expect(preview.locator("ol li")).to_have_count(2)
    shoot(page, shots, "composer-preview-1280x800")
    page.get_by_role("button", name="Send reply").click()
    expect(page.get_by_role("status").filter(has_text="Reply sent.")).to_be_visible()
    staff_turn = page.locator("li.turn-staff").last
    expect(staff_turn.locator("strong", has_text="you are covered")).to_be_visible()  # rendered here too
    expect(staff_turn).not_to_contain_text("**")

    bubble = widget.log.locator(".message.staff")
    expect(bubble).to_contain_text("robin · Support team", timeout=15_000)
    expect(bubble.locator("strong", has_text="you are covered")).to_be_visible()
    expect(bubble.locator("strong", has_text="Brightline Care")).to_be_visible()
    expect(bubble.locator("ol li")).to_have_count(2)
    assert "**" not in bubble.inner_text()
    visitor.screenshot(path=str(shots / "widget-reply-1280x800.png"))
    visitor.context.close()

    from ..visitor.test_handoff import mails

    [mail] = [m for m in mails(inbox_server.app) if m["To"] == "visitor@example.com"]
    html = mail.get_body(("html",)).get_content()
    plain = mail.get_body(("plain",)).get_content()
    assert "<strong>you are covered</strong>" in html and "<strong>Brightline Care</strong>" in html
    assert "**" not in plain and "1. Keep your receipt" in plain and "robin, support team" in plain


def test_the_faq_picker_finds_an_faq_by_a_word(browser, inbox_server, tab, shots):
    base, page = inbox_server.url, tab.page
    question = "zxqv blorf the courier llama"
    visitor, _ = visitor_hands_off(browser, base, question)
    visitor.context.close()
    new = ticket_id(inbox_server, question)
    log_in(page, base, STAFF)
    page.goto(f"{base}/inbox/tickets/{new}")
    picker = page.get_by_role("combobox", name="FAQ", exact=True)
    picker.fill("stolen")  # only in a phrasing of FAQ 34, not in its question
    options = page.get_by_role("listbox", name="FAQ", exact=True).get_by_role("option")
    expect(options).to_have_count(1)
    expect(options.first).to_contain_text("#34 My parcel is marked as delivered")
    expect(picker).to_have_attribute("aria-expanded", "true")
    shoot(page, shots, "picker-1280x800")
    picker.press("Enter")
    expect(picker).to_have_value(re.compile(r"^#34 "))
    page.get_by_role("button", name="Link (teach this wording)").click()
    expect(page.get_by_role("status").filter(has_text="Linked to FAQ #34")).to_be_visible()
    with session_scope(inbox_server.app) as session:
        linked = session.get(Ticket, new)
        assert (linked.status, linked.resolution_faq_id) == ("closed", "34")


def test_bulk_dismiss_asks_first(browser, inbox_server, tab, shots):
    base, page = inbox_server.url, tab.page
    client = inbox_server.app.test_client()
    made = [
        client.post("/api/v1/ask", json={"question": f"bulk llama {n}", "handoff": True}).get_json()[
            "ticket"
        ]["id"]
        for n in range(2)
    ]
    log_in(page, base, STAFF)
    page.goto(f"{base}/inbox/?q=bulk+llama")
    for new in made:
        page.get_by_label(f"Select ticket {new}").check()
    expect(page.locator("[data-selected-count]")).to_have_text("2 selected")
    page.locator(".bulk-dismiss summary").click()
    expect(page.get_by_text("Dismiss 2 tickets? They are closed")).to_be_visible()
    shoot(page, shots, "bulk-dismiss-asks-1280x800")
    with session_scope(inbox_server.app) as session:  # asking closed nothing
        assert {session.get(Ticket, t).status for t in made} == {"open"}
    page.get_by_role("button", name="Yes, dismiss the selected tickets").click()
    expect(page.get_by_role("status").filter(has_text="Dismissed: 2 tickets.")).to_be_visible()
    with session_scope(inbox_server.app) as session:
        assert {session.get(Ticket, t).status for t in made} == {"closed"}


def test_keyboard_shortcuts_and_their_list(browser, inbox_server, tab, shots):
    base, page = inbox_server.url, tab.page
    client = inbox_server.app.test_client()
    for n in range(2):
        client.post("/api/v1/ask", json={"question": f"shortcut llama {n}", "handoff": True})
    log_in(page, base, STAFF)
    page.goto(f"{base}/inbox/?q=shortcut+llama")
    page.keyboard.press("?")
    dialog = page.get_by_role("dialog", name="Keyboard shortcuts")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("Next / previous ticket")
    shoot(page, shots, "shortcuts-1280x800")
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    page.keyboard.press("j")
    first = page.locator("tr[data-ticket]").first
    expect(first).to_have_class(re.compile(r"\bcursor\b"))
    page.keyboard.press("j")
    expect(page.locator("tr[data-ticket]").nth(1)).to_have_class(re.compile(r"\bcursor\b"))
    page.keyboard.press("o")
    page.wait_for_url(re.compile(r"/inbox/tickets/\d+"))
    page.keyboard.press("r")
    expect(page.get_by_label("Your reply to the visitor")).to_be_focused()
    page.keyboard.press("Escape")
    page.keyboard.press("e")
    expect(page.get_by_role("button", name=re.compile(r"^Yes, dismiss ticket #"))).to_be_focused()
    page.keyboard.press("k")  # back to the first one, in the same view
    expect(page.locator("h1")).to_contain_text("Ticket #")
    page.set_viewport_size(NARROW)
    shoot(page, shots, "ticket-keys-375x740")
