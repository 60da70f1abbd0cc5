"""The learning loop, end to end (issue 12, "Measure"): does teaching reach visitors by itself?

A fresh faqbot service (``faqbot serve --production``: gunicorn, its workers and their
schedulers) gets BANKING77 with one phrasing per intent as its FAQ, with neutral answer texts.
Then ``VISITORS`` other training questions arrive as visitors, one conversation each, in a fixed
random order, and the people around the bot do what the product asks of them:

- a question handed off is linked by staff to its true intent (staff API, "this is FAQ #n");
- a question only suggested (or taken for small talk): the visitor asks for a person, and staff
  link the ticket the same way;
- a wrong answer gets a thumbs-down, and an admin says "the right FAQ was #m" (review API).

Nobody retrains: the service's scheduler does, after ``--debounce`` seconds of quiet (or
``--max-wait``).  Between blocks of ``BLOCK`` questions the benchmark waits until the service
has caught up (a quiet hour between busy ones), then measures the live version's top-1
accuracy on BANKING77 test.  It reports per block the shares answered, answered wrongly,
suggested and handed off; how many retrains went live by themselves and how many waited for an
admin; whether any taught wording was lost; and a PNG plot.

``python benchmarks/run.py --only loop`` (``--quick``: 5 intents, 50 visitors), or
``python benchmarks/loop.py [--datasets DIR] [--quick] [--visitors N] [--debounce S]``.
"""

from __future__ import annotations

import argparse
import csv
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

if __package__ in (None, ""):  # run as a script: the project root, not benchmarks/, on the path
    sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks import datasets  # noqa: E402
from benchmarks.report import Table, Target, at_least, at_most, pct  # noqa: E402
from benchmarks.service import Service, running_service  # noqa: E402

SEED = 0
RESULTS_DIR = Path(__file__).resolve().parent
PLOT = RESULTS_DIR / "loop.png"


@dataclass(frozen=True)
class Settings:
    intents: int | None  # None: all 77
    visitors: int
    block: int
    debounce: float
    max_wait: float
    workers: int = 2

    @classmethod
    def for_run(cls, quick: bool) -> Settings:
        if quick:
            return cls(intents=5, visitors=50, block=25, debounce=2.0, max_wait=30.0)
        return cls(intents=None, visitors=2000, block=250, debounce=5.0, max_wait=60.0)


@dataclass
class Block:
    """What happened to one block of visitors, and the live version once the service caught up."""

    first: int
    outcomes: Counter = field(default_factory=Counter)
    live: str | None = None
    top1: float | None = None
    seconds: float = 0.0
    waited_s: float = 0.0
    retrains: list[dict[str, Any]] = field(default_factory=list)  # jobs whose version appeared
    settled: dict[str, Any] = field(default_factory=dict)  # the schedule once caught up

    @property
    def went_live(self) -> int:
        return sum(_went_live(job) for job in self.retrains)

    def share(self, *kinds: str) -> float:
        total = sum(self.outcomes.values())
        return sum(self.outcomes[k] for k in kinds) / total if total else 0.0


@dataclass
class Corpus:
    """BANKING77 as an FAQ: one phrasing per intent, an id per intent, neutral answers."""

    faq_of: dict[str, str]  # intent -> FAQ id
    records: list[dict[str, str]]
    visitors: list[tuple[str, str]]  # (question, FAQ id), in arrival order
    test: list[tuple[str, str]]


def build_corpus(banking: datasets.Banking, settings: Settings) -> Corpus:
    intents = sorted({label for _, label in banking.train})
    faq_of = {intent: str(n) for n, intent in enumerate(intents, start=1)}
    seed_rows = datasets.per_intent_sample(banking.train, 1, SEED)
    records = [
        {
            "id": faq_of[label],
            "question": text,
            "answer": f"This is the team's answer number {faq_of[label]}.",
        }
        for text, label in sorted(seed_rows, key=lambda row: int(faq_of[row[1]]))
    ]
    used = {text for text, _ in seed_rows}
    pool = [(text, faq_of[label]) for text, label in banking.train if text not in used]
    order = np.random.default_rng(SEED).permutation(len(pool))
    visitors = [pool[i] for i in order[: settings.visitors]]
    test = [(text, faq_of[label]) for text, label in banking.test]
    return Corpus(faq_of, records, visitors, test)


def write_corpus(records: list[dict[str, str]], path: Path) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=["id", "question", "answer"])
        writer.writeheader()
        writer.writerows(records)


# --- one visitor, and the people who act on what the bot did -----------------------------------


