"""The OpenAPI 3.1 description of ``/api/v1``, built by hand so it says what we mean.

A test compares its paths and methods with the app's routes, so it cannot fall behind.
"""

from __future__ import annotations

import copy
from typing import Any

from flask import Blueprint, current_app, jsonify

from faqbot.web.core.openapi import _json, _op
from faqbot.web.core.schemas import SCHEMAS
from faqbot.web.inbox import openapi as openapi_inbox
from faqbot.web.insights import openapi as openapi_insights
from faqbot.web.kb import openapi as openapi_kb
from faqbot.web.models import openapi as openapi_models
from faqbot.web.people import openapi as openapi_people
from faqbot.web.review import openapi as openapi_review
from faqbot.web.visitor import openapi as openapi_visitor

AREAS = (openapi_visitor, openapi_inbox, openapi_models, openapi_kb, openapi_review, openapi_insights)
AREAS += (openapi_people,)

bp = Blueprint("openapi", __name__, url_prefix="/api/v1")

PATHS: dict[str, Any] = {
    "/api/v1/openapi.json": {"get": _op("This description", _json({"type": "object"}))},
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
            "description": "Errors everywhere under /api use the Error schema. Control characters "
            "(C0 and C1, DEL, lone surrogates) are refused with a 400 `invalid_text` in any path, "
            "query parameter or JSON key; JSON string values may carry tab, line feed and carriage "
            "return, nothing else of them.",
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
