"""OpenAPI paths and schemas of the threshold and analytics endpoints (merged by :mod:`openapi`)."""

from __future__ import annotations

from typing import Any

from .openapi_build import ADMIN, _json, _op, _query_param, _ref

_NUMBER_0_1 = {"type": "number", "minimum": 0, "maximum": 1}
_SHARE = {"type": ["number", "null"], "minimum": 0, "maximum": 1}
_PAIR = {
    "type": "object",
    "required": ["answer", "suggest"],
    "properties": {"answer": _NUMBER_0_1, "suggest": _NUMBER_0_1},
}
_DATE = {"type": "string", "format": "date"}
_PERIOD = [
    _query_param("from", "first UTC day (default: 29 days before 'to')", _DATE),
    _query_param("to", "last UTC day, included (default: today)", _DATE),
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
        "required": ["answer", "suggest"],
        "description": "0 <= suggest <= answer <= 1. With 'version', refused (409) unless it is live.",
        "properties": {"answer": _NUMBER_0_1, "suggest": _NUMBER_0_1, "version": {"type": "string"}},
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
                _query_param("days", "recent days of traffic, 1-365", {"type": "integer", "default": 30}),
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
    "/api/v1/admin/analytics.csv": {
        "get": _op(
            "The period's daily table or top FAQs as CSV",
            _CSV,
            400,
            401,
            403,
            params=[
                *_PERIOD,
                _query_param("table", "daily (default) or faqs", {"enum": ["daily", "faqs"]}),
            ],
            **ADMIN,
        )
    },
}