def visit(service: Service, n: int, question: str, truth: str, taught: list) -> str:
    """Ask as a new visitor; staff or the admin act on the outcome.  Returns the outcome kind."""
    session_id = f"visitor-{n}"
    body = service.call("POST", "/api/v1/ask", {"question": question, "session_id": session_id})
    status = body["status"]
    if status == "answered":
        if body["answer"]["faq_id"] == truth:
            return "answered"
        service.call("POST", "/api/v1/feedback", {"query_id": body["query_id"], "helpful": False})
        correction = {"query_ids": [body["query_id"]], "faq_id": truth}
        service.call("POST", "/api/v1/admin/review/wrong-answers/correct", correction, service.admin)
        taught.append((question, truth))
        return "wrong"
    ticket = body.get("ticket")
    if ticket is None:  # suggested (or small talk): the visitor asks for a person
        again = {"question": question, "session_id": session_id, "handoff": True}
        ticket = service.call("POST", "/api/v1/ask", again)["ticket"]
    link = {"action": "link", "faq_id": truth}
    service.call("POST", f"/api/v1/staff/tickets/{ticket['id']}/resolve", link, service.staff)
    taught.append((question, truth))
    return status


def settle(service: Service, timeout: float = 3600.0) -> tuple[dict, float]:
    """Wait until the scheduler has retrained on everything taught so far (or cannot)."""
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        schedule = service.call("GET", "/api/v1/admin/retrain/schedule", headers=service.admin)
        if schedule["state"] in ("up_to_date", "disabled", "failed", "collecting"):
            return schedule, time.monotonic() - started
        time.sleep(1.0)
    raise TimeoutError("the service did not catch up within an hour")


def live_top1(service: Service, corpus: Corpus) -> tuple[str, float]:
    """The live version's top-1 accuracy on BANKING77 test (its best FAQ, whatever the status)."""
    import faqbot

    live = service.call("GET", "/api/v1/admin/models", headers=service.admin)["live"]
    model = faqbot.load(service.instance / "models" / live)
    results = model.ask_many([q for q, _ in corpus.test])
    right = sum(r["faq_id"] == truth for r, (_, truth) in zip(results, corpus.test))
    return live, right / len(corpus.test)


# --- the run -----------------------------------------------------------------------------------


@dataclass
class Outcome:
    settings: Settings
    blocks: list[Block]
    retrains: list[dict[str, Any]]
    taught: int
    lost: list[tuple[str, str, str | None]]
    first_top1: float
    first_version: str
    service_seconds: float


def run_loop(root: Path, settings: Settings, log: Callable[[str], None] = print) -> Outcome:
    banking = datasets.load_banking(root, settings.intents)
    corpus = build_corpus(banking, settings)
    with tempfile.TemporaryDirectory(prefix="faqbot-loop-") as tmp:
        instance = Path(tmp) / "instance"
        instance.mkdir()
        write_corpus(corpus.records, instance / "banking77-one-per-intent.csv")
        env = {
            "FAQBOT_SEED_CORPUS": str(instance / "banking77-one-per-intent.csv"),
            "FAQBOT_RETRAIN_DEBOUNCE_SECONDS": str(settings.debounce),
            "FAQBOT_RETRAIN_MAX_WAIT_SECONDS": str(settings.max_wait),
            "FAQBOT_SCHEDULER_TICK": "1",
            "FAQBOT_WORKERS": str(settings.workers),
            "FAQBOT_WORKER_TIMEOUT": "600",
        }
        started = time.monotonic()
        log(f"loop: {len(corpus.records)} FAQs, {len(corpus.visitors)} visitors; creating the instance")
        with running_service(instance, env, Path(tmp) / "service.log") as service:
            return _drive(service, corpus, settings, log, started)


def _drive(service: Service, corpus: Corpus, settings: Settings, log, started: float) -> Outcome:
    first_version, first_top1 = live_top1(service, corpus)
    log(f"loop: first version {first_version}, test top-1 {pct(first_top1)}")
    blocks, taught, known = [], [], {first_version}
    for first in range(0, len(corpus.visitors), settings.block):
        block, clock = Block(first), time.monotonic()
        for n, (question, truth) in enumerate(corpus.visitors[first : first + settings.block], start=first):
            block.outcomes[visit(service, n, question, truth, taught)] += 1
        block.seconds = time.monotonic() - clock
        block.settled, block.waited_s = settle(service)
        block.retrains = _new_retrains(service, known)
        block.live, block.top1 = live_top1(service, corpus)
        blocks.append(block)
        log(
            f"loop: questions {first + 1}-{first + sum(block.outcomes.values())}: {dict(block.outcomes)}; "
            f"{len(block.retrains)} retrain(s), {block.went_live} live by themselves; live {block.live}, "
            f"test top-1 {pct(block.top1)} (waited {block.waited_s:.0f} s for the last retrain)"
        )
    retrains = [job for block in blocks for job in block.retrains]
    lost = _lost_wordings(service, taught)
    return Outcome(
        settings, blocks, retrains, len(taught), lost, first_top1, first_version, time.monotonic() - started
    )


