"""TF-IDF features over word and character n-grams, with a lean transform for single questions.

scikit-learn's ``TfidfVectorizer.transform`` validates its input on every call,
which costs more than the matching itself for one short question.  Fitting
uses scikit-learn; transforming applies the same analyzers, vocabulary and idf
weights directly, and a test pins that both give the same vectors.
"""

from __future__ import annotations

import weakref
from collections import Counter
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.preprocessing import normalize as l2_normalize
from sklearn.utils.validation import check_is_fitted

_WORD_CACHE_SIZE = 100_000
_ANALYZERS: weakref.WeakKeyDictionary[TfidfVectorizer, Callable[[str], list[str]]] = (
    weakref.WeakKeyDictionary()
)


def _tfidf(
    idx: np.ndarray, counts: np.ndarray, idf: np.ndarray, offset: int
) -> tuple[np.ndarray, np.ndarray]:
    """Sublinear tf times idf, L2-normalised within the block (as TfidfVectorizer does)."""
    if len(idx) == 0:
        return idx, counts
    weights = (1.0 + np.log(counts)) * idf[idx]
    return idx + offset, weights / np.sqrt(np.dot(weights, weights))


def _merge_counts(parts: list[dict[int, float]]) -> tuple[np.ndarray, np.ndarray]:
    """Sum per-word n-gram counts (a dict loop beats numpy's unique on a dozen small parts)."""
    total: dict[int, float] = {}
    for part in parts:
        for index, count in part.items():
            total[index] = total.get(index, 0.0) + count
    return (
        np.fromiter(total.keys(), dtype=np.int64, count=len(total)),
        np.fromiter(total.values(), dtype=float, count=len(total)),
    )


