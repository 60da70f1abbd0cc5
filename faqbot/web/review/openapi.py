"""OpenAPI paths and schemas of the review queue endpoints (merged by :mod:`openapi`)."""

from __future__ import annotations

from typing import Any

from faqbot.web.core.openapi import (
    ADMIN,
    PROPOSAL_ID,
    ROW_ID,
    _json,
    _op,
    _optional_query_param,
    _ref,
)

_IDS = {
    "type": "array",
    "minItems": 1,
    "maxItems": 20000,
    "items": ROW_ID,
    "description": "The query ids of the cluster (or of the wordings picked from it) as listed by "
    "GET /review/clusters; each must exist and not be reviewed yet. Bodies may be up to 512 KiB.",
}
_TIME = {"type": "string", "format": "date-time"}
_MOMENT = {"anyOf": [{"type": "string", "format": "date"}, _TIME]}

PERIOD = [
    _optional_query_param(
        "days",
        "the period's length when 'since' is not given",
        {"type": "integer", "minimum": 1, "maximum": 3650, "default": 90},
    ),
    _optional_query_param("since", "start (ISO 8601 date or date-time, UTC unless it says)", _MOMENT),
    _optional_query_param("until", "end, exclusive (a bare date: through that day); default now", _MOMENT),
    _optional_query_param(
        "limit",
        "clusters to return, 1 to 200",
        {"type": "integer", "minimum": 1, "maximum": 200, "default": 20},
    ),
]

PATHS: dict[str, Any] = {
    "/api/v1/admin/review/clusters": {
        "get": _op(
            "Questions handed off or only suggested, clustered, most asked first",
            _json(_ref("ReviewQueue")),
            400,
            401,
            403,
            params=PERIOD,
            **ADMIN,
        )
    },
    "/api/v1/admin/review/link": {
        "post": _op(
            "Add the questions as learned phrasings of an FAQ (used by the next retrain)",
            _json(_ref("ReviewOutcome")),
            400,
            401,
            403,
            404,
            409,
            413,
            415,
            body=_ref("ReviewLink"),
            **ADMIN,
        )
    },
    "/api/v1/admin/review/new-faq": {
        "post": _op(
            "Create an FAQ whose phrasings are the questions",
            _json(_ref("ReviewOutcome"), "Created"),
            400,
            401,
            403,
            409,
            413,
            415,
            body=_ref("ReviewNewFaq"),
            status="201",
            **ADMIN,
        )
    },
    "/api/v1/admin/review/ignore": {
        "post": _op(
            "Ignore the questions: they, and the same questions asked later, stay out of the queue",
            _json(_ref("ReviewOutcome")),
            400,
            401,
            403,
            409,
            413,
            415,
            body=_ref("ReviewIds"),
            **ADMIN,
        )
    },
    "/api/v1/admin/review/wrong-answers": {
        "get": _op(
            "Answers visitors rejected (thumbs-down, 'not what I asked', a person asked for right "
            "after), grouped by the FAQ given, most rejected first",
            _json(_ref("WrongAnswers")),
            400,
            401,
            403,
            params=PERIOD,
            **ADMIN,
        )
    },
    "/api/v1/admin/review/wrong-answers/correct": {
        "post": _op(
            "The right FAQ was #m: the wordings become learned phrasings of that FAQ (recorded in "
            "its history) and the wrong answers leave the queue",
            _json(_ref("ReviewOutcome")),
            400,
            401,
            403,
            404,
            409,
            413,
            415,
            body=_ref("ReviewLink"),
            **ADMIN,
        )
    },
    "/api/v1/admin/review/wrong-answers/confirm": {
        "post": _op(
            "The answer was right: the rejected answers leave the queue, and the same wording "
            "rejected again with the same FAQ stays out",
            _json(_ref("ReviewOutcome")),
            400,
            401,
            403,
            409,
            413,
            415,
            body=_ref("ReviewIds"),
            **ADMIN,
        )
    },
    "/api/v1/admin/proposed-faqs": {
        "get": _op(
            "FAQs proposed by staff from their replies",
            _json({"type": "object"}),
            401,
            403,
            **ADMIN,
        )
    },
    "/api/v1/admin/proposed-faqs/{proposal_id}/approve": {
        "post": _op(
            "Approve: becomes an FAQ, used by the next retrain",
            _json(_ref("ProposedFaq")),
            401,
            403,
            404,
            409,
            params=PROPOSAL_ID,
            **ADMIN,
        )
    },
    "/api/v1/admin/proposed-faqs/{proposal_id}/reject": {
        "post": _op(
            "Reject a proposed FAQ",
            _json(_ref("ProposedFaq")),
            401,
            403,
            404,
            409,
            params=PROPOSAL_ID,
            **ADMIN,
        )
    },
}

