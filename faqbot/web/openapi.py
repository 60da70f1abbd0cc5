"""The OpenAPI 3.1 description of ``/api/v1``, built by hand so it says what we mean.

A test compares its paths and methods with the app's routes, so it cannot fall behind.
"""

from __future__ import annotations

import copy
from typing import Any

from flask import Blueprint, current_app, jsonify

from .openapi_schemas import SCHEMAS

bp = Blueprint("openapi", __name__, url_prefix="/api/v1")

ERROR = {"$ref": "#/components/schemas/Error"}
BEARER = [{"bearerAuth": []}, {"sessionCookie": []}]


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _json(schema: dict[str, Any], description: str = "OK") -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _errors(*statuses: int) -> dict[str, Any]:
    names = {
        400: "Invalid input",
        401: "Not authenticated",
        403: "Role too small",
        404: "Not found",
        409: "Conflict",
        413: "Body too large",
        415: "Not application/json",
        429: "Rate limited",
        503: "Unavailable; retry",
    }
    return {str(s): _json(ERROR, names[s]) for s in statuses}


def _body(schema: dict[str, Any]) -> dict[str, Any]:
    return {"required": True, "content": {"application/json": {"schema": schema}}}


def _op(
    summary: str,
    ok: dict[str, Any],
    *errors: int,
    body=None,
    secured=False,
    status="200",
    params=None,
    tag="public",
) -> dict[str, Any]:
    op: dict[str, Any] = {
        "summary": summary,
        "tags": [tag],
        "responses": {status: ok, **_errors(*errors)},
    }
    if body is not None:
        op["requestBody"] = _body(body)
    if secured:
        op["security"] = BEARER
    if params:
        op["parameters"] = params
    return op


def _path_param(name: str, schema_type: str = "string") -> dict[str, Any]:
    return {"name": name, "in": "path", "required": True, "schema": {"type": schema_type}}


def _query_param(name: str, description: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {
        "name": name,
        "in": "query",
        "required": False,
        "description": description,
        "schema": schema,
    }


STAFF = {"tag": "staff", "secured": True}
ADMIN = {"tag": "admin", "secured": True}
TICKET_ID = [_path_param("ticket_id", "integer")]
PROPOSAL_ID = [_path_param("proposal_id", "integer")]
LIST_FILTERS = [
    _query_param("status", "open, answered or closed", {"enum": ["open", "answered", "closed"]}),
    _query_param("q", "search in questions, messages and emails", {"type": "string"}),
    _query_param("limit", "at most 500", {"type": "integer", "default": 50}),
    _query_param("offset", "for paging", {"type": "integer", "default": 0}),
]

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
            "FAQs by category, most asked first",
            _json(_ref("FaqCatalogue")),
            429,
            params=[_query_param("category", "only this category", {"type": "string"})],
        )
    },
    "/api/v1/tickets/{token}": {
        "get": _op(
            "A visitor's ticket: status and staff reply",
            _json(_ref("VisitorTicket")),
            404,
            429,
            params=[_path_param("token")],
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
    "/api/v1/openapi.json": {"get": _op("This description", _json({"type": "object"}))},
    "/api/v1/staff/tickets": {
        "get": _op(
            "List tickets, oldest first, with counts per status",
            _json(_ref("TicketList")),
            400,
            401,
            403,
            params=LIST_FILTERS,
            **STAFF,
        )
    },
    "/api/v1/staff/tickets/{ticket_id}": {
        "get": _op("One ticket", _json(_ref("Ticket")), 401, 403, 404, params=TICKET_ID, **STAFF)
    },
    "/api/v1/staff/tickets/{ticket_id}/reply": {
        "post": _op(
            "Reply to the visitor (also emailed if they left an address)",
            _json(_ref("Ticket"), "Created"),
            400,
            401,
            403,
            404,
            409,
            415,
            body=_ref("Reply"),
            status="201",
            params=TICKET_ID,
            **STAFF,
        )
    },
    "/api/v1/staff/tickets/{ticket_id}/resolve": {
        "post": _op(
            "Resolve: link to an FAQ, propose a new FAQ, or dismiss",
            _json(_ref("Ticket")),
            400,
            401,
            403,
            404,
            409,
            415,
            body=_ref("Resolve"),
            params=TICKET_ID,
            **STAFF,
        )
    },
    "/api/v1/admin/retrain": {
        "post": _op(
            "Train a new model version in the background and make it live",
            _json(_ref("Job"), "Accepted"),
            401,
            403,
            409,
            status="202",
            **ADMIN,
        )
    },
    "/api/v1/admin/jobs/{job_id}": {
        "get": _op(
            "Follow a background job",
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
            "Model versions with metrics, and which is live",
            _json(_ref("ModelList")),
            401,
            403,
            **ADMIN,
        )
    },
    "/api/v1/admin/models/{version}/activate": {
        "post": _op(
            "Make a version live (rollback = activate an older one)",
            _json(_ref("ModelVersion")),
            401,
            403,
            404,
            params=[_path_param("version")],
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


def spec_document(max_question_length: int = 500) -> dict[str, Any]:
    """The document; the question's limit is the configured one."""
    from faqbot import __version__

    schemas = copy.deepcopy(SCHEMAS)
    schemas["AskRequest"]["properties"]["question"]["maxLength"] = max_question_length
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "faqbot API",
            "version": __version__,
            "description": "Errors everywhere under /api use the Error schema.",
        },
        "paths": PATHS,
        "components": {
            "schemas": schemas,
            "securitySchemes": {
                "bearerAuth": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "`faqbot tokens create --email E`",
                },
                "sessionCookie": {
                    "type": "apiKey",
                    "in": "cookie",
                    "name": "session",
                    "description": "Inbox login; writes need X-CSRFToken.",
                },
            },
        },
    }


@bp.get("/openapi.json")
def spec():
    return jsonify(spec_document(current_app.config["MAX_QUESTION_LENGTH"]))
