"""The inbox list: views, filters, search, bulk actions, and its live fragment."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import flash, g, redirect, render_template, request, url_for

from faqbot.web.core.db import get_db
from faqbot.web.core.errors import ApiError
from faqbot.web.core.forms import ActionForm
from faqbot.web.core.security import require_login
from faqbot.web.inbox import bulk
from faqbot.web.inbox.blueprints import pages as bp
from faqbot.web.inbox.forms import BulkForm
from faqbot.web.inbox.live import inbox_stamp, not_modified, unchanged, with_etag
from faqbot.web.inbox.people import teammates
from faqbot.web.inbox.reads import unread_ids
from faqbot.web.inbox.tagging import tags_in_use
from faqbot.web.inbox.views import VIEW_LABELS, VIEWS, Filters, attention, list_tickets

PAGE_SIZE = 50
LIST_STATUSES = ("open", "answered")


def _filters() -> Filters:
    """The list's filters from the query string; anything unknown falls back to the default,
    and the first version's ``?status=closed|all`` links still land somewhere sensible."""
    args = request.args
    view = args.get("view")
    status = args.get("status")
    if view not in VIEWS:
        view = "closed" if status == "closed" else "all"
    status = status if status in LIST_STATUSES and view != "closed" else None
    try:
        return Filters(view=view, status=status, tag=args.get("tag") or None, q=args.get("q", ""))
    except ApiError as error:
        flash(error.message, "error")
        return Filters(view=view, status=status, q=args.get("q", ""))


def _page() -> int:
    page = request.args.get("page", 1, type=int)
    return page if 1 <= page <= 10_000 else 1


def _results(filters: Filters, page: int) -> dict:
    db, user = get_db(), g.user
    # One extra row tells whether there is a next page without counting the whole result.
    listing = list_tickets(db, user, filters, PAGE_SIZE + 1, (page - 1) * PAGE_SIZE)
    shown = listing.tickets[:PAGE_SIZE]
    return {
        "tickets": shown,
        "unread": unread_ids(db, user, [t.id for t in shown]),
        "counts": listing.counts,
        "unread_counts": listing.unread,
        "attention": attention(listing.unread),
        "filters": filters,
        "page": page,
        "more": len(listing.tickets) > PAGE_SIZE,
        "views": [(v, VIEW_LABELS[v]) for v in VIEWS],
        "teammates": teammates(db),
        "bulk_form": BulkForm(),
        "link_args": _link_args(filters),
    }


def _link_args(filters: Filters) -> dict:
    return {"view": filters.view, "status": filters.status, "tag": filters.tag, "q": filters.q or None}


@bp.get("/")
@require_login("staff")
def index():
    filters, page = _filters(), _page()
    return render_template(
        "inbox/list.html", tags=tags_in_use(get_db()), form=ActionForm(), **_results(filters, page)
    )


@bp.get("/live")
@require_login("staff")
def live_list():
    """The list's results region for the live update; 304 while nothing changed."""
    filters, page = _filters(), _page()
    etag = inbox_stamp(get_db(), g.user, "list", request.query_string)
    if not_modified(etag):
        return unchanged(etag)
    return with_etag(render_template("inbox/_results.html", **_results(filters, page)), etag)


def _back(target: str | None) -> str:
    """Back to the list the person came from (a same-site inbox URL only)."""
    if target:
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc and parts.path.startswith("/inbox/"):
            return target
    return url_for("inbox.index")


@bp.post("/bulk")
@require_login("staff")
def bulk_action():
    form = BulkForm()
    back = _back(form.back.data)
    if not form.validate_on_submit():
        flash("Not done: the form expired; try again.", "error")
        return redirect(back)
    ids = [int(v) for v in request.form.getlist("ticket_ids") if v.isdigit() and len(v) < 10]
    if not ids:
        flash("Select at least one ticket first.", "error")
        return redirect(back)
    body = _bulk_body(form, ids)
    try:
        outcome = bulk.run(get_db(), g.user, body)
    except ApiError as error:
        flash(f"Not done: {error.message}", "error")
        return redirect(back)
    _report(outcome, body["action"])
    return redirect(back)


def _bulk_body(form: BulkForm, ids: list[int]) -> dict:
    action = form.action.data
    body: dict = {"ticket_ids": ids, "action": action}
    if action == "assign_me":
        body.update(action="assign", assignee_id=g.user.id)
    elif action == "assign":
        raw = form.assignee_id.data or ""
        body["assignee_id"] = int(raw) if raw.isdigit() and len(raw) < 10 else None
    elif action == "add_tags":
        body["tags"] = form.tag.data or ""
    return body


DONE = {
    "dismiss": "Dismissed",
    "assign": "Assigned",
    "add_tags": "Tagged",
    "mark_read": "Marked read",
    "mark_unread": "Marked unread",
}


def _report(outcome: bulk.Outcome, action: str) -> None:
    if outcome.done:
        count = len(outcome.done)
        flash(f"{DONE.get(action, 'Done')}: {count} ticket{'s' if count != 1 else ''}.", "info")
    if outcome.skipped:
        why = "; ".join(f"#{s['id']}: {s.get('message') or s['reason']}" for s in outcome.skipped[:5])
        flash(f"Skipped {len(outcome.skipped)}: {why}", "error")
