"""Knowledge-base API for admins: FAQs, their history and restore, categories, import/export.

Writes carry the ``revision`` the client based them on; an edit of an FAQ that changed since
gets 409 ``stale_revision`` instead of silently overwriting someone else's change.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, current_app, g, jsonify, request

from faqbot.web.core.db import get_db
from faqbot.web.core.errors import ApiError
from faqbot.web.core.payload import is_row_id, json_body
from faqbot.web.core.security import require_api_role
from faqbot.web.core.tables import Faq
from faqbot.web.kb import categories as kb_categories
from faqbot.web.kb import history as kb_history
from faqbot.web.kb import query as kb_query
from faqbot.web.kb import service as kb
from faqbot.web.kb.apply import apply_preview, save_preview, take_preview
from faqbot.web.kb.export import FORMATS as EXPORT_FORMATS
from faqbot.web.kb.export import export_text
from faqbot.web.kb.importer import as_public, build_preview, parse_upload
from faqbot.web.kb.publishing import PUBLIC

bp = Blueprint("kb_api", __name__, url_prefix="/api/v1/admin")


@bp.url_value_preprocessor
def _allow_big_imports(endpoint: str | None, _values) -> None:
    """An import may exceed the app-wide body limit.  URL value preprocessors run before every
    ``before_request`` hook, notably the input check that reads JSON bodies (core.hygiene)."""
    if endpoint == "kb_api.import_preview" and request.method == "POST":
        request.max_content_length = current_app.config["MAX_IMPORT_LENGTH"]


SOURCE = "api"


def _int_arg(name: str, default: int) -> int:
    raw = request.args.get(name)
    if raw is None or raw == "":
        return default
    if not raw.isdigit() or len(raw) > 9:
        raise ApiError(400, f"invalid_{name}", f"'{name}' must be a non-negative integer.")
    return int(raw)


def _revision(body: dict[str, Any], required: bool) -> int | None:
    value = body.get("revision", request.args.get("revision"))
    if value is None:
        if required:
            raise ApiError(400, "missing_revision", "Send the 'revision' your edit is based on.")
        return None
    if isinstance(value, str) and value.isdigit():
        value = int(value)
    if not is_row_id(value):
        raise ApiError(400, "invalid_revision", "'revision' must be a positive integer.")
    return value


def _faq_response(faq, status: int = 200) -> tuple[Response, int]:
    learned = kb_query.learned_by_faq(get_db(), [faq.id])[faq.id]
    return jsonify(kb_query.faq_json(faq, learned)), status


def _optional_body() -> dict[str, Any]:
    return json_body() if request.content_length or request.mimetype == "application/json" else {}


@bp.get("/faqs")
@require_api_role("admin")
def list_faqs():
    limit, offset = _int_arg("limit", 50), _int_arg("offset", 0)
    found = kb_query.search(
        get_db(),
        request.args.get("q", ""),
        category=request.args.get("category"),
        archived=request.args.get("archived", "exclude"),
        limit=limit,
        offset=offset,
    )
    learned = kb_query.learned_by_faq(get_db(), [faq.id for faq in found.faqs])
    faqs = [kb_query.faq_json(faq, learned[faq.id], full=False) for faq in found.faqs]
    return jsonify({"total": found.total, "limit": limit, "offset": offset, "faqs": faqs})


@bp.post("/faqs")
@require_api_role("admin")
def create_faq():
    body = json_body()
    db = get_db()
    faq = kb.create_faq(
        db,
        question=body.get("question"),  # type: ignore[arg-type]
        answer=body.get("answer"),  # type: ignore[arg-type]
        category=body.get("category"),
        phrasings=body.get("phrasings", []),
        user_id=g.user.id,
        source=SOURCE,
        visibility=body.get("visibility", PUBLIC),
        pinned=body.get("pinned", False),
    )
    db.commit()
    response, status = _faq_response(faq, 201)
    response.headers["Location"] = f"/api/v1/admin/faqs/{faq.id}"
    return response, status


@bp.get("/faqs/<faq_id>")
@require_api_role("admin")
def get_faq(faq_id: str):
    return _faq_response(kb.get_faq(get_db(), faq_id))


@bp.patch("/faqs/<faq_id>")
@require_api_role("admin")
def update_faq(faq_id: str):
    body = json_body()
    revision = _revision(body, required=True)
    changes = {key: value for key, value in body.items() if key != "revision"}
    db = get_db()
    faq = kb.update_faq(db, faq_id, changes, base_revision=revision, user_id=g.user.id, source=SOURCE)
    db.commit()
    return _faq_response(faq)


@bp.delete("/faqs/<faq_id>")
@require_api_role("admin")
def delete_faq(faq_id: str):
    db = get_db()
    revision = kb.delete_faq(
        db, faq_id, base_revision=_revision({}, required=False), user_id=g.user.id, source=SOURCE
    )
    db.commit()
    return jsonify({"deleted": faq_id, "revision_id": revision.id})


def _set_archived(faq_id: str, archived: bool):
    body = _optional_body()
    db = get_db()
    faq = kb.set_archived(
        db, faq_id, archived, base_revision=_revision(body, False), user_id=g.user.id, source=SOURCE
    )
    db.commit()
    return _faq_response(faq)


@bp.post("/faqs/<faq_id>/archive")
@require_api_role("admin")
def archive(faq_id: str):
    return _set_archived(faq_id, True)


@bp.post("/faqs/<faq_id>/unarchive")
@require_api_role("admin")
def unarchive(faq_id: str):
    return _set_archived(faq_id, False)


@bp.delete("/faqs/<faq_id>/learned/<id:learned_id>")
@require_api_role("admin")
def remove_learned(faq_id: str, learned_id: int):
    db = get_db()
    revision = _revision({}, required=False)
    faq = kb.remove_learned(db, faq_id, learned_id, base_revision=revision, user_id=g.user.id, source=SOURCE)
    db.commit()
    return _faq_response(faq)


@bp.get("/faqs/<faq_id>/history")
@require_api_role("admin")
def history(faq_id: str):
    db = get_db()
    rows = kb_history.history(db, faq_id)
    emails = kb_query.user_emails(db, rows)
    exists = db.get(Faq, faq_id) is not None
    return jsonify(
        {"faq_id": faq_id, "exists": exists, "revisions": [kb_query.revision_json(r, emails) for r in rows]}
    )


@bp.post("/faqs/<faq_id>/restore")
@require_api_role("admin")
def restore(faq_id: str):
    body = json_body()
    revision_id = body.get("revision_id")
    if not is_row_id(revision_id):  # larger ids overflow PostgreSQL's INTEGER: a 500, not a 400
        message = "'revision_id' must be the id of one of this FAQ's revisions."
        raise ApiError(400, "invalid_revision_id", message)
    db = get_db()
    faq = kb_history.restore(
        db, faq_id, revision_id, base_revision=_revision(body, False), user_id=g.user.id, source=SOURCE
    )
    db.commit()
    return _faq_response(faq)


@bp.get("/categories")
@require_api_role("admin")
def categories():
    return jsonify({"categories": kb_query.categories(get_db())})


@bp.post("/categories/settings")
@require_api_role("admin")
def category_settings():
    """One category's place in the help center's directory and whether it is public."""
    body = json_body()
    changes = {key: body[key] for key in ("visibility", "position") if key in body}
    if not changes:
        raise ApiError(400, "nothing_to_change", "Send 'visibility' and/or 'position'.")
    db = get_db()
    row = kb_categories.set_category(db, body.get("name"), **changes, user_id=g.user.id, source=SOURCE)
    db.commit()
    return jsonify(row)


@bp.put("/categories/order")
@require_api_role("admin")
def category_order():
    """The help center's order of categories: the listed ones first, in this order."""
    body = json_body()
    db = get_db()
    order = kb_categories.set_order(db, body.get("names"), user_id=g.user.id, source=SOURCE)
    db.commit()
    return jsonify({"order": order})


