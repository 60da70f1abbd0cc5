"""Knowledge-base pages for admins: list and search FAQs, add, edit, archive, delete, history
with restore, categories, and import (upload, preview, apply) and export.

Every change goes through :mod:`kb` with source "admin"; a form carries the revision the admin
saw, so an edit that crossed someone else's gets a clear message instead of overwriting it.
"""

from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)

from faqbot.web.core.db import get_db
from faqbot.web.core.errors import ApiError
from faqbot.web.core.security import require_login
from faqbot.web.core.tables import Faq
from faqbot.web.kb import effects
from faqbot.web.kb import history as kb_history
from faqbot.web.kb import query as kb_query
from faqbot.web.kb import service as kb
from faqbot.web.kb.apply import apply_preview, save_preview, take_preview
from faqbot.web.kb.diffs import diff
from faqbot.web.kb.export import FORMATS, export_text
from faqbot.web.kb.forms import ApplyImportForm, FaqForm, ImportForm, RenameCategoryForm, RevisionActionForm
from faqbot.web.kb.importer import build_preview, parse_upload

bp = Blueprint("kb", __name__, url_prefix="/admin/faqs", template_folder="templates")
bp.add_app_template_global(diff, "word_diff")  # history and import preview show changes word by word
SOURCE = "admin"
PAGE_SIZE = 50


@bp.url_value_preprocessor
def _allow_big_uploads(endpoint: str | None, _values) -> None:
    """The import upload may exceed the app-wide body limit.  URL value preprocessors run before
    every ``before_request`` hook, including CSRFProtect's, which is the first to read the form."""
    if endpoint == "kb.import_file" and request.method == "POST":
        request.max_content_length = current_app.config["MAX_IMPORT_LENGTH"]


def _page_arg() -> int:
    raw = request.args.get("page", "1")
    return int(raw) if raw.isdigit() and 0 < int(raw) < 10**6 else 1


@bp.get("/")
@require_login("admin")
def index():
    db = get_db()
    q, category = request.args.get("q", ""), request.args.get("category") or None
    archived = request.args.get("archived", "exclude")
    if archived not in kb_query.ARCHIVED_FILTERS:
        archived = "exclude"
    page = _page_arg()
    found = kb_query.search(
        db, q, category=category, archived=archived, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE
    )
    learned = kb_query.learned_by_faq(db, [faq.id for faq in found.faqs])
    return render_template(
        "kb/list.html",
        found=found,
        learned=learned,
        q=q,
        category=category,
        archived=archived,
        page=page,
        more=page * PAGE_SIZE < found.total,
        categories=kb_query.categories(db),
        rename=RenameCategoryForm(),
        formats=FORMATS,
    )


@bp.route("/new", methods=["GET", "POST"])
@require_login("admin")
def new():
    form = FaqForm()
    if form.validate_on_submit():
        db = get_db()
        try:
            faq = kb.create_faq(
                db,
                question=form.question.data,
                answer=form.answer.data,
                category=form.category.data or None,
                phrasings=form.phrasing_list(),
                user_id=g.user.id,
                source=SOURCE,
                visibility=form.visibility.data,
                pinned=bool(form.pinned.data),
            )
        except ApiError as error:
            flash(error.message, "error")
        else:
            db.commit()
            flash(f"FAQ #{faq.id} added. {effects.new_faq_effect()}", "info")
            return redirect(url_for("kb.edit", faq_id=faq.id))
    return render_template("kb/edit.html", form=form, faq=None, learned=[], actions=None, current=None)


def _faq_or_404(faq_id: str) -> Faq:
    faq = get_db().get(Faq, faq_id)
    if faq is None:
        abort(404)
    return faq


