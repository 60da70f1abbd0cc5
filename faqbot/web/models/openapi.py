"""OpenAPI paths and schemas of retraining, jobs and model versions (merged by :mod:`openapi`)."""

from __future__ import annotations

from typing import Any

from faqbot.web.core.openapi import ADMIN, NOT_BLANK, _body, _json, _op, _path_param, _ref

VERSION = [_path_param("version")]
_RATE = {"type": ["number", "null"], "minimum": 0, "maximum": 1}
_METRICS = {
    "type": ["object", "null"],
    "description": "Results on the held-out questions (faqbot.engine.evaluation).",
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
    "/api/v1/admin/retrain/schedule": {
        "get": _op(
            "Whether teaching waits for a retrain, and when the scheduler starts it by itself",
            _json(_ref("RetrainSchedule")),
            401,
            403,
            **ADMIN,
        )
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
            "contents": {
                "type": ["object", "null"],
                "description": "What it was trained on, as recorded at registration: faqs, phrasings (the "
                "FAQs' own), learned (phrasings taught from tickets), edited_faqs (since the version it was "
                "compared with), thresholds (the model's own). Versions from before this was recorded "
                "have faqs and thresholds from their manifest only.",
            },
            "previous": {"type": ["string", "null"], "description": "The version the summary compares with."},
            "summary": {
                "type": ["string", "null"],
                "description": "What changed, for people: e.g. '+2 FAQs, +14 learned phrasings, thresholds "
                "0.28/0.17' (thresholds in use, with the admin's override).",
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
            "thresholds_carried": {
                "type": ["object", "null"],
                "description": "The admin's threshold choice carried over from the live version, as "
                "applied to this one: explicit answer/suggest, or a target_precision with the thresholds "
                "it gives on this version's own curve.",
            },
            "corpus": {
                "type": ["object", "null"],
                "description": "What the version kept was trained on: fingerprint (sha256 of the corpus "
                "records), read_at, faqs. The scheduler compares the fingerprint with the knowledge base.",
            },
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
    "RetrainSchedule": {
        "type": "object",
        "required": ["state", "changes", "settings", "scheduler_enabled"],
        "properties": {
            "state": {
                "enum": ["disabled", "up_to_date", "collecting", "waiting", "due", "running", "failed"],
                "description": "waiting: for RETRAIN_DEBOUNCE_SECONDS of quiet (or the max wait); due: "
                "starts at the scheduler's next tick; collecting: fewer changes than RETRAIN_AUTO_MIN_NEW.",
            },
            "changes": {"type": "integer", "description": "FAQ revisions since the newest version's corpus."},
            "first_change": {"type": ["string", "null"], "format": "date-time"},
            "last_change": {"type": ["string", "null"], "format": "date-time"},
            "due_at": {"type": ["string", "null"], "format": "date-time"},
            "since_version": {"type": ["string", "null"]},
            "job_id": {"type": ["integer", "null"], "description": "The running retrain, if any."},
            "reason": {"type": "string"},
            "settings": {
                "type": "object",
                "properties": {
                    "min_changes": {"type": "integer"},
                    "debounce_seconds": {"type": "number"},
                    "max_wait_seconds": {"type": "number"},
                    "tick_seconds": {"type": "number"},
                },
            },
            "scheduler_enabled": {"type": "boolean"},
        },
    },
}

_EXPLAINED = {
    "type": ["object", "null"],
    "description": "One version's decision as a visitor would get it, with its explanation.",
    "properties": {
        "version": {"type": "string"},
        "state": {"enum": ["live", "available", "pending", "discarded"]},
        "status": {"enum": ["answered", "suggested", "handoff", "smalltalk"]},
        "faq_id": {"type": ["string", "null"]},
        "faq_question": {"type": ["string", "null"]},
        "confidence": {"type": "number"},
        "reply": {"type": ["string", "null"], "description": "The small-talk reply, for status smalltalk."},
        "suggestions": {"type": "array", "items": {"type": "object"}},
        "explanation": {
            "type": "object",
            "properties": {
                "matched_phrasing": {"type": ["string", "null"]},
                "similarity": {"type": "number"},
                "terms": {"type": "array", "items": {"type": "string"}},
                "runner_up": {"type": ["object", "null"]},
            },
        },
    },
}
SCHEMAS["TryRequest"] = {
    "type": "object",
    "required": ["question"],
    "properties": {
        "question": NOT_BLANK,
        "version": {
            "type": ["string", "null"],
            "description": "The version to compare with the live one (default: the newest pending one, "
            "else the newest other available one).",
        },
    },
}
SCHEMAS["TryResult"] = {
    "type": "object",
    "properties": {"question": {"type": "string"}, "live": _EXPLAINED, "candidate": _EXPLAINED},
}
PATHS["/api/v1/admin/try"] = {
    "post": _op(
        "Try a question on the live model and another version side by side, with explanations (not logged)",
        _json(_ref("TryResult")),
        400,
        401,
        403,
        404,
        409,
        415,
        body=_ref("TryRequest"),
        **ADMIN,
    )
}
