"""Helpers for the widget tests: a page object for the widget and third-party shop pages."""

from __future__ import annotations

import html

from playwright.sync_api import Locator, Page, expect

TRACK_ORDER = "How can I track my order?"  # answered: FAQ 38
NONSENSE = "zxqv blorf quantum llama"  # handed off


class Widget:
    """The widget as a visitor sees it: found by role and name, through its shadow root."""

    def __init__(self, page: Page, title: str = "Help") -> None:
        self.page = page
        self.launcher = page.get_by_role("button", name=title, exact=True)
        self.panel = page.get_by_role("dialog", name=title)
        self.log = page.get_by_role("log", name="Conversation")
        self.question = page.get_by_role("textbox", name="Your question")

    def open(self) -> Widget:
        self.launcher.click()
        expect(self.panel).to_be_visible()
        return self

    def ask(self, question: str) -> None:
        self.question.fill(question)
        self.question.press("Enter")

    @property
    def messages(self) -> Locator:
        return self.log.locator(".message")

    def last_message(self) -> Locator:
        return self.messages.last

    def answer_to(self, faq_question: str) -> Locator:
        """The answer bubble for the FAQ with this (canonical) question."""
        return self.log.locator(".message.bot").filter(
            has=self.page.locator(".faq-question", has_text=faq_question)
        )

    def shadow_eval(self, expression: str):
        """Evaluate ``expression`` with ``root`` bound to the widget's shadow root."""
        return self.page.evaluate(
            f"() => {{ const root = document.querySelector('faqbot-widget').shadowRoot; "
            f"return {expression}; }}"
        )


def embed_tag(api: str, **data: str) -> str:
    """The one tag a site pastes, with extra ``data-*`` attributes."""
    attrs = {"faqbot-api": api, "title": "Help", "color": "#2563eb", **data}
    rendered = " ".join(f'data-{k.replace("_", "-")}="{html.escape(v)}"' for k, v in attrs.items())
    return f'<script src="{api}/widget.js" {rendered} async></script>'


def shop_page(body: str, head: str = "") -> str:
    return (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width, initial-scale=1'>"
        f"<link rel='icon' href='data:,'><title>Another shop</title>{head}</head>"
        f"<body><h1>Another shop</h1><p>Some products.</p>{body}</body></html>"
    )
