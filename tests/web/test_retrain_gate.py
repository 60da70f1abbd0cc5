"""The retrain gate's pure parts: which phrasings are held out, the verdict, changed answers."""

from __future__ import annotations

import pytest

from faqbot.labelled import LabelledQuery
from faqbot.web import gate
from faqbot.web.retraining import _without

from .support import ROOT

EVAL = ROOT / "data" / "eval" / "queries.csv"


def metrics(accuracy=0.9, precision=0.9, oos=0.5, coverage=0.7, questions=100) -> dict:
    return {
        "questions": questions,
        "top1_accuracy": accuracy,
        "answered_precision": precision,
        "out_of_scope_recall": oos,
        "coverage": coverage,
    }


def test_held_out_choice_is_deterministic_normalised_and_near_the_share():
    texts = [f"where is my parcel number {n}" for n in range(2000)]
    chosen = [t for t in texts if gate.is_held_out(t, 0.2)]
    assert 0.17 < len(chosen) / len(texts) < 0.23
    assert chosen == [t for t in texts if gate.is_held_out(t, 0.2)]  # same answer every time
    assert all(gate.is_held_out(f"  {t.upper()} ", 0.2) for t in chosen)  # case and spacing ignored
    assert not any(gate.is_held_out(t, 0.0) for t in texts)
    assert all(gate.is_held_out(t, 1.0) for t in texts)


def test_gate_passes_within_the_tolerance_and_fails_beyond_it():
    live = metrics()
    assert gate.decide(metrics(accuracy=0.89), live, 0.01, "")["promote"]  # exactly at the tolerance
    verdict = gate.decide(metrics(precision=0.88), live, 0.01, "")
    assert not verdict["promote"]
    assert "answered precision 90.0% -> 88.0%" in verdict["reason"]
    assert [c["metric"] for c in verdict["checks"] if not c["ok"]] == ["answered_precision"]
    assert not gate.decide(metrics(oos=0.45), live, 0.01, "")["promote"]
    # Coverage is reported, not gated: the engine trades it against precision by design.
    assert gate.decide(metrics(coverage=0.2), live, 0.01, "")["promote"]
    assert gate.decide(metrics(accuracy=0.99, precision=0.99, oos=0.9), live, 0.0, "")["promote"]


def test_gate_with_nothing_to_compare():
    no_live = gate.decide(metrics(), None, 0.01, "no live model to compare with")
    assert no_live["promote"] and no_live["reason"] == "no live model to compare with"
    no_questions = gate.decide(None, metrics(), 0.01, "")
    assert no_questions["promote"] and "no held-out questions" in no_questions["reason"]
    # A metric the live model has but the candidate lost (it answers nothing) fails the gate;
    # one the live model cannot be measured on (no out-of-scope questions) does not.
    assert not gate.decide(metrics(precision=None), metrics(), 0.01, "")["promote"]
    assert gate.decide(metrics(oos=None), metrics(oos=None), 0.01, "")["promote"]


def result(status: str, faq_id: str | None, confidence: float = 0.5) -> dict:
    return {"status": status, "faq_id": faq_id, "confidence": confidence}


def test_changed_questions_are_judged_from_the_visitors_side():
    queries = [
        LabelledQuery("a", "1", 1),
        LabelledQuery("b", "1", 2),
        LabelledQuery("c", None, 3),
        LabelledQuery("d", "2", 4),
        LabelledQuery("e", "3", 5),
        LabelledQuery("f", "4", 6),
    ]
    live = [
        result("answered", "1"),
        result("handoff", "9"),
        result("answered", "5"),
        result("suggested", "7"),
        result("answered", "3"),
        result("handoff", "8"),
    ]
    candidate = [
        result("answered", "2"),  # right answer became a wrong one
        result("answered", "1"),  # handoff became the right answer
        result("handoff", "5"),  # an out-of-scope question is now handed off
        result("suggested", "6"),  # a different wrong suggestion
        result("answered", "3", 0.9),  # same answer, other confidence: not a change
        result("handoff", "4"),  # still a handoff; the hidden best guess does not count
    ]
    changes = gate.changed_questions(queries, live, candidate)
    assert [(c["question"], c["verdict"]) for c in changes] == [
        ("a", "worse"),
        ("c", "better"),  # a wrong answer became a handoff: a larger gain than b's, listed first
        ("b", "better"),
        ("d", "different"),
    ]
    assert changes[0]["live"] == {"status": "answered", "faq_id": "1", "confidence": 0.5}
    report = gate.compare(queries, (metrics(), candidate), (metrics(), live), 0.01)
    assert report["change_counts"] == {"worse": 1, "better": 2, "different": 1}
    assert gate.summary(report)["change_counts"] == report["change_counts"]


def test_evaluation_questions_drop_unknown_faqs_and_add_held_out_phrasings():
    known = {str(n) for n in range(1, 60)}  # as if FAQs 60..66 were deleted or archived
    queries, sources = gate.evaluation_questions(str(EVAL), known, [("cat sofa", "51"), ("gone", "66")])
    assert sources["labelled_dropped"] > 0 and sources["held_out_phrasings"] == 1
    assert all(q.faq_id is None or q.faq_id in known for q in queries)
    assert queries[-1].question == "cat sofa" and len(queries) == sources["labelled"] + 1
    assert gate.evaluation_questions(None, known, [])[0] == []


def test_held_out_phrasings_are_removed_from_training_but_own_phrasings_stay():
    records = [{"id": "1", "question": "q", "answer": "a", "alternates": ["same", "x", "same"]}]
    [trimmed] = _without(records, [("same", "1")])
    assert trimmed["alternates"] == ["same", "x"]
    assert records[0]["alternates"] == ["same", "x", "same"]  # the input is not changed


@pytest.mark.parametrize("share", [0.1, 0.5])
def test_holdout_share_changes_only_how_many(share):
    texts = [f"q{n}" for n in range(500)]
    small = {t for t in texts if gate.is_held_out(t, 0.05)}
    assert small <= {t for t in texts if gate.is_held_out(t, share)}  # a larger share only adds
