"""Reading the knowledge base: search, categories, and the JSON shapes the API and pages share."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import current_app, has_app_context
from sqlalchemy import exists, func, or_, select
from sqlalchemy.engine import Row
from sqlalchemy.orm import Session, selectinload

from faqbot.web.core.errors import ApiError
from faqbot.web.core.tables import Faq, FaqPhrasing, FaqRevision, LearnedPhrasing, User, iso
from faqbot.web.kb import service as kb
from faqbot.web.kb.categories import renamed as renamed_category
from faqbot.web.kb.publishing import OTHER, PUBLIC, category_settings, category_slug
from faqbot.web.kb.shown import read_active

ARCHIVED_FILTERS = ("exclude", "include", "only")
MAX_LIMIT = 500
SHOWN_FAQS = "faqbot.shown_faqs"  # the app extension holding a kb.shown.ShownFaqs
STATE_FIELDS = ("question", "answer", "category", "phrasings", "archived", "learned", "visibility", "pinned")


@dataclass(frozen=True)
class SearchResult:
    total: int
    faqs: list[Faq]


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def search(
    session: Session,
    q: str = "",
    *,
    category: str | None = None,
    archived: str = "exclude",
    limit: int = 50,
    offset: int = 0,
) -> SearchResult:
    """FAQs whose question, answer, own or learned phrasings contain ``q`` (case-insensitive),
    in corpus order.  ``category=""`` selects FAQs without a category."""
    if archived not in ARCHIVED_FILTERS:
        raise ApiError(400, "invalid_filter", f"'archived' must be one of {', '.join(ARCHIVED_FILTERS)}.")
    if not 1 <= limit <= MAX_LIMIT or offset < 0:
        raise ApiError(400, "invalid_paging", f"'limit' must be 1..{MAX_LIMIT} and 'offset' >= 0.")
    conditions = []
    if q.strip():
        pattern = _like(kb.collapse(q))
        own = select(FaqPhrasing.id).where(
            FaqPhrasing.faq_id == Faq.id, FaqPhrasing.text.ilike(pattern, "\\")
        )
        learned = select(LearnedPhrasing.id).where(
            LearnedPhrasing.faq_id == Faq.id, LearnedPhrasing.text.ilike(pattern, "\\")
        )
        conditions.append(
            or_(
                Faq.question.ilike(pattern, "\\"),
                Faq.answer.ilike(pattern, "\\"),
                Faq.id == q.strip(),
                exists(own),
                exists(learned),
            )
        )
    if category is not None:
        conditions.append(Faq.category.is_(None) if category == "" else Faq.category == category)
    if archived != "include":
        conditions.append(Faq.archived.is_(archived == "only"))
    total = session.scalar(select(func.count()).select_from(Faq).where(*conditions)) or 0
    rows = session.scalars(
        select(Faq)
        .where(*conditions)
        .options(selectinload(Faq.phrasings))
        .order_by(Faq.position, Faq.id)
        .limit(limit)
        .offset(offset)
    ).all()
    return SearchResult(total, list(rows))


def learned_by_faq(session: Session, faq_ids: list[str]) -> dict[str, list[LearnedPhrasing]]:
    result: dict[str, list[LearnedPhrasing]] = {faq_id: [] for faq_id in faq_ids}
    if faq_ids:
        query = select(LearnedPhrasing).where(LearnedPhrasing.faq_id.in_(faq_ids))
        for row in session.scalars(query.order_by(LearnedPhrasing.id)):
            result[row.faq_id].append(row)
    return result


def faq_json(faq: Faq, learned: list[LearnedPhrasing], *, full: bool = True) -> dict[str, Any]:
    """An FAQ for the admin API; ``full=False`` leaves out the answer and phrasings (lists)."""
    data: dict[str, Any] = {
        "id": faq.id,
        "question": faq.question,
        "category": faq.category,
        "archived": bool(faq.archived),
        "visibility": faq.visibility or PUBLIC,
        "pinned": bool(faq.pinned),
        "revision": faq.revision,
        "updated_at": iso(faq.updated_at),
        "phrasing_count": len(faq.phrasings),
        "learned_count": len(learned),
    }
    if full:
        data["answer"] = faq.answer
        data["phrasings"] = [p.text for p in faq.phrasings]
        data["learned"] = [
            {"id": row.id, "text": row.text, "ticket_id": row.ticket_id, "created_at": iso(row.created_at)}
            for row in learned
        ]
        data["created_at"] = iso(faq.created_at)
    return data


def categories(session: Session) -> list[dict[str, Any]]:
    """Each category with how many FAQs use it (and how many of those are active), by name, with
    the admin's help-center settings (``position``, ``visibility``) and its help-center slug."""
    active = func.count().filter(Faq.archived.is_(False))
    query = select(Faq.category, func.count(), active).group_by(Faq.category)
    settings = category_settings(session)
    rows = []
    for name, count, active_count in session.execute(query):
        row = settings.get(name) if name is not None else None
        rows.append(
            {
                "name": name,
                "count": count,
                "active": int(active_count or 0),
                "position": row.position if row else None,
                "visibility": row.visibility if row else PUBLIC,
                "slug": category_slug(name or OTHER),
            }
        )
    return sorted(rows, key=lambda row: (row["name"] is None, (row["name"] or "").casefold()))


