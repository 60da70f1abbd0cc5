"""Measure a model on labelled questions, the way a visitor would experience it."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from faqbot.engine.calibration import precision_coverage_curve
from faqbot.engine.labelled import LabelledQuery
from faqbot.engine.model import ANSWERED, HANDOFF, SMALLTALK, FaqModel

MRR_DEPTH = 5
TABLE_GRID = np.round(np.linspace(0.0, 1.0, 21), 2)


def evaluate(model: FaqModel, queries: Sequence[LabelledQuery]) -> dict[str, Any]:
    """Accuracy, ranking quality and the answer/handoff decision on ``queries``.

    Coverage and answered precision count every question, in scope or not: an
    answered out-of-scope question is a wrong answer.  An out-of-scope question is handled
    right when it is handed off or taken as small talk ("hi there", "tell me a joke"): neither
    pretends an FAQ answers it.
    """
    results = model.ask_many([q.question for q in queries])
    truth = [q.faq_id for q in queries]
    in_scope = np.array([t is not None for t in truth])
    best_right = np.array([r["faq_id"] == t and t is not None for r, t in zip(results, truth)])
    answered = np.array([r["status"] == ANSWERED for r in results])
    handoff = np.array([r["status"] in (HANDOFF, SMALLTALK) for r in results])
    confidence = np.array([r["confidence"] for r in results])
    ranks = [_reciprocal_rank(r, t) for r, t in zip(results, truth) if t is not None]
    return {
        "questions": len(queries),
        "in_scope": int(in_scope.sum()),
        "out_of_scope": int((~in_scope).sum()),
        "top1_accuracy": _mean(best_right[in_scope]),
        "mrr_at_5": float(np.mean(ranks)) if ranks else None,
        "answered_precision": _mean(best_right[answered]),
        "coverage": _mean(answered),
        "in_scope_answered_correctly": _mean((best_right & answered)[in_scope]),
        "out_of_scope_recall": _mean(handoff[~in_scope]),
        "out_of_scope_not_answered": _mean(~answered[~in_scope]),
        "thresholds": {k: model.thresholds[k] for k in ("answer", "suggest")},
        "curve": precision_coverage_curve(confidence, best_right, TABLE_GRID),
        "mistakes": _mistakes(results, truth),
    }


def _reciprocal_rank(result: dict[str, Any], truth: str) -> float:
    ids = [s["faq_id"] for s in result["suggestions"][:MRR_DEPTH]]
    return 1.0 / (ids.index(truth) + 1) if truth in ids else 0.0


def _mean(values: np.ndarray) -> float | None:
    return float(values.mean()) if len(values) else None


def _mistakes(results: list[dict[str, Any]], truth: list[str | None]) -> list[dict[str, Any]]:
    """Wrong answers and missed handoffs: what an admin should look at first."""
    wrong = []
    for result, right in zip(results, truth):
        if result["status"] == ANSWERED and result["faq_id"] != right:
            wrong.append(
                {
                    "question": result["question"],
                    "expected": right,
                    "answered": result["faq_id"],
                    "confidence": result["confidence"],
                }
            )
    return sorted(wrong, key=lambda m: -m["confidence"])


def format_report(report: dict[str, Any]) -> str:
    """The report as a short text with the precision-coverage table."""

    def pct(value: float | None) -> str:
        return "n/a" if value is None else f"{100 * value:.1f}%"

    lines = [
        f"questions            {report['questions']} ({report['in_scope']} in scope, "
        f"{report['out_of_scope']} out of scope)",
        f"top-1 accuracy       {pct(report['top1_accuracy'])}",
        f"MRR@5                {report['mrr_at_5']:.3f}" if report["mrr_at_5"] is not None else "MRR@5 n/a",
        f"answered precision   {pct(report['answered_precision'])}",
        f"coverage             {pct(report['coverage'])}",
        f"out-of-scope recall  {pct(report['out_of_scope_recall'])} handed off, "
        f"{pct(report['out_of_scope_not_answered'])} not answered",
        f"thresholds           answer {report['thresholds']['answer']:.3f}, "
        f"suggest {report['thresholds']['suggest']:.3f}",
        "",
        "threshold  precision  coverage  answered",
    ]
    for point in report["curve"]:
        lines.append(
            f"{point['threshold']:9.2f}  {100 * point['precision']:8.1f}%  "
            f"{100 * point['coverage']:7.1f}%  {point['answered']:8d}"
        )
    if report["mistakes"]:
        lines += ["", "most confident wrong answers:"]
        for m in report["mistakes"][:10]:
            lines.append(
                f"  {m['confidence']:.2f}  {m['question']!r}: answered {m['answered']}, "
                f"expected {m['expected'] or 'handoff'}"
            )
    return "\n".join(lines)


def plot_curve(report: dict[str, Any], path: str) -> None:
    """Save the precision-vs-coverage curve as a PNG (needs the ``plot`` extra)."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        raise RuntimeError("--plot needs matplotlib: pip install 'faqbot[plot]'") from None
    curve = report["curve"]
    fig, ax = plt.subplots(figsize=(5, 4))
    ax.plot([p["coverage"] for p in curve], [p["precision"] for p in curve], marker=".")
    ax.set_xlabel("coverage (share of questions answered)")
    ax.set_ylabel("answered precision")
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1.02)
    ax.grid(alpha=0.3)
    ax.set_title("faqbot: precision vs coverage")
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)
