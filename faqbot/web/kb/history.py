"""FAQ history: list an FAQ's revisions and bring back any of them, even for a deleted FAQ."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from faqbot.web.core.errors import ApiError
from faqbot.web.core.tables import Faq, FaqRevision, LearnedPhrasing, Ticket, User
from faqbot.web.kb.publishing import PUBLIC
from faqbot.web.kb.service import (
    bump_revision,
    check_revision,
    end_position,
    next_revision,
    record_revision,
    set_phrasings,
    snapshot,
    text_key,
)

# --- history --------------------------------------------------------------------------------


def revision_state(row: FaqRevision) -> dict[str, Any]:
    """The FAQ as it was at this revision: its "after", or for a deletion what was deleted."""
    state = row.after if row.after is not None else row.before
    if state is None:  # cannot happen for rows written here; guards hand-edited history
        raise ApiError(409, "empty_revision", f"Revision {row.id} holds no state to restore.")
    return state


def history(session: Session, faq_id: str) -> list[FaqRevision]:
    """Newest first; 404 only when the id never existed (a deleted FAQ still has its history)."""
    rows = list(
        session.scalars(
            select(FaqRevision).where(FaqRevision.faq_id == faq_id).order_by(FaqRevision.id.desc())
        )
    )
    if not rows and session.get(Faq, faq_id) is None:
        raise ApiError(404, "not_found", f"No FAQ #{faq_id} and no history for it.")
    return rows


def restore(
    session: Session,
    faq_id: str,
    revision_id: int,
    *,
    base_revision: int | None = None,
    user_id: int | None,
    source: str,
) -> Faq:
    """Bring an FAQ back to the state of one of its revisions; re-creates a deleted FAQ.

    Learned phrasings of that state that are gone are re-added (when their ticket and author
    still exist, the link is kept); ones taught since are kept, because they are what visitors
    asked, not part of the edit being undone.
    """
    row = session.get(FaqRevision, revision_id)
    if row is None or row.faq_id != faq_id:
        raise ApiError(404, "not_found", f"FAQ #{faq_id} has no revision {revision_id}.")
    state = revision_state(row)
    faq = session.get(Faq, faq_id)
    if faq is None:
        return _recreate(session, faq_id, state, user_id, source)
    before = snapshot(faq, session)
    if _same_state(before, state):
        check_revision(faq, base_revision)
        return faq
    bump_revision(session, faq, base_revision)
    _apply_state(faq, state)
    _restore_learned(session, faq_id, state, before["learned"])
    record_revision(session, faq, "restored", before, user_id, source)
    return faq


def _same_state(current: dict[str, Any], state: dict[str, Any]) -> bool:
    fields = ("question", "answer", "category", "phrasings", "archived", "visibility", "pinned")
    learned_now = {text_key(item["text"]) for item in current["learned"]}
    missing = [item for item in state.get("learned", []) if text_key(item["text"]) not in learned_now]
    return all(current[f] == state.get(f, current[f]) for f in fields) and not missing


def _apply_state(faq: Faq, state: dict[str, Any]) -> None:
    faq.question, faq.answer = state["question"], state["answer"]
    faq.category = state.get("category")
    faq.archived = bool(state.get("archived", False))
    # States recorded before FAQs had a visibility keep the FAQ's (or the default).
    faq.visibility = state.get("visibility", faq.visibility or PUBLIC)
    faq.pinned = bool(state.get("pinned", faq.pinned or False))
    set_phrasings(faq, list(state.get("phrasings", [])))


def _recreate(session: Session, faq_id: str, state: dict[str, Any], user_id: int | None, source: str) -> Faq:
    faq = Faq(id=faq_id, position=end_position(session), revision=next_revision(session, faq_id))
    _apply_state(faq, state)
    session.add(faq)
    session.flush()
    _restore_learned(session, faq_id, state, [])
    record_revision(session, faq, "restored", None, user_id, source)
    return faq


def _restore_learned(session: Session, faq_id: str, state: dict[str, Any], current: list[dict]) -> None:
    present = {text_key(item["text"]) for item in current}
    for item in state.get("learned", []):
        if text_key(item["text"]) in present:
            continue
        present.add(text_key(item["text"]))
        ticket_id, author = item.get("ticket_id"), item.get("created_by")
        session.add(
            LearnedPhrasing(
                faq_id=faq_id,
                text=item["text"],
                ticket_id=ticket_id if ticket_id and session.get(Ticket, ticket_id) else None,
                created_by=author if author and session.get(User, author) else None,
            )
        )
    session.flush()
