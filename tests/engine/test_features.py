import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.preprocessing import normalize as l2

from faqbot.engine.features import TextFeatures, scores_by_feature, tfidf_rows
from faqbot.engine.text import words

TEXTS = ["where is my parcel", "return an item", "parcel tracking number", "reset my password"]


@pytest.fixture(scope="module")
def features():
    return TextFeatures().fit(TEXTS)


def test_lean_transform_equals_scikit_learn(features):
    asked = ["where is the parcel parcel", "password?", "nothing known zzz"]
    reference = l2(sp.hstack([features.word_.transform(asked), features.char_.transform(asked)]))
    ours = features.transform(asked)
    np.testing.assert_allclose(ours.toarray(), reference.toarray(), rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize(
    "settings",
    [
        {"analyzer": "char_wb", "ngram_range": (2, 4), "sublinear_tf": True},
        {"ngram_range": (1, 2), "token_pattern": r"(?u)\b\w+\b", "sublinear_tf": True},
        {"binary": True, "norm": "l1", "use_idf": False},
        {"norm": None, "dtype": np.float32},
    ],
    ids=["char_wb", "words", "binary-l1-no-idf", "no-norm-float32"],
)
def test_tfidf_rows_equal_scikit_learn_for_any_fitted_vectorizer(settings):
    vectorizer = TfidfVectorizer(**settings).fit(TEXTS)
    asked = ["where is the parcel parcel", "password?", "nothing known zzz", "", "return return item"]
    ours = np.zeros((len(asked), len(vectorizer.vocabulary_)))
    for row, (indices, weights) in enumerate(tfidf_rows(vectorizer, asked)):
        assert np.all(np.diff(indices) > 0)  # sorted, each feature once
        ours[row, indices] = weights
    np.testing.assert_allclose(ours, vectorizer.transform(asked).toarray(), rtol=1e-6)
    assert tfidf_rows(vectorizer, []) == []


def test_scores_by_feature_equal_the_sparse_product():
    rng = np.random.default_rng(0)
    items = sp.random(40, 300, density=0.05, format="csr", random_state=rng)
    rows = sp.random(4, 300, density=0.03, format="csr", random_state=rng)
    rows = sp.vstack([rows, sp.csr_matrix((1, 300))], format="csr")  # and a row with no feature
    split = [(rows.indices[a:b], rows.data[a:b]) for a, b in zip(rows.indptr[:-1], rows.indptr[1:])]
    got = scores_by_feature(items.T.tocsr(), split)
    np.testing.assert_allclose(got, (rows @ items.T).toarray(), rtol=1e-12, atol=1e-12)
    assert got.shape == (5, 40) and not got[-1].any()


def test_unknown_text_gives_an_empty_row(features):
    assert features.transform(["ÿÿÿ"]).nnz == 0
    assert len(features.row("ÿÿÿ")[0]) == 0
    assert len(features.row("parcel")[0]) > 0


def test_known_word_stats_separate_filler_from_content(features):
    share, rarest = features.known_word_stats(words("my"))
    assert share == 1.0 and rarest < 1.0
    assert features.known_word_stats(words("qqq zzz")) == (0.0, 0.0)
    assert features.known_word_stats(words("password"))[1] == pytest.approx(1.0)


def test_pickled_features_rebuild_their_analyzers(features):
    import pickle

    copy = pickle.loads(pickle.dumps(features))
    np.testing.assert_array_equal(copy.transform(TEXTS).toarray(), features.transform(TEXTS).toarray())


def test_batch_training_matrix_equals_the_lean_transform():
    features = TextFeatures()
    matrix = features.fit_transform(TEXTS)
    np.testing.assert_allclose(matrix.toarray(), features.transform(TEXTS).toarray(), rtol=1e-5, atol=1e-6)
