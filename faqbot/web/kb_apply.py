"""Keep an import preview until the admin applies it, and apply exactly what was previewed.

A preview is stored as a JSON file under ``<instance>/imports/`` with an expiry; its token is
all a client needs to apply it.  Applying refuses when the knowledge base changed since the
preview (someone else edited, imported or deleted meanwhile), so an admin never applies a
classification that no longer holds.  (Instances sharing one database should share the
instance directory, or the admin applies on the instance that made the preview.)
"""

from __future__ import annotations

import json
import os
import re
import secrets
import time
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from . import kb
from .errors import ApiError
from .kb_import import fingerprint

PREVIEW_TTL = 3600  # seconds an admin has between preview and apply
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{16,64}$")


def _folder(instance_path: str) -> Path:
    return Path(instance_path) / "imports"


def save_preview(instance_path: str, preview: dict[str, Any], user_id: int | None) -> dict[str, Any]:
    """Store the preview; returns it with its ``token`` and ``expires_at`` (epoch seconds)."""
    folder = _folder(instance_path)
    folder.mkdir(parents=True, exist_ok=True)
    _remove_expired(folder)
    token = secrets.token_urlsafe(24)
    stored = {**preview, "token": token, "user_id": user_id, "expires_at": int(time.time()) + PREVIEW_TTL}
    temporary = folder / f".{token}.tmp"
    temporary.write_text(json.dumps(stored, ensure_ascii=False), encoding="utf-8")
    os.replace(temporary, folder / f"{token}.json")  # readers never see half a file
    return stored


def load_preview(instance_path: str, token: object) -> dict[str, Any]:
    missing = ApiError(
        404, "preview_not_found", "No such import preview (it may have expired); preview the file again."
    )
    if not isinstance(token, str) or not _TOKEN.match(token):
        raise missing
    path = _folder(instance_path) / f"{token}.json"
    try:
        stored = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        raise missing from None
    if stored.get("expires_at", 0) < time.time():
        path.unlink(missing_ok=True)
        raise missing
    return stored


def discard_preview(instance_path: str, token: str) -> None:
    if _TOKEN.match(token):
        (_folder(instance_path) / f"{token}.json").unlink(missing_ok=True)


def _remove_expired(folder: Path) -> None:
    now = time.time()
    for path in folder.glob("*.json"):
        try:
            if json.loads(path.read_text(encoding="utf-8")).get("expires_at", 0) < now:
                path.unlink(missing_ok=True)
        except (OSError, ValueError):
            path.unlink(missing_ok=True)


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
    )
