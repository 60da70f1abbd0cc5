"""Helpers for the help center's tests: reading its pages the way a crawler or a visitor would."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser

HOME = "/help"
STOCK_FAQ = "/help/products/1-how-do-i-know-if-a-product-is-in-stock"


class _Page(HTMLParser):
    """Collects JSON-LD blocks, result ids, links and meta tags of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.jsonld: list[str] = []
        self.faq_ids: list[str] = []
        self.links: list[str] = []
        self.meta: dict[str, str] = {}
        self.canonical: str | None = None
        self._in_jsonld = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "script" and attrs.get("type") == "application/ld+json":
            self._in_jsonld = True
            self.jsonld.append("")
        if tag == "li" and "data-faq-id" in attrs:
            self.faq_ids.append(attrs["data-faq-id"])
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
        if tag == "meta" and attrs.get("content") is not None:
            self.meta[attrs.get("property") or attrs.get("name") or ""] = attrs["content"]
        if tag == "link" and attrs.get("rel") == "canonical":
            self.canonical = attrs.get("href")

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_jsonld = False

    def handle_data(self, data):
        if self._in_jsonld:
            self.jsonld[-1] += data


def parse(html: str) -> _Page:
    page = _Page()
    page.feed(html)
    return page


def jsonld(html: str) -> list[dict]:
    return [json.loads(block) for block in parse(html).jsonld]


def result_ids(html: str) -> list[str]:
    """FAQ ids of the search results (and closest matches), in page order."""
    return parse(html).faq_ids


def csrf_from(html: str) -> str:
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html)
    assert match, "no CSRF token in the page"
    return match.group(1)


def set_archived(app, faq_id: str, archived: bool = True) -> None:
    from faqbot.web.core.db import session_scope
    from faqbot.web.core.tables import Faq

    with session_scope(app) as session:
        session.get(Faq, faq_id).archived = archived
