"""faqbot and the peers a user would otherwise pick, behind one tiny interface.

Every system is trained on phrasings with their FAQ ids and answers a question
with its nearest FAQ and a score (higher = more sure); ``best_many`` is the
batch form used for accuracy, ``best`` the one-question form timed for latency.
Peers use their libraries' defaults: they are what a user gets out of the box.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import joblib
import numpy as np

Prediction = tuple[str | None, float]
CHUNK = 512


class Peer:
    """Base: ``fit`` stores ids; ``save`` writes the fitted object with joblib."""

    name = "peer"

    def fit(self, phrasings: Sequence[str], ids: Sequence[str], labelled=None) -> Peer:
        raise NotImplementedError

    def best(self, question: str) -> Prediction:
        return self.best_many([question])[0]

    def best_many(self, questions: Sequence[str]) -> list[Prediction]:
        raise NotImplementedError

    def save(self, directory: Path) -> None:
        directory.mkdir(parents=True)
        joblib.dump(self, directory / "peer.joblib")


class TfidfPeer(Peer):
    """TfidfVectorizer() with scikit-learn defaults; nearest phrasing by cosine."""

    name = "tfidf"

    def fit(self, phrasings, ids, labelled=None) -> TfidfPeer:
        from sklearn.feature_extraction.text import TfidfVectorizer

        self.vectorizer_ = TfidfVectorizer()
        self.matrix_t_ = self.vectorizer_.fit_transform(phrasings).T.tocsr()
        self.ids_ = np.asarray(ids, dtype=object)
        return self

    def best_many(self, questions):
        out: list[Prediction] = []
        for start in range(0, len(questions), CHUNK):
            query = self.vectorizer_.transform(questions[start : start + CHUNK])
            sims = (query @ self.matrix_t_).toarray()
            top = sims.argmax(axis=1)
            best = sims[np.arange(len(top)), top]
            out.extend(zip(self.ids_[top].tolist(), best.tolist(), strict=True))
        return out


class Bm25Peer(Peer):
    """bm25s with its default tokenizer (English stopwords, no stemmer) and BM25 parameters."""

    name = "bm25s"

    def fit(self, phrasings, ids, labelled=None) -> Bm25Peer:
        import bm25s

        self.retriever_ = bm25s.BM25()
        self.retriever_.index(bm25s.tokenize(list(phrasings), show_progress=False), show_progress=False)
        self.ids_ = list(ids)
        return self

    def best_many(self, questions):
        import bm25s

        tokens = bm25s.tokenize(list(questions), return_ids=False, show_progress=False)
        docs, scores = self.retriever_.retrieve(tokens, k=1, show_progress=False)
        return [(self.ids_[int(d)], float(s)) for d, s in zip(docs[:, 0], scores[:, 0], strict=True)]

    def save(self, directory: Path) -> None:
        """bm25s's own format; the ids go along as its corpus (needed to answer)."""
        self.retriever_.save(str(directory), corpus=self.ids_, show_progress=False)


class FuzzPeer(Peer):
    """rapidfuzz ``token_set_ratio`` nearest phrasing (``default_process`` on both sides)."""

    name = "rapidfuzz"

    def fit(self, phrasings, ids, labelled=None) -> FuzzPeer:
        from rapidfuzz import utils

        self.choices_ = [utils.default_process(p) for p in phrasings]
        self.ids_ = list(ids)
        return self

    def best(self, question: str) -> Prediction:
        from rapidfuzz import fuzz, process, utils

        hit = process.extractOne(utils.default_process(question), self.choices_, scorer=fuzz.token_set_ratio)
        return (self.ids_[hit[2]], float(hit[1])) if hit else (None, 0.0)

    def best_many(self, questions):
        from rapidfuzz import fuzz, process, utils

        out: list[Prediction] = []
        for start in range(0, len(questions), CHUNK):
            query = [utils.default_process(q) for q in questions[start : start + CHUNK]]
            scores = process.cdist(query, self.choices_, scorer=fuzz.token_set_ratio, workers=-1)
            top = scores.argmax(axis=1)
            out.extend((self.ids_[int(t)], float(scores[i, t])) for i, t in enumerate(top))
        return out


class FaqbotSystem(Peer):
    """faqbot itself: one FAQ per intent, each training phrasing one of its phrasings.

    The score is the calibrated ``confidence``.  ``labelled`` (validation
    questions only) calibrates it, as ``faqbot train --calibrate`` would.
    """

    name = "faqbot"

    def fit(self, phrasings, ids, labelled=None) -> FaqbotSystem:
        from faqbot.engine.corpus import corpus_from_records
        from faqbot.engine.training import fit_model

        records = [{"id": i, "question": p, "answer": i} for p, i in zip(phrasings, ids, strict=True)]
        self.model_ = fit_model(
            corpus_from_records(records, source="benchmark"), labelled=labelled, index_answers=False
        )
        return self

    def best(self, question: str) -> Prediction:
        answer = self.model_.ask(question)
        return answer["faq_id"], float(answer["confidence"])

    def best_many(self, questions):
        return [(a["faq_id"], float(a["confidence"])) for a in self.model_.ask_many(list(questions))]

    def save(self, directory: Path) -> None:
        from faqbot.engine.artifact import save_model

        save_model(self.model_, directory)


SYSTEMS: dict[str, type[Peer]] = {cls.name: cls for cls in (FaqbotSystem, TfidfPeer, Bm25Peer, FuzzPeer)}


def make_system(name: str) -> Peer:
    return SYSTEMS[name]()


def preload() -> None:
    """Import every system's libraries up front, so no training time includes an import."""
    import bm25s  # noqa: F401
    import rapidfuzz.process  # noqa: F401
    import sklearn.feature_extraction.text  # noqa: F401

    import faqbot.engine.artifact  # noqa: F401
    import faqbot.engine.training  # noqa: F401
