"""Keyboard use, a 360-pixel phone screen, readable contrast and the page-facing API."""

from __future__ import annotations

import pytest

pytest.importorskip("playwright.sync_api", reason="pip install playwright")

from playwright.sync_api import expect  # noqa: E402

from .support import TRACK_ORDER, Widget, embed_tag, shop_page  # noqa: E402

CONTRAST = """(selector) => {
  const root = document.querySelector('faqbot-widget').shadowRoot;
  const element = root.querySelector(selector);
  const rgb = (text) => text.match(/\\d+(\\.\\d+)?/g).slice(0, 3).map(Number);
  const luminance = (text) => {
    const [r, g, b] = rgb(text).map((v) => {
      const c = v / 255;
      return c <= 0.03928 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4);
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  let background = element;
  while (getComputedStyle(background).backgroundColor === 'rgba(0, 0, 0, 0)') {
    background = background.parentElement;
  }
  const a = luminance(getComputedStyle(element).color);
  const b = luminance(getComputedStyle(background).backgroundColor);
  return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
}"""
TEXT_ON_BACKGROUNDS = [".launcher", ".header h2", ".message.visitor p", ".answer p", ".send", ".topic"]


def test_keyboard_only_enter_sends_escape_closes_and_focus_returns(server, tab):
    page = tab.page
    page.goto(server.url + "/demo")
    widget = Widget(page)
    widget.launcher.focus()
    page.keyboard.press("Enter")
    expect(widget.panel).to_be_visible()
    expect(widget.question).to_be_focused()
    page.keyboard.type(TRACK_ORDER)
    page.keyboard.press("Enter")
    expect(widget.answer_to(TRACK_ORDER)).to_be_visible()
    expect(widget.question).to_have_value("")
    page.keyboard.press("Tab")  # on to the controls, still inside the panel
    page.keyboard.press("Escape")
    expect(widget.panel).to_be_hidden()
    expect(widget.launcher).to_be_focused()
    expect(widget.launcher).to_have_attribute("aria-expanded", "false")


def test_the_log_and_the_question_field_are_announced(server, tab):
    tab.page.goto(server.url + "/demo")
    widget = Widget(tab.page).open()
    expect(widget.log).to_have_attribute("aria-live", "polite")
    expect(widget.question).to_be_editable()
    expect(widget.panel.get_by_role("button", name="Close chat")).to_be_visible()
    expect(widget.panel.get_by_role("button", name="Talk to a person")).to_be_visible()


def test_usable_on_a_360_pixel_phone(server, tab):
    page = tab.page
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto(server.url + "/demo")
    widget = Widget(page).open()
    widget.ask(TRACK_ORDER)
    answer = widget.answer_to(TRACK_ORDER)
    expect(answer).to_be_visible()
    panel = widget.panel.bounding_box()
    assert panel["x"] >= 0 and panel["x"] + panel["width"] <= 360
    for part in (widget.question, answer, widget.panel.get_by_role("button", name="Close chat")):
        box = part.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 360, box
    assert widget.shadow_eval("root.querySelector('.scroller').scrollWidth <= 360")
    tab.screenshot("phone-360")
    widget.panel.get_by_role("button", name="Close chat").click()
    expect(widget.panel).to_be_hidden()


@pytest.mark.parametrize("color", ["#2563eb", "#fde047", "#ff0000"])  # default blue; light yellow; a red
# on which neither white nor the dark ink reaches 4.5:1 (black does)
def test_text_has_readable_contrast_whatever_the_brand_colour(server, shop, tab, color):
    page = tab.page
    page.goto(shop.publish(f"/colour-{color[1:]}", shop_page(embed_tag(server.url, color=color))))
    widget = Widget(page).open()
    widget.ask(TRACK_ORDER)
    expect(widget.answer_to(TRACK_ORDER)).to_be_visible()
    expect(widget.panel.locator(".topic").first).to_be_attached()
    ratios = {selector: page.evaluate(CONTRAST, selector) for selector in TEXT_ON_BACKGROUNDS}
    assert all(ratio >= 4.5 for ratio in ratios.values()), ratios
    tab.screenshot(f"colour-{color[1:]}")


def test_the_page_can_open_the_widget_through_its_api(server, tab):
    tab.page.goto(server.url + "/demo")
    widget = Widget(tab.page)
    tab.page.get_by_role("button", name="Chat with us").click()
    expect(widget.panel).to_be_visible()
    tab.page.evaluate("() => window.FaqBot.close()")
    expect(widget.panel).to_be_hidden()
