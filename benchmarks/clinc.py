"""CLINC150 full: answer or hand off, with thresholds chosen on validation only (the half of it
that faqbot's calibration did not see)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from benchmarks import datasets
from benchmarks.measure import timed
from benchmarks.metrics import accuracy, handed_off, scores_of, threshold_at_oos_recall
from benchmarks.peers import SYSTEMS, make_system, preload
from benchmarks.report import Table, Target, at_least, pct

VAL_OOS_RECALLS = (0.5, 0.6, 0.8)
TARGET_RECALL = 0.6
COLD_START_SEED = 0
QUICK_INTENTS, QUICK_OOS = 15, 200
PUBLISHED = "Published (Larson et al. 2019, Table 2, threshold variants, in-scope acc / OOS recall): "
PUBLISHED += "Rasa 90.9/31.2, DialogFlow 90.8/26.7, SVM 88.2/18.0, BERT 96.2/52.3."


def run(root: Path, quick: bool, emit: Callable[[Table], None]) -> list[Target]:
    clinc = datasets.load_clinc(root, QUICK_INTENTS if quick else None, QUICK_OOS if quick else None)
    preload()
    results = {name: evaluate(name, clinc) for name in SYSTEMS}
    emit(raw_table(results, clinc))
    emit(threshold_table(results))
    return targets(results)


def evaluate(name: str, clinc: datasets.Clinc) -> dict[str, Any]:
    """Fit on train (faqbot also calibrates on one half of val), choose thresholds on the other
    half of val, and score test.

    Choosing the threshold on the out-of-scope questions faqbot was calibrated on put it where
    those questions, already pushed down, reached the aimed recall, and fresh ones did not
    (45% test recall at a 60% val point, measured on the run of dd8d23a).
    """
    system = make_system(name)
    texts, ids = datasets.split(clinc.train)
    labelled = datasets.calibration_queries(clinc, half=0)
    try:
        _, train_s = timed(lambda: system.fit(texts, ids, labelled=labelled))
        val_oos = scores_of(system.best_many(datasets.val_half(clinc, 1)[1]))
        test = system.best_many([t for t, _ in clinc.test])
        test_oos = scores_of(system.best_many(clinc.oos_test))
    except Exception as exc:  # a failing system is reported, not fatal to the run
        return {"error": f"{type(exc).__name__}: {exc}"}
    truth = [label for _, label in clinc.test]
    rows = [_at_recall(r, val_oos, test, truth, test_oos) for r in VAL_OOS_RECALLS]
    return {"train_s": train_s, "top1": accuracy(test, truth), "rows": rows}


def _at_recall(recall, val_oos, test, truth, test_oos) -> dict[str, float]:
    threshold = threshold_at_oos_recall(val_oos, recall)
    return {
        "recall": recall,
        "threshold": threshold,
        "val_oos": handed_off(val_oos, threshold),
        "test_acc": accuracy(test, truth, threshold),
        "test_oos": handed_off(test_oos, threshold),
    }


def raw_table(results: dict[str, dict], clinc: datasets.Clinc) -> Table:
    title = f"CLINC150: raw top-1 in-scope test accuracy ({len(clinc.test)} questions, no threshold)"
    table = Table(title, ["system", "top-1 accuracy", "training (s, in this process)"])
    for name, res in results.items():
        if "error" in res:
            table.add(name, res["error"], "")
        else:
            table.add(name, pct(res["top1"]), f"{res['train_s']:.1f}")
    return table


def threshold_table(results: dict[str, dict]) -> Table:
    columns = [
        "system",
        "val OOS recall aimed",
        "threshold",
        "val OOS recall reached",
        "test in-scope accuracy",
        "test OOS recall",
    ]
    table = Table("CLINC150: thresholds from val, measured on test", columns)
    for name, res in results.items():
        for row in res.get("rows", []):
            table.add(
                name,
                pct(row["recall"]),
                f"{row['threshold']:.4g}",
                pct(row["val_oos"]),
                pct(row["test_acc"]),
                pct(row["test_oos"]),
            )
    table.notes = [
        "Score below the threshold = handed off; in-scope accuracy counts a hand-off as wrong.",
        "faqbot is calibrated on every other val question (in-scope and out-of-scope); every "
        "system's threshold is chosen on the other half's out-of-scope questions.",
        "Scores: faqbot confidence, TF-IDF cosine, BM25 score, token_set_ratio (0-100).",
        PUBLISHED,
    ]
    return table


def targets(results: dict[str, dict]) -> list[Target]:
    row = next((r for r in results["faqbot"].get("rows", []) if r["recall"] == TARGET_RECALL), {})
    return [
        at_least("CLINC150 @60% val OOS: faqbot test in-scope accuracy", row.get("test_acc"), 0.935),
        at_least("CLINC150 @60% val OOS: faqbot test OOS recall", row.get("test_oos"), 0.55),
    ]


def run_cold_start(root: Path, quick: bool, emit: Callable[[Table], None]) -> list[Target]:
    """CLINC150 with one training phrasing per intent and no labelled file (a first day): the
    threshold that hands off 60% of ``oos_val``, and what it gives on test."""
    clinc = datasets.load_clinc(root, QUICK_INTENTS if quick else None, QUICK_OOS if quick else None)
    train = datasets.per_intent_sample(clinc.train, 1, COLD_START_SEED)
    preload()
    table = Table(
        f"CLINC150 cold start: 1 phrasing per intent ({len(train)}), threshold handing off "
        f"{TARGET_RECALL:.0%} of oos_val",
        ["system", "threshold", "val OOS recall reached", "test in-scope accuracy", "test OOS recall"]
        + ["raw top-1"],
    )
    found = {}
    for name in SYSTEMS:
        try:
            system = make_system(name).fit(*datasets.split(train))
            val_oos = scores_of(system.best_many(clinc.oos_val))
            test = system.best_many([t for t, _ in clinc.test])
            test_oos = scores_of(system.best_many(clinc.oos_test))
        except Exception as exc:  # reported in the table
            table.add(name, f"error: {type(exc).__name__}: {exc}", "", "", "", "")
            continue
        truth = [label for _, label in clinc.test]
        row = found[name] = _at_recall(TARGET_RECALL, val_oos, test, truth, test_oos)
        table.add(
            name, f"{row['threshold']:.4g}", pct(row["val_oos"]), pct(row["test_acc"]), pct(row["test_oos"]),
            pct(accuracy(test, truth)),
        )  # fmt: skip
    table.notes.append(
        f"Training phrasings drawn with numpy.random.default_rng({COLD_START_SEED}); no labelled "
        "file, so faqbot calibrates on its own phrasings; all of oos_val chooses the threshold."
    )
    emit(table)
    return [
        at_least(
            "CLINC150 cold start (1 per intent) @60% val OOS: faqbot test in-scope accuracy",
            found.get("faqbot", {}).get("test_acc"),
            0.64,
        )
    ]
