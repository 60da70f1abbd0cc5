"""OpenAPI paths and schemas of retraining, jobs and model versions (merged by :mod:`openapi`)."""

from __future__ import annotations

from typing import Any

from .openapi_build import ADMIN, _body, _json, _op, _path_param, _ref

VERSION = [_path_param("version")]
_RATE = {"type": ["number", "null"], "minimum": 0, "maximum": 1}
_METRICS = {
    "type": ["object", "null"],
    "description": "Results on the held-out questions (faqbot.evaluation).",
    "properties": {
        "questions": {"type": "integer"},
        "in_scope": {"type": "integer"},
        "out_of_scope": {"type": "integer"},
        "top1_accuracy": _RATE,
        "answered_precision": _RATE,
        "coverage": _RATE,
        "out_of_scope_recall": _RATE,
        "in_scope_answered_correctly": _RATE,
        "mrr_at_5": _RATE,
        "thresholds": {"type": "object"},
    },
}
_OUTCOME = {
    "type": "object",
    "properties": {
        "status": {"enum": ["answered", "suggested", "handoff"]},
        "faq_id": {"type": ["string", "null"]},
        "confidence": {"type": "number"},
    },
}

PATHS: dict[str, Any] = {
    "/api/v1/admin/retrain": {
        "post": {
            **_op(
                "Train a candidate in the background; it goes live only if it passes the gate",
                _json(_ref("Job"), "Accepted"),
                400,
                401,
                403,
                409,
                415,
                status="202",
                **ADMIN,
            ),
            "requestBody": {**_body(_ref("RetrainRequest")), "required": False},
        }
    },
    "/api/v1/admin/jobs/{job_id}": {
        "get": _op(
            "Follow a background job: status, stage, progress and the gate's summary",
            _json(_ref("Job")),
            401,
            403,
            404,
            params=[_path_param("job_id", "integer")],
            **ADMIN,
        )
    },
    "/api/v1/admin/models": {
        "get": _op(
            "Model versions with state, metrics and which is live, newest first",
            _json(_ref("ModelList")),
            401,
            403,
            **ADMIN,
        )
    },
    "/api/v1/admin/models/{version}": {
        "get": _op(
            "One version with its candidate-versus-live report",
            _json(_ref("ModelVersionDetail")),
            401,
            403,
            404,
            params=VERSION,
            **ADMIN,
        )
    },
    "/api/v1/admin/models/{version}/activate": {
        "post": _op(
            "Make a version live: promote a pending candidate or roll back (recorded)",
            _json(_ref("ModelVersion")),
            401,
            403,
            404,
            409,
            params=VERSION,
            **ADMIN,
        )
    },
    "/api/v1/admin/models/{version}/discard": {
        "post": _op(
            "Discard a pending candidate (recorded); it can no longer be made live",
            _json(_ref("ModelVersion")),
            401,
            403,
            404,
            409,
            params=VERSION,
            **ADMIN,
        )
    },
}

SCHEMAS: dict[str, Any] = {
    "RetrainRequest": {
        "type": "object",
        "properties": {
            "force": {
                "type": "boolean",
                "default": False,
                "description": "Make the candidate live even if the gate would hold it back.",
            }
        },
    },
    "Job": {
        "type": "object",
        "properties": {
            "job": {
                "type": "object",
                "properties": {
                    "id": {"type": "integer"},
                    "kind": {"type": "string"},
                    "status": {"enum": ["queued", "running", "succeeded", "failed"]},
                    "stage": {"type": ["string", "null"]},
                    "progress": _RATE,
                    "details": {
                        "type": ["object", "null"],
                        "description": "trigger, force; when done: version, went_live, promote, reason, "
                        "candidate/live metrics, change_counts",
                    },
                    "model_version": {"type": ["string", "null"]},
                    "error": {"type": ["string", "null"]},
                    "requested_by": {"type": ["integer", "null"]},
                    "created_at": {"type": "string", "format": "date-time"},
                    "started_at": {"type": ["string", "null"], "format": "date-time"},
                    "finished_at": {"type": ["string", "null"], "format": "date-time"},
                },
            }
        },
    },
    "ModelVersion": {
        "type": "object",
        "properties": {
            "version": {"type": "string"},
            "created_at": {"type": "string", "format": "date-time"},
            "source": {"type": "string"},
            "metrics": {"description": "The engine's calibration metrics from the manifest."},
            "is_live": {"type": "boolean"},
            "activated_at": {"type": ["string", "null"], "format": "date-time"},
            "state": {"enum": ["available", "pending", "discarded"]},
            "job_id": {"type": ["integer", "null"]},
            "thresholds": {"type": ["object", "null"]},
            "evaluation": {
                "type": ["object", "null"],
                "description": "The gate's summary: promote, reason, candidate/live metrics, change_counts.",
            },
        },
    },
    "ModelVersionDetail": {
        "allOf": [
            _ref("ModelVersion"),
            {"type": "object", "properties": {"report": {"oneOf": [_ref("ModelReport"), {"type": "null"}]}}},
        ]
    },
    "ModelReport": {
        "type": "object",
        "properties": {
            "compared_with": {"type": ["string", "null"]},
            "tolerance": {"type": "number"},
            "gated_metrics": {"type": "array", "items": {"type": "string"}},
            "candidate": _METRICS,
            "live": _METRICS,
            "gate": {
                "type": "object",
                "properties": {
                    "promote": {"type": "boolean"},
                    "forced": {"type": "boolean"},
                    "reason": {"type": "string"},
                    "checks": {"type": "array", "items": {"type": "object"}},
                },
            },
            "held_out": {"type": "object", "description": "Where the held-out questions came from."},
            "trained_on": {"type": "string"},
            "change_counts": {
                "type": "object",
                "properties": {k: {"type": "integer"} for k in ("better", "worse", "different")},
            },
            "changes": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "question": {"type": "string"},
                        "expected": {"type": ["string", "null"]},
                        "live": _OUTCOME,
                        "candidate": _OUTCOME,
                        "verdict": {"enum": ["better", "worse", "different"]},
                    },
                },
            },
        },
    },
    "ModelList": {
        "type": "object",
        "properties": {
            "live": {"type": ["string", "null"]},
            "versions": {"type": "array", "items": _ref("ModelVersion")},
        },
    },
}
