"""The widget and its host page stay apart: hostile text stays text, hostile page CSS changes
nothing, and a second copy of the tag is harmless.  These run on a third-party origin without a
content security policy, so that nothing but the widget itself stops an injected script."""

from __future__ import annotations

import pytest

from faqbot.web.core.db import session_scope
from faqbot.web.core.tables import Faq

pytest.importorskip("playwright.sync_api", reason="pip install playwright")

from playwright.sync_api import expect  # noqa: E402

from .support import TRACK_ORDER, Widget, embed_tag, shop_page  # noqa: E402

HOSTILE = '<script>window.__pwned = 1</script><img src=x onerror="window.__pwned = 2">'
HOSTILE_ANSWER = (
    f"Gift cards are great. {HOSTILE}\n"
    "- a [bad link](javascript:window.__pwned=3) and a [good one](https://example.com/cards)\n"
    "- **bold <b>not a tag</b>**"
)
HOSTILE_PAGE_CSS = """
* { all: unset; color: red !important; font-size: 40px !important; line-height: 3 !important;
    font-family: "Comic Sans MS", cursive !important; padding: 30px !important; }
html { font-size: 40px !important; }
faqbot-widget { display: none !important; opacity: .2 !important; transform: rotate(9deg) !important;
    position: absolute !important; }
:root { --fb-accent: red; --fb-on-accent: red; }
"""
MEASURE = """() => {
  const root = document.querySelector('faqbot-widget').shadowRoot;
  return ['.launcher', '.panel', '.header h2', '.message.visitor', '.message.bot .answer p',
          '.composer textarea', '.send'].map((selector) => {
    const element = root.querySelector(selector);
    const box = element.getBoundingClientRect();
    const style = getComputedStyle(element);
    return [selector, Math.round(box.x), Math.round(box.y), Math.round(box.width),
            Math.round(box.height), style.color, style.backgroundColor, style.fontSize,
            style.fontFamily, style.display];
  });
}"""


@pytest.fixture
def hostile_faq(server):
    """FAQ 10 (gift cards) with script and onerror markup in its question and answer."""
    with session_scope(server.app) as db:
        faq = db.get(Faq, "10")
        saved = faq.question, faq.answer
        faq.question, faq.answer = f"Gift cards {HOSTILE}?", HOSTILE_ANSWER
    yield
    with session_scope(server.app) as db:
        faq = db.get(Faq, "10")
        faq.question, faq.answer = saved


def shadow_count(page, selector: str) -> int:
    return page.evaluate(
        "(s) => document.querySelector('faqbot-widget').shadowRoot.querySelectorAll(s).length", selector
    )


def test_visitor_and_answer_markup_is_shown_as_text(server, shop, tab, hostile_faq):
    page = tab.page
    page.goto(shop.publish("/hostile-text", shop_page(embed_tag(server.url))))
    widget = Widget(page).open()
    widget.ask(f"{HOSTILE} gift card balance")

    expect(widget.log.locator(".message.visitor")).to_have_text(f"You{HOSTILE} gift card balance")
    answer = widget.log.locator(".message.bot").last
    expect(answer).to_contain_text('<img src=x onerror="window.__pwned = 2">')
    expect(answer.locator(".faq-question")).to_have_text(f"Gift cards {HOSTILE}?")
    expect(answer.locator("strong")).to_have_text("bold <b>not a tag</b>")
    expect(answer.get_by_role("link")).to_have_count(1)
    expect(answer.get_by_role("link", name="good one")).to_have_attribute("href", "https://example.com/cards")
    expect(answer).to_contain_text("a bad link and a good one")
    page.wait_for_timeout(300)  # an injected onerror would have fired by now
    assert shadow_count(page, "img, script, b") == 0
    assert page.evaluate("() => window.__pwned") is None
    tab.screenshot("hostile-text")


def open_and_measure(tab, server, shop, head: str, name: str) -> list:
    page = tab.another_page()
    page.add_init_script("localStorage.clear()")  # the same start for both pages
    page.goto(shop.publish(f"/{name}", shop_page(embed_tag(server.url), head=head)))
    widget = Widget(page).open()
    widget.ask(TRACK_ORDER)
    expect(widget.answer_to(TRACK_ORDER)).to_be_visible()
    expect(widget.log.locator(".typing")).to_have_count(0)
    tab.screenshot(name, page=page)
    return page.evaluate(MEASURE)


def test_hostile_page_css_does_not_change_the_widget(server, shop, tab):
    plain = open_and_measure(tab, server, shop, "", "plain-page")
    hostile = open_and_measure(tab, server, shop, f"<style>{HOSTILE_PAGE_CSS}</style>", "hostile-page")
    assert hostile == plain
    launcher = dict((row[0], row) for row in plain)[".launcher"]
    assert launcher[5] == "rgb(255, 255, 255)" and launcher[6] == "rgb(37, 99, 235)"  # data-color


def test_including_the_tag_twice_gives_one_widget(server, shop, tab):
    page = tab.page
    page.goto(shop.publish("/twice", shop_page(embed_tag(server.url) + embed_tag(server.url))))
    widget = Widget(page)
    expect(widget.launcher).to_be_visible()
    page.wait_for_load_state("load")
    assert page.evaluate("() => document.querySelectorAll('faqbot-widget').length") == 1
    page.evaluate("() => window.FaqBot.open()")
    expect(widget.panel).to_be_visible()
    page.evaluate("() => window.FaqBot.close()")
    expect(widget.panel).to_be_hidden()
    assert page.evaluate("() => Object.keys(window.FaqBot).sort()") == ["close", "open", "version"]


@pytest.mark.parametrize(
    ("color", "expected"),
    [
        ("rebeccapurple", "rgb(102, 51, 153)"),
        ("red; } .panel { display: none } :host { x: y", "rgb(37, 99, 235)"),  # the default
        ("var(--page-colour)", "rgb(37, 99, 235)"),
    ],
)
def test_the_colour_attribute_is_a_colour_and_nothing_else(server, shop, tab, color, expected):
    page = tab.page
    page.goto(shop.publish(f"/colour-{len(color)}", shop_page(embed_tag(server.url, color=color))))
    widget = Widget(page).open()
    expect(widget.launcher).to_have_css("background-color", expected)
    expect(widget.panel.locator(".header")).to_have_css("background-color", expected)
