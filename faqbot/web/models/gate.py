"""The retrain gate: compare a candidate model with the live one on questions neither has seen.

The held-out questions are the labelled evaluation file (``EVAL_QUERIES``, minus rows naming
FAQs the corpus no longer has) plus a share of the phrasings staff taught the bot since the live
model was trained.  Which learned phrasings are held out is decided by a hash of their
normalised text, so the choice is the same in every process and on every run, and a phrasing
never drifts between the held-out and the training side.

Both models answer the same questions, so the gate compares them question by question
(:mod:`faqbot.web.models.paired`) on top-1 accuracy, answered precision, out-of-scope recall
and coverage: each difference comes with an interval, and a metric holds the candidate back only
when it is worse with confidence *and* by more than the practical margin (``RETRAIN_TOLERANCE``).
A metric with fewer than 20 relevant questions says "not enough evidence" and the others decide.
One flipped question out of 60 is noise, not a regression.

Separately, the candidate must answer the wordings staff taught since the live version (those not
held out, which it was trained on): one it hands off, or answers with another FAQ, fails the gate.
"""

from __future__ import annotations

import hashlib
from collections.abc import Collection, Sequence
from pathlib import Path
from typing import Any

from faqbot.engine.text import normalize
from faqbot.web.models import paired

GATED_METRICS = ("top1_accuracy", "answered_precision", "out_of_scope_recall", "coverage")
LABELS = {
    "top1_accuracy": "top-1 accuracy",
    "answered_precision": "answered precision",
    "out_of_scope_recall": "out-of-scope recall",
    "coverage": "coverage",
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

    A missing or malformed ``EVAL_QUERIES`` file raises :class:`faqbot.engine.corpus.CorpusError`
    (naming the file and line), so a misconfiguration fails the retrain loudly.
    """
    from faqbot.engine.labelled import LabelledQuery, load_labelled

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
    from faqbot.engine.evaluation import evaluate

    results = model.ask_many([q.question for q in queries])
    full = evaluate(_Answered(model, results), queries)  # asks once, not twice
    metrics = {name: full[name] for name in (*COUNTS, *REPORTED_METRICS)}
    metrics["thresholds"] = full["thresholds"]
    return metrics, results


class _Answered:
    """``model`` whose ``ask_many`` returns answers already computed for the same questions."""

    def __init__(self, model: Any, results: list[dict[str, Any]]) -> None:
        self._model, self._results = model, results

    def ask_many(self, questions: Sequence[str]) -> list[dict[str, Any]]:
        assert len(questions) == len(self._results)
        return self._results

    def __getattr__(self, name: str) -> Any:
        return getattr(self._model, name)


def _outcome(result: dict[str, Any]) -> dict[str, Any]:
    shown = result["status"] in ("answered", "suggested")  # a handoff or small talk shows no FAQ
    return {
        "status": result["status"],
        "faq_id": result["faq_id"] if shown else None,
        "confidence": result["confidence"],
    }


def _score(outcome: dict[str, Any], expected: str | None) -> int:
    """How well the visitor is served.  In scope: the right answer 2, the right FAQ suggested
    first 1, a handoff, small talk or other suggestions 0, a wrong answer -1.  Out of scope: a
    handoff or small talk 2, suggestions 1, any answer -1."""
    status, faq_id = outcome["status"], outcome["faq_id"]
    if expected is None:
        return {"handoff": 2, "smalltalk": 2, "suggested": 1}.get(status, -1)
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


def metric_checks(
    queries: Sequence, live: Sequence[dict[str, Any]], candidate: Sequence[dict[str, Any]], margin: float
) -> list[dict[str, Any]]:
    """One paired comparison per gated metric (see :mod:`faqbot.web.models.paired`)."""
    before, after = paired.outcomes(queries, live), paired.outcomes(queries, candidate)
    differences = paired.bootstrap_differences(GATED_METRICS, before, after)
    return [
        paired.compare_metric(name, before, after, differences[name], margin) | {"label": LABELS[name]}
        for name in GATED_METRICS
    ]


def taught_check(
    taught: Sequence[tuple[str, str]], results: Sequence[dict[str, Any]]
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Whether the candidate answers the wordings staff taught since the live version.

    A wording it hands off, or whose best FAQ is another one, fails; one it only suggests (the
    taught FAQ first) passes but is listed.  Returns the check and the report's ``taught`` part.
    """
    listed, counts = [], {"answered": 0, "suggested": 0, "failed": 0}
    for (text, faq_id), result in zip(taught, results):
        if result["status"] == "handoff" or result["faq_id"] != faq_id:
            kind = "failed"
        else:
            kind = "answered" if result["status"] == "answered" else "suggested"
        counts[kind] += 1
        if kind != "answered":
            outcome = {k: result[k] for k in ("status", "faq_id", "confidence")}
            listed.append({"question": text, "expected": faq_id, "candidate": outcome, "verdict": kind})
    listed.sort(key=lambda item: item["verdict"] != "failed")
    check = {
        "metric": "taught_wordings",
        "label": "taught wordings",
        "n": len(taught),
        "failed": counts["failed"],
        "verdict": "failed" if counts["failed"] else "answered",
        "ok": not counts["failed"],
    }
    return check, {"count": len(taught), **counts, "wordings": listed[:MAX_CHANGES]}


def decide(
    checks: Sequence[dict[str, Any]], margin: float, why_not_compared: str | None = None
) -> dict[str, Any]:
    """The gate's verdict from its checks: ``{"promote", "reason", "checks"}``.

    Only a metric that is worse with confidence and by more than ``margin``, or a taught
    wording the candidate does not answer, holds the candidate back.
    """
    checks = list(checks)
    failed = [c for c in checks if not c["ok"]]
    unsure = [c for c in checks if c.get("verdict") == "not enough evidence"]
    notes = []
    if why_not_compared:
        notes.append(why_not_compared)
    if unsure:
        notes.append("not enough evidence for " + ", ".join(f"{c['label']} (n={c['n']})" for c in unsure))
    if not failed:
        compared = [c for c in checks if c["metric"] in GATED_METRICS and c not in unsure]
        head = []
        if compared:
            names = ", ".join(c["label"] for c in compared)
            head.append(f"not worse than the live model with confidence by more than {margin:g} on {names}")
        taught = [c for c in checks if c["metric"] == "taught_wordings"]
        if taught and taught[0]["n"]:
            head.append(f"all {taught[0]['n']} taught wordings answered")
        return {"promote": True, "reason": "; ".join(head + notes) or "nothing to compare", "checks": checks}
    parts = []
    worse = [c for c in failed if c["metric"] in GATED_METRICS]
    if worse:
        parts.append(
            f"worse than the live model with confidence and by more than {margin:g}: "
            + "; ".join(_describe(c) for c in worse)
        )
    for c in failed:
        if c["metric"] == "taught_wordings":
            parts.append(f"{c['failed']} of {c['n']} taught wordings not answered")
    return {"promote": False, "reason": "; ".join(parts + notes), "checks": checks}


def _describe(check: dict[str, Any]) -> str:
    low, high = check["low"], check["high"]
    interval = "" if low is None else f", {check['interval']} interval {100 * low:+.1f} to {100 * high:+.1f}"
    return (
        f"{check['label']} {_fmt(check['live'])} -> {_fmt(check['candidate'])} "
        f"({100 * check['delta']:+.1f} points{interval}, n={check['n']})"
    )


def _fmt(value: float | None) -> str:
    return "n/a" if value is None else f"{100 * value:.1f}%"


def compare(
    queries: Sequence,
    candidate: tuple[dict[str, Any], list[dict[str, Any]]] | None,
    live: tuple[dict[str, Any], list[dict[str, Any]]] | None,
    tolerance: float,
    why_no_live: str = "no live model to compare with",
    taught: tuple[Sequence[tuple[str, str]], Sequence[dict[str, Any]]] | None = None,
) -> dict[str, Any]:
    """The report stored with the candidate version: metrics side by side, gate, changes.

    ``taught`` is the wordings taught since the live version with the candidate's answers.
    """
    candidate_metrics = candidate[0] if candidate else None
    live_metrics = live[0] if live else None
    changes = changed_questions(queries, live[1], candidate[1]) if candidate and live else []
    counts = {verdict: 0 for verdict in _VERDICT_ORDER}
    for change in changes:
        counts[change["verdict"]] += 1
    checks: list[dict[str, Any]] = []
    why = None
    if candidate_metrics is None or not candidate_metrics["questions"]:
        why = "no held-out questions to compare on (set EVAL_QUERIES); metrics not compared"
    elif live is None:
        why = why_no_live
    else:
        checks = metric_checks(queries, live[1], candidate[1], tolerance)
    taught_part = None
    if taught is not None and len(taught[0]):
        check, taught_part = taught_check(*taught)
        checks.append(check)
    return {
        "tolerance": tolerance,
        "gated_metrics": list(GATED_METRICS),
        "method": {
            "confidence": paired.CONFIDENCE,
            "resamples": paired.RESAMPLES,
            "seed": paired.SEED,
            "min_questions": paired.MIN_QUESTIONS,
        },
        "candidate": candidate_metrics,
        "live": live_metrics,
        "gate": decide(checks, tolerance, why),
        "taught": taught_part,
        "change_counts": counts,
        "changes": changes[:MAX_CHANGES],
    }


def summary(report: dict[str, Any]) -> dict[str, Any]:
    """The few numbers a version list or a job shows."""

    def pick(metrics: dict[str, Any] | None) -> dict[str, Any] | None:
        if metrics is None:
            return None
        return {name: metrics.get(name) for name in ("questions", *GATED_METRICS)}

    return {
        "promote": report["gate"]["promote"],
        "reason": report["gate"]["reason"],
        "forced": report["gate"].get("forced", False),
        "compared_with": report.get("compared_with"),
        "candidate": pick(report.get("candidate")),
        "live": pick(report.get("live")),
        "change_counts": report.get("change_counts"),
        "verdicts": {c["metric"]: c.get("verdict") for c in report["gate"].get("checks", [])},
    }
