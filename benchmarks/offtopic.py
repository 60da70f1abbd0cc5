"""Off-topic for a shop (issue 11, section 2): questions that are not about the FAQ are not answered.

The sample shop model is trained as the service trains it (``data/faq.csv``, calibrated on
``data/eval/calibration.csv`` at the service's target precision, 0.9) and asked questions that no
shop FAQ answers:

- the CLINC150 questions of the travel, auto_and_commute, utility, work and kitchen_and_dining
  domains, without ``plug_type`` (a travel adapter could be a shop question);
- CLINC150's out-of-scope questions (``oos``), a few of which are genuine shop questions.

For each stream: the share answered with an FAQ, how many of those at confidence >= 0.9, the
share handed off (a ticket in the service) and the share taken for small talk.  ``val`` is the
design split; only ``test`` is checked against the targets.

Run alone: ``python -m benchmarks.offtopic [DATASETS_DIR]``.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from pathlib import Path

from benchmarks.datasets import CLINC_FILE, DatasetMissing, streams_present
from benchmarks.report import Table, Target, at_most, pct, run_alone
from faqbot.engine.corpus import load_corpus
from faqbot.engine.labelled import load_labelled
from faqbot.engine.model import ANSWERED, HANDOFF, SMALLTALK, FaqModel
from faqbot.engine.training import fit_model

ROOT = Path(__file__).resolve().parent.parent
DOMAINS = ("travel", "auto_and_commute", "utility", "work", "kitchen_and_dining")
LEFT_OUT = {"plug_type"}
SERVICE_TARGET_PRECISION = 0.9  # the web service's TARGET_PRECISION default
CONFIDENT = 0.9
MAX_EXAMPLES = 8


def streams(datasets: Path, split: str) -> dict[str, list[str]]:
    """The off-topic questions of ``split`` (val or test): the five domains, and CLINC's oos."""
    path = datasets / CLINC_FILE
    domains = path.parent / "domains.json"
    if not path.is_file() or not domains.is_file():
        raise DatasetMissing(f"{path.parent}: CLINC150 data_full.json and domains.json are needed")
    by_domain = json.loads(domains.read_text(encoding="utf-8"))
    intents = {i for d in DOMAINS for i in by_domain[d]} - LEFT_OUT
    data = json.loads(path.read_text(encoding="utf-8"))
    return {
        "five domains": [q for q, label in data[split] if label in intents],
        "oos": [q for q, _ in data[f"oos_{split}"]],
    }


@functools.cache
def sample_model() -> FaqModel:
    """Trained once per process: the calibration suite asks the same model."""
    corpus = load_corpus(ROOT / "data" / "faq.csv")
    labelled = load_labelled(ROOT / "data" / "eval" / "calibration.csv", known_ids=corpus.by_id())
    return fit_model(corpus, labelled=labelled, target_precision=SERVICE_TARGET_PRECISION)


def measure(model: FaqModel, questions: list[str]) -> dict:
    results = model.ask_many(questions)
    answered = [r for r in results if r["status"] == ANSWERED]
    n = len(results)
    return {
        "questions": n,
        "answered": len(answered) / n,
        "confident": sum(r["confidence"] >= CONFIDENT for r in answered),
        "handoff": sum(r["status"] == HANDOFF for r in results) / n,
        "smalltalk": sum(r["status"] == SMALLTALK for r in results) / n,
        "examples": sorted(answered, key=lambda r: -r["confidence"])[:MAX_EXAMPLES],
    }


def run(datasets: Path, quick: bool, emit: Callable[[Table], None]) -> list[Target]:
    streams_present(datasets)  # before training: a missing data set is skipped at once
    model = sample_model()
    table = Table(
        "Off-topic for a shop: the sample model (calibrated on data/eval/calibration.csv, target 0.9)",
        ["stream", "questions", "answered with an FAQ", f"of those at >= {CONFIDENT}", "handed off"]
        + ["small talk"],
    )
    measured = {}
    for split in ("val", "test"):
        for name, questions in streams(datasets, split).items():
            m = measured[split, name] = measure(model, questions[::10] if quick else questions)
            label = f"CLINC150 {name} {split}" + (" (design)" if split == "val" else "")
            shares = (pct(m["answered"]), m["confident"], pct(m["handoff"]), pct(m["smalltalk"]))
            table.add(label, m["questions"], *shares)
    for name in ("five domains", "oos"):
        shown = "; ".join(
            f"{r['question']!r} -> FAQ {r['faq_id']} ({r['confidence']:.2f})"
            for r in measured["test", name]["examples"]
        )
        if shown:
            table.notes.append(f"Most confident answers, {name} test: {shown}")
    emit(table)
    five, oos = measured["test", "five domains"], measured["test", "oos"]
    return [
        at_most("off-topic: five CLINC150 domains (test) answered", five["answered"], 0.03, "%"),
        at_most(
            f"off-topic: five CLINC150 domains (test) answered at >= {CONFIDENT}",
            five["confident"] / five["questions"],
            0.005,
            "%",
        ),
        at_most("off-topic: CLINC150 oos_test answered", oos["answered"], 0.08, "%"),
    ]


if __name__ == "__main__":
    run_alone(run)
