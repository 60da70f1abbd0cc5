"""BANKING77: top-1 accuracy with all, 10 and 1 training phrasings per intent."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from benchmarks import datasets
from benchmarks.metrics import accuracy
from benchmarks.peers import SYSTEMS, make_system
from benchmarks.report import Table, Target, at_least, pct

SETTINGS = {"all phrasings": None, "10 per intent": 10, "1 per intent": 1}
QUICK_INTENTS = 10
SEED = 0


def run(root: Path, quick: bool, emit: Callable[[Table], None]) -> list[Target]:
    banking = datasets.load_banking(root, QUICK_INTENTS if quick else None)
    samples = {s: datasets.per_intent_sample(banking.train, n, SEED) for s, n in SETTINGS.items()}
    results = {name: {s: top1(name, p, banking.test) for s, p in samples.items()} for name in SYSTEMS}
    emit(table(results, samples, banking))
    faqbot = results["faqbot"]
    return [
        at_least("BANKING77 all phrasings: faqbot top-1", _value(faqbot["all phrasings"]), 0.93),
        at_least("BANKING77 10 per intent: faqbot top-1", _value(faqbot["10 per intent"]), 0.84),
        at_least("BANKING77 1 per intent: faqbot top-1", _value(faqbot["1 per intent"]), 0.55),
    ]


def top1(name: str, train: datasets.Pairs, test: datasets.Pairs) -> float | str:
    """Accuracy on test, or the error's text when the system cannot train on this sample."""
    try:
        system = make_system(name).fit(*datasets.split(train))
        return accuracy(system.best_many([t for t, _ in test]), [label for _, label in test])
    except Exception as exc:  # reported in the table
        return f"error: {type(exc).__name__}: {exc}"


def _value(result: float | str) -> float | None:
    return result if isinstance(result, float) else None


def table(results: dict, samples: dict, banking: datasets.Banking) -> Table:
    sizes = ", ".join(f"{s}: {len(p)}" for s, p in samples.items())
    out = Table(
        f"BANKING77: top-1 test accuracy ({len(banking.test)} test questions)",
        ["system", *SETTINGS],
    )
    for name, row in results.items():
        out.add(name, *(pct(v) if isinstance(v, float) else v for v in row.values()))
    out.notes = [
        f"Training phrasings ({sizes}); samples drawn with numpy.random.default_rng({SEED}),"
        " the same for every system.",
        "faqbot is calibrated by cross-validation on the training phrasings (no labelled file).",
    ]
    return out
