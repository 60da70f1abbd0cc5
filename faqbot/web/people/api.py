"""People API: the admins' ``/api/v1/admin/users`` and everyone's ``/api/v1/me``, doing what the
pages do with the same rules (:mod:`faqbot.web.core.accounts`)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, g, jsonify

from faqbot.web.core import accounts
from faqbot.web.core.db import get_db
from faqbot.web.core.errors import ApiError
from faqbot.web.core.payload import json_body
from faqbot.web.core.security import require_api_role, start_session
from faqbot.web.core.tables import User
from faqbot.web.people.directory import all_users, get_user
from faqbot.web.people.serialize import token_counts, user_json

bp = Blueprint("people_api", __name__, url_prefix="/api/v1")

USER_FIELDS = frozenset({"role", "active", "display_name"})
ME_FIELDS = frozenset({"display_name", "notify_new_tickets"})


def _only(body: dict[str, Any], allowed: frozenset[str]) -> None:
    unknown = sorted(set(body) - allowed)
    if unknown:
        names = ", ".join(sorted(allowed))
        raise ApiError(400, "unknown_field", f"Unknown field(s) {', '.join(unknown)}; allowed: {names}.")


def _detail(user: User, **extra: Any):
    return jsonify({"user": user_json(user, token_counts(get_db()).get(user.id, 0)), **extra})


@bp.get("/admin/users")
@require_api_role("admin")
def list_users():
    db = get_db()
    tokens = token_counts(db)
    return jsonify({"users": [user_json(user, tokens.get(user.id, 0)) for user in all_users(db)]})


@bp.post("/admin/users")
@require_api_role("admin")
def create_user():
    body = json_body()
    _only(body, frozenset({"email", "role", "display_name"}))
    db = get_db()
    user, password = accounts.create_user(
        db, body.get("email"), body.get("role", "staff"), name=body.get("display_name")
    )
    db.commit()
    return _detail(user, temporary_password=password), 201


@bp.get("/admin/users/<id:user_id>")
@require_api_role("admin")
def get_one(user_id: int):
    return _detail(get_user(get_db(), user_id))


@bp.patch("/admin/users/<id:user_id>")
@require_api_role("admin")
def update_user(user_id: int):
    body = json_body()
    _only(body, USER_FIELDS)
    db = get_db()
    user = get_user(db, user_id)
    revoked = 0
    if "display_name" in body:
        accounts.update_profile(user, name=body["display_name"])
    if "role" in body:
        accounts.set_role(db, user, body["role"])
    if "active" in body:
        if not isinstance(body["active"], bool):
            raise ApiError(400, "invalid_active", "'active' must be true or false.")
        if body["active"] and not user.active:
            accounts.reactivate(user)
        elif not body["active"] and user.active:
            revoked = accounts.deactivate(db, user)
    db.commit()
    return _detail(user, tokens_revoked=revoked)


@bp.post("/admin/users/<id:user_id>/reset-password")
@require_api_role("admin")
def reset_password(user_id: int):
    db = get_db()
    user = get_user(db, user_id)
    password = accounts.reset_password(user, g.user)
    db.commit()
    return _detail(user, temporary_password=password)


@bp.get("/me")
@require_api_role("staff", password_gate=False)
def me():
    return _detail(g.user)


@bp.patch("/me")
@require_api_role("staff")
def update_me():
    body = json_body()
    _only(body, ME_FIELDS)
    accounts.update_profile(
        g.user,
        name=body.get("display_name", ...),
        notify_new_tickets=body.get("notify_new_tickets", ...),
    )
    get_db().commit()
    return _detail(g.user)


@bp.post("/me/password")
@require_api_role("staff", password_gate=False)
def change_password():
    body = json_body()
    _only(body, frozenset({"current_password", "new_password"}))
    user = g.user
    try:
        revoked = accounts.change_own_password(user, body.get("current_password"), body.get("new_password"))
    except ApiError:
        get_db().rollback()
        raise
    get_db().commit()
    if g.auth_method == "session":
        start_session(user)  # this browser stays logged in; every other session has ended
    return _detail(user, tokens_revoked=revoked)
