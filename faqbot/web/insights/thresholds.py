"""Answer and suggestion thresholds an admin sets without retraining, and what they would change.

The admin chooses either explicit thresholds or a target precision ("answer when at least 90% of
answers are right"); see :mod:`faqbot.web.models.overrides`.  The choice lives in
``ModelVersion.thresholds`` of the live row, so every serving process picks it up through
:class:`~faqbot.web.models.store.LiveModel` within ``MODEL_CHECK_INTERVAL``.  A retrain carries it
over to the new version as what it is (a target is re-applied to the new version's own curve), and
the gate judges the candidate with it; "reset to the model's own" removes it.
Each change is recorded as an ``AuditEvent`` of kind ``thresholds``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from faqbot.web.core.errors import ApiError
from faqbot.web.core.tables import AuditEvent, Feedback, ModelVersion, Query, Ticket, User, utcnow
from faqbot.web.models import overrides
from faqbot.web.models.store import UnknownVersion, version_path

AUDIT_KIND = "thresholds"
BOT_DECISIONS = ("answered", "suggested", "handoff")
MAX_PREVIEW_DAYS = 365


@dataclass
class ThresholdState:
    """The live version's thresholds: its own (from training), the admin's override, and the result."""

    version: str
    model: dict[str, float]
    override: dict[str, float] | None
    curve: list[dict[str, float]]
    choice: dict[str, Any] | None = None  # the stored choice: explicit, or a target precision

    @property
    def effective(self) -> dict[str, float]:
        return dict(self.override or self.model)

    @property
    def mode(self) -> str:
        """``model`` (its own thresholds), ``explicit`` or ``target_precision``."""
        return overrides.mode(self.choice) or "model"

    @property
    def target(self) -> float | None:
        return float(self.choice[overrides.TARGET]) if self.mode == overrides.TARGET else None

    @property
    def meaning(self) -> dict[str, float] | None:
        """Precision and coverage of the live version at the answer threshold in use (its curve)."""
        return curve_at(self.curve, self.effective["answer"])

    def as_json(self) -> dict[str, Any]:
        return {
            "version": self.version,
            "model": self.model,
            "override": self.override,
            "effective": self.effective,
            "source": "override" if self.override else "model",
            "choice": {"mode": self.mode, "target_precision": self.target},
            "meaning": self.meaning,
            "curve": self.curve,
        }


def current_state(session: Session, models_dir: str) -> ThresholdState:
    """The live version's thresholds and curve, read from its manifest (no model load needed)."""
    row = _live_row(session)
    return _state(row, models_dir)


def _live_row(session: Session, for_update: bool = False) -> ModelVersion:
    stmt = select(ModelVersion).where(ModelVersion.is_live.is_(True))
    row = session.scalar(stmt.with_for_update() if for_update else stmt)
    if row is None:
        raise ApiError(503, "model_unavailable", "No model version is live yet.")
    return row


def _state(row: ModelVersion, models_dir: str) -> ThresholdState:
    from faqbot.engine.artifact import ModelError, read_manifest  # the engine, imported lazily

    try:
        manifest = read_manifest(version_path(models_dir, row.version))
    except (ModelError, UnknownVersion) as error:
        raise ApiError(503, "model_unavailable", f"Cannot read the live model's manifest: {error}") from None
    own = manifest.get("thresholds") or {}
    model = {"answer": float(own.get("answer", 1.0)), "suggest": float(own.get("suggest", 1.0))}
    override = _clean(row.thresholds)
    choice = dict(row.thresholds) if override else None
    return ThresholdState(row.version, model, override, list(manifest.get("curve") or []), choice)


def _clean(override: dict[str, Any] | None) -> dict[str, float] | None:
    if not override:
        return None
    return {"answer": float(override["answer"]), "suggest": float(override["suggest"])}


