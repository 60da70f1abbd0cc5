"""OpenAPI paths of the public API: asking, feedback, FAQ browsing, a visitor's ticket (merged by
:mod:`faqbot.web.app.openapi`)."""

from __future__ import annotations

from typing import Any

from faqbot.web.core.openapi import _json, _op, _optional_query_param, _path_param, _query_param, _ref

_PUBLIC_FAQ = {
    "type": "object",
    "required": ["id", "question", "answer", "category", "asked", "pinned", "url"],
    "properties": {
        "id": {"type": "string"},
        "question": {"type": "string"},
        "answer": {"type": "string", "description": "Markdown"},
        "category": {"type": ["string", "null"]},
        "asked": {"type": "integer", "description": "questions it answered in the last 30 days"},
        "pinned": {"type": "boolean"},
        "url": {"type": ["string", "null"], "description": "its help-center page"},
        "match": {
            "enum": ["engine", "words"],
            "description": "with q: ranked by the bot's engine, or found by its words",
        },
    },
}

SCHEMAS: dict[str, Any] = {  # the shared ones are in faqbot.web.core.schemas
    "FaqCatalogue": {
        "type": "object",
        "required": ["total", "limit", "offset", "next_offset", "faqs", "categories"],
        "properties": {
            "total": {"type": "integer", "description": "FAQs that match, over all pages"},
            "limit": {"type": "integer"},
            "offset": {"type": "integer"},
            "next_offset": {
                "type": ["integer", "null"],
                "description": "the next page's offset; null at the end",
            },
            "query": {"type": ["string", "null"]},
            "status": {
                "type": ["string", "null"],
                "description": "with q: the engine's decision (answered and suggested mean its matches "
                "come first and are good; otherwise word matches come first and the engine's are only "
                "the closest); 'unavailable' while no model is live",
            },
            "faqs": {"type": "array", "items": _PUBLIC_FAQ, "description": "this page, in order"},
            "categories": {
                "type": "array",
                "description": "every category of the matching FAQs (the admin's order, then the most "
                "asked), with this page's FAQs in it; name null for FAQs without a category",
                "items": {
                    "type": "object",
                    "properties": {
                        "name": {"type": ["string", "null"]},
                        "label": {"type": "string"},
                        "count": {"type": "integer"},
                        "asked": {"type": "integer"},
                        "faqs": {"type": "array", "items": _PUBLIC_FAQ},
                    },
                },
            },
        },
    },
    "WidgetConfig": {
        "type": "object",
        "properties": {
            "site_name": {"type": ["string", "null"]},
            "title": {"type": "string", "description": "the widget's title when the page sets none"},
            "logo_url": {"type": ["string", "null"], "description": "absolute URL"},
            "brand_color": {"type": ["string", "null"], "description": "#rrggbb"},
            "on_brand_color": {
                "type": ["string", "null"],
                "description": "#ffffff or #111827: whichever is readable on the brand colour",
            },
            "help_center_url": {"type": ["string", "null"]},
        },
    },
}

PATHS: dict[str, Any] = {
    "/api/v1/ask": {
        "post": _op(
            "Ask a question: answered, suggestions, or a ticket for a person",
            _json(_ref("AskResponse")),
            400,
            413,
            415,
            429,
            503,
            body=_ref("AskRequest"),
        )
    },
    "/api/v1/feedback": {
        "post": _op(
            "Was the answer helpful?",
            _json(_ref("Feedback")),
            400,
            404,
            413,
            415,
            429,
            body=_ref("Feedback"),
        )
    },
    "/api/v1/faqs": {
        "get": _op(
            "Published FAQs (never archived or internal ones): pinned and most asked first, or searched; "
            "paged, grouped by category, with an ETag (304 on If-None-Match)",
            _json(_ref("FaqCatalogue")),
            400,
            429,
            params=[
                _query_param(
                    "q",
                    "search as the help center does: the bot's engine ranks the FAQs, then FAQs whose "
                    "question or answer holds every word; not logged as a question",
                    {"type": "string"},
                ),
                _query_param(
                    "category",
                    "only this category (its name; 'Other' for FAQs without one)",
                    {"type": "string"},
                ),
                _optional_query_param(
                    "limit", "page size", {"type": "integer", "minimum": 1, "maximum": 500, "default": 500}
                ),
                _optional_query_param(
                    "offset",
                    "for paging (see next_offset)",
                    {"type": "integer", "minimum": 0, "maximum": 10**6, "default": 0},
                ),
            ],
        )
    },
    "/api/v1/widget/config": {
        "get": _op(
            "The site's name, logo and brand colour for the chat widget (FAQBOT_SITE_NAME, "
            "FAQBOT_SITE_LOGO_URL, FAQBOT_BRAND_COLOR)",
            _json(_ref("WidgetConfig")),
            429,
        )
    },
    "/api/v1/tickets/{token}": {
        "get": _op(
            "A visitor's ticket: status and signed staff replies; since=<message id>: only newer messages",
            _json(_ref("VisitorTicket")),
            400,
            404,
            429,
            params=[
                _path_param("token"),
                _query_param("since", "the id of the last message already shown", {"type": "integer"}),
            ],
        )
    },
    "/api/v1/tickets/{token}/contact": {
        "post": _op(
            "Leave an email to receive the reply",
            _json({"type": "object"}),
            400,
            404,
            415,
            429,
            body=_ref("Contact"),
            params=[_path_param("token")],
        )
    },
}