SCHEMAS: dict[str, Any] = {
    "ReviewQueue": {
        "type": "object",
        "required": ["since", "until", "total", "clustered", "truncated", "clusters"],
        "properties": {
            "since": _TIME,
            "until": _TIME,
            "total": {"type": "integer", "description": "Questions waiting for review in the period."},
            "clustered": {
                "type": "integer",
                "description": "How many of them, the most recent, were clustered (at most max_clustered).",
            },
            "max_clustered": {"type": "integer"},
            "truncated": {"type": "boolean", "description": "True when older questions were left out."},
            "clusters": {"type": "array", "items": _ref("ReviewCluster")},
        },
    },
    "ReviewCluster": {
        "type": "object",
        "required": ["label", "count", "examples", "query_ids", "wordings", "candidates"],
        "properties": {
            "label": {"type": "string", "description": "The representative question (the medoid)."},
            "count": {"type": "integer", "description": "Questions in the cluster."},
            "visitors": {"type": "integer", "description": "Distinct chat sessions that asked them."},
            "examples": {"type": "array", "items": {"type": "string"}, "maxItems": 5},
            "first_seen": _TIME,
            "last_seen": _TIME,
            "reasons": {
                "type": "object",
                "description": "Questions per reason: handoff, suggested, unhelpful.",
                "additionalProperties": {"type": "integer"},
            },
            "query_ids": {"type": "array", "items": {"type": "integer"}},
            "wordings": {
                "type": "array",
                "description": "Distinct (normalised) questions, most asked first.",
                "items": {
                    "type": "object",
                    "properties": {
                        "text": {"type": "string"},
                        "count": {"type": "integer"},
                        "query_ids": {"type": "array", "items": {"type": "integer"}},
                    },
                },
            },
            "candidates": {
                "type": "array",
                "maxItems": 3,
                "description": "FAQs the live model proposes; score = its mean confidence.",
                "items": {
                    "type": "object",
                    "properties": {
                        "faq_id": {"type": "string"},
                        "question": {"type": "string"},
                        "score": {"type": "number"},
                    },
                },
            },
        },
    },
    "ReviewIds": {"type": "object", "required": ["query_ids"], "properties": {"query_ids": _IDS}},
    "ReviewLink": {
        "type": "object",
        "required": ["query_ids", "faq_id"],
        "properties": {"query_ids": _IDS, "faq_id": {"type": "string"}},
    },
    "ReviewNewFaq": {
        "type": "object",
        "required": ["query_ids", "question", "answer"],
        "properties": {
            "query_ids": _IDS,
            "question": {"type": "string", "minLength": 1},
            "answer": {"type": "string", "minLength": 1},
            "category": {"type": ["string", "null"]},
        },
    },
    "ReviewOutcome": {
        "type": "object",
        "required": ["action", "decided"],
        "properties": {
            "action": {"enum": ["linked", "new_faq", "ignored", "corrected", "confirmed"]},
            "decided": {"type": "integer", "description": "Questions that left the queue."},
            "faq_id": {"type": ["string", "null"]},
            "phrasings_added": {"type": "array", "items": {"type": "string"}},
            "phrasings_skipped": {
                "type": "array",
                "items": {"type": "string"},
                "description": "Wordings the FAQ already had.",
            },
        },
    },
    "WrongAnswers": {
        "type": "object",
        "required": ["since", "until", "total", "grouped", "truncated", "groups"],
        "properties": {
            "since": _TIME,
            "until": _TIME,
            "total": {"type": "integer", "description": "Rejected answers waiting for review in the period."},
            "grouped": {"type": "integer", "description": "How many of them, the most recent, were grouped."},
            "max_grouped": {"type": "integer"},
            "truncated": {"type": "boolean"},
            "groups": {"type": "array", "items": _ref("WrongAnswer")},
        },
    },
    "WrongAnswer": {
        "type": "object",
        "required": ["faq_id", "question", "count", "kinds", "query_ids", "wordings", "candidates"],
        "properties": {
            "faq_id": {"type": "string", "description": "The FAQ the bot answered with."},
            "question": {"type": "string", "description": "That FAQ's question."},
            "faq_archived": {"type": "boolean", "description": "The FAQ was archived or deleted since."},
            "count": {"type": "integer", "description": "Rejected answers in the group."},
            "visitors": {"type": "integer"},
            "kinds": _ref("RejectionKinds"),
            "first_seen": _TIME,
            "last_seen": _TIME,
            "query_ids": {"type": "array", "items": {"type": "integer"}},
            "wordings": {
                "type": "array",
                "description": "Distinct (normalised) questions that got this answer, most rejected first.",
                "items": {
                    "type": "object",
                    "properties": {
                        "text": {"type": "string"},
                        "count": {"type": "integer"},
                        "query_ids": {"type": "array", "items": {"type": "integer"}},
                        "kinds": _ref("RejectionKinds"),
                    },
                },
            },
            "candidates": {
                "type": "array",
                "maxItems": 3,
                "description": "Other FAQs the live model proposes for these wordings.",
                "items": {
                    "type": "object",
                    "properties": {
                        "faq_id": {"type": "string"},
                        "question": {"type": "string"},
                        "score": {"type": "number"},
                    },
                },
            },
        },
    },
    "RejectionKinds": {
        "type": "object",
        "description": "Rejections by kind: thumbs_down, did_not_answer, not_what_i_asked, asked_for_person.",
        "additionalProperties": {"type": "integer"},
    },
}