def _new_retrains(service: Service, known: set[str]) -> list[dict[str, Any]]:
    """The retrain jobs of the versions made since the last look, oldest first."""
    versions = service.call("GET", "/api/v1/admin/models", headers=service.admin)["versions"]
    fresh = [v for v in reversed(versions) if v["version"] not in known]
    known.update(v["version"] for v in fresh)
    return [
        service.call("GET", f"/api/v1/admin/jobs/{v['job_id']}", headers=service.admin)["job"]
        for v in fresh
        if v["job_id"] is not None
    ]


def _lost_wordings(service: Service, taught: list[tuple[str, str]]) -> list[tuple[str, str, str | None]]:
    """Taught wordings whose FAQ the final live version no longer ranks first."""
    import faqbot

    live = service.call("GET", "/api/v1/admin/models", headers=service.admin)["live"]
    model = faqbot.load(service.instance / "models" / live)
    results = model.ask_many([q for q, _ in taught]) if taught else []
    return [(q, truth, r["faq_id"]) for (q, truth), r in zip(taught, results) if r["faq_id"] != truth]


# --- reporting ---------------------------------------------------------------------------------


def _went_live(job: dict[str, Any]) -> bool:
    details = job.get("details") or {}
    return job["status"] == "succeeded" and bool(details.get("went_live")) and not details.get("forced")


def blocks_table(outcome: Outcome) -> Table:
    s = outcome.settings
    table = Table(
        f"Learning loop: BANKING77, one phrasing per intent, {s.visitors} visitors (blocks of {s.block})",
        [
            "questions",
            "answered",
            "answered wrongly",
            "suggested",
            "handed off",
            "handed off + suggested",
            "test top-1 of the live version after the block",
            "retrains in the block (live / waited)",
            "block time (s)",
            "wait for retrains (s)",
        ],
    )
    table.add("before any", "", "", "", "", "", pct(outcome.first_top1), "", "", "")
    for block in outcome.blocks:
        end = block.first + sum(block.outcomes.values())
        table.add(
            f"{block.first + 1}-{end}",
            pct(block.share("answered", "wrong")),
            pct(block.share("wrong")),
            pct(block.share("suggested", "smalltalk")),
            pct(block.share("handoff")),
            pct(block.share("handoff", "suggested", "smalltalk")),
            pct(block.top1),
            f"{block.went_live} / {len(block.retrains) - block.went_live}",
            f"{block.seconds:.0f}",
            f"{block.waited_s:.0f}",
        )
    table.notes = _notes(outcome)
    return table


def _notes(outcome: Outcome) -> list[str]:
    s = outcome.settings
    live = sum(_went_live(j) for j in outcome.retrains)
    failed = sum(j["status"] == "failed" for j in outcome.retrains)
    return [
        f"A fresh `faqbot serve --production` ({s.workers} gunicorn workers, each with its scheduler),"
        f" RETRAIN_DEBOUNCE_SECONDS={s.debounce:g}, RETRAIN_MAX_WAIT_SECONDS={s.max_wait:g},"
        " SCHEDULER_TICK=1, no labelled calibration or evaluation files (a new customer has none):"
        " the gate compares on the held-out share of the learned phrasings and the taught wordings.",
        "Corpus: one training phrasing per intent (numpy default_rng(0)), answers 'This is the team's"
        f" answer number N.'; visitors: {s.visitors} other training questions in a fixed random order"
        " (seed 0), one conversation each. Handed off: staff link the ticket to the true intent;"
        " suggested or small talk: the visitor asks for a person, then the same; answered wrongly:"
        " thumbs-down, then the admin's 'the right FAQ was #m' (review API).",
        "Between blocks the benchmark waits until the scheduler has retrained on everything taught"
        " (a quiet spell); retrains inside a block start when the max wait is reached.",
        f"Retrains: {len(outcome.retrains)}, {live} went live by themselves,"
        f" {len(outcome.retrains) - live - failed} waited for an admin, {failed} failed; every one"
        " only added taught wordings. Taught wordings: "
        f"{outcome.taught}, of which the final version ranks {outcome.taught - len(outcome.lost)} first"
        f" ({len(outcome.lost)} lost).",
        f"Whole run: {outcome.service_seconds / 60:.1f} min.",
        *[
            f"After questions up to {b.first + sum(b.outcomes.values())} the scheduler reported:"
            f" {b.settled.get('state')} ({b.settled.get('reason')})."
            for b in outcome.blocks
            if b.settled.get("state") != "up_to_date"
        ],
    ]


