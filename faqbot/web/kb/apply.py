"""Keep an import preview until the admin applies it, and apply exactly what was previewed.

A preview is stored in the database with an expiry, so the apply may reach any instance; its
token is all a client needs.  Applying takes the preview out in the same transaction (so it is
applied once, even by two racing requests) and refuses when the knowledge base changed since
the preview (someone else edited, imported or deleted meanwhile), so an admin never applies a
classification that no longer holds.
"""

from __future__ import annotations

import re
import secrets
from datetime import timedelta
from typing import Any

from sqlalchemy import delete
from sqlalchemy.orm import Session

from faqbot.web.core.errors import ApiError
from faqbot.web.core.tables import ImportPreview, as_utc, utcnow
from faqbot.web.kb import service as kb
from faqbot.web.kb.categories import apply_settings
from faqbot.web.kb.importer import fingerprint
from faqbot.web.kb.publishing import PUBLIC

PREVIEW_TTL = timedelta(hours=1)  # what an admin has between preview and apply
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{16,64}$")


def save_preview(session: Session, preview: dict[str, Any], user_id: int | None) -> dict[str, Any]:
    """Store the preview (the caller commits); returns it with its ``token`` and ``expires_at``
    (epoch seconds).  Expired previews are cleared on the way."""
    now = utcnow()
    session.execute(delete(ImportPreview).where(ImportPreview.expires_at < now))
    token = secrets.token_urlsafe(24)
    expires = now + PREVIEW_TTL
    stored = {**preview, "token": token, "user_id": user_id, "expires_at": int(expires.timestamp())}
    session.add(ImportPreview(token=token, user_id=user_id, expires_at=expires, preview=stored))
    session.flush()
    return stored


def take_preview(session: Session, token: object) -> dict[str, Any]:
    """Remove the preview from the store and return it; only one caller can take it.

    If applying it then fails, rolling back the transaction puts the preview back.
    """
    missing = ApiError(
        404, "preview_not_found", "No such import preview (it may have expired); preview the file again."
    )
    if not isinstance(token, str) or not _TOKEN.match(token):
        raise missing
    row = session.get(ImportPreview, token)
    if row is None or as_utc(row.expires_at) < utcnow():
        raise missing
    preview = dict(row.preview)
    taken = session.execute(delete(ImportPreview).where(ImportPreview.token == token)).rowcount
    if taken != 1:  # another request took it first
        raise missing
    return preview


def apply_preview(
    session: Session,
    preview: dict[str, Any],
    *,
    user_id: int | None,
    archive_missing: bool = False,
    include_conflicting: bool = False,
) -> dict[str, int]:
    """Apply a stored preview as one change (the caller commits); every FAQ gets an "import"
    revision.  Refuses with 409 when the knowledge base changed since the preview."""
    if fingerprint(session) != preview["fingerprint"]:
        raise ApiError(
            409,
            "kb_changed",
            "The knowledge base changed since this preview was made; preview the file again.",
        )
    result = {"created": 0, "updated": 0, "archived": 0, "unchanged": 0, "skipped_conflicting": 0}
    result["categories_changed"] = 0
    for item in preview["items"]:
        if item["status"] == "unchanged":
            result["unchanged"] += 1
        elif item["status"] == "conflicting" and not include_conflicting:
            result["skipped_conflicting"] += 1
        elif item["action"] == "create":
            _create(session, item, user_id)
            result["created"] += 1
        elif item["action"] == "update":
            kb.replace_state(
                session,
                item["id"],
                item["state"],
                base_revision=item["base_revision"],
                user_id=user_id,
                source="import",
            )
            result["updated"] += 1
    if archive_missing:
        for entry in preview["missing"]:
            if not entry["archived"]:
                kb.set_archived(
                    session,
                    entry["id"],
                    True,
                    base_revision=entry["revision"],
                    user_id=user_id,
                    source="import",
                )
                result["archived"] += 1
    for entry in preview.get("categories", []):  # previews made before categories had settings: none
        state = entry["state"]
        apply_settings(session, entry["name"], state["visibility"], state["position"], user_id, "import")
        result["categories_changed"] += 1
    return result


def _create(session: Session, item: dict[str, Any], user_id: int | None) -> None:
    state = item["state"]
    kb.create_faq(
        session,
        question=state["question"],
        answer=state["answer"],
        category=state["category"],
        phrasings=state["phrasings"],
        user_id=user_id,
        source="import",
        faq_id=item["id"],
        archived=state["archived"],
        visibility=state.get("visibility", PUBLIC),
        pinned=state.get("pinned", False),
    )
