import pytest

from faqbot.engine.calibration import (
    choose_thresholds,
    lowest_threshold_reaching,
    precision_coverage_curve,
)


def test_lowest_threshold_reaching_target():
    conf = [0.9, 0.8, 0.7, 0.6, 0.5]
    correct = [True, True, False, True, False]
    # precision at >=0.9: 1, >=0.8: 1, >=0.7: 2/3, >=0.6: 3/4, >=0.5: 3/5
    assert lowest_threshold_reaching(conf, correct, 0.75) == 0.6
    assert lowest_threshold_reaching(conf, correct, 0.95) == 0.8
    assert lowest_threshold_reaching(conf, correct, 0.5) == 0.5


def test_ties_are_answered_together():
    # Both 0.7s are answered at threshold 0.7, so precision there is 2/3, not 1.
    assert lowest_threshold_reaching([0.9, 0.7, 0.7], [True, True, False], 0.9) == 0.9


def test_unreachable_target_never_answers():
    assert lowest_threshold_reaching([0.9, 0.8], [False, False], 0.5) == 1.0
    assert lowest_threshold_reaching([], [], 0.5) == 1.0


def test_curve_counts_all_questions_in_coverage():
    curve = precision_coverage_curve([0.9, 0.4], [True, False], grid=[0.0, 0.5, 1.0])
    assert curve[0] == {"threshold": 0.0, "precision": 0.5, "coverage": 1.0, "answered": 2}
    assert curve[1] == {"threshold": 0.5, "precision": 1.0, "coverage": 0.5, "answered": 1}
    assert curve[2]["answered"] == 0


def test_suggest_threshold_uses_only_unanswered_questions():
    conf = [0.95, 0.9, 0.5, 0.4, 0.3, 0.2]
    correct = [True, True, False, False, False, False]
    hit = [True, True, True, False, True, False]
    t = choose_thresholds(conf, correct, hit, target_precision=0.9, suggest_precision=0.6)
    assert t["answer"] == 0.9
    # below 0.9, the isotonic hit rate is 0 (0.2), 0.5 (0.3, 0.4) and 1 (0.5): 0.6 is reached at 0.5
    assert t["suggest"] == pytest.approx(0.5)


def test_suggest_threshold_is_local_so_many_good_suggestions_do_not_carry_nonsense():
    # 20 questions just under the answer threshold whose suggestions hold the right FAQ, then
    # 10 nonsense questions with none: a cumulative rate stays >= 0.5 down to the nonsense.
    conf = [0.99] + [0.6 - 0.001 * i for i in range(20)] + [0.1 - 0.001 * i for i in range(10)]
    correct = [True] + [False] * 30
    hit = [True] + [True] * 20 + [False] * 10
    t = choose_thresholds(conf, correct, hit, target_precision=0.9, suggest_precision=0.5)
    assert t["answer"] == 0.99
    assert t["suggest"] == pytest.approx(0.581)  # the lowest of the good ones, not 0.091


def test_weights_count_a_question_as_several():
    conf, correct = [0.9, 0.8, 0.7], [True, False, True]
    assert lowest_threshold_reaching(conf, correct, 0.6) == 0.7  # 2 of 3
    assert lowest_threshold_reaching(conf, correct, 0.6, weights=[1, 3, 1]) == 0.9  # 2 of 5 at 0.7
    curve = precision_coverage_curve(conf, correct, grid=[0.75], weights=[1, 3, 1])
    assert curve[0]["precision"] == pytest.approx(0.25) and curve[0]["coverage"] == pytest.approx(0.8)
