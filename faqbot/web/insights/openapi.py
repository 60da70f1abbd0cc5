"""OpenAPI paths and schemas of the threshold and analytics endpoints (merged by :mod:`openapi`)."""

from __future__ import annotations

from typing import Any

from faqbot.web.core.openapi import ADMIN, _json, _op, _optional_query_param, _query_param, _ref

_NUMBER_0_1 = {"type": "number", "minimum": 0, "maximum": 1}
_SHARE = {"type": ["number", "null"], "minimum": 0, "maximum": 1}
_PAIR = {
    "type": "object",
    "required": ["answer", "suggest"],
    "properties": {"answer": _NUMBER_0_1, "suggest": _NUMBER_0_1},
}
_DATE = {"type": "string", "format": "date"}
_PERIOD = [
    _optional_query_param("from", "first UTC day (default: 29 days before 'to')", _DATE),
    _optional_query_param("to", "last UTC day, included (default: today)", _DATE),
]
_CSV = {"description": "CSV file", "content": {"text/csv": {"schema": {"type": "string"}}}}
_OUTCOMES = {
    "type": "object",
    "properties": {
        "thresholds": _PAIR,
        "counts": {"type": "object", "additionalProperties": {"type": "integer"}},
        "shares": {"type": "object", "additionalProperties": _SHARE},
    },
}
_VOTES = {
    "type": "object",
    "properties": {"votes": {"type": "integer"}, "helpful": {"type": "integer"}, "rate": _SHARE},
}

SCHEMAS: dict[str, Any] = {
    "Thresholds": {
        "type": "object",
        "description": "The live version's thresholds: its own, the admin override, and the one in use.",
        "properties": {
            "version": {"type": "string"},
            "model": _PAIR,
            "override": {"oneOf": [_PAIR, {"type": "null"}]},
            "effective": _PAIR,
            "source": {"enum": ["model", "override"]},
            "choice": {
                "type": "object",
                "description": "What the admin chose: the model's own thresholds, explicit ones (carried "
                "to each retrained version as they are) or a target precision (re-applied to each new "
                "version's own curve).",
                "properties": {
                    "mode": {"enum": ["model", "explicit", "target_precision"]},
                    "target_precision": {"type": ["number", "null"]},
                },
            },
            "meaning": {
                "type": ["object", "null"],
                "description": "Precision and coverage of the live version at the answer threshold in use, "
                "read from its curve.",
                "properties": {
                    "threshold": {"type": "number"},
                    "precision": {"type": "number"},
                    "coverage": {"type": "number"},
                },
            },
            "curve": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "threshold": {"type": "number"},
                        "precision": {"type": "number"},
                        "coverage": {"type": "number"},
                        "answered": {"type": "integer"},
                    },
                },
            },
            "history": {"type": "array", "items": {"type": "object"}},
        },
    },
    "ThresholdsUpdate": {
        "type": "object",
        "description": "Explicit thresholds (0 <= suggest <= answer <= 1), or a target precision in (0, 1]: "
        "the live version answers from the lowest threshold of its curve that reaches it (409 no_curve "
        "without a curve), and so does each retrained version on its own curve. With 'version', "
        "refused (409) unless it is live.",
        "oneOf": [
            {"required": ["answer", "suggest"], "not": {"required": ["target_precision"]}},
            {
                "required": ["target_precision"],
                "not": {"anyOf": [{"required": ["answer"]}, {"required": ["suggest"]}]},
            },
        ],
        "properties": {
            "answer": _NUMBER_0_1,
            "suggest": _NUMBER_0_1,
            "target_precision": {"type": "number", "exclusiveMinimum": 0, "maximum": 1},
            "version": {"type": ["string", "null"]},
        },
    },
    "ThresholdsPreview": {
        "type": "object",
        "description": "Recent traffic recomputed from its stored confidences, now versus proposed.",
        "properties": {
            "days": {"type": "integer"},
            "since": {"type": "string", "format": "date-time"},
            "questions": {"type": "integer"},
            "other_versions": {"type": "integer", "description": "questions scored by another version"},
            "current": _OUTCOMES,
            "proposed": _OUTCOMES,
            "curve_current": {"type": ["object", "null"]},
            "curve_proposed": {"type": ["object", "null"]},
            "feedback_current": _VOTES,
            "feedback_proposed": _VOTES,
        },
    },
    "Analytics": {
        "type": "object",
        "properties": {
            "from": {"type": "string", "format": "date"},
            "to": {"type": "string", "format": "date"},
            "totals": {"type": "object"},
            "daily": {"type": "array", "items": {"type": "object"}},
            "top_faqs": {"type": "array", "items": {"type": "object"}},
            "unanswered_clusters": {"type": ["array", "null"], "items": {"type": "object"}},
            "rejections": {
                "type": "object",
                "description": "Answers given in the period and how many visitors rejected (thumbs-down, "
                "'not what I asked', a person asked for right after), by kind, with the most rejected FAQs.",
                "properties": {
                    "answered": {"type": "integer"},
                    "rejected": {"type": "integer"},
                    "rate": _SHARE,
                    "kinds": {"type": "object", "additionalProperties": {"type": "integer"}},
                    "most_rejected": {"type": "array", "items": _ref("FaqRejections")},
                },
            },
            "reply_time": {
                "type": "object",
                "properties": {
                    "tickets": {"type": "integer"},
                    "replied": {"type": "integer"},
                    "waiting": {"type": "integer"},
                    "median_seconds": {"type": ["number", "null"]},
                    "p90_seconds": {"type": ["number", "null"]},
                },
            },
        },
    },
    "FaqRejections": {
        "type": "object",
        "properties": {
            "faq_id": {"type": "string"},
            "question": {"type": "string"},
            "answered": {"type": "integer", "description": "Questions answered with this FAQ."},
            "rejected": {"type": "integer", "description": "Of which the visitor rejected."},
            "rejection_rate": {"type": "number"},
            "kinds": {
                "type": "object",
                "description": "thumbs_down, did_not_answer, not_what_i_asked, asked_for_person",
                "additionalProperties": {"type": "integer"},
            },
        },
    },
    "FaqRejectionList": {
        "type": "object",
        "properties": {
            "from": {"type": "string", "format": "date"},
            "to": {"type": "string", "format": "date"},
            "sort": {"type": "string"},
            "faqs": {"type": "array", "items": _ref("FaqRejections")},
        },
    },
}

