"""Grouping visitors' questions by similarity, for the review queue.

A fresh TF-IDF is fitted on the queue's own questions every time, so words the FAQ corpus has
never seen (a new product, a new complaint) count as much as known ones; character n-grams
(``char_wb``) let typos and inflections fall in with the correctly spelled question.  Average-
linkage agglomerative clustering on cosine distance then cuts the tree at a fixed distance: no
number of clusters has to be guessed, and one odd question cannot chain two topics together the
way single linkage would.  The threshold was tuned on the paraphrase fixture of
``tests/web/test_review_clustering.py`` (groups stay whole and distinct topics apart between
0.88 and 0.94 of cosine distance; the middle of that range is used).  Two more things keep the
few words that carry a question's topic in charge: English stop words are dropped, and the idf is
fitted on the queue together with the FAQ corpus's own wordings (``background``), so words every
shop question uses ("order", "can", "delivery") weigh little and words the corpus never saw weigh
most.  Questions that share no word stem at all (pure synonyms: "loyalty" vs "rewards") are
brought together by the live model's sentence encoder when there is one: two questions are as
similar as the larger of their TF-IDF cosine and their encoder cosine above ``SEMANTIC_FLOOR``,
rescaled to 0-1 (below the floor, unrelated shop questions still sit at 0.2-0.35 by meaning).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from sklearn.cluster import AgglomerativeClustering
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, TfidfVectorizer
from sklearn.metrics.pairwise import cosine_similarity
from sklearn.preprocessing import normalize as l2_normalize

DISTANCE_THRESHOLD = 0.91  # cosine distance at which the average-linkage tree is cut
#: Encoder cosine that counts as no similarity at all (see the module's docstring), tuned on the
#: same fixture with two synonym wordings added to a group: at 0.35 an unrelated question joined
#: a group, at 0.45 and above the synonyms stayed apart.
SEMANTIC_FLOOR = 0.4
_WORD = re.compile(r"(?u)\b\w+\b")


@dataclass
class Group:
    """Indices (into the clustered texts) of one cluster, and the index of its medoid."""

    members: list[int]
    medoid: int


def content_words(text: str) -> str:
    """The text without stop words: what the question is about."""
    return " ".join(w for w in _WORD.findall(text.lower()) if w not in ENGLISH_STOP_WORDS)


def vectorize(texts: Sequence[str], background: Sequence[str] = ()) -> sp.csr_matrix:
    """Word and char_wb (3-4) TF-IDF blocks of equal weight, idf fitted on texts + background."""
    docs = [content_words(t) for t in texts]
    extra = [content_words(t) for t in background]
    blocks = []
    for vectorizer in (
        TfidfVectorizer(sublinear_tf=True),
        TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 4), sublinear_tf=True),
    ):
        try:
            vectorizer.fit(docs + extra)
        except ValueError:  # empty vocabulary: only stop words, one-letter words or punctuation
            continue
        blocks.append(l2_normalize(vectorizer.transform(docs)))
    if not blocks:
        return sp.csr_matrix((len(texts), 1))
    return l2_normalize(sp.hstack(blocks, format="csr"))


def cluster(
    texts: Sequence[str],
    weights: Sequence[int],
    background: Sequence[str] = (),
    threshold: float = DISTANCE_THRESHOLD,
    vectors: np.ndarray | None = None,
) -> list[Group]:
    """Cluster distinct ``texts`` (each asked ``weights[i]`` times); heaviest clusters first.

    ``vectors`` are unit sentence vectors of ``texts`` (the live model's encoder), when there
    are any.  Texts that share no n-gram with any other, and are not close in meaning, end up
    alone; so does everything when the texts have no usable n-grams at all.
    """
    n = len(texts)
    if n == 0:
        return []
    similarity = cosine_similarity(vectorize(texts, background)) if n > 1 else np.ones((1, 1))
    if vectors is not None and n > 1:
        meaning = np.clip((vectors @ vectors.T - SEMANTIC_FLOOR) / (1 - SEMANTIC_FLOOR), 0.0, 1.0)
        similarity = np.maximum(similarity, meaning)
    if n == 1:
        labels = np.zeros(1, dtype=int)
    else:
        distance = np.clip(1.0 - similarity, 0.0, 2.0)
        np.fill_diagonal(distance, 0.0)
        model = AgglomerativeClustering(
            n_clusters=None, metric="precomputed", linkage="average", distance_threshold=threshold
        )
        labels = model.fit_predict(distance)
    weight = np.asarray(weights, dtype=float)
    groups = [_group(np.flatnonzero(labels == label), similarity, weight) for label in np.unique(labels)]
    groups.sort(key=lambda g: (-weight[g.members].sum(), g.members[0]))
    return groups


def _group(members: np.ndarray, similarity: np.ndarray, weight: np.ndarray) -> Group:
    """The medoid is the member most similar to the others, counting how often each was asked;
    members are ordered by how often they were asked, then by closeness to the medoid."""
    block = similarity[np.ix_(members, members)]
    medoid = int(members[int(np.argmax(block @ weight[members]))])
    closeness = similarity[medoid, members]
    order = sorted(range(len(members)), key=lambda i: (-weight[members[i]], -closeness[i], members[i]))
    return Group(members=[int(members[i]) for i in order], medoid=medoid)
