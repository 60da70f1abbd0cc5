"""The admin page of categories in the help center: their order (a position each) and whether they
are public, saved all at once.  A value that does not fit refuses the whole form, which comes back
with what the admin typed and the reason; every change is recorded (:mod:`categories`)."""

from __future__ import annotations

from dataclasses import dataclass

from flask import flash, g, redirect, render_template, request, url_for

from faqbot.web.core.db import get_db
from faqbot.web.core.errors import ApiError
from faqbot.web.core.security import require_login
from faqbot.web.kb import categories as kb_categories
from faqbot.web.kb import query as kb_query
from faqbot.web.kb.forms import CategoriesForm
from faqbot.web.kb.pages import SOURCE, bp


@dataclass
class Posted:
    """One row of the form as the admin sent it."""

    name: str
    position: str  # as typed
    visibility: str


@bp.route("/categories", methods=["GET", "POST"])
@require_login("admin")
def categories_page():
    db = get_db()
    form = CategoriesForm()
    rows = [row for row in kb_query.categories(db) if row["name"] is not None]
    status = 200
    if form.validate_on_submit():
        posted = _posted()
        try:
            changed = _save(rows, posted)
        except ApiError as error:
            db.rollback()
            flash(f"{error.message} Nothing was saved; your changes are still in the form.", "error")
            _keep_typed(rows, posted)
            status = 400
        else:
            db.commit()
            flash(f"Saved: {changed} categor{'y' if changed == 1 else 'ies'} changed.", "info")
            return redirect(url_for("kb.categories_page"))
    rows.sort(key=lambda r: (r["position"] is None, r["position"] or 0, r["name"].casefold()))
    changes = kb_categories.recent_changes(db)
    emails = kb_query.user_emails_by_id(db, {change["user_id"] for change in changes})
    page = render_template("kb/categories.html", form=form, rows=rows, changes=changes, emails=emails)
    return page, status


def _posted() -> list[Posted]:
    indices = sorted({int(key[5:]) for key in request.form if key.startswith("name-") and key[5:].isdigit()})
    return [
        Posted(
            name=request.form[f"name-{index}"],
            position=(request.form.get(f"position-{index}") or "").strip(),
            visibility=request.form.get(f"visibility-{index}") or "",
        )
        for index in indices[: kb_categories.MAX_POSITION]
    ]


def _save(rows: list[dict], posted: list[Posted]) -> int:
    """Apply every posted row (the caller commits); the number of categories that changed."""
    stored = {row["name"]: row for row in rows}
    changed = 0
    for row in posted:
        if row.name not in stored:
            raise ApiError(400, "not_found", f"The category {row.name!r} no longer exists.")
        position = _position(row)
        after = kb_categories.set_category(
            get_db(), row.name, position=position, visibility=row.visibility, user_id=g.user.id, source=SOURCE
        )
        before = stored[row.name]
        changed += (after["position"], after["visibility"]) != (before["position"], before["visibility"])
    return changed


def _position(row: Posted) -> int | None:
    if not row.position:
        return None
    if not row.position.isdigit() or not 1 <= int(row.position) <= kb_categories.MAX_POSITION:
        raise ApiError(
            400,
            "invalid_position",
            f"{row.name}: the position must be a whole number from 1 to {kb_categories.MAX_POSITION}, "
            "or empty.",
        )
    return int(row.position)


def _keep_typed(rows: list[dict], posted: list[Posted]) -> None:
    """Show the refused form as the admin filled it in."""
    typed = {row.name: row for row in posted}
    for row in rows:
        if row["name"] in typed:
            row["position_text"] = typed[row["name"]].position
            row["visibility"] = typed[row["name"]].visibility
