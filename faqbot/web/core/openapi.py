"""Building blocks of the OpenAPI document, shared by :mod:`openapi` and the area modules
(``openapi_<area>.py``) that describe their own endpoints."""

from __future__ import annotations

from typing import Any

from faqbot.web.core.payload import EMAIL_RE, MAX_ROW_ID

ERROR = {"$ref": "#/components/schemas/Error"}
BEARER = [{"bearerAuth": []}, {"sessionCookie": []}]
# The server's own rules, so that a client (and schemathesis) knows which values it accepts.
ROW_ID = {"type": "integer", "minimum": 1, "maximum": MAX_ROW_ID}
# The server's own pattern rather than ``format: email``: it takes some addresses that format refuses.
EMAIL = {"type": "string", "maxLength": 254, "pattern": EMAIL_RE.pattern}
# What core/hygiene.py lets through in a path or query parameter.
NO_CONTROL_CHARACTERS = r"^[^\u0000-\u001f\u007f-\u009f]*$"
# A ticket tag as typed (inbox/tagging.py stores it trimmed, lower case, spaces as "-").
# The pattern bounds the stored length (40) by allowing single inner spaces only.
TAG = {"type": "string", "pattern": r"^\s*#*\w(?:[\w.+-]|\s(?=[\w.+-])){0,39}\s*$"}
NOT_BLANK = {"type": "string", "pattern": r"\S", "description": "Trimmed; must not be blank."}


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
    # Every path, query and body is checked for control characters (core/hygiene.py, a 400), and
    # every body for its size (a 413), whatever else the operation refuses.
    implied = {400} if params or body is not None else set()
    if body is not None:
        implied.add(413)
        op["requestBody"] = _body(body)
    for code in sorted(implied - set(errors)):
        op["responses"].update(_errors(code))
    if secured:
        op["security"] = BEARER
    if params:
        op["parameters"] = params
    return op


def _path_param(name: str, schema_type: str = "string") -> dict[str, Any]:
    schema: dict[str, Any] = {"type": schema_type}
    if schema_type == "string":
        schema["pattern"] = NO_CONTROL_CHARACTERS
    return {"name": name, "in": "path", "required": True, "schema": schema}


def _query_param(name: str, description: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {
        "name": name,
        "in": "query",
        "required": False,
        "description": description,
        "schema": schema,
    }


def _optional_query_param(name: str, description: str, schema: dict[str, Any]) -> dict[str, Any]:
    """A query parameter the server reads as absent when it is empty (``?to=``)."""
    return {**_query_param(name, description, schema), "allowEmptyValue": True}


STAFF = {"tag": "staff", "secured": True}
ADMIN = {"tag": "admin", "secured": True}
TICKET_ID = [_path_param("ticket_id", "integer")]
PROPOSAL_ID = [_path_param("proposal_id", "integer")]
LIST_FILTERS = [
    _query_param("status", "open, answered or closed", {"enum": ["open", "answered", "closed"]}),
    _query_param("q", "search in questions, messages and emails", {"type": "string"}),
    _query_param("limit", "at most 500", {"type": "integer", "minimum": 0, "maximum": 500, "default": 50}),
    _query_param("offset", "for paging", {"type": "integer", "minimum": 0, "maximum": 10**9, "default": 0}),
]
