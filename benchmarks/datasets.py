"""Loaders for the public benchmark sets in ``../shared/datasets``.

The data stay where they are (never copied into the repository); a missing
folder raises :class:`DatasetMissing` so the command can skip that benchmark
with a clear message instead of failing.
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

#: Where the data sets are unless a command is told otherwise: ``../shared/datasets``.
DEFAULT_ROOT = Path(__file__).resolve().parent.parent.parent / "shared" / "datasets"
CLINC_FILE = Path("clinc150") / "data_full.json"
BANKING_TRAIN = Path("banking77") / "train.csv"
BANKING_TEST = Path("banking77") / "test.csv"
OOS_LABEL = "oos"

Pairs = list[tuple[str, str]]  # (text, intent)


class DatasetMissing(FileNotFoundError):
    """A data set file that is not there; ``path`` says which."""

    def __init__(self, path: Path) -> None:
        super().__init__(str(path))
        self.path = path


@dataclass
class Clinc:
    """CLINC150 full: in-scope splits as (text, intent), out-of-scope splits as texts."""

    train: Pairs
    val: Pairs
    test: Pairs
    oos_val: list[str]
    oos_test: list[str]


@dataclass
class Banking:
    train: Pairs
    test: Pairs


def streams_present(root: Path) -> Path:
    """CLINC150's file, or :class:`DatasetMissing` (for suites that train before they read it)."""
    return _require(root / CLINC_FILE)


def _require(path: Path) -> Path:
    if not path.is_file():
        raise DatasetMissing(path)
    return path


def load_clinc(root: Path, max_intents: int | None = None, max_oos: int | None = None) -> Clinc:
    """Read data_full.json; ``max_intents`` keeps the first intents by name (quick runs)."""
    data = json.loads(_require(root / CLINC_FILE).read_text(encoding="utf-8"))
    keep = _first_intents([label for _, label in data["train"]], max_intents)
    return Clinc(
        train=_keep(data["train"], keep),
        val=_keep(data["val"], keep),
        test=_keep(data["test"], keep),
        oos_val=[t for t, _ in data["oos_val"]][:max_oos],
        oos_test=[t for t, _ in data["oos_test"]][:max_oos],
    )


def _keep(rows: list[list[str]], intents: set[str]) -> Pairs:
    return [(text, label) for text, label in rows if label in intents]


def load_banking(root: Path, max_intents: int | None = None) -> Banking:
    """Read train.csv and test.csv (quoted fields, so a real CSV parser)."""
    train = _read_banking_csv(_require(root / BANKING_TRAIN))
    test = _read_banking_csv(_require(root / BANKING_TEST))
    keep = _first_intents([label for _, label in train], max_intents)
    return Banking(train=[p for p in train if p[1] in keep], test=[p for p in test if p[1] in keep])


def _read_banking_csv(path: Path) -> Pairs:
    with path.open(encoding="utf-8", newline="") as handle:
        return [(row["text"], row["category"]) for row in csv.DictReader(handle)]


def _first_intents(labels: list[str], limit: int | None) -> set[str]:
    names = sorted(set(labels))
    return set(names if limit is None else names[:limit])


def per_intent_sample(pairs: Pairs, per_intent: int | None, seed: int = 0) -> Pairs:
    """At most ``per_intent`` phrasings of each intent, drawn without replacement.

    One generator, intents in sorted order, so every system sees the same sample.
    """
    if per_intent is None:
        return list(pairs)
    rng = np.random.default_rng(seed)
    by_intent: dict[str, list[int]] = {}
    for i, (_, label) in enumerate(pairs):
        by_intent.setdefault(label, []).append(i)
    chosen: list[int] = []
    for label in sorted(by_intent):
        rows = by_intent[label]
        take = min(per_intent, len(rows))
        chosen.extend(int(i) for i in rng.choice(rows, size=take, replace=False))
    return [pairs[i] for i in sorted(chosen)]


def split(pairs: Pairs) -> tuple[list[str], list[str]]:
    """(texts, intents) as the peers' fit() takes them."""
    return [t for t, _ in pairs], [label for _, label in pairs]


def calibration_queries(clinc: Clinc, half: int | None = None) -> list:
    """CLINC val (in-scope and out-of-scope) as faqbot labelled queries: val only, never test.

    ``half`` (0 or 1): only that half of val (:func:`val_half`), so that the other half can
    choose thresholds on questions the calibration did not see.
    """
    from faqbot.engine.labelled import LabelledQuery

    val, oos_val = (clinc.val, clinc.oos_val) if half is None else val_half(clinc, half)
    queries = [LabelledQuery(t, label, n) for n, (t, label) in enumerate(val, start=1)]
    start = len(queries) + 1
    queries += [LabelledQuery(t, None, n) for n, t in enumerate(oos_val, start=start)]
    return queries


def val_half(clinc: Clinc, half: int) -> tuple[Pairs, list[str]]:
    """Every other val question (in-scope and out-of-scope), starting at ``half`` (0 or 1): the
    two halves share every intent and split the out-of-scope set evenly."""
    return clinc.val[half::2], clinc.oos_val[half::2]


def latency_questions(clinc: Clinc, count: int, seed: int = 0) -> list[str]:
    """``count`` CLINC test questions, in-scope and out-of-scope mixed, in a fixed random order."""
    pool = [t for t, _ in clinc.test] + list(clinc.oos_test)
    order = np.random.default_rng(seed).permutation(len(pool))
    return [pool[i] for i in order[:count]]


def all_phrasings(clinc: Clinc, banking: Banking) -> Pairs:
    """Every phrasing of every split of both sets, intents prefixed by their data set."""
    pairs = [(t, f"clinc:{lbl}") for t, lbl in clinc.train + clinc.val + clinc.test]
    pairs += [(t, "clinc:oos") for t in clinc.oos_val + clinc.oos_test]
    pairs += [(t, f"banking:{lbl}") for t, lbl in banking.train + banking.test]
    return pairs
