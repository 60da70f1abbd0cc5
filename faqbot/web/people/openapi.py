"""OpenAPI paths and schemas of the people API (merged by :mod:`faqbot.web.app.openapi`)."""

from __future__ import annotations

from typing import Any

from faqbot.web.core.openapi import ADMIN, EMAIL, STAFF, _json, _op, _path_param, _ref

USER_ID = [_path_param("user_id", "integer")]
_NAME = {"type": ["string", "null"], "maxLength": 120, "description": "Empty or null: none."}
_ROLE = {"enum": ["staff", "admin"]}
_TEMPORARY = {
    "type": ["string", "null"],
    "description": "Shown once: the user logs in with it and must then choose their own password.",
}


def _user_with(**extra: Any) -> dict[str, Any]:
    return {
        "type": "object",
        "required": ["user"],
        "properties": {"user": _ref("User"), **extra},
    }


PATHS: dict[str, Any] = {
    "/api/v1/admin/users": {
        "get": _op(
            "Every account: active first, admins first, then by email",
            _json({"type": "object", "properties": {"users": {"type": "array", "items": _ref("User")}}}),
            401,
            403,
            **ADMIN,
        ),
        "post": _op(
            "Invite someone: a new account with a temporary password, to be replaced at the first login",
            _json(_user_with(temporary_password=_TEMPORARY), "Created"),
            400,
            401,
            403,
            409,
            415,
            status="201",
            body=_ref("NewUser"),
            **ADMIN,
        ),
    },
    "/api/v1/admin/users/{user_id}": {
        "get": _op("One account", _json(_user_with()), 401, 403, 404, params=USER_ID, **ADMIN),
        "patch": _op(
            "Change role, display name or active state. Deactivating ends every session and token of the "
            "user; a role change ends their sessions. The last active admin cannot be demoted or "
            "deactivated (409 last_admin)",
            _json(_user_with(tokens_revoked={"type": "integer"})),
            400,
            401,
            403,
            404,
            409,
            415,
            body=_ref("UserUpdate"),
            params=USER_ID,
            **ADMIN,
        ),
    },
    "/api/v1/admin/users/{user_id}/reset-password": {
        "post": _op(
            "Replace someone else's password with a temporary one (shown once); ends every session and "
            "token of the user, who must choose a new password at the next login",
            _json(_user_with(temporary_password=_TEMPORARY)),
            401,
            403,
            404,
            409,
            params=USER_ID,
            **ADMIN,
        )
    },
    "/api/v1/me": {
        "get": _op("The caller's own account", _json(_user_with()), 401, **STAFF),
        "patch": _op(
            "Change the caller's display name and notification settings",
            _json(_user_with()),
            400,
            401,
            403,
            415,
            body=_ref("ProfileUpdate"),
            **STAFF,
        ),
    },
    "/api/v1/me/password": {
        "post": _op(
            "Change the caller's password (the current one is required). Ends every other session and "
            "revokes every bearer token of the caller, the one used for this call included; a session "
            "caller stays logged in. Wrong current passwords count towards the login back-off (429)",
            _json(_user_with(tokens_revoked={"type": "integer"})),
            400,
            401,
            415,
            429,
            body=_ref("PasswordChange"),
            **STAFF,
        )
    },
}

SCHEMAS: dict[str, Any] = {
    "User": {
        "type": "object",
        "description": "An account. A session whose user has must_change_password gets 403 "
        "password_change_required from every endpoint but GET /me and POST /me/password; bearer "
        "tokens are not held back.",
        "properties": {
            "id": {"type": "integer"},
            "email": EMAIL,
            "display_name": {"type": ["string", "null"]},
            "name": {"type": "string", "description": "The display name, else the email: what people see."},
            "role": _ROLE,
            "active": {"type": "boolean"},
            "must_change_password": {"type": "boolean"},
            "notify_new_tickets": {"type": "boolean", "description": "Email me about new tickets."},
            "created_at": {"type": "string", "format": "date-time"},
            "last_login_at": {"type": ["string", "null"], "format": "date-time"},
            "api_tokens": {"type": "integer", "description": "Bearer tokens the user holds."},
        },
    },
    "NewUser": {
        "type": "object",
        "required": ["email"],
        "additionalProperties": False,
        "properties": {
            "email": EMAIL,
            "role": {**_ROLE, "default": "staff"},
            "display_name": _NAME,
        },
    },
    "UserUpdate": {
        "type": "object",
        "additionalProperties": False,
        "properties": {"role": _ROLE, "active": {"type": "boolean"}, "display_name": _NAME},
    },
    "ProfileUpdate": {
        "type": "object",
        "additionalProperties": False,
        "properties": {"display_name": _NAME, "notify_new_tickets": {"type": "boolean"}},
    },
    "PasswordChange": {
        "type": "object",
        "required": ["current_password", "new_password"],
        "additionalProperties": False,
        "properties": {
            "current_password": {"type": "string"},
            "new_password": {
                "type": "string",
                "minLength": 10,
                "maxLength": 1000,
                "description": "At least 10 characters and hard to guess (zxcvbn score 3 or more).",
            },
        },
    },
}