def validate(answer: Any, suggest: Any) -> tuple[float, float]:
    """Two numbers with 0 <= suggest <= answer <= 1, or a 400 that says which rule failed."""
    values = []
    for name, value in (("answer", answer), ("suggest", suggest)):
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            raise ApiError(400, "invalid_thresholds", f"'{name}' must be a number between 0 and 1.")
        if not 0.0 <= value <= 1.0:
            raise ApiError(400, "invalid_thresholds", f"'{name}' must be between 0 and 1 (got {value}).")
        values.append(float(value))
    if values[1] > values[0]:
        raise ApiError(
            400,
            "invalid_thresholds",
            f"The suggestion threshold ({values[1]}) must not exceed the answer threshold ({values[0]}).",
        )
    return values[0], values[1]


def validate_target(value: Any) -> float:
    """A target precision: a number above 0 and at most 1, or a 400."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise ApiError(400, "invalid_target", "'target_precision' must be a number between 0 and 1.")
    if not 0.0 < value <= 1.0:
        raise ApiError(
            400, "invalid_target", f"'target_precision' must be above 0 and at most 1 (got {value})."
        )
    return float(value)


def for_target(state: ThresholdState, target: float) -> dict[str, Any]:
    """A target precision resolved on the live version's curve (409 when it has none)."""
    if not state.curve:
        raise ApiError(
            409, "no_curve", "This model has no precision-coverage curve; set explicit thresholds instead."
        )
    return overrides.for_target(target, state.curve, state.model)


def parse_form_number(text: str | None, name: str) -> float:
    """A threshold typed into the page's form; same errors as the API."""
    try:
        return float((text or "").strip())
    except ValueError:
        raise ApiError(400, "invalid_thresholds", f"'{name}' must be a number between 0 and 1.") from None


def set_thresholds(
    session: Session,
    models_dir: str,
    answer: float | None,
    suggest: float | None,
    user_id: int | None,
    expected_version: str | None = None,
    target: float | None = None,
) -> ThresholdState:
    """Override the live version's thresholds: explicit ``answer`` and ``suggest``, or a
    ``target`` precision (resolved on its curve, and re-applied to each retrained version);
    ``None`` for all three: back to the model's own.

    ``expected_version`` guards against a version switch between viewing the page and saving:
    thresholds chosen for one model's curve should not silently land on another.
    """
    row = _live_row(session, for_update=True)
    if expected_version is not None and row.version != expected_version:
        raise ApiError(
            409,
            "version_changed",
            f"The live model is now {row.version}, not {expected_version}; review its curve first.",
        )
    before = _state(row, models_dir)
    if target is not None:
        row.thresholds = for_target(before, target)
    else:
        row.thresholds = None if answer is None else {"answer": answer, "suggest": suggest}
    after = _state(row, models_dir)
    session.add(
        AuditEvent(
            kind=AUDIT_KIND,
            subject=row.version,
            user_id=user_id,
            before=_audit_record(before),
            after=_audit_record(after),
        )
    )
    session.commit()
    return after


def _audit_record(state: ThresholdState) -> dict[str, Any]:
    record = {**state.effective, "source": "override" if state.override else "model", "mode": state.mode}
    if state.target is not None:
        record["target_precision"] = state.target
    return record


def history(session: Session, limit: int = 50) -> list[dict[str, Any]]:
    """Recent threshold changes, newest first, with who made them."""
    rows = session.execute(
        select(AuditEvent, User.email)
        .outerjoin(User, User.id == AuditEvent.user_id)
        .where(AuditEvent.kind == AUDIT_KIND)
        .order_by(AuditEvent.id.desc())
        .limit(limit)
    ).all()
    return [
        {
            "at": event.created_at,
            "version": event.subject,
            "user": email,
            "before": event.before,
            "after": event.after,
        }
        for event, email in rows
    ]


def curve_at(curve: list[dict[str, float]], threshold: float) -> dict[str, float] | None:
    """Expected precision and coverage at ``threshold``, interpolated between the stored grid points."""
    points = sorted(curve, key=lambda p: p["threshold"])
    if not points:
        return None
    below = [p for p in points if p["threshold"] <= threshold] or points[:1]
    above = [p for p in points if p["threshold"] >= threshold] or points[-1:]
    low, high = below[-1], above[0]
    span = high["threshold"] - low["threshold"]
    weight = (threshold - low["threshold"]) / span if span else 0.0
    estimate = {key: low[key] + (high[key] - low[key]) * weight for key in ("precision", "coverage")}
    return {"threshold": threshold, **estimate}


