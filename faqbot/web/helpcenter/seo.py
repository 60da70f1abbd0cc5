"""For search engines and caches: schema.org JSON-LD, validators (ETag, Last-Modified), sitemap.

A page's ETag is a hash of what it shows (not of its bytes, which carry a per-visitor CSRF
token), so a conditional GET is answered 304 before anything is rendered.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from flask import Response, request
from werkzeug.http import is_resource_modified

from faqbot.web.core.tables import Faq, as_utc, iso
from faqbot.web.helpcenter.markup import render_answer

SCHEMA = "https://schema.org"
HERE = Path(__file__).parent


@lru_cache(maxsize=1)
def build_stamp() -> str:
    """Changes with the help center's code and templates, so a deploy invalidates cached pages."""
    from faqbot import __version__

    files = sorted(p for p in HERE.rglob("*") if p.suffix in {".html", ".css", ".js", ".py"})
    digest = hashlib.sha256(b"".join(p.read_bytes() for p in files)).hexdigest()[:12]
    return f"{__version__}:{digest}"


def _question(faq: Faq, url: str | None = None) -> dict[str, Any]:
    item: dict[str, Any] = {
        "@type": "Question",
        "name": faq.question,
        "acceptedAnswer": {"@type": "Answer", "text": str(render_answer(faq.answer))},
    }
    if url:
        item["url"] = url
    return item


def faq_page(faqs: Iterable[Faq], url_of: Callable[[Faq], str]) -> dict[str, Any]:
    """``FAQPage`` for a list of FAQs (home, category)."""
    return {
        "@context": SCHEMA,
        "@type": "FAQPage",
        "mainEntity": [_question(faq, url_of(faq)) for faq in faqs],
    }


def qa_page(faq: Faq, url: str) -> dict[str, Any]:
    """``QAPage`` for one FAQ: its question with the accepted answer, dated."""
    question = _question(faq, url)
    question["text"] = faq.question
    question["answerCount"] = 1
    question["datePublished"] = iso(faq.created_at)
    question["dateModified"] = iso(faq.updated_at)
    question["acceptedAnswer"]["url"] = url
    question["acceptedAnswer"]["datePublished"] = iso(faq.updated_at)
    return {"@context": SCHEMA, "@type": "QAPage", "mainEntity": question}


def tag_of(*parts: Any) -> str:
    """A short, stable hash of what a page shows."""
    data = json.dumps(parts, default=str, sort_keys=True, separators=(",", ":")).encode()
    return hashlib.sha256(data).hexdigest()[:24]


def conditional(
    tag: str,
    modified: datetime | None,
    render: Callable[[], str],
    *,
    shared: bool = True,
    max_age: int = 60,
) -> Response:
    """A page with a weak ETag and Last-Modified; 304 (nothing rendered) when the client has it.

    ``shared=False`` for pages with a form (their CSRF token belongs to one visitor): browsers
    may keep them, proxies may not.
    """
    modified = as_utc(modified).replace(microsecond=0) if modified else None
    unchanged = not is_resource_modified(request.environ, etag=tag, last_modified=modified)
    response = Response(status=304) if unchanged else Response(render(), mimetype="text/html")
    response.set_etag(tag, weak=True)
    if modified is not None:
        response.last_modified = modified
    if shared:
        response.cache_control.public = True
        response.cache_control.max_age = max_age
    else:
        response.cache_control.private = True
        response.cache_control.no_cache = True
    return response


def sitemap(entries: Iterable[tuple[str, datetime | None]]) -> str:
    """``sitemap.xml`` text for ``(absolute url, last modified)`` pairs."""
    from xml.sax.saxutils import escape

    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">',
    ]
    for url, modified in entries:
        lastmod = f"<lastmod>{as_utc(modified).date().isoformat()}</lastmod>" if modified else ""
        lines.append(f"  <url><loc>{escape(url)}</loc>{lastmod}</url>")
    lines.append("</urlset>")
    return "\n".join(lines) + "\n"
