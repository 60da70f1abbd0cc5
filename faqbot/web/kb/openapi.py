"""OpenAPI paths and schemas of the knowledge-base endpoints (merged by :mod:`openapi`)."""

from __future__ import annotations

from typing import Any

from faqbot.web.core.openapi import (
    ADMIN,
    NOT_BLANK,
    ROW_ID,
    _json,
    _op,
    _optional_query_param,
    _path_param,
    _query_param,
    _ref,
)

FAQ_ID = [_path_param("faq_id")]
REVISION_QUERY = _query_param(
    "revision", "the FAQ revision this change is based on (409 if it changed since)", ROW_ID
)
_COUNT = {"type": "integer", "minimum": 0, "maximum": 999_999_999}
_STRING_LIST = {"type": "array", "items": {"type": "string"}}
_STATE = {
    "type": "object",
    "properties": {
        "question": {"type": "string"},
        "answer": {"type": "string"},
        "category": {"type": ["string", "null"]},
        "phrasings": _STRING_LIST,
        "archived": {"type": "boolean"},
        "learned": {"type": "array", "items": {"type": "object"}},
        "visibility": {"enum": ["public", "internal"]},
        "pinned": {"type": "boolean"},
    },
}
_VISIBILITY = {
    "enum": ["public", "internal"],
    "description": "internal: the bot answers with it; the help center and the public FAQ API do not list it",
}
_PINNED = {"type": "boolean", "description": "first on the help center's home and in its category"}
_CATEGORY = {
    "type": "object",
    "properties": {
        "name": {"type": "string"},
        "position": {
            "type": ["integer", "null"],
            "description": "the help center's order; null: after the ordered",
        },
        "visibility": _VISIBILITY,
    },
}
_CORPUS_TYPES = ("text/csv", "application/json", "application/x-ndjson")


def _file_body() -> dict[str, Any]:
    upload = {
        "type": "object",
        "required": ["file"],
        "properties": {
            "file": {"type": "string", "format": "binary"},
            "format": {"enum": ["csv", "json", "jsonl"]},
        },
    }
    content = {"multipart/form-data": {"schema": upload}}
    content.update({kind: {"schema": {"type": "string"}} for kind in _CORPUS_TYPES})
    return {"required": True, "content": content}


def _export_ok() -> dict[str, Any]:
    # A JSON export is an array of FAQ records; CSV and JSON Lines are text.
    records = {"type": "array", "items": {"type": "object"}}
    content = {
        kind: {"schema": records if kind == "application/json" else {"type": "string"}}
        for kind in _CORPUS_TYPES
    }
    return {"description": "The corpus file (alternates = own + learned phrasings)", "content": content}


_preview = _op(
    "Preview importing a corpus file (CSV, JSON or JSONL): nothing is changed",
    _json(_ref("ImportPreview")),
    400,
    401,
    403,
    413,
    params=[
        _query_param(
            "format", "csv, json or jsonl (else from the file name)", {"enum": ["csv", "json", "jsonl"]}
        )
    ],
    **ADMIN,
)
_preview["requestBody"] = _file_body()
_export = _op(
    "Export every FAQ as a corpus file",
    _export_ok(),
    400,
    401,
    403,
    params=[_query_param("format", "csv (default), json or jsonl", {"enum": ["csv", "json", "jsonl"]})],
    **ADMIN,
)

