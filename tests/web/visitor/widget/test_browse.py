"""The widget's Browse view in a real browser: popular questions, a topic, search as you type and an
answer, at 1280x800 and 375x740, by keyboard as well, with axe-core and screenshots; and the
site's brand colour, name and logo from the settings."""

from __future__ import annotations

import re

import pytest

pytest.importorskip("playwright.sync_api", reason="pip install playwright")

from playwright.sync_api import expect  # noqa: E402

from .support import Widget, embed_tag, shop_page  # noqa: E402
from .test_access import CONTRAST  # noqa: E402

SIZES = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 375, "height": 740}}
REFUND = "How long does a refund take?"


def browse(widget: Widget):
    """Switch to the Browse tab; returns its panel."""
    widget.panel.get_by_role("tab", name="Browse").click()
    view = widget.panel.get_by_role("tabpanel", name="Browse")
    expect(view).to_be_visible()
    return view


def axe_problems(page) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    found = Axe().run(page).response["violations"]
    return [
        f"{v['id']}: {v['help']} {[n['target'] for n in v['nodes']][:3]}"
        for v in found
        if v["impact"] in ("serious", "critical")
    ]


def fits(page, width: int) -> None:
    assert page.evaluate("document.scrollingElement.scrollWidth") <= width
    widget_width = page.evaluate(
        "() => document.querySelector('faqbot-widget').shadowRoot.querySelector('.browse-body').scrollWidth"
    )
    assert widget_width <= width, f"the Browse view scrolls sideways: {widget_width}px"


@pytest.mark.parametrize("size", SIZES)
def test_browse_popular_a_topic_search_as_you_type_and_an_answer(server, shop, tab, size):
    page = tab.page
    page.set_viewport_size(SIZES[size])
    page.goto(shop.publish("/browse", shop_page(embed_tag(server.url))))  # another site, as in real use
    widget = Widget(page).open()
    view = browse(widget)

    popular = view.get_by_role("region", name="Popular questions")
    expect(popular.get_by_role("button").first).to_be_visible()
    topics = view.get_by_role("region", name="Topics").get_by_role("button")
    expect(topics.first).to_be_visible()
    assert topics.count() >= 5
    all_answers = view.get_by_role("link", name="All answers in the help center")
    expect(all_answers).to_have_attribute("href", f"{server.url}/help")
    tab.screenshot(f"browse-home-{size}")
    fits(page, SIZES[size]["width"])
    assert not axe_problems(page), axe_problems(page)

    view.get_by_role("button", name=re.compile(r"^Refunds\b")).click()
    expect(view.get_by_role("heading", name="Refunds")).to_be_focused()
    expect(view.get_by_role("button", name=REFUND)).to_be_visible()
    tab.screenshot(f"browse-topic-{size}")
    view.get_by_role("button", name="Back").click()
    expect(view.get_by_role("button", name=re.compile(r"^Refunds\b"))).to_be_focused()  # back where it was

    search = view.get_by_role("searchbox", name="Search answers")
    search.click()
    asked: list[str] = []
    page.on("request", lambda r: asked.append(r.url) if "/api/v1/faqs?q=" in r.url else None)
    search.press_sequentially("money back", delay=60)  # typed, not pasted: the search waits for a pause
    first = view.locator(".browse-item").first
    expect(first).to_have_text(REFUND)
    expect(view.get_by_role("status")).to_contain_text("for “money back”")
    assert 1 <= len(asked) <= 3, asked  # debounced: not one request per key
    tab.screenshot(f"browse-search-{size}")
    fits(page, SIZES[size]["width"])
    assert not axe_problems(page), axe_problems(page)

    first.click()
    answer = view.locator(".browse-faq")
    expect(answer.get_by_role("heading", name=REFUND)).to_be_focused()
    expect(answer).to_contain_text("refund")
    expect(answer.get_by_role("link", name="Open in the help center")).to_have_attribute(
        "href", f"{server.url}/help/refunds/48-how-long-does-a-refund-take"
    )
    tab.screenshot(f"browse-answer-{size}")
    fits(page, SIZES[size]["width"])
    assert not axe_problems(page), axe_problems(page)

    view.get_by_role("button", name="Back").click()
    expect(view.locator(".browse-item").first).to_be_focused()  # the result it came from


