import numpy as np
import pytest
from sklearn.exceptions import NotFittedError

from faqbot.engine.matcher import FEATURE_NAMES, FaqMatcher


@pytest.fixture(scope="module")
def fitted(tiny_corpus):
    return FaqMatcher().fit(*tiny_corpus.training_pairs())


def test_fit_returns_self_with_fitted_attributes(tiny_corpus):
    matcher = FaqMatcher(C=0.5)
    assert matcher.fit(*tiny_corpus.training_pairs()) is matcher
    assert list(matcher.classes_) == ["delivery", "password", "payment", "returns"]
    assert matcher.uses_classifier_
    assert matcher.get_params()["C"] == 0.5


def test_unfitted_matcher_refuses_to_answer():
    with pytest.raises(NotFittedError):
        FaqMatcher().candidates(["hello"])


def test_candidates_rank_the_right_faq_first(fitted):
    cand = fitted.candidates(["when does my parcel arrive?", "i lost my password"])
    assert [fitted.classes_[c.faq_index[0]] for c in cand] == ["delivery", "password"]
    assert cand[0].features.shape == (3, len(FEATURE_NAMES))  # top_k
    assert fitted.phrasings_[cand[1].phrasing_index[0]] == "lost password"


def test_typos_still_match(fitted):
    cand = fitted.candidates(["wher is my parcle, shiping tiem?", "pasword resett"])
    assert [fitted.classes_[c.faq_index[0]] for c in cand] == ["delivery", "password"]


def test_retrieval_only_when_faqs_have_one_phrasing():
    matcher = FaqMatcher().fit(["track my parcel", "reset my password", "pay by card"], ["a", "b", "c"])
    assert not matcher.uses_classifier_
    (cand,) = matcher.candidates(["password reset please"])
    assert matcher.classes_[cand.faq_index[0]] == "b"
    (typo,) = matcher.candidates(["pasword"])  # no shared word: found through character n-grams
    assert matcher.classes_[typo.faq_index[0]] == "b"


def test_same_input_same_output(tiny_corpus):
    a = FaqMatcher().fit(*tiny_corpus.training_pairs()).candidates(["payment options?"])[0]
    b = FaqMatcher().fit(*tiny_corpus.training_pairs()).candidates(["payment options?"])[0]
    np.testing.assert_array_equal(a.faq_index, b.faq_index)
    np.testing.assert_array_equal(a.features, b.features)


def test_explanation_terms_are_shared_words(fitted):
    (cand,) = fitted.candidates(["reset the password"])
    terms = fitted.top_terms("reset the password", int(cand.phrasing_index[0]))
    assert "password" in terms and "the" not in terms


def test_fit_rejects_mismatched_input():
    with pytest.raises(ValueError):
        FaqMatcher().fit(["a question"], [])
    with pytest.raises(ValueError):
        FaqMatcher().fit([], [])


def test_phrasing_similarities_equal_cosine(fitted):
    from sklearn.metrics.pairwise import cosine_similarity

    question = "how quickly will my parcel be shipped"
    idx, val = fitted.features_.row(question)
    faqs = np.arange(len(fitted.classes_))
    ours = np.concatenate(fitted.index_.faq_sims(idx, val, faqs))
    matrix = fitted.features_.transform([fitted.normalized_[i] for i in range(len(fitted.phrasings_))])
    expected = cosine_similarity(fitted.features_.transform([question]), matrix).ravel()
    np.testing.assert_allclose(ours, expected, atol=1e-5)


SEMANTIC = FEATURE_NAMES.index("semantic_similarity")


def test_classifier_scores_add_the_embedding_block(fitted):
    assert fitted.embeddings_ is not None
    assert fitted.dense_coef_.shape == (fitted.embeddings_.components_.shape[1], len(fitted.classes_))
    question = "when will my parcel arrive"
    idx, val = fitted.features_.row(question)
    lexical = val @ fitted.coef_[idx] + fitted.intercept_
    meaning = fitted.embeddings_.row(question)
    sentence = fitted.encode_questions([question])[0]
    expected = lexical + meaning @ fitted.dense_coef_ + sentence @ fitted.sentence_coef_
    np.testing.assert_allclose(fitted._scores(idx, val, meaning, sentence), expected, rtol=1e-5)
    assert fitted.sentence_coef_.shape == (384, len(fitted.classes_))


def test_semantic_similarity_of_a_stored_phrasing_is_one(fitted):
    (cand,) = fitted.candidates(["when will my parcel arrive"])
    assert fitted.classes_[cand.faq_index[0]] == "delivery"
    assert cand.features[0, SEMANTIC] == pytest.approx(1.0, abs=1e-5)
    assert np.all(np.abs(cand.features[:, SEMANTIC]) <= 1.0 + 1e-6)


def test_embedding_weight_zero_is_tfidf_alone(tiny_corpus):
    matcher = FaqMatcher(embedding_weight=0, encoder=None).fit(*tiny_corpus.training_pairs())
    assert matcher.embeddings_ is None and matcher.dense_coef_ is None and matcher.encoder_ is None
    (cand,) = matcher.candidates(["when will my parcel arrive"])
    assert matcher.classes_[cand.faq_index[0]] == "delivery"
    assert not cand.features[:, SEMANTIC].any()


def test_retrieval_mode_needs_no_embeddings():
    matcher = FaqMatcher().fit(["track my parcel", "reset my password", "pay by card"], ["a", "b", "c"])
    assert matcher.embeddings_ is None


def test_candidates_without_an_faq_leave_it_out(fitted):
    question = ["when will my parcel arrive"]
    delivery = list(fitted.classes_).index("delivery")
    (cand,) = fitted.candidates(question, without=[delivery])
    assert delivery not in cand.faq_index and len(cand.faq_index) == 3
    assert fitted.candidates(question)[0].faq_index[0] == delivery
