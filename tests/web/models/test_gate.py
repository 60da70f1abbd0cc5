"""The retrain gate's pure parts: which phrasings are held out, paired comparisons with their
evidence, taught wordings, the verdict, changed answers."""

from __future__ import annotations

import numpy as np
import pytest

from faqbot.engine.labelled import LabelledQuery
from faqbot.web.models import gate, paired
from faqbot.web.models.retraining import _without

from ..support import ROOT

EVAL = ROOT / "data" / "eval" / "queries.csv"


def metrics(accuracy=0.9, precision=0.9, oos=0.5, coverage=0.7, questions=100) -> dict:
    return {
        "questions": questions,
        "top1_accuracy": accuracy,
        "answered_precision": precision,
        "out_of_scope_recall": oos,
        "coverage": coverage,
    }


def result(status: str, faq_id: str | None, confidence: float = 0.5) -> dict:
    return {"status": status, "faq_id": faq_id, "confidence": confidence}


def evaluation(in_scope: int, out_of_scope: int) -> list[LabelledQuery]:
    """``in_scope`` questions for FAQs 0..9, then ``out_of_scope`` ones."""
    queries = [LabelledQuery(f"q{n}", str(n % 10), n) for n in range(in_scope)]
    return queries + [LabelledQuery(f"oos{n}", None, in_scope + n) for n in range(out_of_scope)]


def answers(queries, wrong=(), handed_off_in_scope=(), answered_oos=()) -> list[dict]:
    """Right answers in scope and handoffs out of scope, except at the given positions."""
    out = []
    for n, query in enumerate(queries):
        if query.faq_id is None:
            out.append(result("answered", "3") if n in answered_oos else result("handoff", "3"))
        elif n in wrong:
            out.append(result("answered", "other"))
        elif n in handed_off_in_scope:
            out.append(result("handoff", query.faq_id))
        else:
            out.append(result("answered", query.faq_id))
    return out


def gate_on(queries, live, candidate, margin=0.02, taught=None) -> dict:
    return gate.compare(queries, (metrics(), candidate), (metrics(), live), margin, taught=taught)["gate"]


def by_metric(verdict: dict) -> dict:
    return {c["metric"]: c for c in verdict["checks"]}


def test_held_out_choice_is_deterministic_normalised_and_near_the_share():
    texts = [f"where is my parcel number {n}" for n in range(2000)]
    chosen = [t for t in texts if gate.is_held_out(t, 0.2)]
    assert 0.17 < len(chosen) / len(texts) < 0.23
    assert chosen == [t for t in texts if gate.is_held_out(t, 0.2)]  # same answer every time
    assert all(gate.is_held_out(f"  {t.upper()} ", 0.2) for t in chosen)  # case and spacing ignored
    assert not any(gate.is_held_out(t, 0.0) for t in texts)
    assert all(gate.is_held_out(t, 1.0) for t in texts)


def test_one_flipped_out_of_scope_question_is_noise_not_a_regression():
    queries = evaluation(260, 60)
    live = answers(queries, answered_oos=range(260, 280))
    candidate = answers(queries, answered_oos=range(260, 281))  # one more answered: -1.7 points
    verdict = gate_on(queries, live, candidate)
    assert verdict["promote"], verdict["reason"]
    check = by_metric(verdict)["out_of_scope_recall"]
    assert check["delta"] == pytest.approx(-1 / 60) and check["n"] == 60
    assert check["low"] < check["delta"] < 0 <= check["high"]
    assert (check["verdict"], check["lost"], check["gained"]) == ("no clear difference", 1, 0)
    assert check["p_value"] == 0.5 and check["test"] == "McNemar exact"
    assert "not worse than the live model" in verdict["reason"]


def test_a_clear_regression_beyond_the_margin_holds_the_candidate_back():
    queries = evaluation(260, 60)
    live = answers(queries, wrong=range(10))
    candidate = answers(queries, wrong=range(30))  # 20 more wrong answers: -7.7 points
    verdict = gate_on(queries, live, candidate)
    assert not verdict["promote"]
    checks = by_metric(verdict)
    assert checks["top1_accuracy"]["verdict"] == "worse" and not checks["top1_accuracy"]["ok"]
    assert checks["top1_accuracy"]["high"] < -0.02 and checks["top1_accuracy"]["p_value"] < 0.001
    assert checks["answered_precision"]["verdict"] == "worse"  # the same mistakes are answered
    assert checks["coverage"]["verdict"] == "no clear difference"
    assert verdict["reason"].startswith("worse than the live model with confidence and by more than 0.02")
    assert "top-1 accuracy 96.2% -> 88.5% (-7.7 points, 90% interval" in verdict["reason"]


def test_a_confident_but_small_loss_stays_within_the_margin():
    queries = evaluation(3000, 0)
    live = answers(queries)
    candidate = answers(queries, handed_off_in_scope=range(45))  # 1.5 points of coverage, surely
    checks = by_metric(gate_on(queries, live, candidate))
    assert checks["coverage"]["p_value"] < 1e-9 and checks["coverage"]["verdict"] == "worse within the margin"
    assert checks["coverage"]["ok"]
    assert not by_metric(gate_on(queries, live, candidate, margin=0.01))["coverage"]["ok"]