@bp.post("/categories/rename")
@require_api_role("admin")
def rename_category():
    body = json_body()
    old, new = body.get("from"), body.get("to")
    if not isinstance(old, str) or not old.strip():
        raise ApiError(400, "invalid_from", "'from' must be the name of an existing category.")
    if new is not None and not isinstance(new, str):
        raise ApiError(400, "invalid_to", "'to' must be a string (or null to remove the category).")
    db = get_db()
    faqs = kb_query.rename_category(db, old, new, user_id=g.user.id, source=SOURCE)
    db.commit()
    return jsonify({"renamed": len(faqs), "faq_ids": [faq.id for faq in faqs]})


@bp.get("/faqs/export")
@require_api_role("admin")
def export():
    fmt = request.args.get("format", "csv")
    if fmt not in EXPORT_FORMATS:
        raise ApiError(400, "invalid_format", "'format' must be csv, json or jsonl.")
    text = export_text(get_db(), fmt)
    response = Response(text, mimetype=EXPORT_FORMATS[fmt])
    response.headers["Content-Disposition"] = f'attachment; filename="faqs.{fmt}"'
    return response


@bp.post("/faqs/import/preview")
@require_api_role("admin")
def import_preview():
    """Multipart (field ``file``) or the raw file as the body with ``?format=``."""
    upload = request.files.get("file") if request.mimetype == "multipart/form-data" else None
    if upload is not None:
        data, filename = upload.read(), upload.filename
    else:
        data, filename = request.get_data(), None
    if not data.strip():
        raise ApiError(400, "empty_file", "Send a corpus file (multipart field 'file', or the raw body).")
    fmt = request.args.get("format") or request.form.get("format") or None
    db = get_db()
    preview = build_preview(db, parse_upload(data, filename, fmt), filename or f"upload.{fmt}")
    stored = save_preview(db, preview, g.user.id)
    db.commit()
    return jsonify({**as_public(stored), "token": stored["token"]})


@bp.post("/faqs/import/apply")
@require_api_role("admin")
def import_apply():
    body = json_body()
    options = {name: body.get(name, False) for name in ("archive_missing", "include_conflicting")}
    if not all(isinstance(value, bool) for value in options.values()):
        raise ApiError(400, "invalid_option", "'archive_missing' and 'include_conflicting' must be booleans.")
    db = get_db()
    preview = take_preview(db, body.get("token"))
    result = apply_preview(db, preview, user_id=g.user.id, **options)
    db.commit()
    return jsonify(result)
