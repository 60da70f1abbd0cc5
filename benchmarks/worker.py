"""One measurement in a fresh interpreter, so its peak RSS is its own.

Usage (by ``measure.run_worker``): ``python -m benchmarks.worker '{"kind": ...}'``;
prints one JSON line.  Every kind imports the same libraries first, so the
"idle" kind is the baseline the others are compared with.
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path
from typing import Any

import bm25s  # noqa: F401  (same imports for every kind: see the module docstring)
import rapidfuzz.process  # noqa: F401
import sklearn.feature_extraction.text  # noqa: F401

import faqbot.engine.training  # noqa: F401
from benchmarks import datasets, measure, peers
from benchmarks.scale import scale_records

WARMUP = 10


def run_idle(task: dict[str, Any]) -> dict[str, Any]:
    return {}


def run_system(task: dict[str, Any]) -> dict[str, Any]:
    """Train one system on CLINC train, save it, time single questions."""
    clinc = datasets.load_clinc(Path(task["datasets"]), task.get("max_intents"), task.get("max_oos"))
    texts, ids = datasets.split(clinc.train)
    labelled = datasets.calibration_queries(clinc)
    system = peers.make_system(task["system"])
    _, train_s = measure.timed(lambda: system.fit(texts, ids, labelled=labelled))
    warmup = [t for t, _ in clinc.val[:WARMUP]]
    questions = datasets.latency_questions(clinc, task["questions"])
    return {"train_s": train_s, **_size_and_latency(system.save, system.best, warmup, questions)}


def run_paired(task: dict[str, Any]) -> dict[str, Any]:
    """faqbot and bm25s in one process, timed question by question in alternating order.

    Separate processes run minutes apart, and on a shared machine the load can change in
    between; timing the two side by side makes their ratio immune to that drift.
    """
    import time

    clinc = datasets.load_clinc(Path(task["datasets"]), task.get("max_intents"), task.get("max_oos"))
    texts, ids = datasets.split(clinc.train)
    labelled = datasets.calibration_queries(clinc)
    ours = peers.make_system("faqbot").fit(texts, ids, labelled=labelled)
    theirs = peers.make_system("bm25s").fit(texts, ids)
    for question, _ in clinc.val[:WARMUP]:
        ours.best(question), theirs.best(question)
    times: dict[str, list[float]] = {"faqbot": [], "bm25s": []}
    for i, question in enumerate(datasets.latency_questions(clinc, task["questions"])):
        pair = [("faqbot", ours), ("bm25s", theirs)]
        for name, system in pair if i % 2 == 0 else pair[::-1]:
            started = time.perf_counter()
            system.best(question)
            times[name].append((time.perf_counter() - started) * 1000)
    return {name: measure.latency_summary(values) for name, values in times.items()}


def run_scale(task: dict[str, Any]) -> dict[str, Any]:
    """Train faqbot on a large single-phrasing corpus, save it, time single questions."""
    from faqbot.engine.artifact import save_model
    from faqbot.engine.corpus import corpus_from_records
    from faqbot.engine.training import fit_model

    root = Path(task["datasets"])
    clinc, banking = datasets.load_clinc(root), datasets.load_banking(root)
    records = scale_records(datasets.all_phrasings(clinc, banking), task["size"], seed=0)
    corpus = corpus_from_records(records, source="scale")
    model, train_s = measure.timed(lambda: fit_model(corpus, index_answers=False))
    questions = datasets.latency_questions(clinc, task["questions"], seed=1)
    warmup = [t for t, _ in clinc.val[:WARMUP]]
    measured = _size_and_latency(lambda d: save_model(model, d), model.ask, warmup, questions)
    return {"train_s": train_s, "faqs": len(corpus), **measured}


def _size_and_latency(save, ask, warmup: list[str], questions: list[str]) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        target = Path(tmp) / "model"
        save(target)
        size = measure.dir_size(target)
    for question in warmup:
        ask(question)
    summary = measure.latency_summary(measure.latencies_ms(ask, questions))
    return {"size_bytes": size, **summary}


KINDS = {"idle": run_idle, "system": run_system, "paired": run_paired, "scale": run_scale}


def main() -> None:
    task = json.loads(sys.argv[1])
    result = KINDS[task["kind"]](task)
    result.update(measure.peak_memory())
    print(json.dumps(result))


if __name__ == "__main__":
    main()