PATHS: dict[str, Any] = {
    "/api/v1/admin/thresholds": {
        "get": _op(
            "The live model's thresholds, precision-coverage curve and change history",
            _json(_ref("Thresholds")),
            401,
            403,
            503,
            **ADMIN,
        ),
        "put": _op(
            "Set the answer and suggestion thresholds of the live version (no retraining)",
            _json(_ref("Thresholds")),
            400,
            401,
            403,
            409,
            415,
            503,
            body=_ref("ThresholdsUpdate"),
            **ADMIN,
        ),
        "delete": _op(
            "Reset the live version to its own calibrated thresholds",
            _json(_ref("Thresholds")),
            401,
            403,
            503,
            **ADMIN,
        ),
    },
    "/api/v1/admin/thresholds/preview": {
        "get": _op(
            "What recent traffic would have got with other thresholds",
            _json(_ref("ThresholdsPreview")),
            400,
            401,
            403,
            503,
            params=[
                _query_param("answer", "proposed answer threshold (default: current)", _NUMBER_0_1),
                _query_param("suggest", "proposed suggestion threshold (default: current)", _NUMBER_0_1),
                _optional_query_param(
                    "days",
                    "recent days of traffic",
                    {"type": "integer", "minimum": 1, "maximum": 365, "default": 30},
                ),
                _query_param(
                    "target_precision",
                    "preview a target precision instead (resolved on the live version's curve)",
                    {"type": "number", "exclusiveMinimum": 0, "maximum": 1},
                ),
            ],
            **ADMIN,
        )
    },
    "/api/v1/admin/analytics": {
        "get": _op(
            "Questions per day, outcome shares, feedback, top FAQs and unanswered clusters, reply time",
            _json(_ref("Analytics")),
            400,
            401,
            403,
            params=_PERIOD,
            **ADMIN,
        )
    },
    "/api/v1/admin/analytics/faqs": {
        "get": _op(
            "Per FAQ: how often its answer was given and rejected in the period, and the rate",
            _json(_ref("FaqRejectionList")),
            400,
            401,
            403,
            params=[
                *_PERIOD,
                _query_param(
                    "sort",
                    "most rejected (default), highest rejection rate, or most answered first",
                    {"enum": ["rejected", "rate", "answered"]},
                ),
                _optional_query_param(
                    "limit",
                    "rows to return (default: all)",
                    {"type": "integer", "minimum": 1, "maximum": 100_000},
                ),
            ],
            **ADMIN,
        )
    },
    "/api/v1/admin/analytics.csv": {
        "get": _op(
            "The period's daily table, top FAQs, or every FAQ's rejections as CSV",
            _CSV,
            400,
            401,
            403,
            params=[
                *_PERIOD,
                _query_param(
                    "table", "daily (default), faqs or rejections", {"enum": ["daily", "faqs", "rejections"]}
                ),
            ],
            **ADMIN,
        )
    },
}

# Added by the comparison with the previous period (insights/overview.py) and insights/outcomes.py.
_DELTA = {
    "type": "object",
    "properties": {
        "current": {"type": ["number", "null"]},
        "previous": {"type": ["number", "null"]},
        "change": {"type": ["number", "null"], "description": "current minus previous (points for shares)"},
        "relative": {"type": ["number", "null"], "description": "change / previous, when previous is not 0"},
        "better": {"type": ["boolean", "null"], "description": "null when neutral (questions) or unchanged"},
    },
}
_RESOLUTION = {
    "type": "object",
    "description": "Answered questions with no ticket opened afterwards in the same session.",
    "properties": {
        "bot_decisions": {"type": "integer"},
        "answered": {"type": "integer"},
        "escalated_after_answer": {"type": "integer"},
        "resolved": {"type": "integer"},
        "rate": {**_SHARE, "description": "resolved / bot_decisions"},
        "kept_rate": {**_SHARE, "description": "resolved / answered"},
    },
}
_ANALYTICS = SCHEMAS["Analytics"]["properties"]
_ANALYTICS["resolution"] = _RESOLUTION
_ANALYTICS["agents"] = {
    "type": "array",
    "description": "Per agent: tickets of the period they replied to first, and the time from the "
    "ticket's creation to that first reply (median and 90th percentile, seconds); busiest first.",
    "items": {
        "type": "object",
        "properties": {
            "user_id": {"type": ["integer", "null"]},
            "name": {"type": "string"},
            "email": {"type": ["string", "null"]},
            "tickets": {"type": "integer"},
            "median_seconds": {"type": "number"},
            "p90_seconds": {"type": "number"},
        },
    },
}
_ANALYTICS["previous"] = {
    "type": "object",
    "description": "The period before, as long and ending the day before 'from': its totals, "
    "resolution and reply_time.",
}
_ANALYTICS["deltas"] = {
    "type": "object",
    "description": "questions, answered_share, handoff_share, helpful_rate, resolution_rate and "
    "median_reply_seconds against the previous period.",
    "additionalProperties": _DELTA,
}
