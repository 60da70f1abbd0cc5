"""The retrain gate: compare a candidate model with the live one on questions neither has seen.

The held-out questions are the labelled evaluation file (``EVAL_QUERIES``, minus rows naming
FAQs the corpus no longer has) plus a share of the phrasings staff taught the bot since the live
model was trained.  Which learned phrasings are held out is decided by a hash of their
normalised text, so the choice is the same in every process and on every run, and a phrasing
never drifts between the held-out and the training side.

The gate looks at three numbers, each from :func:`faqbot.evaluation.evaluate` on the same
questions: top-1 accuracy, answered precision and out-of-scope recall.  The candidate passes when
none of them is lower than the live model's by more than the tolerance.  Coverage is reported but
not gated: the engine trades it against precision by design.
"""

from __future__ import annotations

import hashlib
from collections.abc import Collection, Sequence
from pathlib import Path
from typing import Any

from faqbot.text import normalize

GATED_METRICS = ("top1_accuracy", "answered_precision", "out_of_scope_recall")
LABELS = {
    "top1_accuracy": "top-1 accuracy",
    "answered_precision": "answered precision",
    "out_of_scope_recall": "out-of-scope recall",
}
REPORTED_METRICS = (
    "top1_accuracy",
    "answered_precision",
    "coverage",
    "out_of_scope_recall",
    "in_scope_answered_correctly",
    "mrr_at_5",
)
COUNTS = ("questions", "in_scope", "out_of_scope")
MAX_CHANGES = 300  # changed questions kept in a report (the counts cover all of them)
_EPSILON = 1e-9  # float noise must not fail a candidate that is exactly at the tolerance
_VERDICT_ORDER = {"worse": 0, "better": 1, "different": 2}


