"""JSON shapes of tickets, model versions and jobs, shared by the staff and admin APIs."""

from __future__ import annotations

from typing import Any

from .gate import summary
from .tables import Job, ModelVersion, Ticket, iso


def ticket_summary(ticket: Ticket) -> dict[str, Any]:
    return {
        "id": ticket.id,
        "status": ticket.status,
        "question": ticket.question,
        "reason": ticket.reason,
        "email": ticket.email,
        "created_at": iso(ticket.created_at),
        "answered_at": iso(ticket.answered_at),
        "closed_at": iso(ticket.closed_at),
        "resolution": ticket.resolution,
        "resolution_faq_id": ticket.resolution_faq_id,
    }


def ticket_detail(ticket: Ticket) -> dict[str, Any]:
    return {
        **ticket_summary(ticket),
        "session_id": ticket.session_id,
        "conversation": ticket.conversation,
        "suggestions": ticket.suggestions,
        "explanation": ticket.explanation,
        "messages": [
            {
                "id": m.id,
                "author": m.author,
                "user_id": m.user_id,
                "text": m.text,
                "created_at": iso(m.created_at),
                "emailed_at": iso(m.emailed_at),
            }
            for m in ticket.messages
        ],
    }


def model_version(row: ModelVersion) -> dict[str, Any]:
    """A version as listed: ``metrics`` are the engine's own (calibration) numbers, ``evaluation``
    the gate's summary of the held-out comparison made when it was trained (None for versions
    that were not compared, such as the first one)."""
    return {
        "version": row.version,
        "created_at": iso(row.created_at),
        "source": row.source,
        "metrics": row.metrics,
        "is_live": row.is_live,
        "activated_at": iso(row.activated_at),
        "state": row.state,
        "job_id": row.job_id,
        "thresholds": row.thresholds,
        "evaluation": summary(row.report) if row.report else None,
    }


def model_version_detail(row: ModelVersion) -> dict[str, Any]:
    """A version with its full candidate-versus-live report."""
    return {**model_version(row), "report": row.report}


def job(row: Job) -> dict[str, Any]:
    return {
        "id": row.id,
        "kind": row.kind,
        "status": row.status,
        "model_version": row.model_version,
        "error": row.error,
        "stage": row.stage,
        "progress": row.progress,
        "details": row.details,
        "requested_by": row.requested_by,
        "created_at": iso(row.created_at),
        "started_at": iso(row.started_at),
        "finished_at": iso(row.finished_at),
    }
