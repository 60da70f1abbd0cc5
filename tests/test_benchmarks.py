"""Tests for benchmarks/: the CI smoke slice of the benchmark command, and its helpers.

The benchmark's numbers are checked by the benchmark's own target table, not
here; these tests only make sure the command runs, prints every table, and that
the pieces the numbers rest on (thresholds, the scale corpus) do what they say.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parent.parent
RUN = ROOT / "benchmarks" / "run.py"
DATASETS = ROOT.parent / "shared" / "datasets"
QUICK_TABLES = (
    "### CLINC150: raw top-1 in-scope test accuracy",
    "### CLINC150: thresholds from val, measured on test",
    "### BANKING77: top-1 test accuracy",
    "### Speed and size on CLINC150",
    "### Latency side by side",
    "### Scale: faqbot on 5,000 FAQs",
    "### Targets (issue 2)",
)


@pytest.fixture
def metrics(monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    monkeypatch.syspath_prepend(str(ROOT))
    from benchmarks import metrics

    return metrics


@pytest.fixture
def scale(monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    monkeypatch.syspath_prepend(str(ROOT))
    from benchmarks import scale

    return scale


def _run(*args: str, timeout: float) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(RUN), *args], capture_output=True, text=True, timeout=timeout)


@pytest.mark.skipif(not DATASETS.is_dir(), reason=f"benchmark data sets not found at {DATASETS}")
def test_quick_run_prints_every_table_and_leaves_results_alone() -> None:
    results = ROOT / "benchmarks" / "RESULTS.md"
    before = results.stat().st_mtime_ns if results.exists() else None
    done = _run("--quick", timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    for header in QUICK_TABLES:
        assert header in done.stdout, f"missing table {header!r}"
    assert "skipped:" not in done.stdout
    assert (results.stat().st_mtime_ns if results.exists() else None) == before


def test_missing_datasets_are_skipped_with_a_message(tmp_path: Path) -> None:
    done = _run("--quick", "--datasets", str(tmp_path / "nowhere"), timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    for suite in ("clinc150", "banking77"):
        assert f"skipped: {tmp_path / 'nowhere' / suite}" in done.stdout
    assert done.stdout.count("skipped:") == 4


def test_unknown_suite_is_a_usage_error() -> None:
    done = _run("--only", "clinc,nonsense", timeout=120)
    assert done.returncode == 2
    assert "nonsense" in done.stderr


def test_threshold_hands_off_the_asked_share_of_out_of_scope(metrics: ModuleType) -> None:
    scores = [0.1 * i for i in range(1, 11)]  # 0.1 .. 1.0
    threshold = metrics.threshold_at_oos_recall(scores, 0.5)
    assert 0.5 < threshold < 0.6
    assert threshold == pytest.approx(0.55)
    assert metrics.handed_off(scores, threshold) == 0.5
    assert metrics.handed_off(scores, metrics.threshold_at_oos_recall(scores, 0.8)) == 0.8
    assert metrics.handed_off(scores, metrics.threshold_at_oos_recall(scores, 1.0)) == 1.0


def test_threshold_with_ties_hands_off_at_least_the_share(metrics: ModuleType) -> None:
    scores = [0.9, 0.2, 0.1, 0.2, 0.2]
    threshold = metrics.threshold_at_oos_recall(scores, 0.4)
    assert 0.2 < threshold < 0.9
    assert metrics.handed_off(scores, threshold) == 0.8


@pytest.mark.parametrize("recall", [0.0, -0.1, 1.5])
def test_threshold_rejects_impossible_recall(metrics: ModuleType, recall: float) -> None:
    with pytest.raises(ValueError):
        metrics.threshold_at_oos_recall([0.1, 0.2], recall)


def test_accuracy_counts_a_hand_off_as_wrong(metrics: ModuleType) -> None:
    predictions = [("a", 0.9), ("b", 0.3), ("c", 0.8)]
    truth = ["a", "b", "x"]
    assert metrics.accuracy(predictions, truth) == pytest.approx(2 / 3)
    assert metrics.accuracy(predictions, truth, threshold=0.5) == pytest.approx(1 / 3)


PAIRS = [
    ("how do i reset my pin", "pin"),
    ("reset pin", "pin"),
    ("How do I reset my PIN ", "pin"),  # same as the first, apart from case and spaces
    ("what's the weather", "weather"),
    ("is it raining", "weather"),
]


def test_scale_corpus_keeps_distinct_phrasings_then_joins_other_intents(scale: ModuleType) -> None:
    records = scale.scale_records(PAIRS, 8, seed=0)
    questions = [r["question"] for r in records]
    assert questions[:4] == [
        "how do i reset my pin",
        "reset pin",
        "what's the weather",
        "is it raining",
    ]
    assert len({q.lower() for q in questions}) == 8
    assert len({r["id"] for r in records}) == 8
    intent = {text.strip().lower(): label for text, label in PAIRS}
    for joined in questions[4:]:
        first, second = joined.split(" and ")
        assert intent[first.lower()] != intent[second.lower()]
    assert scale.scale_records(PAIRS, 8, seed=0) == records


def test_scale_corpus_truncates_and_refuses_the_impossible(scale: ModuleType) -> None:
    assert [r["question"] for r in scale.scale_records(PAIRS, 2)] == [
        "how do i reset my pin",
        "reset pin",
    ]
    with pytest.raises(ValueError):
        scale.scale_records([("a", "x"), ("b", "x")], 5)
    with pytest.raises(ValueError):  # only 2 x 2 x 2 = 8 joins exist
        scale.scale_records(PAIRS, 4 + 9)