PATHS: dict[str, Any] = {
    "/api/v1/admin/faqs": {
        "get": _op(
            "Search FAQs (question, answer, phrasings), newest corpus order",
            _json(_ref("FaqList")),
            400,
            401,
            403,
            params=[
                _query_param("q", "text to look for", {"type": "string"}),
                _query_param("category", "exact category; empty for none", {"type": "string"}),
                _query_param(
                    "archived", "exclude (default), include or only", {"enum": ["exclude", "include", "only"]}
                ),
                _optional_query_param(
                    "limit", "page size", {"type": "integer", "minimum": 1, "maximum": 500, "default": 50}
                ),
                _optional_query_param("offset", "for paging", _COUNT | {"default": 0}),
            ],
            **ADMIN,
        ),
        "post": _op(
            "Add an FAQ (next free id, recorded in its history)",
            _json(_ref("AdminFaq"), "Created"),
            400,
            401,
            403,
            415,
            body=_ref("FaqInput"),
            status="201",
            **ADMIN,
        ),
    },
    "/api/v1/admin/faqs/{faq_id}": {
        "get": _op(
            "One FAQ with its own and learned phrasings",
            _json(_ref("AdminFaq")),
            401,
            403,
            404,
            params=FAQ_ID,
            **ADMIN,
        ),
        "patch": _op(
            "Edit an FAQ; needs the revision it is based on (409 if stale)",
            _json(_ref("AdminFaq")),
            400,
            401,
            403,
            404,
            409,
            415,
            body=_ref("FaqEdit"),
            params=FAQ_ID,
            **ADMIN,
        ),
        "delete": _op(
            "Delete an FAQ (its history stays and can restore it)",
            _json(
                {
                    "type": "object",
                    "properties": {"deleted": {"type": "string"}, "revision_id": {"type": "integer"}},
                }
            ),
            401,
            403,
            404,
            409,
            params=[*FAQ_ID, REVISION_QUERY],
            **ADMIN,
        ),
    },
    "/api/v1/admin/faqs/{faq_id}/archive": {
        "post": _op(
            "Archive: the bot stops answering and suggesting it",
            _json(_ref("AdminFaq")),
            400,
            401,
            403,
            404,
            409,
            params=[*FAQ_ID, REVISION_QUERY],
            **ADMIN,
        )
    },
    "/api/v1/admin/faqs/{faq_id}/unarchive": {
        "post": _op(
            "Bring an archived FAQ back",
            _json(_ref("AdminFaq")),
            400,
            401,
            403,
            404,
            409,
            params=[*FAQ_ID, REVISION_QUERY],
            **ADMIN,
        )
    },
    "/api/v1/admin/faqs/{faq_id}/learned/{learned_id}": {
        "delete": _op(
            "Remove a phrasing staff taught through a ticket (recorded)",
            _json(_ref("AdminFaq")),
            400,
            401,
            403,
            404,
            409,
            params=[*FAQ_ID, _path_param("learned_id", "integer"), REVISION_QUERY],
            **ADMIN,
        )
    },
    "/api/v1/admin/faqs/{faq_id}/history": {
        "get": _op(
            "Every recorded change (who, when, source, before and after), newest first",
            _json(_ref("FaqHistory")),
            401,
            403,
            404,
            params=FAQ_ID,
            **ADMIN,
        )
    },
    "/api/v1/admin/faqs/{faq_id}/restore": {
        "post": _op(
            "Restore the state of one revision (re-creates a deleted FAQ)",
            _json(_ref("AdminFaq")),
            400,
            401,
            403,
            404,
            409,
            415,
            body={
                "type": "object",
                "required": ["revision_id"],
                "properties": {"revision_id": ROW_ID, "revision": ROW_ID},
            },
            params=FAQ_ID,
            **ADMIN,
        )
    },
    "/api/v1/admin/faqs/export": {"get": _export},
    "/api/v1/admin/faqs/import/preview": {"post": _preview},
    "/api/v1/admin/faqs/import/apply": {
        "post": _op(
            "Apply a preview (refused with 409 if the knowledge base changed since)",
            _json(_ref("ImportResult")),
            400,
            401,
            403,
            404,
            409,
            415,
            body={
                "type": "object",
                "required": ["token"],
                "properties": {
                    "token": {"type": "string"},
                    "archive_missing": {"type": "boolean", "default": False},
                    "include_conflicting": {"type": "boolean", "default": False},
                },
            },
            **ADMIN,
        )
    },
    "/api/v1/admin/categories": {
        "get": _op(
            "Categories with how many (active) FAQs use each, and their help-center position and visibility",
            _json({"type": "object", "properties": {"categories": {"type": "array", "items": _CATEGORY}}}),
            401,
            403,
            **ADMIN,
        )
    },
    "/api/v1/admin/categories/settings": {
        "post": _op(
            "Set a category's help-center position and/or visibility (recorded)",
            _json(_CATEGORY),
            400,
            401,
            403,
            404,
            415,
            body={
                "type": "object",
                "required": ["name"],
                "properties": {
                    "name": {"type": "string"},
                    "position": {"type": ["integer", "null"], "minimum": 1, "maximum": 9999},
                    "visibility": _VISIBILITY,
                },
            },
            **ADMIN,
        )
    },
    "/api/v1/admin/categories/order": {
        "put": _op(
            "Order the help center's categories: these first, in this order; the others lose their position",
            _json({"type": "object", "properties": {"order": {"type": "array", "items": _CATEGORY}}}),
            400,
            401,
            403,
            404,
            415,
            body={"type": "object", "required": ["names"], "properties": {"names": _STRING_LIST}},
            **ADMIN,
        )
    },
    "/api/v1/admin/categories/rename": {
        "post": _op(
            "Rename or merge a category (one recorded revision per FAQ)",
            _json(
                {"type": "object", "properties": {"renamed": {"type": "integer"}, "faq_ids": _STRING_LIST}}
            ),
            400,
            401,
            403,
            404,
            415,
            body={
                "type": "object",
                "required": ["from", "to"],
                "properties": {"from": {"type": "string"}, "to": {"type": ["string", "null"]}},
            },
            **ADMIN,
        )
    },
}