def targets(outcome: Outcome) -> list[Target]:
    first, last = outcome.blocks[0], outcome.blocks[-1]
    ratio = None
    if first.share("handoff", "suggested", "smalltalk"):
        ratio = last.share("handoff", "suggested", "smalltalk") / first.share(
            "handoff", "suggested", "smalltalk"
        )
    live = sum(_went_live(j) for j in outcome.retrains)
    waited = len(outcome.retrains) - live
    worst_wrong = max(b.share("wrong") for b in outcome.blocks)
    return [
        at_most("loop: handed off + suggested, last block / first block", ratio, 0.5, "x"),
        at_least("loop: final test top-1 of the live version", last.top1, 0.80),
        at_most("loop: retrains that only added taught wordings and waited", float(waited), 0.0),
        at_most("loop: taught wordings lost by the final version", float(len(outcome.lost)), 0.0),
        at_most("loop: answered wrongly, worst block", worst_wrong, 0.05, "%"),
    ]


def plot(outcome: Outcome, path: Path) -> Path:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    ends = [b.first + sum(b.outcomes.values()) for b in outcome.blocks]
    middles = [(b.first + end) / 2 for b, end in zip(outcome.blocks, ends)]
    fig, ax = plt.subplots(figsize=(8, 5), dpi=120)
    shares = {  # of each block's questions, as the version live during the block decided them
        "answered": ("answered", "wrong"),
        "handed off + suggested": ("handoff", "suggested", "smalltalk"),
        "answered wrongly": ("wrong",),
    }
    for name, kinds in shares.items():
        ax.plot(middles, [100 * b.share(*kinds) for b in outcome.blocks], marker="o", label=f"{name} (block)")
    top1 = [outcome.first_top1] + [b.top1 for b in outcome.blocks]
    ax.plot(
        [0, *ends], [100 * v for v in top1], marker="s", color="black", label="test top-1 of the live version"
    )
    for end, block in zip(ends, outcome.blocks):
        if block.retrains:
            ax.annotate(f"{len(block.retrains)} retrain(s)", (end, 2), fontsize=7, ha="right", color="grey")
    ax.set_xlabel("visitors' questions so far")
    ax.set_ylabel("% of the block's questions; test top-1")
    ax.set_ylim(0, 100)
    ax.set_title("faqbot learning loop on BANKING77 (one phrasing per intent to start)")
    ax.grid(alpha=0.3)
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.14), ncol=2, fontsize=8, frameon=False)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
    return path


# --- entry points ------------------------------------------------------------------------------


def run(root: Path, quick: bool, emit: Callable[[Table], None]) -> list[Target]:
    """The ``loop`` suite of benchmarks/run.py; the plot goes next to RESULTS.md on full runs."""
    outcome = run_loop(root, Settings.for_run(quick))
    table = blocks_table(outcome)
    if not quick:
        table.notes.append(f"![The learning loop on BANKING77]({PLOT.name}) (`benchmarks/{PLOT.name}`)")
    emit(table)
    path = plot(
        outcome, PLOT if not quick else Path(tempfile.mkdtemp(prefix="faqbot-loop-plot-")) / "loop.png"
    )
    print(f"loop: plot written to {path}", flush=True)
    found = targets(outcome)
    emit(_targets_table(found))
    return found


def _targets_table(found: list[Target]) -> Table:
    table = Table("Targets (issue 12, learning loop)", ["target", "measured", "goal", "result"])
    for t in found:
        table.add(t.name, t.shown, t.goal, t.verdict)
    return table


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--datasets", type=Path, default=datasets.DEFAULT_ROOT)
    parser.add_argument("--quick", action="store_true", help="5 intents, 50 visitors (CI)")
    parser.add_argument("--visitors", type=int)
    parser.add_argument("--block", type=int)
    parser.add_argument("--debounce", type=float)
    parser.add_argument("--max-wait", type=float)
    parser.add_argument("--plot", type=Path, help=f"where the PNG goes (default {PLOT} on full runs)")
    args = parser.parse_args(argv)
    settings = Settings.for_run(args.quick)
    changes = {
        k: v
        for k, v in {
            "visitors": args.visitors,
            "block": args.block,
            "debounce": args.debounce,
            "max_wait": args.max_wait,
        }.items()
        if v is not None
    }
    settings = Settings(**{**settings.__dict__, **changes})
    try:
        outcome = run_loop(args.datasets, settings)
    except datasets.DatasetMissing as missing:
        print(f"skipped: {missing.path} not found")
        return 0
    print(blocks_table(outcome).markdown())
    print(_targets_table(targets(outcome)).markdown())
    path = args.plot or (
        PLOT if not args.quick else Path(tempfile.mkdtemp(prefix="faqbot-loop-")) / "loop.png"
    )
    print(f"plot: {plot(outcome, path)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