def test_browse_by_keyboard_and_back_to_the_chat(server, tab):
    page = tab.page
    page.goto(server.url + "/demo")
    widget = Widget(page).open()
    chat_tab = widget.panel.get_by_role("tab", name="Chat")
    expect(chat_tab).to_have_attribute("aria-selected", "true")
    chat_tab.focus()
    page.keyboard.press("ArrowRight")
    browse_tab = widget.panel.get_by_role("tab", name="Browse")
    expect(browse_tab).to_be_focused()
    expect(browse_tab).to_have_attribute("aria-selected", "true")
    expect(widget.question).to_be_hidden()
    page.keyboard.press("Tab")  # into the Browse view: the search box comes first
    search = widget.panel.get_by_role("searchbox", name="Search answers")
    expect(search).to_be_focused()
    page.keyboard.type("zzqx blorfle")
    expect(widget.panel.get_by_role("status")).to_contain_text("zzqx blorfle")
    page.keyboard.press("Escape")  # clears the search, the panel stays
    expect(search).to_have_value("")
    expect(widget.panel).to_be_visible()
    widget.panel.locator(".browse-item").first.click()
    widget.panel.get_by_role("button", name="Ask in the chat").click()
    expect(chat_tab).to_have_attribute("aria-selected", "true")
    expect(widget.question).to_be_focused()
    page.keyboard.press("Escape")
    expect(widget.panel).to_be_hidden()


@pytest.fixture(scope="module")
def branded(serve):
    return serve(
        "brand-server",
        RATELIMIT_ENABLED=False,
        SITE_NAME="Brightline",
        BRAND_COLOR="#fde047",  # light yellow: white text would not be readable on it
        SITE_LOGO_URL="/static/widget/favicon.svg",
    )


def test_the_brand_colour_name_and_logo_come_from_the_settings(branded, shop, tab):
    page = tab.page
    tag = f'<script src="{branded.url}/widget.js" data-faqbot-api="{branded.url}" async></script>'
    page.goto(shop.publish("/branded", shop_page(tag)))
    widget = Widget(page, title="Brightline help").open()
    root = "document.querySelector('faqbot-widget').shadowRoot"
    launcher = page.evaluate(f"getComputedStyle({root}.querySelector('.launcher')).backgroundColor")
    assert launcher == "rgb(253, 224, 71)"
    assert page.evaluate(CONTRAST, ".launcher") >= 4.5  # dark text on the light colour
    assert page.evaluate(CONTRAST, ".header h2") >= 4.5
    logo = page.evaluate(f"{root}.querySelector('.header .logo').src")
    assert logo == f"{branded.url}/static/widget/favicon.svg"
    browse(widget)
    tab.screenshot("branded-widget")

    page.goto(branded.url + "/help")
    header = page.evaluate("getComputedStyle(document.querySelector('.hc-header')).backgroundColor")
    assert header == "rgb(253, 224, 71)"
    ink = page.evaluate("getComputedStyle(document.querySelector('.hc-brand')).color")
    assert ink == "rgb(17, 24, 39)"
    expect(page.locator(".hc-brand img")).to_have_attribute("src", "/static/widget/favicon.svg")
    tab.screenshot("branded-help-center")


def test_the_sites_own_attributes_win_over_the_settings(branded, shop, tab):
    page = tab.page
    page.goto(
        shop.publish("/branded-own", shop_page(embed_tag(branded.url, title="Ask us", color="#2563eb")))
    )
    Widget(page, title="Ask us").open()
    launcher = page.evaluate(
        "getComputedStyle(document.querySelector('faqbot-widget').shadowRoot.querySelector('.launcher'))"
        ".backgroundColor"
    )
    assert launcher == "rgb(37, 99, 235)"


def test_without_its_config_the_widget_starts_with_its_defaults(server, tab):
    tab.errors.allow(r"ERR_CONNECTION_REFUSED|ERR_FAILED")
    tab.page.route("**/api/v1/widget/config", lambda route: route.abort("connectionrefused"))
    tab.page.goto(server.url + "/demo")
    widget = Widget(tab.page).open()  # "Help", the default title
    browse(widget)
    expect(widget.panel.locator(".browse-item").first).to_be_visible()