SCHEMAS: dict[str, Any] = {
    "FaqInput": {
        "type": "object",
        "required": ["question", "answer"],
        "properties": {
            "question": {**NOT_BLANK, "maxLength": 1000},
            "answer": {**NOT_BLANK, "maxLength": 20000},
            "category": {"type": ["string", "null"], "maxLength": 200},
            "phrasings": {**_STRING_LIST, "description": "alternate phrasings; no repeats"},
            "visibility": {**_VISIBILITY, "default": "public"},
            "pinned": {**_PINNED, "default": False},
        },
    },
    "FaqEdit": {
        "type": "object",
        "required": ["revision"],
        "additionalProperties": False,
        "description": "Unknown fields are refused, so that a misspelt one is not silently ignored.",
        "properties": {
            "revision": {**ROW_ID, "description": "the revision the edit is based on"},
            "question": {"type": "string"},
            "answer": {"type": "string"},
            "category": {"type": ["string", "null"]},
            "phrasings": _STRING_LIST,
            "visibility": _VISIBILITY,
            "pinned": _PINNED,
        },
    },
    "AdminFaq": {
        "type": "object",
        "properties": {
            "id": {"type": "string"},
            "question": {"type": "string"},
            "answer": {"type": "string"},
            "category": {"type": ["string", "null"]},
            "archived": {"type": "boolean"},
            "visibility": _VISIBILITY,
            "pinned": _PINNED,
            "revision": {"type": "integer"},
            "phrasings": _STRING_LIST,
            "learned": {"type": "array", "items": {"type": "object"}},
        },
    },
    "FaqList": {
        "type": "object",
        "properties": {
            "total": {"type": "integer"},
            "limit": {"type": "integer"},
            "offset": {"type": "integer"},
            "faqs": {"type": "array", "items": _ref("AdminFaq")},
        },
    },
    "FaqRevision": {
        "type": "object",
        "properties": {
            "id": {"type": "integer"},
            "revision": {"type": "integer"},
            "action": {
                "enum": [
                    "created",
                    "edited",
                    "archived",
                    "unarchived",
                    "deleted",
                    "restored",
                    "learned_removed",
                ]
            },
            "source": {"type": ["string", "null"]},
            "user": {"type": ["string", "null"]},
            "created_at": {"type": "string", "format": "date-time"},
            "before": {"oneOf": [_STATE, {"type": "null"}]},
            "after": {"oneOf": [_STATE, {"type": "null"}]},
            "changes": {"type": "array", "items": {"type": "object"}},
        },
    },
    "FaqHistory": {
        "type": "object",
        "properties": {
            "faq_id": {"type": "string"},
            "exists": {"type": "boolean"},
            "revisions": {"type": "array", "items": _ref("FaqRevision")},
        },
    },
    "ImportPreview": {
        "type": "object",
        "properties": {
            "token": {"type": "string", "description": "pass to /faqs/import/apply"},
            "expires_at": {"type": "integer", "description": "epoch seconds"},
            "counts": {"type": "object"},
            "items": {"type": "array", "items": {"type": "object"}},
            "missing": {"type": "array", "items": {"type": "object"}},
            "categories": {
                "type": "array",
                "items": {"type": "object"},
                "description": "categories whose help-center settings the file changes (name, changes)",
            },
            "warnings": {
                "type": "array",
                "items": {"type": "string"},
                "description": "what would stop the imported corpus working (as `faqbot train` says)",
            },
        },
    },
    "ImportResult": {
        "type": "object",
        "properties": {
            name: {"type": "integer"}
            for name in (
                "created",
                "updated",
                "archived",
                "unchanged",
                "skipped_conflicting",
                "categories_changed",
            )
        },
    },
}
