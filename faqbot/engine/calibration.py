"""Choose answer and suggestion thresholds from questions with known answers.

An admin should pick a trade-off ("answer only when 90% sure"), not a magic
number; so thresholds are derived from a target precision, and the whole
precision-vs-coverage curve is kept for the admin to see.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from sklearn.isotonic import IsotonicRegression

DEFAULT_TARGET_PRECISION = 0.95
DEFAULT_SUGGEST_PRECISION = 0.5
#: Thresholds at which the stored curve is sampled.
CURVE_GRID = np.round(np.linspace(0.0, 1.0, 101), 2)


def precision_coverage_curve(
    confidence: Sequence[float],
    correct: Sequence[bool],
    grid: Sequence[float] = CURVE_GRID,
    weights: Sequence[float] | None = None,
) -> list[dict[str, float]]:
    """Answered precision and coverage if every question at or above each threshold is answered.

    Coverage is the share of all questions answered; out-of-scope questions count
    in the denominator, so answering nonsense can only lower precision.  ``weights``
    (default 1 each) let a question stand for more or fewer visitors' questions.
    """
    conf = np.asarray(confidence, dtype=float)
    ok = np.asarray(correct, dtype=bool)
    w = np.ones(len(conf)) if weights is None else np.asarray(weights, dtype=float)
    total = float(w.sum())
    points = []
    for threshold in grid:
        answered = conf >= threshold
        mass = float(w[answered].sum())
        points.append(
            {
                "threshold": float(threshold),
                "precision": float(w[answered & ok].sum() / mass) if mass > 0 else 1.0,
                "coverage": mass / total if total > 0 else 0.0,
                "answered": int(answered.sum()),
            }
        )
    return points


def lowest_threshold_reaching(
    confidence: Sequence[float],
    correct: Sequence[bool],
    target: float,
    weights: Sequence[float] | None = None,
) -> float:
    """Lowest threshold whose answered precision reaches ``target``; 1.0 when none does.

    Candidate thresholds are the observed confidences themselves, so the result is
    exact for the given questions rather than rounded to a grid.
    """
    conf = np.asarray(confidence, dtype=float)
    ok = np.asarray(correct, dtype=bool)
    if len(conf) == 0:
        return 1.0
    w = np.ones(len(conf)) if weights is None else np.asarray(weights, dtype=float)
    order = np.argsort(-conf, kind="stable")
    conf, ok, w = conf[order], ok[order], w[order]
    precision = np.cumsum(w * ok) / np.maximum(np.cumsum(w), 1e-12)
    # A threshold t answers every question with confidence >= t: evaluate at the last
    # index of each run of equal confidences.
    last_of_run = np.r_[conf[1:] != conf[:-1], True]
    reaching = np.flatnonzero(last_of_run & (precision >= target))
    if len(reaching) == 0:
        return 1.0
    return float(conf[reaching[-1]])


def choose_thresholds(
    confidence: Sequence[float],
    correct: Sequence[bool],
    hit_in_suggestions: Sequence[bool],
    target_precision: float = DEFAULT_TARGET_PRECISION,
    suggest_precision: float = DEFAULT_SUGGEST_PRECISION,
    weights: Sequence[float] | None = None,
) -> dict[str, float]:
    """Answer threshold for the target precision; a lower one where suggestions still help.

    Suggestions are worth showing to a question when, at its confidence, the right FAQ is among
    them at least ``suggest_precision`` of the time.  That is a local rate (an isotonic fit of
    "right FAQ among the suggestions" on confidence, below the answer threshold): a cumulative
    one let the many well-placed questions just under the answer threshold carry the rate
    down to nonsense, and off-topic questions got "did you mean" instead of a person.
    """
    answer = lowest_threshold_reaching(confidence, correct, target_precision, weights)
    conf = np.asarray(confidence, dtype=float)
    w = np.ones(len(conf)) if weights is None else np.asarray(weights, dtype=float)
    below = conf < answer
    suggest = lowest_locally_reaching(
        conf[below], np.asarray(hit_in_suggestions, dtype=bool)[below], suggest_precision, w[below]
    )
    return {
        "answer": answer,
        "suggest": min(suggest, answer),
        "target_precision": float(target_precision),
        "suggest_precision": float(suggest_precision),
    }


def lowest_locally_reaching(
    confidence: np.ndarray, hit: np.ndarray, target: float, weights: np.ndarray
) -> float:
    """Lowest confidence from which an isotonic (non-decreasing) fit of ``hit`` reaches ``target``;
    1.0 when it never does."""
    if len(confidence) == 0:
        return 1.0
    fitted = IsotonicRegression(increasing=True, out_of_bounds="clip").fit(
        confidence, hit.astype(float), sample_weight=weights
    )
    rate = fitted.predict(confidence)
    reaching = confidence[rate >= target]
    return float(reaching.min()) if len(reaching) else 1.0