def test_a_tiny_evaluation_set_is_not_enough_evidence_and_does_not_block():
    queries = evaluation(12, 5)
    live = answers(queries)
    candidate = answers(queries, wrong=range(12), answered_oos=range(12, 17))  # everything wrong
    verdict = gate_on(queries, live, candidate)
    assert verdict["promote"]
    assert {c["verdict"] for c in verdict["checks"]} == {"not enough evidence"}
    assert "not enough evidence for top-1 accuracy (n=12)" in verdict["reason"]
    # Enough in-scope questions but too few out of scope: the others decide.
    queries = evaluation(100, 5)
    verdict = gate_on(queries, answers(queries), answers(queries, wrong=range(30)))
    assert not verdict["promote"]
    assert by_metric(verdict)["out_of_scope_recall"]["verdict"] == "not enough evidence"
    assert "not enough evidence for out-of-scope recall (n=5)" in verdict["reason"]


def test_a_candidate_that_answers_nothing_is_held_back_by_coverage():
    queries = evaluation(100, 20)
    candidate = [result("handoff", q.faq_id) for q in queries]
    checks = by_metric(gate_on(queries, answers(queries), candidate))
    assert checks["answered_precision"]["verdict"] == "not enough evidence"  # undefined
    assert checks["coverage"]["verdict"] == "worse"
    assert checks["out_of_scope_recall"]["verdict"] == "no clear difference"  # already all handed off


def test_bootstrap_is_paired_deterministic_and_recomputes_precision_per_resample():
    queries = evaluation(200, 40)
    live = answers(queries, wrong=range(20), answered_oos=range(200, 210))
    candidate = answers(queries, wrong=range(5), answered_oos=range(200, 230))
    before, after = paired.outcomes(queries, live), paired.outcomes(queries, candidate)
    first = paired.bootstrap_differences(gate.GATED_METRICS, before, after)
    again = paired.bootstrap_differences(gate.GATED_METRICS, before, after)
    assert all((first[name] == again[name]).all() for name in gate.GATED_METRICS)
    assert first["coverage"].shape == (paired.RESAMPLES,)
    same = paired.bootstrap_differences(["top1_accuracy"], before, before)["top1_accuracy"]
    assert (same == 0).all()  # paired: a model compared with itself differs by exactly 0
    precision = first["answered_precision"]
    live_precision, candidate_precision = 180 / 210, 195 / 230  # wrong answers count
    assert np.median(precision) == pytest.approx(candidate_precision - live_precision, abs=0.005)


def test_gate_with_nothing_to_compare():
    queries = evaluation(30, 0)
    no_live = gate.compare(
        queries, (metrics(), answers(queries)), None, 0.02, "no live model to compare with"
    )
    assert no_live["gate"]["promote"] and no_live["gate"]["reason"] == "no live model to compare with"
    no_questions = gate.compare([], None, None, 0.02)
    assert no_questions["gate"]["promote"] and "no held-out questions" in no_questions["gate"]["reason"]
    assert no_questions["gate"]["checks"] == [] and no_questions["taught"] is None


def test_taught_wordings_must_be_answered_by_the_candidate():
    taught = [("cat on the sofa", "51"), ("cat on the bed", "51"), ("do you ship to mars", "7")]
    answered = [result("answered", "51", 0.9), result("suggested", "51", 0.4), result("answered", "7", 0.8)]
    queries = evaluation(30, 0)
    ok = gate.compare(
        queries, (metrics(), answers(queries)), (metrics(), answers(queries)), 0.02, "", (taught, answered)
    )
    assert ok["gate"]["promote"], ok["gate"]["reason"]
    assert "all 3 taught wordings answered" in ok["gate"]["reason"]
    assert ok["taught"] | {"wordings": None} == {
        "count": 3,
        "answered": 2,
        "suggested": 1,
        "failed": 0,
        "wordings": None,
    }
    assert [w["verdict"] for w in ok["taught"]["wordings"]] == ["suggested"]  # listed, not failed

    missed = [result("answered", "51"), result("handoff", "51", 0.1), result("answered", "8")]
    report = gate.compare([], None, None, 0.02, "", (taught, missed))  # no evaluation file: still checked
    assert not report["gate"]["promote"]
    assert "2 of 3 taught wordings not answered" in report["gate"]["reason"]
    assert [(w["question"], w["verdict"]) for w in report["taught"]["wordings"]] == [
        ("cat on the bed", "failed"),  # handed off, though its best guess is the taught FAQ
        ("do you ship to mars", "failed"),  # another FAQ first
    ]
    [check] = report["gate"]["checks"]
    assert (check["metric"], check["n"], check["failed"], check["ok"]) == ("taught_wordings", 3, 2, False)


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
