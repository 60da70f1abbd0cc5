"""What the widget's Browse view (and any other client) reads: the published FAQs and the site's look.

``GET /api/v1/faqs`` lists the FAQs the help center lists (:mod:`faqbot.web.kb.publishing`):
never archived or internal ones, never phrasings.  Without ``q`` they come pinned first, then
the most asked of the last 30 days; with ``q`` in the order the bot's engine ranks them (as the
help center's search does), followed by FAQs whose question or answer holds every word typed,
which is what makes search-as-you-type useful before a word is complete.  A search here is not
logged as a question: a visitor typing "mon", "mone", "money b" would flood the review queue.

Responses carry an ETag of their content (a repeated request with ``If-None-Match`` gets 304)
and may be cached for a minute.  ``GET /api/v1/widget/config`` gives the widget the site name,
logo and brand colour (with the text colour that is readable on it).
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from typing import Any

from flask import Response, current_app, jsonify, request, url_for
from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session
from werkzeug.routing import BuildError

from faqbot.web.core.branding import brand_of
from faqbot.web.core.db import get_db
from faqbot.web.core.errors import ApiError
from faqbot.web.core.tables import Faq
from faqbot.web.kb import publishing
from faqbot.web.kb.query import withhold_retired
from faqbot.web.models.store import live_model
from faqbot.web.visitor.api import bp

MAX_LIMIT = 500
DEFAULT_LIMIT = MAX_LIMIT  # without paging, every FAQ (as before paging existed)
MAX_AGE = 60
CONFIDENT = ("answered", "suggested")
MAX_WORDS = 8
ENGINE_CACHE_SIZE = 2048
_engine_ranks: dict[tuple[str, str], tuple[str, list[str]]] = {}  # (model version, query) -> ranking
_WORD = re.compile(r"\w{2,}")


@dataclass(frozen=True)
class BrowseArgs:
    q: str
    category: str
    limit: int
    offset: int


def _int_arg(name: str, default: int, low: int, high: int) -> int:
    raw = request.args.get(name, "")
    if raw == "":
        return default
    if not raw.isdigit() or not low <= int(raw) <= high:
        raise ApiError(400, f"invalid_{name}", f"'{name}' must be a whole number from {low} to {high}.")
    return int(raw)


def browse_args() -> BrowseArgs:
    q = " ".join(request.args.get("q", "").split())
    limit = current_app.config["MAX_QUESTION_LENGTH"]
    if len(q) > limit:
        raise ApiError(400, "invalid_q", f"'q' must be at most {limit} characters.")
    return BrowseArgs(
        q=q,
        category=request.args.get("category", "").strip(),
        limit=_int_arg("limit", DEFAULT_LIMIT, 1, MAX_LIMIT),
        offset=_int_arg("offset", 0, 0, 10**6),
    )


@bp.get("/faqs")
def faqs() -> Response:
    """Published FAQs: searched, by category, paged; grouped by category as well."""
    args = browse_args()
    db = get_db()
    listed = publishing.public_faqs(db)
    if args.category:
        listed = [faq for faq in listed if publishing.category_name(faq) == args.category]
    counts = publishing.asked_counts(db)
    status = None
    if args.q:
        status, ranked = search(db, args.q, listed, counts)
    else:
        ranked = [(faq, None) for faq in publishing.by_popularity(listed, counts)]
    page = ranked[args.offset : args.offset + args.limit]
    items = [_item(faq, match, counts) for faq, match in page]
    end = args.offset + len(page)
    body = {
        "total": len(ranked),
        "limit": args.limit,
        "offset": args.offset,
        "next_offset": end if end < len(ranked) else None,
        "query": args.q or None,
        "status": status,
        "faqs": items,
        "categories": _groups(db, [faq for faq, _ in ranked], items, counts),
    }
    return cacheable(body)


def search(
    session: Session, text: str, listed: list[Faq], counts: dict[str, int]
) -> tuple[str, list[tuple[Faq, str]]]:
    """The engine's ranking, then word matches; the engine's unsure matches after the word matches."""
    status, engine_ids = _engine_rank(session, text)
    by_id = {faq.id: faq for faq in listed}
    engine = [by_id[i] for i in engine_ids if i in by_id]
    seen = {faq.id for faq in engine}
    words = [faq for faq in _word_matches(session, text, by_id, counts) if faq.id not in seen]
    if status in CONFIDENT:
        ranked = [(f, "engine") for f in engine] + [(f, "words") for f in words]
    else:
        ranked = [(f, "words") for f in words] + [(f, "engine") for f in engine]
    return status, ranked


def _engine_rank(session: Session, text: str) -> tuple[str, list[str]]:
    live = live_model().get()
    if live is None:
        return "unavailable", []
    key = (live[0], text.casefold())
    cached = _engine_ranks.get(key)
    if cached is None:  # asking costs tens of milliseconds; typing repeats the same prefixes
        result = withhold_retired(session, live[1].ask(text))
        cached = (result["status"], [s["faq_id"] for s in result.get("suggestions", [])])
        if len(_engine_ranks) >= ENGINE_CACHE_SIZE:
            _engine_ranks.clear()
        _engine_ranks[key] = cached
    return cached


def _like(word: str) -> str:
    return "%" + word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def _word_matches(session: Session, text: str, by_id: dict[str, Faq], counts: dict[str, int]) -> list[Faq]:
    """Listed FAQs whose question or answer contains every word (two letters or more) of ``text``."""
    words = list(dict.fromkeys(_WORD.findall(text.casefold())))[:MAX_WORDS]
    if not words or not by_id:
        return []
    conditions = [
        or_(Faq.question.ilike(_like(word), "\\"), Faq.answer.ilike(_like(word), "\\")) for word in words
    ]
    ids = set(session.scalars(select(Faq.id).where(and_(*conditions), *publishing.published(session))))
    return publishing.by_popularity((by_id[i] for i in ids if i in by_id), counts)


def _faq_url(faq: Faq) -> str | None:
    """The FAQ's help-center page (the help center is a layer above; it is reached by name)."""
    try:
        category = publishing.category_slug(publishing.category_name(faq))
        return url_for(
            "helpcenter.faq_page", category=category, item=publishing.faq_slug(faq), _external=True
        )
    except BuildError:
        return None