class TextFeatures(TransformerMixin, BaseEstimator):
    """Word n-gram and ``char_wb`` n-gram TF-IDF blocks, concatenated and L2-normalised.

    Parameters
    ----------
    word_ngrams, char_ngrams : tuple of int
        n-gram ranges of the two blocks.
    min_df : int
        Minimum document frequency of a term.
    """

    def __init__(
        self,
        word_ngrams: tuple[int, int] = (1, 2),
        char_ngrams: tuple[int, int] = (2, 4),
        min_df: int = 1,
    ) -> None:
        self.word_ngrams = word_ngrams
        self.char_ngrams = char_ngrams
        self.min_df = min_df

    def fit(self, texts: Sequence[str], y: Any = None) -> TextFeatures:
        self.fit_transform(texts)
        return self

    def fit_transform(self, texts: Sequence[str], y: Any = None) -> sp.csr_matrix:
        """Fit, and return the training texts' rows from scikit-learn's batch path
        (analysing every text once; equal to :meth:`transform`, which a test pins)."""
        common = {"sublinear_tf": True, "min_df": self.min_df, "dtype": np.float32}
        self.word_ = TfidfVectorizer(ngram_range=self.word_ngrams, **common)
        self.char_ = TfidfVectorizer(analyzer="char_wb", ngram_range=self.char_ngrams, **common)
        blocks = [self.word_.fit_transform(texts), self.char_.fit_transform(texts)]
        self.n_word_features_ = len(self.word_.vocabulary_)
        self.n_features_ = self.n_word_features_ + len(self.char_.vocabulary_)
        self.max_idf_ = float(self.word_.idf_.max())
        return l2_normalize(sp.hstack(blocks, format="csr")).astype(np.float32)

    # The analyzers are closures: rebuilt after unpickling rather than stored.
    def __getstate__(self) -> dict[str, Any]:
        state = self.__dict__.copy()
        state.pop("_analyzers", None)
        state.pop("_word_cache", None)
        return state

    def _blocks(self) -> list[tuple[Any, dict[str, int], np.ndarray, int]]:
        if "_analyzers" not in self.__dict__:
            self._analyzers = [
                (self.word_.build_analyzer(), self.word_.vocabulary_, self.word_.idf_, 0),
                (
                    self.char_.build_analyzer(),
                    self.char_.vocabulary_,
                    self.char_.idf_,
                    self.n_word_features_,
                ),
            ]
        return self._analyzers

    def transform(self, texts: Sequence[str]) -> sp.csr_matrix:
        """Rows are unit vectors (or all-zero when no term is known)."""
        check_is_fitted(self, "word_")
        rows = [self.row(text) for text in texts]
        indptr = np.zeros(len(rows) + 1, dtype=np.int64)
        indptr[1:] = np.cumsum([len(cols) for cols, _ in rows])
        indices = np.concatenate([cols for cols, _ in rows]) if rows else np.zeros(0)
        data = np.concatenate([vals for _, vals in rows]) if rows else np.zeros(0)
        return sp.csr_matrix(
            (data.astype(np.float32), indices.astype(np.int32), indptr),
            shape=(len(texts), self.n_features_),
        )

    def row(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        """Feature indices and weights of one text (the sparse row, without scipy)."""
        analyzer, vocab, idf, _ = self._blocks()[0]
        word_counts = Counter(vocab[t] for t in analyzer(text) if t in vocab)
        word_idx = np.fromiter(word_counts.keys(), dtype=np.int64, count=len(word_counts))
        word_tf = np.fromiter(word_counts.values(), dtype=float, count=len(word_counts))
        per_word = [self._char_counts(word) for word in text.lower().split()]
        char_idx, char_tf = _merge_counts(per_word)
        blocks = [
            _tfidf(word_idx, word_tf, idf, 0),
            _tfidf(char_idx, char_tf, self.char_.idf_, self.n_word_features_),
        ]
        cols = np.concatenate([b[0] for b in blocks])
        vals = np.concatenate([b[1] for b in blocks])
        if len(vals):
            vals /= np.sqrt(np.dot(vals, vals))
        return cols, vals

    def _char_counts(self, word: str) -> dict[int, float]:
        """Character n-gram counts of one word; ``char_wb`` n-grams never cross words,
        so a question's counts are the sum over its words, and words repeat a lot."""
        cache = self.__dict__.setdefault("_word_cache", {})
        counts = cache.get(word)
        if counts is None:
            analyzer, vocab = self._blocks()[1][:2]
            counts = {k: float(v) for k, v in Counter(vocab[t] for t in analyzer(word) if t in vocab).items()}
            if len(cache) < _WORD_CACHE_SIZE:
                cache[word] = counts
        return counts

    def knows_word(self, word: str) -> bool:
        return word in self.word_.vocabulary_

    def word_idf(self, tokens: Sequence[str]) -> dict[str, float]:
        """idf of each distinct word; words the corpus never saw count as the rarest."""
        vocab, idf = self.word_.vocabulary_, self.word_.idf_
        return {t: float(idf[vocab[t]]) if t in vocab else self.max_idf_ for t in tokens}

    def common_words(self, n: int) -> list[str]:
        """The ``n`` single words with the lowest idf: the corpus' filler words."""
        vocab = self.word_.vocabulary_
        unigrams = [t for t in vocab if " " not in t]
        idf = self.word_.idf_
        return sorted(unigrams, key=lambda t: (idf[vocab[t]], t))[:n]

    def known_word_stats(self, tokens: Sequence[str]) -> tuple[float, float]:
        """Share of the question's words (``faqbot.engine.text.words``) the corpus knows, and the
        rarest known word's idf relative to the rarest in the corpus: 'the' alone is known
        but says nothing."""
        if not tokens:
            return 0.0, 0.0
        vocab, idf = self.word_.vocabulary_, self.word_.idf_
        known = [idf[vocab[t]] for t in tokens if t in vocab]
        share = len(known) / len(tokens)
        return share, (float(max(known)) / self.max_idf_) if known else 0.0


def tfidf_rows(vectorizer: TfidfVectorizer, texts: Sequence[str]) -> list[tuple[np.ndarray, np.ndarray]]:
    """Each text's (feature indices, weights): ``vectorizer.transform(texts)`` row by row for a
    fitted vectorizer, without the per-call validation that makes up most of its cost on a
    message or two (a test pins that both agree)."""
    analyzer = _ANALYZERS.get(vectorizer)
    if analyzer is None:
        analyzer = _ANALYZERS[vectorizer] = vectorizer.build_analyzer()
    vocab = vectorizer.vocabulary_
    idf = vectorizer.idf_ if vectorizer.use_idf else None
    rows = []
    for text in texts:
        counts = Counter(vocab[t] for t in analyzer(text) if t in vocab)
        idx = np.array(sorted(counts), dtype=np.int64)
        tf = np.array([counts[i] for i in idx], dtype=float)
        if vectorizer.binary:
            tf = np.ones_like(tf)
        rows.append((idx, _weights(tf, idx, idf, vectorizer.sublinear_tf, vectorizer.norm)))
    return rows


def _weights(tf: np.ndarray, idx: np.ndarray, idf: np.ndarray | None, sublinear: bool, norm: str | None):
    weights = 1.0 + np.log(tf) if sublinear and len(tf) else tf
    if idf is not None:
        weights = weights * idf[idx]
    if norm is not None and len(weights):
        size = np.sqrt(np.dot(weights, weights)) if norm == "l2" else np.abs(weights).sum()
        if size > 0:
            weights = weights / size
    return weights


def scores_by_feature(transposed: sp.csr_matrix, rows: Sequence[tuple[np.ndarray, np.ndarray]]) -> np.ndarray:
    """``(rows @ transposed).toarray()`` for a few short rows (each as :func:`tfidf_rows` gives
    it), without scipy's sparse product.

    ``transposed`` is (features x items) in CSR, so each of a row's features is one slice of
    its arrays; the row's scores are a weighted count of those slices' items.  For a message of
    a few dozen n-grams this is several times cheaper than scipy's general product, whose checks
    and conversions cost more than the arithmetic.
    """
    out = np.zeros((len(rows), transposed.shape[1]))
    for r, (features, weights) in enumerate(rows):
        starts = transposed.indptr[features]
        lengths = transposed.indptr[features + 1] - starts
        total = int(lengths.sum())
        if total == 0:
            continue
        firsts = np.cumsum(lengths) - lengths  # where each slice starts in the gathered order
        positions = np.repeat(starts - firsts, lengths) + np.arange(total)
        out[r] = np.bincount(
            transposed.indices[positions],
            weights=transposed.data[positions] * np.repeat(weights, lengths),
            minlength=transposed.shape[1],
        )
    return out
