import pickle

import numpy as np
import pytest

from faqbot.engine import embeddings
from faqbot.engine.embeddings import EmbeddingsUnavailable, TokenEmbeddings, package_files
from faqbot.engine.text import normalize


@pytest.fixture(scope="module")
def fitted(sample_corpus):
    phrasings, _ = sample_corpus.training_pairs()
    return TokenEmbeddings().fit([normalize(p) for p in phrasings])


def _cosine(a: np.ndarray, b: np.ndarray) -> float:
    return float(a @ b / (np.linalg.norm(a) * np.linalg.norm(b)))


def test_token_table_ships_with_the_package():
    weights, tokenizer = package_files()
    assert weights.stat().st_size > 1_000_000 and tokenizer.suffix == ".json"


def test_missing_package_is_a_clear_error(monkeypatch):
    monkeypatch.setattr(embeddings.importlib.util, "find_spec", lambda name: None)
    embeddings._token_table.cache_clear()  # read once per process: forget this process's copy
    try:
        with pytest.raises(EmbeddingsUnavailable, match="wordllama"):
            TokenEmbeddings().fit(["hello there", "good morning"])
    finally:
        embeddings._token_table.cache_clear()


def test_fitted_attributes(fitted):
    assert fitted.vectors_.dtype == np.float16 and fitted.vectors_.shape[1] == 256
    assert fitted.components_.shape == (256, 64)
    assert len(fitted.source_sha256_) == 64


def test_single_rows_equal_the_batch_transform(fitted):
    texts = ["where is my parcel", "can i pay with paypal", "zzzz qqq", "the"]
    batch = fitted.transform(texts)
    np.testing.assert_allclose(np.vstack([fitted.row(t) for t in texts]), batch, rtol=1e-5, atol=1e-6)


def test_stop_words_alone_have_no_meaning(fitted):
    assert not fitted.row("and of the").any()
    assert not fitted.row("").any()
    assert fitted.row("refund").any()


#: (question, paraphrase sharing no word with it, unrelated question)
PARAPHRASES = [
    ("i want my money back", "refund please", "change my email"),
    ("where is my parcel", "track the delivery", "pay by card"),
    ("where is my parcel", "shipment location", "forgot password"),
    ("my item arrived broken", "damaged goods", "gift cards"),
    ("delete my data", "erase personal information", "opening hours"),
    ("cost of shipping", "delivery fees", "reset password"),
    ("cancel my purchase", "stop the order", "warranty repair"),
]


def test_paraphrases_without_shared_words_are_mostly_closer(fitted):
    """The reason the block exists: TF-IDF sees nothing in common in these pairs.  A sum
    of token vectors is coarse ("track the delivery" is not closer to "where is my
    parcel" than "pay by card" is), so the test asks for most, not all."""
    closer = [
        _cosine(fitted.row(q), fitted.row(same)) > _cosine(fitted.row(q), fitted.row(other))
        for q, same, other in PARAPHRASES
    ]
    assert sum(closer) >= len(PARAPHRASES) - 1, closer


def test_pickling_keeps_the_table_and_rebuilds_the_tokenizer(fitted):
    before = fitted.row("how long does shipping take")
    state = fitted.__getstate__()
    assert "_tokenizer" not in state and "_word_cache" not in state
    restored = pickle.loads(pickle.dumps(fitted))
    np.testing.assert_array_equal(restored.row("how long does shipping take"), before)


def test_fewer_texts_than_components():
    small = TokenEmbeddings().fit(["reset my password", "track my parcel", "pay by card"])
    assert small.components_.shape[1] == 2
    assert small.transform(["password"]).shape == (1, 2)


def test_a_corpus_of_stop_words_fits_without_warnings():
    """No text has a meaning vector, so the PCA sees no variance (0/0 ratios, unused)."""
    only_filler = TokenEmbeddings().fit(["the and", "of the", "it is", "is it"])
    assert not only_filler.transform(["what is it"]).any()
    assert only_filler.row("refund").shape == (3,)
