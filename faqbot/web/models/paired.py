"""Paired comparison of two models answering the same questions: how sure are we one is worse?

Each gated metric is a ratio of per-question sums (right answers over in-scope questions, right
answers over answered ones, ...), so one bootstrap serves them all: resample the questions with
replacement (the same resamples for both models, which is what makes it paired), recompute both
models' metric on each resample and take percentiles of the difference.  Where the metric is a
paired yes/no outcome on a fixed set of questions (top-1 accuracy, out-of-scope recall, coverage)
the verdict uses the exact McNemar test on the questions that changed, which stays honest when
only a handful changed; answered precision, whose denominator differs between the models, uses
the bootstrap bound.  The seed is fixed, so a report never changes when it is recomputed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

RESAMPLES = 2000
SEED = 20240612
CONFIDENCE = 0.95  # one-sided: "worse" means the upper bound of candidate - live is below 0
MIN_QUESTIONS = 20  # fewer relevant questions than this: not enough evidence either way
_CELLS = 500_000  # resampled questions drawn at a time (bounds memory for large sets)
_EPSILON = 1e-9


@dataclass(frozen=True)
class Outcomes:
    """Per-question yes/no outcomes of one model, in the order of the questions."""

    in_scope: np.ndarray
    right: np.ndarray  # the best FAQ is the expected one (never for out-of-scope questions)
    answered: np.ndarray
    handoff: np.ndarray


def outcomes(queries: Sequence, results: Sequence[dict[str, Any]]) -> Outcomes:
    """The outcomes of ``results`` (a model's answers to ``queries``), as the evaluation counts them."""
    truth = [q.faq_id for q in queries]
    return Outcomes(
        in_scope=np.array([t is not None for t in truth], dtype=bool),
        right=np.array([t is not None and r["faq_id"] == t for r, t in zip(results, truth)], dtype=bool),
        answered=np.array([r["status"] == "answered" for r in results], dtype=bool),
        # handed to a person or taken as small talk: what evaluate() counts as out-of-scope recall
        handoff=np.array([r["status"] in ("handoff", "smalltalk") for r in results], dtype=bool),
    )


def _parts(name: str, o: Outcomes) -> tuple[np.ndarray, np.ndarray]:
    """Numerator and denominator per question: the metric is sum(num) / sum(den)."""
    if name == "top1_accuracy":
        return o.right & o.in_scope, o.in_scope
    if name == "answered_precision":
        return o.right & o.answered, o.answered
    if name == "out_of_scope_recall":
        return o.handoff & ~o.in_scope, ~o.in_scope
    if name == "coverage":
        return o.answered, np.ones_like(o.answered)
    raise ValueError(f"unknown metric {name!r}")


BINARY = {"top1_accuracy", "out_of_scope_recall", "coverage"}  # same questions count for both


def _ratio(num: np.ndarray, den: np.ndarray) -> float | None:
    total = int(den.sum())
    return float(num.sum()) / total if total else None


def bootstrap_differences(
    names: Sequence[str], live: Outcomes, candidate: Outcomes, resamples: int = RESAMPLES, seed: int = SEED
) -> dict[str, np.ndarray]:
    """For each metric, candidate - live on each of ``resamples`` paired resamples (NaN where
    a resample leaves the metric undefined)."""
    n = len(live.in_scope)
    parts = {
        name: np.stack([*_parts(name, live), *_parts(name, candidate)]).astype(np.int32) for name in names
    }
    out: dict[str, list[np.ndarray]] = {name: [] for name in names}
    rng = np.random.default_rng(seed)
    chunk = max(1, _CELLS // max(n, 1))
    for start in range(0, resamples, chunk):
        index = rng.integers(0, n, size=(min(chunk, resamples - start), n))
        for name, stacked in parts.items():
            sums = stacked[:, index].sum(axis=2)  # (4, chunk): live num, live den, cand num, cand den
            with np.errstate(divide="ignore", invalid="ignore"):
                out[name].append(sums[2] / sums[3] - sums[0] / sums[1])
    return {name: np.concatenate(chunks) for name, chunks in out.items()}


def mcnemar(live_good: np.ndarray, candidate_good: np.ndarray) -> dict[str, Any]:
    """Exact McNemar test on paired yes/no outcomes: one-sided p-values for "candidate worse"
    and "candidate better", from the questions where the two disagree."""
    from scipy.stats import binom

    lost = int((live_good & ~candidate_good).sum())
    gained = int((~live_good & candidate_good).sum())
    changed = lost + gained
    worse = float(binom.sf(lost - 1, changed, 0.5)) if changed else 1.0
    better = float(binom.sf(gained - 1, changed, 0.5)) if changed else 1.0
    return {"lost": lost, "gained": gained, "p_worse": worse, "p_better": better}


def compare_metric(
    name: str, live: Outcomes, candidate: Outcomes, differences: np.ndarray, margin: float
) -> dict[str, Any]:
    """One metric's difference, interval, evidence and verdict.

    Verdicts: ``worse`` (confidently worse and by more than ``margin``: the only one that holds a
    candidate back), ``worse within the margin``, ``no clear difference``, ``better``, and
    ``not enough evidence`` (fewer than :data:`MIN_QUESTIONS` relevant questions, or undefined).
    """
    live_num, live_den = _parts(name, live)
    cand_num, cand_den = _parts(name, candidate)
    old, new = _ratio(live_num, live_den), _ratio(cand_num, cand_den)
    n = int((live_den | cand_den).sum())
    alpha = 1 - CONFIDENCE
    finite = differences[np.isfinite(differences)]
    check: dict[str, Any] = {
        "metric": name,
        "live": old,
        "candidate": new,
        "delta": None if old is None or new is None else new - old,
        "low": float(np.percentile(finite, 100 * alpha)) if len(finite) else None,
        "high": float(np.percentile(finite, 100 * CONFIDENCE)) if len(finite) else None,
        "interval": f"{round(100 * (1 - 2 * alpha))}%",
        "n": n,
        "test": "McNemar exact" if name in BINARY else "paired bootstrap",
        "p_value": None,
    }
    if min(int(live_den.sum()), int(cand_den.sum())) < MIN_QUESTIONS or check["delta"] is None:
        return check | {"verdict": "not enough evidence", "ok": True}
    if name in BINARY:
        relevant = live_den.astype(bool)
        test = mcnemar(live_num[relevant].astype(bool), cand_num[relevant].astype(bool))
        check.update(p_value=test["p_worse"], lost=test["lost"], gained=test["gained"])
        confidently_worse, confidently_better = test["p_worse"] < alpha, test["p_better"] < alpha
    else:
        confidently_worse = check["high"] is not None and check["high"] < 0
        confidently_better = check["low"] is not None and check["low"] > 0
    if confidently_worse and check["delta"] < -margin - _EPSILON:
        verdict = "worse"
    elif confidently_worse:
        verdict = "worse within the margin"
    elif confidently_better:
        verdict = "better"
    else:
        verdict = "no clear difference"
    return check | {"verdict": verdict, "ok": verdict != "worse"}
