"""Quality measures: top-1 accuracy, thresholds picked on validation, hand-off recall."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from benchmarks.peers import Prediction


def threshold_at_oos_recall(oos_scores: Sequence[float], recall: float) -> float:
    """The lowest score threshold below which at least ``recall`` of ``oos_scores`` fall.

    A question scoring strictly below the threshold is handed off.  The threshold
    sits halfway between the last out-of-scope score handed off and the next one;
    when they tie, just above the tie, so the share handed off can exceed
    ``recall`` (the report shows the share actually reached on validation).
    """
    if not 0.0 < recall <= 1.0:
        raise ValueError("recall must be in (0, 1]")
    scores = np.sort(np.asarray(oos_scores, dtype=float))
    if scores.size == 0:
        raise ValueError("no out-of-scope scores")
    k = math.ceil(round(recall * scores.size, 9))  # this many must fall below
    last = scores[k - 1]
    if k == scores.size or scores[k] == last:
        return float(np.nextafter(last, math.inf))
    return float((last + scores[k]) / 2.0)


def handed_off(scores: Sequence[float], threshold: float) -> float:
    """Share of scores strictly below ``threshold`` (out-of-scope recall for OOS questions)."""
    values = np.asarray(scores, dtype=float)
    return float((values < threshold).mean()) if values.size else 0.0


def accuracy(predictions: Sequence[Prediction], truth: Sequence[str], threshold: float = -math.inf) -> float:
    """Share answered with the right FAQ: right id AND score at or above ``threshold``."""
    right = [p_id == t and score >= threshold for (p_id, score), t in zip(predictions, truth, strict=True)]
    return float(np.mean(right)) if right else 0.0


def scores_of(predictions: Sequence[Prediction]) -> list[float]:
    return [score for _, score in predictions]


def reliability(
    confidences: Sequence[float], correct: Sequence[bool], bins: int = 10
) -> list[dict[str, float]]:
    """Equal-width confidence bins: questions, mean confidence and share right in each.

    A confidence of exactly 1.0 falls in the last bin; empty bins are left out.
    """
    conf = np.asarray(confidences, dtype=float)
    right = np.asarray(correct, dtype=float)
    if conf.shape != right.shape:
        raise ValueError("confidences and correct must have the same length")
    which = np.minimum((conf * bins).astype(int), bins - 1)
    rows = []
    for b in range(bins):
        inside = which == b
        if inside.any():
            rows.append(
                {
                    "low": b / bins,
                    "high": (b + 1) / bins,
                    "count": int(inside.sum()),
                    "confidence": float(conf[inside].mean()),
                    "accuracy": float(right[inside].mean()),
                }
            )
    return rows


def expected_calibration_error(rows: Sequence[dict[str, float]]) -> float:
    """ECE of :func:`reliability` rows: the gap between confidence and accuracy, weighted by
    each bin's share of the questions (Guo et al. 2017, equal-width bins)."""
    total = sum(r["count"] for r in rows)
    if not total:
        return 0.0
    return float(sum(r["count"] * abs(r["accuracy"] - r["confidence"]) for r in rows) / total)
