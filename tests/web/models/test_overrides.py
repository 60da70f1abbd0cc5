"""Threshold choices applied to a version: explicit thresholds as they are, a target precision
re-read from each version's own precision-coverage curve."""

from __future__ import annotations

from types import SimpleNamespace

from faqbot.web.models.overrides import carry, mode, threshold_for_precision


def curve(*points: tuple[float, float, int]) -> list[dict]:
    return [{"threshold": t, "precision": p, "coverage": n / 10, "answered": n} for t, p, n in points]


OLD = SimpleNamespace(
    curve=curve((0.2, 0.7, 9), (0.4, 0.85, 7), (0.6, 0.92, 5), (0.8, 0.97, 2), (1.0, 1.0, 0)),
    thresholds={"answer": 0.6, "suggest": 0.3},
)
NEW = SimpleNamespace(  # a retrained version: more confident, so the same precision comes lower
    curve=curve((0.2, 0.8, 9), (0.4, 0.93, 8), (0.6, 0.96, 6), (0.8, 0.99, 3), (1.0, 1.0, 0)),
    thresholds={"answer": 0.4, "suggest": 0.5},
)


def test_a_target_is_reapplied_to_each_versions_own_curve():
    choice = carry({"mode": "target_precision", "target_precision": 0.9}, OLD)
    assert (choice["answer"], choice["suggest"], choice["coverage"]) == (0.6, 0.3, 0.5)
    again = carry(choice, NEW)  # what a retrain does with the stored choice
    assert again["mode"] == "target_precision" and again["target_precision"] == 0.9
    assert (again["answer"], again["precision"], again["coverage"]) == (0.4, 0.93, 0.8)
    assert again["suggest"] == 0.4  # the version's own 0.5, but never above the answer threshold


def test_explicit_thresholds_are_carried_as_they_are():
    chosen = {"answer": 0.75, "suggest": 0.2}
    assert carry(chosen, NEW) == chosen and mode(chosen) == "explicit"
    assert carry(None, NEW) is None and mode(None) is None


def test_an_unreachable_target_answers_nothing_and_says_so():
    assert threshold_for_precision(OLD.curve, 0.995) == (1.0, None)
    choice = carry({"mode": "target_precision", "target_precision": 0.995}, OLD)
    assert choice["answer"] == 1.0 and choice["reached"] is False
    flat = SimpleNamespace(curve=[], thresholds={"answer": 0.55, "suggest": 0.2})
    assert carry({"mode": "target_precision", "target_precision": 0.9}, flat)["answer"] == 0.55
