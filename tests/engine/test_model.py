"""The engine contract: what every caller of ``model.ask`` relies on."""

import pytest

from faqbot.engine.corpus import Corpus, Faq
from faqbot.engine.training import fit_model

NONSENSE = ["asdfgh qwerty", "zzzz", "the", "and of the", "xq7 vbnm lkjh"]


def test_ask_returns_the_batch_fields(sample_model):
    result = sample_model.ask("where is my parcel")
    assert set(result) >= {
        "question",
        "status",
        "faq_id",
        "confidence",
        "suggestions",
        "explanation",
    }
    assert result["status"] in {"answered", "suggested", "handoff"}
    assert 0.0 <= result["confidence"] <= 1.0
    assert result["faq_id"] == result["suggestions"][0]["faq_id"]
    confidences = [s["confidence"] for s in result["suggestions"]]
    assert confidences == sorted(confidences, reverse=True)
    assert all(s["question"] == sample_model.faqs[s["faq_id"]].question for s in result["suggestions"])


def test_clear_question_is_answered_with_an_explanation(sample_model):
    result = sample_model.ask("how do I reset my password")
    assert result["status"] == "answered"
    assert result["faq_id"] == "58"
    explanation = result["explanation"]
    assert "password" in explanation["terms"]
    assert explanation["matched_phrasing"] in sample_model.faqs["58"].phrasings or explanation[
        "matched_phrasing"
    ].startswith(sample_model.faqs["58"].answer[:10])
    assert explanation["runner_up"]["faq_id"] != "58"


@pytest.mark.parametrize("question", NONSENSE)
def test_nonsense_gets_low_confidence_and_no_answer(sample_model, question):
    result = sample_model.ask(question)
    assert result["confidence"] < 0.2
    assert result["status"] != "answered"


@pytest.mark.parametrize("question", ["", "   ", "?!", "\u00bf\u00bf"])
def test_empty_vocabulary_is_handed_off_with_zero_confidence(sample_model, question):
    result = sample_model.ask(question)
    assert result == {
        "question": question,
        "status": "handoff",
        "faq_id": None,
        "confidence": 0.0,
        "suggestions": [],
        "explanation": {
            "matched_phrasing": None,
            "similarity": 0.0,
            "runner_up": None,
            "terms": [],
        },
    }


@pytest.mark.parametrize(
    ("question", "faq_id"),
    [
        ("wher is my packge", "38"),
        ("refnd not recieved yet", "49"),
        ("pasword forgoten", "58"),
        ("cancle my ordr", "15"),
    ],
)
def test_typos_still_match(sample_model, question, faq_id):
    assert sample_model.ask(question)["faq_id"] == faq_id


def test_ask_many_equals_ask(sample_model):
    questions = ["refund status", "do you ship to canada", "asdf"]
    assert sample_model.ask_many(questions) == [sample_model.ask(q) for q in questions]


def test_training_is_deterministic(sample_corpus, calibration_queries, sample_model):
    again = fit_model(sample_corpus, labelled=calibration_queries)
    questions = ["can i pay with klarna", "my parcel is damaged", "hello"]
    assert again.ask_many(questions) == sample_model.ask_many(questions)
    assert again.thresholds == sample_model.thresholds


def test_unrelated_faqs_barely_move_a_clear_match(sample_corpus, calibration_queries, sample_model):
    """Adding FAQs about other things must not change what a clear question is worth."""
    extra = tuple(
        Faq(
            f"x{i}",
            q,
            f"Answer about {topic}.",
            "Other",
            (q, f"{topic} question", f"tell me about {topic}"),
        )
        for i, (topic, q) in enumerate(
            [
                ("gardening", "How do I plant tulip bulbs?"),
                ("astronomy", "When is the next lunar eclipse?"),
                ("cooking", "How long should I boil an egg?"),
                ("football", "Who won the league last season?"),
                ("chess", "How does castling work in chess?"),
                ("music", "How do I tune a guitar?"),
            ]
        )
    )
    bigger = fit_model(Corpus(sample_corpus.faqs + extra), labelled=calibration_queries)
    for question in ["how do I reset my password", "can i pay with paypal", "track my order"]:
        before, after = sample_model.ask(question), bigger.ask(question)
        assert after["faq_id"] == before["faq_id"]
        assert abs(after["confidence"] - before["confidence"]) < 0.1


def test_with_thresholds_changes_decisions_not_scores(sample_model):
    strict = sample_model.with_thresholds(answer=1.0, suggest=1.0)
    result = strict.ask("how do I reset my password")
    assert result["status"] == "handoff"
    assert result["confidence"] == sample_model.ask("how do I reset my password")["confidence"]
    assert sample_model.thresholds["answer"] < 1.0  # the original is untouched
    with pytest.raises(ValueError):
        sample_model.with_thresholds(answer=0.2, suggest=0.5)
