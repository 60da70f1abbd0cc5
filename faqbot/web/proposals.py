"""Reviewing FAQs that staff proposed from their replies; shared by the admin API and pages."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from .errors import ApiError
from .tables import Faq, FaqPhrasing, ProposedFaq, utcnow


def pending(session: Session, proposal_id: int) -> ProposedFaq:
    proposal = session.get(ProposedFaq, proposal_id)
    if proposal is None:
        raise ApiError(404, "not_found", f"No proposed FAQ {proposal_id}.")
    if proposal.status != "pending":
        raise ApiError(409, "already_decided", f"Proposed FAQ {proposal_id} is {proposal.status}.")
    return proposal


def approve(session: Session, proposal_id: int) -> ProposedFaq:
    """Turn a proposal into an FAQ, with the visitor's wording; the next retrain uses it."""
    proposal = pending(session, proposal_id)
    faq_id = next_faq_id(session)
    position = (session.scalar(select(func.max(Faq.position))) or 0) + 1
    faq = Faq(
        id=faq_id,
        question=proposal.question,
        answer=proposal.answer,
        category=proposal.category,
        position=position,
    )
    if proposal.phrasing and proposal.phrasing != proposal.question:
        faq.phrasings = [FaqPhrasing(text=proposal.phrasing, position=0)]
    session.add(faq)
    proposal.status, proposal.faq_id, proposal.decided_at = "approved", faq_id, utcnow()
    session.commit()
    return proposal


def reject(session: Session, proposal_id: int) -> ProposedFaq:
    proposal = pending(session, proposal_id)
    proposal.status, proposal.decided_at = "rejected", utcnow()
    session.commit()
    return proposal


def next_faq_id(session: Session) -> str:
    """One more than the largest numeric FAQ id, so new FAQs continue the corpus's numbering."""
    numbers = [int(i) for i in session.scalars(select(Faq.id)) if i.isdigit()]
    return str(max(numbers, default=0) + 1)


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
