"""Similarity between one question and stored phrasings, fast for one question at a time.

A visitor asks one question at a time, so per-call overhead matters as much as
arithmetic.  A question is a pair (feature indices, weights).  FAQs with many
phrasings (classifier mode) keep one small CSR block each, multiplied with the
question in C; many FAQs with few phrasings (retrieval mode) share one set of
CSR arrays, sliced per FAQ, plus inverted lists to find candidates.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp


class PhrasingIndex:
    """Unit-length phrasing vectors grouped by FAQ (phrasings of FAQ c are rows
    ``faq_ptr[c]:faq_ptr[c + 1]``), plus inverted lists for retrieval."""

    def __init__(
        self, matrix: sp.csr_matrix, faq_ptr: np.ndarray, n_word_features: int, inverted: bool
    ) -> None:
        matrix = sp.csr_matrix(matrix, dtype=np.float32)
        matrix.sort_indices()
        self.data = matrix.data
        self.indices = matrix.indices
        self.indptr = matrix.indptr
        self.n_features = matrix.shape[1]
        self.faq_ptr = faq_ptr
        self.phrasing_faq = np.repeat(np.arange(len(faq_ptr) - 1), np.diff(faq_ptr)).astype(np.int32)
        self.n_word_features = n_word_features
        self.postings = matrix.T.tocsr() if inverted else None
        # Few FAQs with many phrasings: a block per FAQ (scipy's matvec beats numpy slicing
        # 3x on CLINC150); too many objects for very large corpora, hence only here.
        self.blocks = None if inverted else [matrix[a:b] for a, b in zip(faq_ptr[:-1], faq_ptr[1:])]

    def faq_sims(self, q_idx: np.ndarray, q_val: np.ndarray, faqs: np.ndarray) -> list[np.ndarray]:
        """Cosine similarity with every phrasing of each FAQ in ``faqs``.

        An FAQ's phrasings are contiguous rows: one block product, or one slice
        of the shared CSR arrays and one ``reduceat``.
        """
        dense = np.zeros(self.n_features, dtype=np.float32)
        dense[q_idx] = q_val
        if self.blocks is not None:
            return [self.blocks[c] @ dense for c in faqs]
        return [self._slice_sims(dense, c) for c in faqs]

    def _slice_sims(self, dense: np.ndarray, faq: int) -> np.ndarray:
        first, last = self.faq_ptr[faq], self.faq_ptr[faq + 1]
        lo, hi = self.indptr[first], self.indptr[last]
        if hi == lo:
            return np.zeros(last - first, dtype=np.float32)
        products = self.data[lo:hi] * dense[self.indices[lo:hi]]
        starts = self.indptr[first:last] - lo
        sims = np.add.reduceat(products, np.minimum(starts, hi - lo - 1))
        sims[np.diff(self.indptr[first : last + 1]) == 0] = 0.0  # empty phrasings
        return sims

    def best_faqs(self, q_idx: np.ndarray, q_val: np.ndarray, words: bool) -> np.ndarray:
        """(faq, best similarity) rows for FAQs sharing a word (or character) feature.

        Only the inverted lists of the question's own features are read, so the
        cost follows how common its terms are, not the size of the corpus.
        """
        is_word = q_idx < self.n_word_features
        keep = is_word if words else ~is_word
        idx, val = q_idx[keep], q_val[keep]
        if len(idx) == 0:
            return np.zeros((0, 2))
        post = self.postings
        spans = [(post.indptr[f], post.indptr[f + 1]) for f in idx]
        phrasings = np.concatenate([post.indices[a:b] for a, b in spans])
        weights = np.concatenate([post.data[a:b] * v for (a, b), v in zip(spans, val)])
        sims = np.bincount(phrasings, weights=weights, minlength=len(self.phrasing_faq))
        touched = np.flatnonzero(sims)
        faq_best = np.zeros(len(self.faq_ptr) - 1)
        np.maximum.at(faq_best, self.phrasing_faq[touched], sims[touched])
        hit = np.flatnonzero(faq_best)
        return np.column_stack([hit, faq_best[hit]])


class SentenceIndex:
    """Unit sentence vectors of the phrasings, grouped by FAQ like :class:`PhrasingIndex`.

    A question is compared exactly with the phrasings of a few FAQs; finding those
    FAQs among many uses one unit centroid per FAQ when FAQs have many phrasings
    (comparing with all 15,000 CLINC150 phrasings cost 2-3 ms, the centroids 0.01 ms),
    and every phrasing otherwise (then there are about as many phrasings as FAQs).
    """

    def __init__(self, vectors: np.ndarray, faq_ptr: np.ndarray, centroids: bool) -> None:
        self.vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        self.faq_ptr = faq_ptr
        self.centroids = None
        if centroids:
            sums = np.add.reduceat(self.vectors, faq_ptr[:-1], axis=0)
            norms = np.linalg.norm(sums, axis=1, keepdims=True)
            self.centroids = np.ascontiguousarray(sums / np.where(norms > 0, norms, 1.0), dtype=np.float32)

    def faq_sims(self, query: np.ndarray, faqs: np.ndarray) -> np.ndarray:
        """Cosine of ``query`` with the closest phrasing of each FAQ in ``faqs``."""
        ptr, rows = self.faq_ptr, self.vectors
        return np.array([float(np.max(rows[ptr[c] : ptr[c + 1]] @ query)) for c in faqs.tolist()])

    def nearest_faqs(self, query: np.ndarray, k: int) -> np.ndarray:
        """About the ``k`` FAQs semantically closest to ``query``, closest first."""
        if self.centroids is not None:
            per_faq = self.centroids @ query
        else:
            per_faq = np.maximum.reduceat(self.vectors @ query, self.faq_ptr[:-1])
        k = min(k, len(per_faq))
        top = np.argpartition(-per_faq, k - 1)[:k]
        return top[np.argsort(-per_faq[top], kind="stable")]