def _item(faq: Faq, match: str | None, counts: dict[str, int]) -> dict[str, Any]:
    item = {
        "id": faq.id,
        "question": faq.question,
        "answer": faq.answer,
        "category": faq.category,
        "asked": counts.get(faq.id, 0),
        "pinned": bool(faq.pinned),
        "url": _faq_url(faq),
    }
    if match is not None:
        item["match"] = match
    return item


def _groups(
    session: Session, matched: list[Faq], items: list[dict[str, Any]], counts: dict[str, int]
) -> list[dict[str, Any]]:
    """Every category of the matched FAQs (admin order, then most asked), with how many match and
    the FAQs of this page that are in it."""
    groups = []
    for found in publishing.directory(session, matched, counts, by_asked=True):
        name = None if found.name == publishing.OTHER else found.name
        members = [item for item in items if (item["category"] or publishing.OTHER) == found.name]
        groups.append(
            {"name": name, "label": found.name, "count": found.count, "asked": found.asked, "faqs": members}
        )
    return groups


def cacheable(body: dict[str, Any], max_age: int = MAX_AGE) -> Response:
    """JSON with an ETag of its content; 304 when the client already has it."""
    response = jsonify(body)
    data = json.dumps(body, sort_keys=True, separators=(",", ":"), default=str).encode()
    response.set_etag(hashlib.sha256(data).hexdigest()[:32])
    response.cache_control.public = True
    response.cache_control.max_age = max_age
    return response.make_conditional(request)


@bp.get("/widget/config")
def widget_config() -> Response:
    """The site's name, logo and colours for the widget (a site's data-* attributes still win)."""
    brand = brand_of(current_app.config)
    logo = brand.logo_url
    if logo.startswith("/"):
        logo = request.host_url.rstrip("/") + logo
    try:
        help_center = url_for("helpcenter.home", _external=True)
    except BuildError:
        help_center = None
    body = {
        "site_name": brand.site_name or None,
        "title": f"{brand.site_name} help" if brand.site_name else "Help",
        "logo_url": logo or None,
        "brand_color": brand.color or None,
        "on_brand_color": brand.on_color if brand.color else None,
        "help_center_url": help_center,
    }
    return cacheable(body, max_age=300)