def rename_category(
    session: Session, old: str, new: str | None, *, user_id: int | None, source: str
) -> list[Faq]:
    """Rename (or, with an existing name, merge into) a category; one revision per FAQ."""
    faqs = session.scalars(select(Faq).where(Faq.category == old).order_by(Faq.position)).all()
    if not faqs:
        raise ApiError(404, "not_found", f"No FAQ has the category {old!r}.")
    for faq in faqs:
        kb.update_faq(session, faq.id, {"category": new}, base_revision=None, user_id=user_id, source=source)
    renamed_category(session, old, kb.collapse(new or "") or None, user_id=user_id, source=source)
    return list(faqs)


def revision_json(row: FaqRevision, emails: dict[int, str]) -> dict[str, Any]:
    return {
        "id": row.id,
        "faq_id": row.faq_id,
        "revision": row.revision,
        "action": row.action,
        "source": row.source,
        "user_id": row.user_id,
        "user": emails.get(row.user_id) if row.user_id is not None else None,
        "created_at": iso(row.created_at),
        "before": row.before,
        "after": row.after,
        "changes": changes(row.before, row.after),
    }


def user_emails(session: Session, rows: list[FaqRevision]) -> dict[int, str]:
    return user_emails_by_id(session, {row.user_id for row in rows})


def user_emails_by_id(session: Session, ids: set[int | None]) -> dict[int, str]:
    ids = {i for i in ids if i is not None}
    if not ids:
        return {}
    return {row[0]: row[1] for row in session.execute(select(User.id, User.email).where(User.id.in_(ids)))}


def changes(before: dict | None, after: dict | None) -> list[dict[str, Any]]:
    """The fields that differ between two states, for showing a revision as a diff."""
    before, after = before or {}, after or {}
    result = []
    for name in STATE_FIELDS:
        old, new = before.get(name), after.get(name)
        if name == "learned":
            old = [item["text"] for item in old or []]
            new = [item["text"] for item in new or []]
        if old != new:
            result.append({"field": name, "before": old, "after": new})
    return result


def withhold_retired(
    session: Session, result: dict[str, Any], active: dict[str, Row] | None = None
) -> dict[str, Any]:
    """The engine's verdict without FAQs that are archived or deleted since the model was trained.

    An answer whose FAQ is retired becomes a handoff (a person should answer, not a withdrawn
    text); retired FAQs are dropped from the suggestions, and a suggestion list left empty is a
    handoff too.  ``faq_id``/``confidence`` stay the engine's best, as the batch contract says.

    ``active``: :func:`active_faqs` of ``result`` when the caller has it.
    """
    ids = _named_ids(result)
    if not ids:
        return result
    live = set(active if active is not None else active_faqs(session, result))
    if ids <= live:
        return result
    kept = dict(result, suggestions=[s for s in result.get("suggestions", []) if s["faq_id"] in live])
    retired_best = result.get("faq_id") not in live
    if (result["status"] == "answered" and retired_best) or (
        result["status"] == "suggested" and not kept["suggestions"]
    ):
        kept["status"] = "handoff"
    return kept


def active_faqs(session: Session, result: dict[str, Any]) -> dict[str, Row]:
    """The FAQs (as they are now) that the engine's ``result`` names and that are not archived:
    one look-up for both the retired check and the answer's text (this process's copy of the
    rows, :mod:`faqbot.web.kb.shown`, when the app keeps one)."""
    ids = _named_ids(result)
    if not ids:
        return {}
    shown = current_app.extensions.get(SHOWN_FAQS) if has_app_context() else None
    return shown.active(session, ids) if shown is not None else read_active(session, ids)


def _named_ids(result: dict[str, Any]) -> set[str]:
    """The FAQs an engine verdict names: its best and its suggestions."""
    ids = {result.get("faq_id")} | {s["faq_id"] for s in result.get("suggestions", [])}
    ids.discard(None)
    return ids
