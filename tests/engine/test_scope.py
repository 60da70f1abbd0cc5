import numpy as np
import pytest
from sklearn.exceptions import NotFittedError

from faqbot.engine.scope import Background, builtin_background


def unit(*rows):
    matrix = np.array(rows, dtype=np.float32)
    return matrix / np.linalg.norm(matrix, axis=1, keepdims=True)


def test_the_builtin_background_is_many_different_questions():
    questions = builtin_background()
    assert len(questions) >= 300
    assert len(set(questions)) == len(questions)
    assert all(q == q.strip() and q for q in questions)


def test_background_questions_the_corpus_covers_are_dropped():
    background = unit([1, 0, 0], [0, 1, 0], [0.8, 0.6, 0])
    corpus = unit([1, 0.1, 0])  # about the first background question
    fitted = Background(exclude_above=0.9).fit(background, corpus)
    assert fitted.kept_.tolist() == [1, 2]
    assert fitted.similarity(unit([0, 1, 0])).tolist() == pytest.approx([1.0])


def test_held_out_similarity_compares_each_with_the_others_only():
    background = unit([1, 0], [0.6, 0.8], [0, 1])
    fitted = Background(exclude_above=1.1).fit(background, unit([-1, 0]))
    assert fitted.held_out_similarity().tolist() == pytest.approx([0.6, 0.8, 0.8])


def test_an_empty_background_is_never_close():
    fitted = Background(exclude_above=0.5).fit(unit([1, 0]), unit([1, 0]))
    assert fitted.similarity(unit([1, 0])).tolist() == [0.0]
    assert fitted.held_out_similarity().tolist() == []


def test_unfitted_background_refuses():
    with pytest.raises(NotFittedError):
        Background().similarity(unit([1, 0]))


def test_off_topic_questions_are_closer_to_the_background_than_to_the_sample(sample_model):
    matcher = sample_model.matcher
    questions = ["what is my income tax rate", "how do I tell if a product is in stock"]
    background = matcher.background_.similarity(matcher.encode_questions(questions))
    corpus = [c.features[0, -3] for c in matcher.candidates(questions)]  # corpus_similarity
    assert background[0] > corpus[0] and corpus[1] > background[1]
