"""Choose answer and suggestion thresholds from questions with known answers.

An admin should pick a trade-off ("answer only when 90% sure"), not a magic
number; so thresholds are derived from a target precision, and the whole
precision-vs-coverage curve is kept for the admin to see.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

DEFAULT_TARGET_PRECISION = 0.95
DEFAULT_SUGGEST_PRECISION = 0.5
#: Thresholds at which the stored curve is sampled.
CURVE_GRID = np.round(np.linspace(0.0, 1.0, 101), 2)


def precision_coverage_curve(
    confidence: Sequence[float], correct: Sequence[bool], grid: Sequence[float] = CURVE_GRID
) -> list[dict[str, float]]:
    """Answered precision and coverage if every question at or above each threshold is answered.

    Coverage is the share of all questions answered; out-of-scope questions count
    in the denominator, so answering nonsense can only lower precision.
    """
    conf = np.asarray(confidence, dtype=float)
    ok = np.asarray(correct, dtype=bool)
    points = []
    for threshold in grid:
        answered = conf >= threshold
        n = int(answered.sum())
        points.append(
            {
                "threshold": float(threshold),
                "precision": float(ok[answered].mean()) if n else 1.0,
                "coverage": float(n / len(conf)) if len(conf) else 0.0,
                "answered": n,
            }
        )
    return points


def lowest_threshold_reaching(confidence: Sequence[float], correct: Sequence[bool], target: float) -> float:
    """Lowest threshold whose answered precision reaches ``target``; 1.0 when none does.

    Candidate thresholds are the observed confidences themselves, so the result is
    exact for the given questions rather than rounded to a grid.
    """
    conf = np.asarray(confidence, dtype=float)
    ok = np.asarray(correct, dtype=bool)
    if len(conf) == 0:
        return 1.0
    order = np.argsort(-conf, kind="stable")
    conf, ok = conf[order], ok[order]
    precision = np.cumsum(ok) / np.arange(1, len(ok) + 1)
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
) -> dict[str, float]:
    """Answer threshold for the target precision; a lower one where suggestions still help.

    Suggestions are worth showing while, among the questions that would get
    suggestions rather than an answer, the right FAQ is among them at least
    ``suggest_precision`` of the time.  (Counting the answered questions too would
    let their high hit rate drag the threshold down until nonsense got suggestions.)
    """
    answer = lowest_threshold_reaching(confidence, correct, target_precision)
    conf = np.asarray(confidence, dtype=float)
    below = conf < answer
    suggest = lowest_threshold_reaching(
        conf[below], np.asarray(hit_in_suggestions, dtype=bool)[below], suggest_precision
    )
    return {
        "answer": answer,
        "suggest": min(suggest, answer),
        "target_precision": float(target_precision),
        "suggest_precision": float(suggest_precision),
    }
