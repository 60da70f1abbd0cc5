"""Calibration (issue 11): does a confidence of 0.8 mean "right 8 times in 10"?

The sample shop model is trained as the service trains it (``data/faq.csv``, calibrated on
``data/eval/calibration.csv``, target precision 0.9) and asked a mixed stream: the in-scope
questions of ``data/eval/queries.csv`` and the CLINC150 off-topic questions of the five
non-shop domains (test split; the stream of :mod:`benchmarks.offtopic`).  Every question's
``confidence`` is the engine's claim that its best FAQ is right, whatever the status; an
off-topic question is never right.  The reliability table bins those claims and the expected
calibration error (ECE) weights each bin's gap by its share of the questions.

The mixed stream is mostly off-topic (2,220 against 260), so the in-scope part is reported on
its own too: there a gap is a confidence that over- or under-promises on real questions.
``queries.csv`` was looked at while the engine was designed; the CLINC150 questions were not
used to shape calibration.

Run alone: ``python -m benchmarks.calibration [DATASETS_DIR]``.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from benchmarks.datasets import streams_present
from benchmarks.metrics import expected_calibration_error, reliability
from benchmarks.offtopic import sample_model, streams
from benchmarks.report import Table, Target, at_most, pct, run_alone
from faqbot.engine.labelled import load_labelled
from faqbot.engine.model import FaqModel

ROOT = Path(__file__).resolve().parent.parent
MAX_ECE = 0.05


def mixed_stream(datasets: Path, quick: bool) -> dict[str, list[tuple[str, str | None]]]:
    """(question, right FAQ id or None) per part of the stream."""
    queries = load_labelled(ROOT / "data" / "eval" / "queries.csv")
    off_topic = streams(datasets, "test")["five domains"]
    return {
        "queries.csv in scope": [(q.question, q.faq_id) for q in queries if q.faq_id is not None],
        "CLINC150 five domains test": [(q, None) for q in (off_topic[::10] if quick else off_topic)],
    }


def claims(model: FaqModel, pairs: list[tuple[str, str | None]]) -> tuple[list[float], list[bool]]:
    """Each question's confidence and whether its best FAQ is the right one."""
    results = model.ask_many([q for q, _ in pairs])
    confidences = [float(r["confidence"]) for r in results]
    right = [truth is not None and r["faq_id"] == truth for r, (_, truth) in zip(results, pairs)]
    return confidences, right


def run(datasets: Path, quick: bool, emit: Callable[[Table], None]) -> list[Target]:
    streams_present(datasets)  # before training: a missing data set is skipped at once
    model = sample_model()
    parts = {name: claims(model, pairs) for name, pairs in mixed_stream(datasets, quick).items()}
    confidences = [c for conf, _ in parts.values() for c in conf]
    right = [r for _, ok in parts.values() for r in ok]
    rows = reliability(confidences, right)
    emit(reliability_table(rows, len(confidences)))
    eces = {"mixed stream": expected_calibration_error(rows)}
    eces |= {name: expected_calibration_error(reliability(*part)) for name, part in parts.items()}
    emit(ece_table(eces, {name: len(part[0]) for name, part in parts.items()} | {"mixed stream": len(right)}))
    name = "calibration: ECE on the mixed stream (queries.csv in scope + five domains)"
    return [at_most(name, eces["mixed stream"], MAX_ECE)]


def reliability_table(rows: list[dict[str, float]], total: int) -> Table:
    table = Table(
        "Reliability: the sample shop model on queries.csv in scope + CLINC150 five domains test",
        ["confidence", "questions", "share", "mean confidence", "share right", "gap"],
    )
    for r in rows:
        table.add(
            f"{r['low']:.1f}-{r['high']:.1f}", r["count"], pct(r["count"] / total),
            f"{r['confidence']:.3f}", pct(r["accuracy"]), f"{r['accuracy'] - r['confidence']:+.3f}",
        )  # fmt: skip
    table.notes.append("Right: the best FAQ is the labelled one; an off-topic question is never right.")
    table.notes.append("Every question counts with its confidence, whatever its status (the contract).")
    return table


def ece_table(eces: dict[str, float], sizes: dict[str, int]) -> Table:
    table = Table("Expected calibration error (10 equal-width bins)", ["stream", "questions", "ECE"])
    for name, value in eces.items():
        table.add(name, sizes[name], f"{value:.4f}")
    return table


if __name__ == "__main__":
    run_alone(run)
