"""Building blocks of the OpenAPI document, shared by :mod:`openapi` and the area modules
(``openapi_<area>.py``) that describe their own endpoints."""

from __future__ import annotations

from typing import Any

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