@bp.route("/<faq_id>", methods=["GET", "POST"])
@require_login("admin")
def edit(faq_id: str):
    faq = _faq_or_404(faq_id)
    form = FaqForm()
    current = None
    if form.validate_on_submit():
        current = _save(faq, form)
        if current is None:
            return redirect(url_for("kb.edit", faq_id=faq.id))
    elif request.method == "GET":
        form.process(
            data={
                "question": faq.question,
                "answer": faq.answer,
                "category": faq.category or "",
                "phrasings": "\n".join(p.text for p in faq.phrasings),
                "visibility": faq.visibility,
                "pinned": faq.pinned,
                "revision": faq.revision,
            }
        )
    learned = kb_query.learned_by_faq(get_db(), [faq.id])[faq.id]
    actions = RevisionActionForm(formdata=None, revision=faq.revision)
    return render_template(
        "kb/edit.html", form=form, faq=faq, learned=learned, actions=actions, current=current
    )


def _save(faq: Faq, form: FaqForm) -> dict | None:
    """Save the edit; returns None when saved, or the stored state when the edit was stale."""
    db = get_db()
    base = int(form.revision.data) if (form.revision.data or "").isdigit() else None
    changes = {
        "question": form.question.data,
        "answer": form.answer.data,
        "category": form.category.data or None,
        "phrasings": form.phrasing_list(),
        "visibility": form.visibility.data,
        "pinned": bool(form.pinned.data),
    }
    before = kb.snapshot(faq, db)
    try:
        kb.update_faq(db, faq.id, changes, base_revision=base, user_id=g.user.id, source=SOURCE)
    except ApiError as error:
        db.rollback()
        flash(error.message, "error")
        if error.code != "stale_revision":
            return {}
        fresh = _faq_or_404(faq.id)
        form.revision.data = str(fresh.revision)  # saving again now overwrites, knowingly
        flash("Your text is kept below; compare it with the current version and save again.", "error")
        return kb.snapshot(fresh, db)
    changed = [c["field"] for c in kb_query.changes(before, kb.snapshot(faq, db))]
    db.commit()
    if changed:
        flash(f"FAQ #{faq.id} saved (revision {faq.revision}). {effects.edit_effect(changed)}", "info")
    else:
        flash(f"FAQ #{faq.id}: nothing changed, so no new revision.", "info")
    return None


def _base_revision(form: RevisionActionForm) -> int | None:
    return form.revision.data


@bp.post("/<faq_id>/<any(archive, unarchive, delete):action>")
@require_login("admin")
def change(faq_id: str, action: str):
    form = RevisionActionForm()
    if not form.validate_on_submit():
        flash("The form expired; please try again.", "error")
        return redirect(url_for("kb.edit", faq_id=faq_id))
    db = get_db()
    base = _base_revision(form)
    try:
        if action == "delete":
            kb.delete_faq(db, faq_id, base_revision=base, user_id=g.user.id, source=SOURCE)
        else:
            kb.set_archived(
                db, faq_id, action == "archive", base_revision=base, user_id=g.user.id, source=SOURCE
            )
    except ApiError as error:
        flash(error.message, "error")
        return redirect(url_for("kb.edit", faq_id=faq_id) if error.status != 404 else url_for("kb.index"))
    db.commit()
    done = {
        "archive": "archived",
        "unarchive": "brought back",
        "delete": "deleted (its history can restore it)",
    }
    flash(f"FAQ #{faq_id} {done[action]}.", "info")
    if action == "delete":
        return redirect(url_for("kb.history", faq_id=faq_id))
    return redirect(url_for("kb.edit", faq_id=faq_id))


@bp.post("/<faq_id>/learned/<id:learned_id>/remove")
@require_login("admin")
def remove_learned(faq_id: str, learned_id: int):
    form = RevisionActionForm()
    if form.validate_on_submit():
        db = get_db()
        try:
            kb.remove_learned(
                db, faq_id, learned_id, base_revision=_base_revision(form), user_id=g.user.id, source=SOURCE
            )
        except ApiError as error:
            flash(error.message, "error")
        else:
            db.commit()
            flash("Learned phrasing removed.", "info")
    return redirect(url_for("kb.edit", faq_id=faq_id))


