"""An admin's decisions about categories: their order in the help center and whether they are
public, kept through renames (with the old page redirecting to the new one).

Each change is recorded as an :class:`AuditEvent` of kind ``category`` (who, when, before and
after); a change of one FAQ's own visibility or pinning is an FAQ revision instead.  Nothing here
commits: the caller decides what one change is.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from faqbot.web.core.errors import ApiError
from faqbot.web.core.tables import AuditEvent, CategoryAlias, Faq, FaqCategory, iso
from faqbot.web.kb.publishing import PUBLIC, VISIBILITIES, category_slug

AUDIT_KIND = "category"
MAX_POSITION = 9999
UNSET: Any = object()


def _state(row: FaqCategory | None) -> dict[str, Any]:
    return {"position": row.position if row else None, "visibility": row.visibility if row else PUBLIC}


def check_visibility(value: object) -> str:
    if value not in VISIBILITIES:
        raise ApiError(400, "invalid_visibility", "'visibility' must be 'public' or 'internal'.")
    return value  # type: ignore[return-value]


def check_position(value: object) -> int | None:
    if value is None:
        return None
    if type(value) is not int or not 1 <= value <= MAX_POSITION:
        raise ApiError(
            400, "invalid_position", f"'position' must be a whole number 1..{MAX_POSITION}, or null."
        )
    return value


def known(session: Session, name: object) -> str:
    """The name of an existing category (one that some FAQ has), or 404."""
    if not isinstance(name, str) or not name.strip():
        raise ApiError(400, "invalid_name", "'name' must be the name of a category.")
    if not session.scalar(select(func.count()).select_from(Faq).where(Faq.category == name)):
        raise ApiError(404, "not_found", f"No FAQ has the category {name!r}.")
    return name


def set_category(
    session: Session,
    name: str,
    *,
    visibility: Any = UNSET,
    position: Any = UNSET,
    user_id: int | None,
    source: str,
) -> dict[str, Any]:
    """Change a category's visibility and/or position; a change that changes nothing records nothing."""
    name = known(session, name)
    if visibility is not UNSET:
        visibility = check_visibility(visibility)
    if position is not UNSET:
        position = check_position(position)
    return _change(session, name, visibility, position, user_id, source)


def apply_settings(
    session: Session, name: str, visibility: str, position: int | None, user_id: int | None, source: str
) -> dict[str, Any]:
    """Set both settings, already validated (an import's), whether or not FAQs use the name yet."""
    return _change(session, name, check_visibility(visibility), check_position(position), user_id, source)


def _change(
    session: Session, name: str, visibility: Any, position: Any, user_id: int | None, source: str
) -> dict[str, Any]:
    row = session.get(FaqCategory, name)
    before = _state(row)
    after = dict(before)
    if visibility is not UNSET:
        after["visibility"] = visibility
    if position is not UNSET:
        after["position"] = position
    if after != before:
        if row is None:
            row = FaqCategory(name=name)
            session.add(row)
        row.visibility, row.position = after["visibility"], after["position"]
        _record(session, name, before, after, user_id, source)
    return {"name": name, **after}


def set_order(session: Session, names: object, *, user_id: int | None, source: str) -> list[dict[str, Any]]:
    """Positions 1, 2, 3... for ``names``; every other category loses its position."""
    if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
        raise ApiError(400, "invalid_names", "'names' must be a list of category names.")
    if len(set(names)) != len(names):
        raise ApiError(400, "invalid_names", "'names' lists a category twice.")
    if len(names) > MAX_POSITION:
        raise ApiError(400, "invalid_names", f"At most {MAX_POSITION} categories can be ordered.")
    for name in names:
        known(session, name)
    wanted = {name: index for index, name in enumerate(names, start=1)}
    for name, row in category_settings_rows(session).items():
        if name not in wanted and row.position is not None:
            _change(session, name, UNSET, None, user_id, source)
    for name, index in wanted.items():
        _change(session, name, UNSET, index, user_id, source)
    return [{"name": name, "position": index} for name, index in wanted.items()]


def category_settings_rows(session: Session) -> dict[str, FaqCategory]:
    return {row.name: row for row in session.scalars(select(FaqCategory))}


def _record(
    session: Session, name: str, before: dict | None, after: dict | None, user_id: int | None, source: str
) -> None:
    session.add(
        AuditEvent(
            kind=AUDIT_KIND,
            subject=name[:100],
            user_id=user_id,
            before=None if before is None else {"name": name, **before, "source": source},
            after=None if after is None else {"name": name, **after, "source": source},
        )
    )
    session.flush()


def renamed(session: Session, old: str, new: str | None, *, user_id: int | None, source: str) -> None:
    """Carry a category's settings to its new name (a merge keeps the target's) and remember the
    old help-center slug, so the old page redirects.  Called after the FAQs were renamed."""
    if new == old:
        return
    row = session.get(FaqCategory, old)
    target = session.get(FaqCategory, new) if new is not None else None
    if row is not None and new is not None and target is None:
        session.add(FaqCategory(name=new, position=row.position, visibility=row.visibility))
        _record(session, new, None, _state(row), user_id, source)
    if row is not None:
        session.delete(row)
    if new is None or category_slug(old) == category_slug(new):
        return
    session.execute(update(CategoryAlias).where(CategoryAlias.name == old).values(name=new))
    session.execute(delete(CategoryAlias).where(CategoryAlias.slug == category_slug(new)))
    alias = session.get(CategoryAlias, category_slug(old))
    if alias is None:
        session.add(CategoryAlias(slug=category_slug(old), name=new))
    else:
        alias.name = new
    session.flush()


def alias_target(session: Session, slug: str) -> str | None:
    """The current name of the category whose earlier name had this slug, if any."""
    alias = session.get(CategoryAlias, slug[:120])
    return alias.name if alias is not None else None


def recent_changes(session: Session, limit: int = 10) -> list[dict[str, Any]]:
    """The latest recorded category changes, newest first (for the categories page)."""
    rows = session.scalars(
        select(AuditEvent).where(AuditEvent.kind == AUDIT_KIND).order_by(AuditEvent.id.desc()).limit(limit)
    )
    return [
        {
            "name": (row.after or row.before or {}).get("name", row.subject),
            "before": row.before,
            "after": row.after,
            "user_id": row.user_id,
            "created_at": iso(row.created_at),
        }
        for row in rows
    ]
