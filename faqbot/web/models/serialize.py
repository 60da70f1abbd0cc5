"""JSON shapes of model versions and retrain jobs for the admin API."""

from __future__ import annotations

from typing import Any

from faqbot.web.core.tables import Job, ModelVersion, iso
from faqbot.web.models.gate import summary


def model_version(row: ModelVersion, described: dict[str, Any] | None = None) -> dict[str, Any]:
    """A version as listed: ``metrics`` are the engine's own (calibration) numbers, ``evaluation``
    the gate's summary of the held-out comparison made when it was trained (None for versions
    that were not compared, such as the first one); ``described`` is its entry of
    :func:`faqbot.web.models.summary.summaries` (what it holds and changed)."""
    described = described or {}
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
        "contents": described.get("contents", row.contents),
        "previous": described.get("previous"),
        "summary": described.get("summary"),
    }


def model_version_detail(row: ModelVersion, described: dict[str, Any] | None = None) -> dict[str, Any]:
    """A version with its full candidate-versus-live report."""
    return {**model_version(row, described), "report": row.report}


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
