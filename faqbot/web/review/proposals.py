"""Reviewing FAQs that staff proposed from their replies; shared by the admin API and pages.

``next_faq_id`` lives in :mod:`kb` now and is re-exported here for existing callers.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from faqbot.web.core.errors import ApiError
from faqbot.web.core.tables import ProposedFaq, utcnow
from faqbot.web.kb.service import create_faq, text_key
from faqbot.web.kb.service import next_faq_id as next_faq_id  # re-exported for existing callers


def pending(session: Session, proposal_id: int) -> ProposedFaq:
    proposal = session.get(ProposedFaq, proposal_id)
    if proposal is None:
        raise ApiError(404, "not_found", f"No proposed FAQ {proposal_id}.")
    if proposal.status != "pending":
        raise ApiError(409, "already_decided", f"Proposed FAQ {proposal_id} is {proposal.status}.")
    return proposal


def approve(session: Session, proposal_id: int, user_id: int | None = None) -> ProposedFaq:
    """Turn a proposal into an FAQ, with the visitor's wording; the next retrain uses it."""
    proposal = pending(session, proposal_id)
    wording = proposal.phrasing
    phrasings = [wording] if wording and text_key(wording) != text_key(proposal.question) else []
    faq = create_faq(
        session,
        question=proposal.question,
        answer=proposal.answer,
        category=proposal.category,
        phrasings=phrasings,
        user_id=user_id,
        source="proposal",
    )
    proposal.status, proposal.faq_id, proposal.decided_at = "approved", faq.id, utcnow()
    session.commit()
    return proposal


def reject(session: Session, proposal_id: int) -> ProposedFaq:
    proposal = pending(session, proposal_id)
    proposal.status, proposal.decided_at = "rejected", utcnow()
    session.commit()
    return proposal


def as_json(row: ProposedFaq) -> dict:
    return {
        "id": row.id,
        "question": row.question,
        "answer": row.answer,
        "category": row.category,
        "phrasing": row.phrasing,
        "ticket_id": row.ticket_id,
        "status": row.status,
        "faq_id": row.faq_id,
    }
