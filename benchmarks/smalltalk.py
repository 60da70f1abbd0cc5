"""Small talk (issue 11, section 3): conversation gets the small-talk status, never a ticket.

The sample shop model is trained as the service trains it (``data/faq.csv``, calibrated on
``data/eval/calibration.csv`` at the default target precision) and asked:

- the CLINC150 small_talk-domain questions (greetings, thanks, "are you a bot"...): the share
  that gets ``"status": "smalltalk"``, the share given the small-talk intent that corresponds to
  the CLINC intent, and how many would open a ticket (status handoff: the service opens a ticket
  for exactly those when the visitor did not ask for a person);
- the in-scope questions of ``data/eval/queries.csv``: the share taken for small talk.

The detector's settings were tuned on CLINC150 ``val`` and on held-out phrasings of our own set,
never on ``test``; both splits are printed, and only ``test`` is checked against the targets.
CLINC150 is read from the shared datasets folder and never copied into the repository.

Run alone: ``python -m benchmarks.smalltalk [DATASETS_DIR]``.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from benchmarks.datasets import CLINC_FILE, DatasetMissing, streams_present
from benchmarks.report import Table, Target, at_least, at_most, pct, run_alone
from faqbot.engine.corpus import load_corpus
from faqbot.engine.labelled import load_labelled
from faqbot.engine.model import HANDOFF, SMALLTALK, FaqModel
from faqbot.engine.training import fit_model

ROOT = Path(__file__).resolve().parent.parent
DOMAIN = "small_talk"
#: CLINC150 small_talk intent -> our built-in intent that answers it.
INTENT_MAP = {
    "greeting": "greeting",
    "goodbye": "goodbye",
    "thank_you": "thanks",
    "are_you_a_bot": "are_you_a_bot",
    "what_can_i_ask_you": "what_can_you_do",
    "what_is_your_name": "bot_name",
    "how_old_are_you": "bot_age",
    "where_are_you_from": "bot_origin",
    "who_made_you": "bot_creator",
    "who_do_you_work_for": "bot_employer",
    "what_are_your_hobbies": "bot_hobbies",
    "do_you_have_pets": "bot_pets",
    "tell_joke": "joke",
    "fun_fact": "fun_fact",
    "meaning_of_life": "meaning_of_life",
}


def small_talk_questions(datasets: Path, split: str) -> list[tuple[str, str]]:
    """(question, CLINC intent) of the small_talk domain in ``split`` (val or test)."""
    path = datasets / CLINC_FILE
    domains = path.parent / "domains.json"
    if not path.is_file() or not domains.is_file():
        raise DatasetMissing(f"{path.parent}: CLINC150 data_full.json and domains.json are needed")
    intents = set(json.loads(domains.read_text(encoding="utf-8"))[DOMAIN])
    rows = json.loads(path.read_text(encoding="utf-8"))[split]
    return [(q, label) for q, label in rows if label in intents]


def sample_model() -> FaqModel:
    corpus = load_corpus(ROOT / "data" / "faq.csv")
    labelled = load_labelled(ROOT / "data" / "eval" / "calibration.csv", known_ids=corpus.by_id())
    return fit_model(corpus, labelled=labelled)


def measure(model: FaqModel, pairs: list[tuple[str, str]]) -> dict[str, float]:
    results = model.ask_many([q for q, _ in pairs])
    n = len(results)
    right = sum(
        r.get("smalltalk_intent") == "smalltalk." + INTENT_MAP[label] for r, (_, label) in zip(results, pairs)
    )
    return {
        "questions": n,
        "smalltalk": sum(r["status"] == SMALLTALK for r in results) / n,
        "right_intent": right / n,
        "answered": sum(r["status"] == "answered" for r in results) / n,
        "tickets": sum(r["status"] == HANDOFF for r in results),
    }


def in_scope_taken(model: FaqModel) -> tuple[float, list[str]]:
    queries = load_labelled(ROOT / "data" / "eval" / "queries.csv")
    questions = [q.question for q in queries if q.faq_id is not None]
    taken = [r["question"] for r in model.ask_many(questions) if r["status"] == SMALLTALK]
    return len(taken) / len(questions), taken


def run(datasets: Path, quick: bool, emit: Callable[[Table], None]) -> list[Target]:
    streams_present(datasets)  # before training: a missing data set is skipped at once
    model = sample_model()
    table = Table(
        "Small talk: the sample shop model (calibrated on data/eval/calibration.csv)",
        ["stream", "questions", "status smalltalk", "right intent", "answered with an FAQ", "tickets"],
    )
    measured = {}
    for split in ("val", "test"):
        pairs = small_talk_questions(datasets, split)
        if quick:
            pairs = pairs[::10]
        m = measured[split] = measure(model, pairs)
        table.add(
            f"CLINC150 small_talk {split}" + (" (tuning)" if split == "val" else ""),
            m["questions"], pct(m["smalltalk"]), pct(m["right_intent"]), pct(m["answered"]), m["tickets"],
        )  # fmt: skip
    share, taken = in_scope_taken(model)
    table.add("data/eval/queries.csv in scope", "", pct(share), "", "", "")
    table.notes.append("Tuned on CLINC150 val and held-out phrasings of our own set; test is reported.")
    table.notes.append("Tickets: questions with status handoff, each a ticket in the service.")
    if taken:
        table.notes.append("In-scope questions taken for small talk: " + "; ".join(taken))
    emit(table)
    test = measured["test"]
    return [
        at_least("small talk: CLINC150 small_talk test with status smalltalk", test["smalltalk"], 0.90),
        at_most("small talk: CLINC150 small_talk test tickets", test["tickets"], 0),
        at_most("small talk: queries.csv in-scope taken for small talk", share, 0.01, "%"),
    ]


if __name__ == "__main__":
    run_alone(run)