def validate_days(value: Any) -> int:
    """The what-if window in days: a whole number from 1 to ``MAX_PREVIEW_DAYS``."""
    try:
        days = int(value)
    except (TypeError, ValueError):
        days = 0
    if isinstance(value, bool) or not 1 <= days <= MAX_PREVIEW_DAYS:
        raise ApiError(400, "invalid_days", f"'days' must be a whole number from 1 to {MAX_PREVIEW_DAYS}.")
    return days


def _outcomes(answer: float, suggest: float, forced) -> tuple:
    """SQL sums of the questions answered and suggested with these thresholds.

    Only the best confidence decides the status (see ``FaqModel.status_for``), so the stored
    confidence is enough to recompute it; ``forced`` rows stay handoffs whatever the thresholds.
    """
    answered = func.sum(case((forced, 0), (Query.confidence >= answer, 1), else_=0))
    suggested = func.sum(
        case((forced, 0), (Query.confidence >= answer, 0), (Query.confidence >= suggest, 1), else_=0)
    )
    return answered, suggested


def preview(session: Session, state: ThresholdState, answer: float, suggest: float, days: int) -> dict:
    """What the last ``days`` of traffic would have got with these thresholds, versus now.

    Recomputed from each logged question's stored best confidence.  Questions whose visitor asked
    for a person, or with no candidate FAQ at all, stay handoffs; follow-ups in a conversation
    staff took over are not bot decisions and are left out.  Confidences logged by an older
    model version are used as they are (``other_versions`` counts them).
    """
    now = state.effective
    since = utcnow() - timedelta(days=days)
    forced = (Query.faq_id.is_(None)) | (func.coalesce(Ticket.reason, "") == "requested")
    cur_answered, cur_suggested = _outcomes(now["answer"], now["suggest"], forced)
    new_answered, new_suggested = _outcomes(answer, suggest, forced)
    other = func.sum(case((func.coalesce(Query.model_version, "") != state.version, 1), else_=0))
    row = session.execute(
        select(func.count(Query.id), cur_answered, cur_suggested, new_answered, new_suggested, other)
        .select_from(Query)
        .outerjoin(Ticket, Ticket.id == Query.ticket_id)
        .where(Query.created_at >= since, Query.decision.in_(BOT_DECISIONS))
    ).one()
    total = int(row[0])
    current = _split(total, row[1], row[2])
    proposed = _split(total, row[3], row[4])
    return {
        "days": days,
        "since": since.isoformat(),
        "questions": total,
        "other_versions": int(row[5] or 0),
        "current": {"thresholds": now, **current},
        "proposed": {"thresholds": {"answer": answer, "suggest": suggest}, **proposed},
        "curve_current": curve_at(state.curve, now["answer"]),
        "curve_proposed": curve_at(state.curve, answer),
        "feedback_current": _helpful_above(session, since, now["answer"]),
        "feedback_proposed": _helpful_above(session, since, answer),
    }


def _split(total: int, answered, suggested) -> dict[str, Any]:
    answered, suggested = int(answered or 0), int(suggested or 0)
    counts = {"answered": answered, "suggested": suggested, "handoff": total - answered - suggested}
    shares = {key: (value / total if total else None) for key, value in counts.items()}
    return {"counts": counts, "shares": shares}


def _helpful_above(session: Session, since, threshold: float) -> dict[str, Any]:
    """Visitors' votes on answers given at or above ``threshold`` (only answers were voted on)."""
    votes, helpful = session.execute(
        select(func.count(Feedback.id), func.sum(case((Feedback.helpful.is_(True), 1), else_=0)))
        .join(Query, Query.id == Feedback.query_id)
        .where(
            Query.created_at >= since,
            Query.decision == "answered",
            Query.confidence >= threshold,
        )
    ).one()
    votes, helpful = int(votes or 0), int(helpful or 0)
    return {"votes": votes, "helpful": helpful, "rate": helpful / votes if votes else None}
