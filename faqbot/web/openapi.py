"""The OpenAPI 3.1 description of ``/api/v1``, built by hand so it says what we mean.

A test compares its paths and methods with the app's routes, so it cannot fall behind.
"""

from __future__ import annotations

import copy
from typing import Any

from flask import Blueprint, current_app, jsonify

from . import openapi_insights, openapi_kb, openapi_models, openapi_review
from .openapi_build import (  # noqa: F401  (building blocks, re-exported for the area modules)
    ADMIN,
    BEARER,
    ERROR,
    LIST_FILTERS,
    PROPOSAL_ID,
    STAFF,
    TICKET_ID,
    _body,
    _errors,
    _json,
    _op,
    _path_param,
    _query_param,
    _ref,
)
from .openapi_schemas import SCHEMAS

AREAS = (openapi_models, openapi_kb, openapi_review, openapi_insights)

bp = Blueprint("openapi", __name__, url_prefix="/api/v1")

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
    paths = dict(PATHS)
    for area in AREAS:
        schemas.update(copy.deepcopy(area.SCHEMAS))
        paths.update(area.PATHS)
    schemas["AskRequest"]["properties"]["question"]["maxLength"] = max_question_length
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "faqbot API",
            "version": __version__,
            "description": "Errors everywhere under /api use the Error schema.",
        },
        "paths": paths,
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
