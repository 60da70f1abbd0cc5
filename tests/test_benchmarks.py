"""Tests for benchmarks/: the CI smoke slice of the benchmark command, and its helpers.

The benchmark's numbers are checked by the benchmark's own target table, not
here; these tests only make sure the command runs, prints every table, and that
the pieces the numbers rest on (thresholds, the scale corpus) do what they say.
"""

from __future__ import annotations

import shutil
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
    "### Small talk: the sample shop model",
    "### Off-topic for a shop: the sample model",
    "### CLINC150 cold start: 1 phrasing per intent",
    "### Reliability: the sample shop model",
    "### Expected calibration error",
    "### Stability: BANKING77, 1 phrasing per intent",
    "### Targets of the suites run",
)
DATASET_SUITES = "clinc,coldstart,banking,latency,scale,smalltalk,offtopic,calibration,stability"


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
    # The timeout guards against a hang; it is not a speed check (a loaded machine took 11 min).
    done = _run("--quick", "--only", DATASET_SUITES, timeout=1500)
    assert done.returncode == 0, done.stderr[-2000:]
    for header in QUICK_TABLES:
        assert header in done.stdout, f"missing table {header!r}"
    assert "skipped:" not in done.stdout
    assert (results.stat().st_mtime_ns if results.exists() else None) == before


def test_missing_datasets_are_skipped_with_a_message(tmp_path: Path) -> None:
    suites = DATASET_SUITES + ",loop"  # "sample" needs no data set
    done = _run("--quick", "--datasets", str(tmp_path / "nowhere"), "--only", suites, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    for suite in ("clinc150", "banking77"):
        assert f"skipped: {tmp_path / 'nowhere' / suite}" in done.stdout
    # one line for each suite: every one of them reads a data set
    assert done.stdout.count("skipped:") == len(suites.split(","))


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


# --- the learning loop (issue 12): a real service driven over HTTP ----------------------------


@pytest.mark.skipif(not DATASETS.is_dir(), reason=f"benchmark data sets not found at {DATASETS}")
def test_loop_quick_slice_drives_a_real_service_and_reports() -> None:
    """``faqbot serve --production`` on 5 BANKING77 intents, 50 visitors: the scheduler retrains
    by itself (nobody calls retrain) and teaching shows in the next block."""
    plot = ROOT / "benchmarks" / "loop.png"
    before = plot.stat().st_mtime_ns if plot.exists() else None
    done = _run("--quick", "--only", "loop", timeout=1800)
    assert done.returncode == 0, done.stderr[-3000:]
    assert (
        "### Learning loop: BANKING77" in done.stdout
        and "### Targets (issue 12, learning loop)" in done.stdout
    )
    rows = [line for line in done.stdout.splitlines() if line.startswith(("| 1-25 ", "| 26-50 "))]
    assert len(rows) == 2
    retrains = [int(row.split("|")[8].split("/")[0]) for row in rows]
    assert retrains[0] >= 1  # the first block's teaching was retrained by the scheduler alone
    assert (plot.stat().st_mtime_ns if plot.exists() else None) == before  # quick runs plot elsewhere


@pytest.fixture
def loop(monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    monkeypatch.syspath_prepend(str(ROOT))
    from benchmarks import loop

    return loop


def test_loop_report_targets_and_plot(loop: ModuleType, tmp_path: Path) -> None:
    from collections import Counter

    live = {"status": "succeeded", "details": {"went_live": True}}
    held = {"status": "succeeded", "details": {"went_live": False}}
    blocks = [
        loop.Block(0, Counter(handoff=8, suggested=2), live="v1", top1=0.5, retrains=[live]),
        loop.Block(10, Counter(answered=7, wrong=1, handoff=2), live="v2", top1=0.85, retrains=[live, held]),
    ]
    outcome = loop.Outcome(
        loop.Settings(None, 20, 10, 5.0, 60.0), blocks, [live, live, held], 12, [], 0.4, "v0", 60.0
    )
    table = outcome and loop.blocks_table(outcome).markdown()
    assert "| 1-10 | 0.0% | 0.0% | 20.0% | 80.0% | 100.0% | 50.0% | 1 / 0 |" in table
    assert "| 11-20 | 80.0% | 10.0% | 0.0% | 20.0% | 20.0% | 85.0% | 1 / 1 |" in table
    verdicts = {t.name: t.verdict for t in loop.targets(outcome)}
    assert verdicts["loop: handed off + suggested, last block / first block"] == "pass"  # 0.2x
    assert verdicts["loop: retrains that only added taught wordings and waited"] == "FAIL"  # one waited
    assert verdicts["loop: answered wrongly, worst block"] == "FAIL"  # 10%
    path = loop.plot(outcome, tmp_path / "loop.png")
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_loop_corpus_is_one_phrasing_per_intent_with_neutral_answers(loop: ModuleType) -> None:
    from benchmarks.datasets import Banking

    train = [(f"{intent} question {n}", intent) for intent in ("card_lost", "top_up") for n in range(6)]
    corpus = loop.build_corpus(
        Banking(train, [("lost my card", "card_lost")]), loop.Settings(None, 8, 4, 1, 1)
    )
    assert [r["id"] for r in corpus.records] == ["1", "2"] and len(corpus.visitors) == 8
    assert all("card" not in r["answer"] and "top" not in r["answer"] for r in corpus.records)
    seeds = {r["question"] for r in corpus.records}
    assert not seeds & {q for q, _ in corpus.visitors}  # visitors never ask the FAQ's own phrasing
    assert corpus.test == [("lost my card", "1")]
    assert loop.build_corpus(Banking(train, []), loop.Settings(None, 8, 4, 1, 1)).visitors == corpus.visitors


@pytest.mark.skipif(shutil.which("wrk") is None, reason="wrk is not installed (Debian package wrk)")
def test_serve_quick_slice_loads_every_app_and_finds_every_promised_ticket() -> None:
    """The CI slice of ``benchmarks/serve.py``: the three apps under wrk, then a worker killed
    while visitors ask for a person.  Its speed targets are the benchmark's to judge; a ticket a
    response promised and the database lacks is a defect, so that one is checked here."""
    done = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "serve.py"), "--quick"],
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    rows = {line.split("|")[1].strip(): line for line in done.stdout.splitlines() if line.startswith("| ")}
    assert {"bare Flask hello", "engine alone behind Flask", "faqbot /ask, SQLite"} <= set(rows)
    loaded = next(line for line in done.stdout.splitlines() if line.startswith("| faqbot /ask, SQLite |"))
    assert loaded.split("|")[5].strip() == "0", loaded  # no request refused or cut under wrk
    faults = rows["faqbot /ask, SQLite: promised tickets missing after faults"]
    assert "| 0 |" in faults and "| pass |" in faults
    assert "SIGKILL to worker" in done.stdout


def test_reliability_bins_and_expected_calibration_error(metrics: ModuleType) -> None:
    rows = metrics.reliability([0.05, 0.05, 0.95, 1.0], [False, False, True, False])
    assert [(r["low"], r["count"]) for r in rows] == [(0.0, 2), (0.9, 2)]  # 1.0 is in the last bin
    assert rows[1]["accuracy"] == 0.5 and rows[1]["confidence"] == pytest.approx(0.975)
    # half the questions promise 0.05 and get 0; half promise 0.975 and get 0.5
    assert metrics.expected_calibration_error(rows) == pytest.approx(0.5 * 0.05 + 0.5 * 0.475)
    perfect = metrics.reliability([0.25] * 4, [True, False, False, False])
    assert metrics.expected_calibration_error(perfect) == pytest.approx(0.0)
