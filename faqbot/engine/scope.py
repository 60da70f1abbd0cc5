"""Is a question about this FAQ at all?  A background of general language to compare with.

Why
---
The matcher ranks FAQs; it cannot say that none of them is the subject.  A question that shares
one rare word with a phrasing ("what's my tax rate" and "Do prices include VAT?", "bake sugar
cookies" and the cookie-settings FAQ) looks like a fair match to every lexical signal, and even
its sentence-vector similarity to that FAQ is middling rather than low.  What gives it away is
that it is much closer to something else people ask: questions about personal taxes, baking,
flights, the weather.

So faqbot keeps a background: everyday questions and commands about other things, in our own
words (``faqbot/engine/data/background.csv``).  At training, background questions close to the
corpus are dropped: a bank's FAQ makes "what's my balance" in scope, and only what the FAQ does
not cover stays as background.  For each question the matcher then reports how close it is to
the background, and the confidence model learns, from the background questions themselves
asked as if they were visitors (each compared with the others only), that a question closer to
the background than to the FAQ is rarely answered by it.
"""

from __future__ import annotations

import csv
from importlib import resources

import numpy as np
from sklearn.base import BaseEstimator
from sklearn.utils.validation import check_is_fitted

#: Background questions closer than this (cosine) to a phrasing are taken to be in scope.
#: MiniLM puts paraphrases at about 0.6-0.9 and questions on the same subject at 0.4-0.6.
DEFAULT_EXCLUDE_ABOVE = 0.6


def builtin_background() -> list[str]:
    """The built-in background questions (our own words, no data set's)."""
    source = resources.files("faqbot.engine") / "data" / "background.csv"
    with source.open(encoding="utf-8", newline="") as handle:
        return [row["question"].strip() for row in csv.DictReader(handle) if row["question"].strip()]


class Background(BaseEstimator):
    """Sentence vectors of the background questions that the corpus does not cover.

    Parameters
    ----------
    exclude_above : float
        A background question whose cosine with some phrasing reaches this is dropped.
    """

    def __init__(self, exclude_above: float = DEFAULT_EXCLUDE_ABOVE) -> None:
        self.exclude_above = exclude_above

    def fit(self, background: np.ndarray, corpus: np.ndarray) -> Background:
        """Keep the rows of ``background`` (unit vectors) far from every row of ``corpus``."""
        background = np.asarray(background, dtype=np.float32)
        closest = (background @ np.asarray(corpus, dtype=np.float32).T).max(axis=1)
        self.kept_ = np.flatnonzero(closest < self.exclude_above)
        self.vectors_ = np.ascontiguousarray(background[self.kept_])
        return self

    def similarity(self, questions: np.ndarray) -> np.ndarray:
        """Cosine of each question (unit rows) with its closest kept background question."""
        check_is_fitted(self, "vectors_")
        questions = np.atleast_2d(np.asarray(questions, dtype=np.float32))
        if len(self.vectors_) == 0:
            return np.zeros(len(questions))
        return (questions @ self.vectors_.T).max(axis=1).astype(np.float64)

    def held_out_similarity(self) -> np.ndarray:
        """For each kept background question, its cosine with the closest *other* one: how a
        background-like visitor question looks when it is not in the background itself."""
        check_is_fitted(self, "vectors_")
        if len(self.vectors_) < 2:
            return np.zeros(len(self.vectors_))
        sims = self.vectors_ @ self.vectors_.T
        np.fill_diagonal(sims, -1.0)
        return sims.max(axis=1).astype(np.float64)
