"""Stable thresholds across retrains of a growing corpus (issue 11, target 5).

BANKING77 as a new customer's FAQ: one phrasing per intent to start (the corpus of
:mod:`benchmarks.loop`: neutral answers, the same seed), then four retrains, each after staff
linked 500 more visitor questions to their intents (each becomes a phrasing).  Every version is
trained as the service trains it, with no labelled file (a new customer has none), and asked the
3,080 test questions.  The share answered must grow with the corpus, not swing: the target is
that it never drops by more than 3 points from one retrain to the next.

This is the engine alone (no web service, no gate), so it runs in minutes; the service-level
loop is :mod:`benchmarks.loop`.

Run alone: ``python -m benchmarks.stability [DATASETS_DIR]``.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from benchmarks import datasets, loop
from benchmarks.report import Table, Target, at_most, pct, run_alone
from faqbot.engine.corpus import corpus_from_records
from faqbot.engine.model import ANSWERED, HANDOFF, SUGGESTED
from faqbot.engine.training import fit_model

SERVICE_TARGET_PRECISION = 0.9  # the web service's TARGET_PRECISION default
RETRAINS, LINKED_PER_RETRAIN = 4, 500
QUICK_INTENTS, QUICK_LINKED, QUICK_TEST = 10, 50, 200
MAX_DROP = 0.03


def run(root: Path, quick: bool, emit: Callable[[Table], None]) -> list[Target]:
    banking = datasets.load_banking(root, QUICK_INTENTS if quick else None)
    linked = QUICK_LINKED if quick else LINKED_PER_RETRAIN
    settings = loop.Settings(intents=None, visitors=RETRAINS * linked, block=linked, debounce=0, max_wait=0)
    corpus = loop.build_corpus(banking, settings)
    test = corpus.test[:QUICK_TEST] if quick else corpus.test
    versions = []
    for retrain in range(RETRAINS + 1):
        linked_so_far = corpus.visitors[: retrain * linked]
        taught = [{"id": faq_id, "question": text, "answer": ""} for text, faq_id in linked_so_far]
        versions.append(measure(corpus.records + taught, test) | {"retrain": retrain, "taught": len(taught)})
    emit(table(versions, len(test), linked))
    drops = [a["answered"] - b["answered"] for a, b in zip(versions, versions[1:])]
    return [
        at_most(
            f"stability: BANKING77 loop, largest drop in share answered ({RETRAINS} retrains)",
            max(0.0, *drops),
            MAX_DROP,
            "%",
        )
    ]


def measure(records: list[dict[str, str]], test: list[tuple[str, str]]) -> dict[str, Any]:
    """Train one version on ``records`` and ask it the test questions."""
    started = time.perf_counter()
    corpus = corpus_from_records(records, source="stability")
    model = fit_model(corpus, target_precision=SERVICE_TARGET_PRECISION)
    train_s = time.perf_counter() - started
    results = model.ask_many([q for q, _ in test])
    answered = [(r, truth) for r, (_, truth) in zip(results, test) if r["status"] == ANSWERED]
    n = len(results)
    return {
        "phrasings": len(records),
        "threshold": model.thresholds["answer"],
        "suggest": model.thresholds["suggest"],
        "answered": len(answered) / n,
        "precision": sum(r["faq_id"] == t for r, t in answered) / len(answered) if answered else None,
        "suggested": sum(r["status"] == SUGGESTED for r in results) / n,
        "handoff": sum(r["status"] == HANDOFF for r in results) / n,
        "top1": sum(r["faq_id"] == t for r, (_, t) in zip(results, test)) / n,
        "train_s": train_s,
    }


def table(versions: list[dict[str, Any]], questions: int, linked: int) -> Table:
    out = Table(
        f"Stability: BANKING77, 1 phrasing per intent, then +{linked} linked questions per retrain "
        f"({questions} test questions)",
        ["version", "phrasings", "answer threshold", "suggest threshold", "answered", "change"]
        + ["answered precision", "suggested", "handed off", "top-1", "training (s)"],
    )
    previous = None
    for v in versions:
        change = "" if previous is None else f"{(v['answered'] - previous) * 100:+.1f}"
        label = "start" if v["retrain"] == 0 else f"retrain {v['retrain']} (+{v['taught']})"
        out.add(
            label, v["phrasings"], f"{v['threshold']:.4f}", f"{v['suggest']:.4f}", pct(v["answered"]),
            change, pct(v["precision"]), pct(v["suggested"]), pct(v["handoff"]), pct(v["top1"]),
            f"{v['train_s']:.1f}",
        )  # fmt: skip
        previous = v["answered"]
    out.notes.append(
        "Trained as the service trains it: target precision 0.9, no labelled file (thresholds from the "
        "corpus' own held-out phrasings); linked questions in the loop benchmark's visitor order (seed 0)."
    )
    return out


if __name__ == "__main__":
    run_alone(run)
