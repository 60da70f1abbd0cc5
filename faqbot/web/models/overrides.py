"""An admin's threshold choice, kept as what they chose, and applied to any model version.

Two kinds of choice, both stored in ``ModelVersion.thresholds`` of the version they apply to:

- **explicit thresholds** ``{"answer": a, "suggest": s}``: a confidence is a calibrated
  probability, so "answer from 0.6" means the same for the next version and is carried as it is;
- **a target precision** ``{"mode": "target_precision", "target_precision": p, "answer": a,
  "suggest": s, ...}``: "answer when at least p of the answers are right".  Each version has its
  own precision-coverage curve (measured on its calibration questions), so the target is
  re-applied to every new version's curve: the answer threshold is the lowest point of the curve
  whose precision reaches ``p``, the suggestion threshold the version's own (never above it).

Either way ``answer`` and ``suggest`` are what the version decides with (see
:func:`faqbot.web.models.store.apply_thresholds`), so serving never needs the curve.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

TARGET = "target_precision"
EXPLICIT = "explicit"


def mode(choice: Mapping[str, Any] | None) -> str | None:
    """``explicit``, ``target_precision``, or None for the model's own thresholds."""
    if not choice:
        return None
    return TARGET if choice.get("mode") == TARGET else EXPLICIT


def threshold_for_precision(curve: Sequence[Mapping[str, float]], target: float) -> tuple[float, dict | None]:
    """The lowest threshold of ``curve`` whose answered precision reaches ``target``, and that
    point; ``(1.0, None)`` when no threshold that still answers something reaches it."""
    for point in sorted(curve, key=lambda p: float(p["threshold"])):
        if int(point.get("answered", 1)) > 0 and float(point["precision"]) >= target:
            return float(point["threshold"]), dict(point)
    return 1.0, None


def for_target(
    target: float, curve: Sequence[Mapping[str, float]], own: Mapping[str, float]
) -> dict[str, Any]:
    """A target-precision choice resolved on one version's curve."""
    answer, point = threshold_for_precision(curve, target)
    suggest = min(float(own.get("suggest", answer)), answer)
    resolved: dict[str, Any] = {"mode": TARGET, "target_precision": float(target)}
    resolved.update(answer=answer, suggest=suggest, reached=point is not None)
    if point is not None:
        resolved.update(precision=float(point["precision"]), coverage=float(point["coverage"]))
    return resolved


def carry(choice: Mapping[str, Any] | None, model: Any) -> dict[str, Any] | None:
    """The choice as it applies to ``model`` (an engine model with ``curve`` and ``thresholds``):
    explicit thresholds unchanged, a target precision re-applied to the model's own curve."""
    if mode(choice) is None:
        return None
    if mode(choice) == EXPLICIT:
        return {"answer": float(choice["answer"]), "suggest": float(choice["suggest"])}
    curve = list(getattr(model, "curve", None) or [])
    own = dict(getattr(model, "thresholds", None) or {})
    if not curve:  # nothing to read a precision from: the version's own calibrated thresholds
        fallback = {"answer": float(own.get("answer", 1.0)), "suggest": float(own.get("suggest", 1.0))}
        return {"mode": TARGET, "target_precision": float(choice[TARGET]), **fallback, "reached": False}
    return for_target(float(choice[TARGET]), curve, own)
