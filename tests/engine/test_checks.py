"""Corpus warnings: what makes a loadable corpus a bot that cannot work."""

from __future__ import annotations

from faqbot.engine.checks import corpus_warnings
from faqbot.engine.corpus import corpus_from_records


def corpus(*records):
    return corpus_from_records(
        {"id": i, "question": q, "answer": a, "alternates": list(alts)} for i, q, a, *alts in records
    )


def test_one_faq_warns_that_it_can_never_answer():
    (warning,) = corpus_warnings(corpus(("1", "How do I return an item?", "Use the portal.")))
    assert warning.startswith("only 1 FAQ") and "hands off every question" in warning


def test_few_phrasings_warn_unless_labelled_questions_calibrate(tiny_corpus):
    warnings = corpus_warnings(tiny_corpus)
    assert any("only 16 phrasings" in w and "--calibrate" in w for w in warnings)
    assert corpus_warnings(tiny_corpus, labelled_count=40) == []


def test_single_phrasing_faqs_are_named():
    c = corpus(*[(str(i), f"question number {i} here", "An answer.") for i in range(6)])
    assert any(
        "6 of 6 FAQs have a single phrasing (#0, #1, #2, #3, #4 and 1 more)" in w for w in corpus_warnings(c)
    )


def test_a_question_under_two_faqs_is_named_once():
    c = corpus(
        ("a", "How do I pay?", "By card.", "payment options"),
        ("b", "Payment Options", "Cards and PayPal.", "which cards"),
    )
    clashes = [w for w in corpus_warnings(c, labelled_count=99) if "belongs to FAQs" in w]
    assert clashes == [
        "the question 'payment options' belongs to FAQs a, b: the bot cannot tell them apart on it; "
        "keep it under one"
    ]


def test_an_answer_of_only_markdown_marks_is_empty():
    c = corpus(
        ("a", "How do I pay?", "**  **", "payment"), ("b", "Where is it?", "[](https://x.example)", "b")
    )
    warnings = corpus_warnings(c, labelled_count=99)
    assert warnings == [
        "2 FAQs have an answer that is empty once Markdown is stripped (#a, #b): "
        "visitors would be shown nothing"
    ]


def test_the_sample_corpus_raises_no_warning(sample_corpus, calibration_queries):
    assert corpus_warnings(sample_corpus, labelled_count=len(calibration_queries)) == []