def is_held_out(text: str, share: float) -> bool:
    """Whether a learned phrasing is kept out of training, from a hash of its normalised text."""
    if share <= 0:
        return False
    digest = hashlib.sha256(normalize(text).encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big") / 2**64 < share


def evaluation_questions(
    eval_path: str | None, known_ids: Collection[str], held_out: Sequence[tuple[str, str]]
) -> tuple[list, dict[str, int]]:
    """The labelled file's usable rows plus the held-out ``(text, faq_id)`` phrasings.

    A missing or malformed ``EVAL_QUERIES`` file raises :class:`faqbot.corpus.CorpusError`
    (naming the file and line), so a misconfiguration fails the retrain loudly.
    """
    from faqbot.labelled import LabelledQuery, load_labelled

    known = set(known_ids)
    labelled = load_labelled(eval_path) if eval_path else []
    usable = [q for q in labelled if q.faq_id is None or q.faq_id in known]
    phrasings = [LabelledQuery(text, faq_id, 0) for text, faq_id in held_out if faq_id in known]
    sources = {
        "eval_file": Path(eval_path).name if eval_path else None,
        "labelled": len(usable),
        "labelled_dropped": len(labelled) - len(usable),
        "held_out_phrasings": len(phrasings),
    }
    return usable + phrasings, sources


def measure(model: Any, queries: Sequence) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The model's metrics on ``queries`` and its answer to each (in order)."""
    from faqbot.evaluation import evaluate

    full = evaluate(model, queries)
    metrics = {name: full[name] for name in (*COUNTS, *REPORTED_METRICS)}
    metrics["thresholds"] = full["thresholds"]
    return metrics, model.ask_many([q.question for q in queries])


def _outcome(result: dict[str, Any]) -> dict[str, Any]:
    shown = result["status"] != "handoff"
    return {
        "status": result["status"],
        "faq_id": result["faq_id"] if shown else None,
        "confidence": result["confidence"],
    }


def _score(outcome: dict[str, Any], expected: str | None) -> int:
    """How well the visitor is served.  In scope: the right answer 2, the right FAQ suggested
    first 1, a handoff or other suggestions 0, a wrong answer -1.  Out of scope: a handoff 2,
    suggestions 1, any answer -1."""
    status, faq_id = outcome["status"], outcome["faq_id"]
    if expected is None:
        return {"handoff": 2, "suggested": 1}.get(status, -1)
    if status == "answered":
        return 2 if faq_id == expected else -1
    return 1 if status == "suggested" and faq_id == expected else 0


def changed_questions(
    queries: Sequence, live: Sequence[dict[str, Any]], candidate: Sequence[dict[str, Any]]
) -> list[dict[str, Any]]:
    """Questions whose status or shown FAQ differs: regressions first, the largest ones first."""
    changes, deltas = [], []
    for query, old, new in zip(queries, live, candidate):
        before, after = _outcome(old), _outcome(new)
        if (before["status"], before["faq_id"]) == (after["status"], after["faq_id"]):
            continue
        delta = _score(after, query.faq_id) - _score(before, query.faq_id)
        verdict = "better" if delta > 0 else "worse" if delta < 0 else "different"
        changes.append(
            {"question": query.question, "expected": query.faq_id, "live": before, "candidate": after}
            | {"verdict": verdict}
        )
        deltas.append(delta)
    ranked = sorted(zip(changes, deltas), key=lambda cd: (_VERDICT_ORDER[cd[0]["verdict"]], -abs(cd[1])))
    return [change for change, _ in ranked]


def decide(
    candidate: dict[str, Any] | None, live: dict[str, Any] | None, tolerance: float, why_no_live: str
) -> dict[str, Any]:
    """The gate's verdict: ``{"promote", "reason", "checks"}``."""
    if candidate is None or not candidate["questions"]:
        reason = "no held-out questions to compare on (set EVAL_QUERIES); promoted without a comparison"
        return {"promote": True, "reason": reason, "checks": []}
    if live is None:
        return {"promote": True, "reason": why_no_live, "checks": []}
    checks = [_check(name, candidate[name], live[name], tolerance) for name in GATED_METRICS]
    failed = [c for c in checks if not c["ok"]]
    if not failed:
        names = ", ".join(LABELS[name] for name in GATED_METRICS)
        reason = f"not worse than the live model beyond {tolerance:g} on {names}"
        return {"promote": True, "reason": reason, "checks": checks}
    worse = "; ".join(f"{LABELS[c['metric']]} {_fmt(c['live'])} -> {_fmt(c['candidate'])}" for c in failed)
    reason = f"worse than the live model beyond the tolerance {tolerance:g}: {worse}"
    return {"promote": False, "reason": reason, "checks": checks}


def _check(name: str, candidate: float | None, live: float | None, tolerance: float) -> dict[str, Any]:
    """A metric the live model cannot be measured on passes; one only the candidate lost fails."""
    if live is None:
        ok, delta = True, None
    elif candidate is None:
        ok, delta = False, None
    else:
        delta = candidate - live
        ok = delta >= -tolerance - _EPSILON
    return {"metric": name, "live": live, "candidate": candidate, "delta": delta, "ok": ok}


def _fmt(value: float | None) -> str:
    return "n/a" if value is None else f"{100 * value:.1f}%"


def compare(
    queries: Sequence,
    candidate: tuple[dict[str, Any], list[dict[str, Any]]] | None,
    live: tuple[dict[str, Any], list[dict[str, Any]]] | None,
    tolerance: float,
    why_no_live: str = "no live model to compare with",
) -> dict[str, Any]:
    """The report stored with the candidate version: metrics side by side, gate, changes."""
    candidate_metrics = candidate[0] if candidate else None
    live_metrics = live[0] if live else None
    changes = changed_questions(queries, live[1], candidate[1]) if candidate and live else []
    counts = {verdict: 0 for verdict in _VERDICT_ORDER}
    for change in changes:
        counts[change["verdict"]] += 1
    return {
        "tolerance": tolerance,
        "gated_metrics": list(GATED_METRICS),
        "candidate": candidate_metrics,
        "live": live_metrics,
        "gate": decide(candidate_metrics, live_metrics, tolerance, why_no_live),
        "change_counts": counts,
        "changes": changes[:MAX_CHANGES],
    }


def summary(report: dict[str, Any]) -> dict[str, Any]:
    """The few numbers a version list or a job shows."""

    def pick(metrics: dict[str, Any] | None) -> dict[str, Any] | None:
        if metrics is None:
            return None
        return {name: metrics.get(name) for name in ("questions", *GATED_METRICS, "coverage")}

    return {
        "promote": report["gate"]["promote"],
        "reason": report["gate"]["reason"],
        "forced": report["gate"].get("forced", False),
        "compared_with": report.get("compared_with"),
        "candidate": pick(report.get("candidate")),
        "live": pick(report.get("live")),
        "change_counts": report.get("change_counts"),
    }
