"""An admin's decisions about model versions: activate (promote, roll back) and discard.

Each decision changes the database only (every serving process follows the live row within
``MODEL_CHECK_INTERVAL``) and is recorded as an :class:`AuditEvent` with who made it.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.orm import Session

from faqbot.web.core.tables import AuditEvent, ModelVersion
from faqbot.web.models.store import UnknownVersion, live_version, set_live, version_path


class VersionConflict(ValueError):
    """The version exists but its state forbids the action (e.g. activating a discarded one)."""


def get_version(session: Session, models_dir: str | Path, version: str) -> ModelVersion:
    """The registered version; raises :class:`UnknownVersion` for bad names or missing rows."""
    version_path(models_dir, version)  # refuses names that could escape the models directory
    row = session.get(ModelVersion, version)
    if row is None:
        raise UnknownVersion(f"no model version {version!r}")
    return row


def activate(session: Session, models_dir: str | Path, version: str, user_id: int | None) -> ModelVersion:
    """Make ``version`` live: promote a pending candidate or roll back to an earlier version.

    Activating the live version again changes nothing and records nothing.
    """
    row = get_version(session, models_dir, version)
    if not version_path(models_dir, version).is_dir():
        raise UnknownVersion(f"model version {version!r} is not in the models directory")
    if row.state == "discarded":
        raise VersionConflict(f"model version {version} was discarded and cannot be made live")
    if row.is_live:
        return row
    before = {"live": live_version(session), "state": row.state}
    row.state = "available"
    set_live(session, version)
    session.add(
        AuditEvent(
            kind="model.activate",
            subject=version,
            user_id=user_id,
            before=before,
            after={"live": version, "state": "available"},
        )
    )
    session.commit()
    session.refresh(row)
    return row


def discard(session: Session, models_dir: str | Path, version: str, user_id: int | None) -> ModelVersion:
    """Refuse a pending candidate for good; its files stay on disk for the record."""
    row = get_version(session, models_dir, version)
    if row.state != "pending":
        raise VersionConflict(f"only a pending candidate can be discarded; {version} is {row.state}")
    row.state = "discarded"
    session.add(
        AuditEvent(
            kind="model.discard",
            subject=version,
            user_id=user_id,
            before={"state": "pending"},
            after={"state": "discarded"},
        )
    )
    session.commit()
    session.refresh(row)
    return row