@bp.get("/<faq_id>/history")
@require_login("admin")
def history(faq_id: str):
    db = get_db()
    try:
        rows = kb_history.history(db, faq_id)
    except ApiError:
        abort(404)
    emails = kb_query.user_emails(db, rows)
    revisions = [kb_query.revision_json(row, emails) for row in rows]
    faq = db.get(Faq, faq_id)
    form = RevisionActionForm(formdata=None, revision=faq.revision if faq else None)
    return render_template("kb/history.html", faq_id=faq_id, faq=faq, revisions=revisions, form=form)


@bp.post("/<faq_id>/restore/<id:revision_id>")
@require_login("admin")
def restore(faq_id: str, revision_id: int):
    form = RevisionActionForm()
    if form.validate_on_submit():
        db = get_db()
        current = db.get(Faq, faq_id)
        before = kb.snapshot(current, db) if current is not None else None
        try:
            faq = kb_history.restore(
                db, faq_id, revision_id, base_revision=_base_revision(form), user_id=g.user.id, source=SOURCE
            )
        except ApiError as error:
            flash(error.message, "error")
        else:
            changed = [c["field"] for c in kb_query.changes(before, kb.snapshot(faq, db))]
            db.commit()
            effect = effects.restored_effect(changed, recreated=before is None)
            flash(f"FAQ #{faq.id} restored to that version (now revision {faq.revision}). {effect}", "info")
    return redirect(url_for("kb.history", faq_id=faq_id))


@bp.post("/categories/rename")
@require_login("admin")
def rename_category():
    form = RenameCategoryForm()
    if form.validate_on_submit():
        db = get_db()
        try:
            faqs = kb_query.rename_category(
                db, form.old.data, form.new.data or None, user_id=g.user.id, source=SOURCE
            )
        except ApiError as error:
            flash(error.message, "error")
        else:
            db.commit()
            flash(f"Category renamed on {len(faqs)} FAQ(s).", "info")
    return redirect(url_for("kb.index"))


@bp.get("/export.<any(csv, json, jsonl):fmt>")
@require_login("admin")
def export(fmt: str):
    response = Response(export_text(get_db(), fmt), mimetype=FORMATS[fmt])
    response.headers["Content-Disposition"] = f'attachment; filename="faqs.{fmt}"'
    return response


@bp.route("/import", methods=["GET", "POST"])
@require_login("admin")
def import_file():
    form = ImportForm()
    if form.validate_on_submit():
        upload = form.file.data
        try:
            parsed = parse_upload(upload.read(), upload.filename, form.format.data or None)
            preview = build_preview(get_db(), parsed, upload.filename or "upload")
        except ApiError as error:
            flash(f"Nothing was imported. {error.message}", "error")
        else:
            stored = save_preview(get_db(), preview, g.user.id)
            get_db().commit()
            apply = ApplyImportForm(formdata=None, token=stored["token"])
            return render_template("kb/import_preview.html", preview=stored, form=apply)
    return render_template("kb/import.html", form=form)


@bp.post("/import/apply")
@require_login("admin")
def apply_import():
    form = ApplyImportForm()
    if not form.validate_on_submit():
        flash("The form expired; please upload the file again.", "error")
        return redirect(url_for("kb.import_file"))
    db = get_db()
    try:
        preview = take_preview(db, form.token.data)
        result = apply_preview(
            db,
            preview,
            user_id=g.user.id,
            archive_missing=form.archive_missing.data,
            include_conflicting=form.include_conflicting.data,
        )
    except ApiError as error:
        db.rollback()
        flash(f"Nothing was imported. {error.message}", "error")
        return redirect(url_for("kb.import_file"))
    db.commit()
    summary = ", ".join(f"{count} {name.replace('_', ' ')}" for name, count in result.items())
    flash(f"Import applied: {summary}. {effects.import_effect(result)}".strip(), "info")
    return redirect(url_for("kb.index"))


# The categories page's routes live on this blueprint too.
from faqbot.web.kb import category_pages as _category_pages  # noqa: E402,F401
