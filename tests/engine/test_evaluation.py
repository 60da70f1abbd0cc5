"""Quality floors on the bundled evaluation set: these fail if matching breaks.

The floors sit a few points under what the engine measures today (see
CHANGES.md), so noise does not trip them but a real regression does.
"""

import numpy as np
import pytest
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics.pairwise import cosine_similarity

from faqbot.engine.evaluation import evaluate, format_report
from faqbot.engine.labelled import LabelledQuery


@pytest.fixture(scope="module")
def report(sample_model, eval_queries):
    return evaluate(sample_model, eval_queries)


def test_eval_set_is_the_documented_size(eval_queries):
    assert len(eval_queries) >= 250
    assert sum(q.faq_id is None for q in eval_queries) >= 50


def test_top1_accuracy_floor(report):
    assert report["top1_accuracy"] >= 0.91
    assert report["mrr_at_5"] >= 0.93


def test_answer_decision_floors(report):
    assert report["answered_precision"] >= 0.88
    assert report["coverage"] >= 0.65
    assert report["out_of_scope_not_answered"] >= 0.80


def _plain_tfidf_top1(corpus, queries) -> float:
    """The reference a user would otherwise reach for: nearest phrasing by TF-IDF cosine."""
    phrasings, ids = corpus.training_pairs()
    vectorizer = TfidfVectorizer().fit(phrasings)
    in_scope = [q for q in queries if q.faq_id is not None]
    sims = cosine_similarity(
        vectorizer.transform([q.question for q in in_scope]), vectorizer.transform(phrasings)
    )
    best = [ids[i] for i in sims.argmax(axis=1)]
    return float(np.mean([b == q.faq_id for b, q in zip(best, in_scope)]))


def test_beats_plain_tfidf_by_a_clear_margin(report, sample_corpus, eval_queries):
    assert report["top1_accuracy"] >= _plain_tfidf_top1(sample_corpus, eval_queries) + 0.05


def test_report_counts_and_table(report):
    assert report["questions"] == report["in_scope"] + report["out_of_scope"]
    text = format_report(report)
    assert "top-1 accuracy" in text and "threshold  precision  coverage" in text
    coverage = [p["coverage"] for p in report["curve"]]
    assert coverage == sorted(coverage, reverse=True)


def test_confidence_is_roughly_calibrated(sample_model, eval_queries):
    """Among confident answers most are right; among unsure ones, fewer are."""
    results = sample_model.ask_many([q.question for q in eval_queries])
    conf = np.array([r["confidence"] for r in results])
    right = np.array([r["faq_id"] == q.faq_id for r, q in zip(results, eval_queries)])
    assert right[conf >= 0.8].mean() >= 0.85
    assert right[conf < 0.3].mean() <= 0.5


def test_small_talk_counts_as_handled_out_of_scope(sample_model):
    queries = [LabelledQuery("hello there", None, 1), LabelledQuery("thanks a lot", None, 2)]
    assert [r["status"] for r in sample_model.ask_many([q.question for q in queries])] == ["smalltalk"] * 2
    report = evaluate(sample_model, queries)
    assert report["out_of_scope_recall"] == 1.0 and report["coverage"] == 0.0
