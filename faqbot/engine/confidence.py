"""Turn the matcher's signals into the probability that a candidate is right.

A raw similarity or SVM score is only relative: it means different things for
different corpora and says nothing about nonsense.  Logistic models fitted on
questions whose right answer is known (held-out phrasings, or a labelled file)
map the signals to a probability that can be read and thresholded.

The probability has two factors, each fitted on the questions that inform it:

- **in scope**: is the question about the FAQ at all?  One row per question (its best
  candidate's signals, among them the background signals of :mod:`faqbot.engine.scope`),
  fitted on in-scope questions against made-up and labelled out-of-scope ones;
- **right, if in scope**: is this candidate the FAQ the question is about?  Fitted on the
  in-scope questions' candidates only.

One model for both let the many in-scope rows decide the weights: it learnt which candidate is
right, and an off-topic question sharing a word with a phrasing still got 0.9 or more.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from sklearn.base import BaseEstimator
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV
from sklearn.preprocessing import StandardScaler
from sklearn.utils.validation import check_is_fitted

from faqbot.engine.matcher import Candidates

C_GRID = (0.01, 0.03, 0.1, 0.3, 1.0, 3.0)
DEFAULT_C = 1.0
C_SEARCH_FOLDS = 5


class ConfidenceModel(BaseEstimator):
    """Probability that a candidate FAQ is the right answer: P(in scope) x P(right | in scope).

    Parameters
    ----------
    C : float or "auto"
        Inverse regularisation of both logistic regressions; "auto" picks each from
        ``C_GRID`` by cross-validated log loss on its own rows.
    per_question : int
        Candidates per question used for fitting the ranking factor; the top few carry
        almost all the information, and the rest would swamp the positives.
    """

    def __init__(self, C: float | str = "auto", per_question: int = 5) -> None:
        self.C = C
        self.per_question = per_question

    def fit(
        self,
        candidates: Sequence[Candidates],
        truth: Sequence[int | None],
        sample_weight: Sequence[float] | None = None,
    ) -> ConfidenceModel:
        """Fit on candidates of questions whose right FAQ index is known (None: none is right).

        ``sample_weight`` gives each question's weight (all its candidate rows share it), so the
        probabilities are calibrated for the mix of questions the weights describe.
        """
        weights = np.ones(len(truth)) if sample_weight is None else np.asarray(sample_weight, float)
        has_rows = np.array([len(c.faq_index) > 0 for c in candidates], dtype=bool)
        in_scope = np.array([t is not None for t in truth], dtype=bool)
        scope_x = np.array([c.features[0] for c, ok in zip(candidates, has_rows) if ok])
        self.scope_ = _Logistic(self.C).fit(
            scope_x.reshape(-1, candidates[0].features.shape[1]) if len(scope_x) else scope_x,
            in_scope[has_rows],
            weights[has_rows],
        )
        rows, labels, row_weights = [], [], []
        for cand, right, weight in zip(candidates, truth, weights):
            if right is None or not len(cand.faq_index):
                continue
            n = min(self.per_question, len(cand.faq_index))
            rows.append(cand.features[:n])
            labels.append(cand.faq_index[:n] == right)
            row_weights.append(np.full(n, weight))
        self.right_ = _Logistic(self.C).fit(
            np.vstack(rows) if rows else np.zeros((0, 0)),
            np.concatenate(labels) if labels else np.zeros(0, bool),
            np.concatenate(row_weights) if row_weights else np.zeros(0),
        )
        self.prior_ = float(np.average(in_scope, weights=weights)) if len(truth) else 0.0
        return self

    def predict(self, cand: Candidates) -> np.ndarray:
        """Probability of each candidate being right, in the candidates' order."""
        check_is_fitted(self, "prior_")
        if not len(cand.faq_index):
            return np.zeros(0)
        return self.scope_.predict(cand.features[:1])[0] * self.right_.predict(cand.features)

    def predict_many(self, candidates: Sequence[Candidates]) -> list[np.ndarray]:
        """:meth:`predict` for each question (a tiny dot product each; no batching needed)."""
        return [self.predict(c) for c in candidates]


class _Logistic:
    """A weighted logistic regression folded into one weight vector (predicting is then a dot
    product, which matters when a visitor waits for every question); a constant when the rows
    hold one class only (a tiny corpus), so fitting cannot fail."""

    def __init__(self, C: float | str) -> None:
        self.C = C

    def fit(self, x: np.ndarray, y: np.ndarray, w: np.ndarray) -> _Logistic:
        self.coef_ = None
        self.prior_ = float(np.average(y, weights=w)) if len(y) and w.sum() > 0 else 0.5
        if len(y) == 0 or y.all() or not y.any():
            return self
        scaler = StandardScaler().fit(x)
        scaled = scaler.transform(x)
        self.C_ = self._choose_C(scaled, y, w)
        logistic = LogisticRegression(C=self.C_, max_iter=2000).fit(scaled, y, sample_weight=w)
        self.coef_ = logistic.coef_[0] / scaler.scale_
        self.intercept_ = float(logistic.intercept_[0] - np.dot(self.coef_, scaler.mean_))
        return self

    def _choose_C(self, x: np.ndarray, y: np.ndarray, w: np.ndarray) -> float:
        if self.C != "auto":
            return float(self.C)
        if min(y.sum(), (~y).sum()) < C_SEARCH_FOLDS:  # too few rows of a class to cross-validate
            return DEFAULT_C
        # Unshuffled folds keep a question's candidate rows together (they are adjacent).
        search = GridSearchCV(
            LogisticRegression(max_iter=2000), {"C": C_GRID}, scoring="neg_log_loss", cv=C_SEARCH_FOLDS
        )
        return float(search.fit(x, y, sample_weight=w).best_params_["C"])

    def predict(self, x: np.ndarray) -> np.ndarray:
        if self.coef_ is None:
            return np.full(len(x), self.prior_)
        return _sigmoid(x @ self.coef_ + self.intercept_)


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.clip(z, -50, 50)))
