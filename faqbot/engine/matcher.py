"""Candidate retrieval: which FAQs could a question be about, and how strongly.

The matcher only ranks and measures; turning its signals into a probability
of being right is the job of :mod:`faqbot.engine.confidence`.  Keeping the two apart
lets calibration be refitted on new labelled questions without retraining.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from rapidfuzz import fuzz, process, utils
from sklearn.base import BaseEstimator
from sklearn.svm import LinearSVC
from sklearn.utils.validation import check_is_fitted

from faqbot.engine.embeddings import TokenEmbeddings
from faqbot.engine.encoder import installed_encoder
from faqbot.engine.features import TextFeatures
from faqbot.engine.index import PhrasingIndex, SentenceIndex
from faqbot.engine.scope import DEFAULT_EXCLUDE_ABOVE, Background, builtin_background
from faqbot.engine.text import normalize, words

_WORD = re.compile(r"[^\W\d_]+")

#: Names of the per-candidate signals, in the column order of ``Candidates.features``.
FEATURE_NAMES = (
    "classifier_score",
    "classifier_margin",
    "similarity",
    "similarity_margin",
    "fuzzy",
    "known_words",
    "rarest_word",
    "coverage",
    "uncovered_rarest",
    "semantic_similarity",
    "semantic_margin",
    "corpus_similarity",
    "background_similarity",
    "scope_margin",
)

_SEMANTIC = FEATURE_NAMES.index("semantic_similarity")
_BACKGROUND = FEATURE_NAMES.index("background_similarity")
#: Encoders a matcher can use; None is the light mode (TF-IDF and token sums only).
ENCODERS = ("minilm",)


@dataclass
class Candidates:
    """The top candidates for one question, best first by the matcher's own score
    (none when no term of the question is in the vocabulary)."""

    faq_index: np.ndarray  # (k,) int indices into ``classes_``
    phrasing_index: np.ndarray  # (k,) best-matching phrasing of each candidate
    features: np.ndarray  # (k, len(FEATURE_NAMES))


class FaqMatcher(BaseEstimator):
    """TF-IDF retrieval over phrasings plus a linear classifier over FAQs.

    Parameters
    ----------
    word_ngrams, char_ngrams : tuple of int
        n-gram ranges of the word and character (``char_wb``) TF-IDF blocks.
    min_df : int or "auto"
        Minimum document frequency; "auto" keeps every term in small corpora
        (where a word seen once may be the only clue) and drops singletons in
        large ones (where they are mostly noise and memory).
    C : float
        Regularisation of the linear SVM (2 was best of 0.3-4 on CLINC150; rows
        are unit vectors over both blocks together).
    embedding_weight : float
        Weight of the token-embedding block (:mod:`faqbot.engine.embeddings`) beside the
        TF-IDF block in the classifier's input; 0 trains on TF-IDF alone.  At 1
        it added 0.7 point of raw top-1 on CLINC150, 1.2 on BANKING77 and 5.5
        with 10 phrasings per intent (0.7 and 1.5 were no better on CLINC150).
    embedding_components : int
        Dimensions of that block.
    encoder : {"minilm"} or None
        The sentence encoder (:mod:`faqbot.engine.encoder`) behind the semantic
        signals, the sentence-vector block of the classifier and the semantic
        candidates.  None is the light mode: no onnxruntime at serving, but the
        semantic signals fall back to token sums and off-topic questions that
        share a word with a phrasing are much harder to tell apart.
    sentence_weight : float
        Weight of the sentence-vector block beside TF-IDF in the classifier's
        input; 0 leaves the classifier lexical.  2 rather than 0.5 lifted top-1 on
        BANKING77 with 10 phrasings per intent from 78.1% to 82.1% (held-out
        training questions) and CLINC150 val from 95.7% to 96.4-96.7%.
    semantic_weight : float
        Weight of the semantic similarity added to the classifier's score when
        ranking candidates (with ``sentence_weight`` 2, 1 gave 82.9% and 96.7%).
    retrieval_semantic_weight : float
        The same without a classifier (one phrasing per FAQ), where the ranking
        score is the nearest phrasing's TF-IDF cosine: BANKING77 with one phrasing
        per intent went from 33.6% (0) to 50.1% (1), 52.4% (3) and 52.9% (10).
    semantic_pool : int
        FAQs nearest by sentence vectors added to the candidate pool.
    background : bool
        Compare questions with a background of general language
        (:mod:`faqbot.engine.scope`): the ``background_similarity`` and ``scope_margin``
        signals that tell an off-topic question sharing a word with a phrasing from a
        question about that FAQ.  Needs the encoder.
    background_exclude : float
        Background questions at least this close (cosine) to a phrasing are dropped
        from the background: the corpus covers them.
    similarity_weight : float
        Weight of the nearest-phrasing similarity added to the classifier
        score when ranking candidates.  0 measured best (CLINC150 val and the
        sample eval set both lost accuracy at 0.2 and 0.5); the similarity
        still informs the confidence.
    max_classifier_faqs : int
        Above this many FAQs the classifier is skipped: its weight matrix grows
        with FAQs x features, and retrieval alone scales.
    min_phrasings_per_faq : float
        The classifier is trained only when FAQs have at least this many
        phrasings on average; with one phrasing each it cannot generalise.
    top_k : int
        Candidates returned per question.
    pool_size : int
        FAQs compared phrasing by phrasing before the top ``top_k`` are kept.
    fuzzy_phrasings : int
        Phrasings per candidate compared with rapidfuzz (the closest by TF-IDF).
    typo_ratio : float
        rapidfuzz ratio (0-100) from which a word counts as a misspelling of another.
    """

    def __init__(
        self,
        word_ngrams: tuple[int, int] = (1, 2),
        char_ngrams: tuple[int, int] = (2, 4),
        min_df: int | str = "auto",
        C: float = 2.0,
        embedding_weight: float = 1.0,
        embedding_components: int = 64,
        encoder: str | None = "minilm",
        sentence_weight: float = 2.0,
        semantic_weight: float = 1.0,
        retrieval_semantic_weight: float = 3.0,
        semantic_pool: int = 3,
        background: bool = True,
        background_exclude: float = DEFAULT_EXCLUDE_ABOVE,
        similarity_weight: float = 0.0,
        max_classifier_faqs: int = 5000,
        min_phrasings_per_faq: float = 2.0,
        top_k: int = 3,
        pool_size: int = 3,
        fuzzy_phrasings: int = 5,
        typo_ratio: float = 80.0,
        random_state: int = 0,
    ) -> None:
        self.word_ngrams = word_ngrams
        self.char_ngrams = char_ngrams
        self.min_df = min_df
        self.C = C
        self.embedding_weight = embedding_weight
        self.embedding_components = embedding_components
        self.encoder = encoder
        self.sentence_weight = sentence_weight
        self.semantic_weight = semantic_weight
        self.retrieval_semantic_weight = retrieval_semantic_weight
        self.semantic_pool = semantic_pool
        self.background = background
        self.background_exclude = background_exclude
        self.similarity_weight = similarity_weight
        self.max_classifier_faqs = max_classifier_faqs
        self.min_phrasings_per_faq = min_phrasings_per_faq
        self.top_k = top_k
        self.pool_size = pool_size
        self.fuzzy_phrasings = fuzzy_phrasings
        self.typo_ratio = typo_ratio
        self.random_state = random_state

    # ------------------------------------------------------------------ fit
    def fit(
        self, phrasings: Sequence[str], faq_ids: Sequence[str], sentence_vectors: np.ndarray | None = None
    ) -> FaqMatcher:
        """Learn the vocabulary, the phrasing index and (when useful) the classifier.

        ``sentence_vectors`` are the encoder's vectors of ``phrasings`` when the
        caller has them already (cross-validation fits several matchers on subsets).
        """
        if len(phrasings) != len(faq_ids):
            raise ValueError("phrasings and faq_ids differ in length")
        if not phrasings:
            raise ValueError("cannot fit on an empty corpus")
        texts = [normalize(p) for p in phrasings]
        self.classes_, labels = np.unique(np.asarray(faq_ids, dtype=object), return_inverse=True)
        order = np.argsort(labels, kind="stable")
        self.phrasings_ = [phrasings[i] for i in order]
        texts = [texts[i] for i in order]
        self.normalized_ = texts
        self.sorted_tokens_ = [_sorted_tokens(t) for t in texts]
        labels = labels[order]
        self.faq_ptr_ = np.searchsorted(labels, np.arange(len(self.classes_) + 1)).astype(np.int64)
        sentences = self._fit_encoder(phrasings, sentence_vectors)
        sentences = sentences[order] if sentences is not None else None
        matrix = self._fit_vectorizers(texts)
        self.faq_words_ = [
            frozenset(w for t in texts[self.faq_ptr_[c] : self.faq_ptr_[c + 1]] for w in words(t))
            for c in range(len(self.classes_))
        ]
        self.vocabulary_ = sorted({w for ws in self.faq_words_ for w in ws if len(w) >= 3})
        self._fit_background(sentences)
        self._fit_classifier(matrix, labels, texts, sentences)
        self.index_ = PhrasingIndex(
            matrix,
            self.faq_ptr_,
            self.features_.n_word_features_,
            inverted=not self.uses_classifier_,
        )
        self.sentence_index_ = None
        if sentences is not None:
            self.sentence_index_ = SentenceIndex(sentences, self.faq_ptr_, centroids=self.uses_classifier_)
        return self

    def _fit_background(self, sentences: np.ndarray | None) -> None:
        self.background_ = self.background_questions_ = None
        if sentences is None or not self.background:
            return
        questions = builtin_background()
        vectors = self.encoder_.encode(questions)  # once a process: the training encoder keeps them
        self.background_ = Background(self.background_exclude).fit(vectors, sentences)
        self.background_questions_ = [questions[i] for i in self.background_.kept_]

    def _fit_encoder(self, phrasings: Sequence[str], given: np.ndarray | None) -> np.ndarray | None:
        if self.encoder is None:
            self.encoder_ = None
            return None
        if self.encoder not in ENCODERS:
            raise ValueError(f"encoder must be one of {ENCODERS} or None, got {self.encoder!r}")
        self.encoder_ = installed_encoder()
        vectors = self.encoder_.encode(list(phrasings)) if given is None else np.asarray(given, np.float32)
        if vectors.shape[0] != len(phrasings):
            raise ValueError("sentence_vectors and phrasings differ in length")
        return vectors

    def _fit_vectorizers(self, texts: list[str]) -> sp.csr_matrix:
        min_df = self.min_df if self.min_df != "auto" else (1 if len(texts) < 5000 else 2)
        self.features_ = TextFeatures(self.word_ngrams, self.char_ngrams, min_df)
        return self.features_.fit_transform(texts)

    def _fit_classifier(
        self, matrix: sp.csr_matrix, labels: np.ndarray, texts: list[str], sentences: np.ndarray | None
    ) -> None:
        n_faqs = len(self.classes_)
        self.uses_classifier_ = (
            2 <= n_faqs <= self.max_classifier_faqs and len(labels) / n_faqs >= self.min_phrasings_per_faq
        )
        self.embeddings_ = self.dense_coef_ = self.phrasing_meaning_ = self.sentence_coef_ = None
        if not self.uses_classifier_:
            self.coef_ = None
            self.intercept_ = None
            return
        blocks = [matrix]
        if self.embedding_weight > 0:
            self.embeddings_ = TokenEmbeddings(self.embedding_components)
            dense = self.embedding_weight * self.embeddings_.fit_transform(texts)
            blocks.append(sp.csr_matrix(dense))
        use_sentences = sentences is not None and self.sentence_weight > 0
        if use_sentences:
            blocks.append(sp.csr_matrix(self.sentence_weight * sentences))
        inputs = sp.hstack(blocks, format="csr") if len(blocks) > 1 else matrix
        svm = LinearSVC(C=self.C, random_state=self.random_state).fit(inputs, labels)
        coef = svm.coef_ if n_faqs > 2 else np.vstack([-svm.coef_[0], svm.coef_[0]])
        intercept = svm.intercept_ if n_faqs > 2 else np.array([-svm.intercept_[0], svm.intercept_[0]])
        coef = np.ascontiguousarray(coef.T, dtype=np.float32)  # (features, faqs)
        n_sparse = matrix.shape[1]
        self.coef_ = coef[:n_sparse]
        end = n_sparse
        if self.embeddings_ is not None:
            end = n_sparse + dense.shape[1]
            self.dense_coef_ = np.ascontiguousarray(self.embedding_weight * coef[n_sparse:end])
            self.phrasing_meaning_ = _unit_rows(dense)
        if use_sentences:
            self.sentence_coef_ = np.ascontiguousarray(self.sentence_weight * coef[end:])
        self.intercept_ = intercept.astype(np.float32)

    def _scores(
        self, idx: np.ndarray, val: np.ndarray, meaning: np.ndarray | None, sentence: np.ndarray | None
    ) -> np.ndarray | None:
        """The classifier's score of every FAQ (None in retrieval mode)."""
        if not self.uses_classifier_:
            return None
        scores = val @ self.coef_[idx] + self.intercept_
        if meaning is not None:
            scores += meaning @ self.dense_coef_
        if sentence is not None and self.sentence_coef_ is not None:
            scores += sentence @ self.sentence_coef_
        return scores

    # ---------------------------------------------------------------- query
    def candidates(
        self,
        questions: Sequence[str],
        without: Sequence[int | None] | None = None,
        sentences: np.ndarray | None = None,
    ) -> list[Candidates]:
        """Top-k candidate FAQs with their signals, for each question.

        ``without`` names, per question, an FAQ (index into ``classes_``) to leave
        out as if the corpus lacked it: how a question the corpus cannot answer
        looks, for calibration (the classifier is not refitted, so this is an
        approximation of a corpus without that FAQ).

        ``sentences`` are :meth:`encode_questions` of ``questions`` when the caller
        has them already.

        Questions are handled one by one without building scipy matrices: for a
        single question the matrix overhead cost more than the matching.
        """
        check_is_fitted(self, "index_")
        if sentences is None:
            sentences = self.encode_questions(questions)
        background = None
        if sentences is not None and getattr(self, "background_", None) is not None:
            background = self.background_.similarity(sentences)
        out = []
        for i, text in enumerate(map(normalize, questions)):
            idx, val = self.features_.row(text)
            meaning = self.embeddings_.row(text) if self.embeddings_ is not None else None
            sentence = sentences[i] if sentences is not None else None
            scores = self._scores(idx, val, meaning, sentence)
            drop = without[i] if without is not None else None
            if drop is not None and scores is not None:
                scores[drop] = -np.inf
            ranked = self._rank_one(text, (idx, val), scores, meaning, sentence, drop)
            if background is not None:
                set_background(ranked, background[i])
            out.append(ranked)
        return out

    def encode_questions(self, questions: Sequence[str]) -> np.ndarray | None:
        """The encoder's vectors of ``questions`` (None in the light mode), misspellings of the
        corpus' words corrected first."""
        if getattr(self, "sentence_index_", None) is None:
            return None
        return self.encoder_.encode([self.spelled(q) for q in questions])

    def spelled(self, question: str) -> str:
        """``question`` (normalised) with each misspelt corpus word replaced by that word.

        The encoder cuts a misspelling into meaningless pieces ("cancle my ordr" sat closer to
        the FAQ on items that can't be returned than to cancelling), while character n-grams
        and rapidfuzz already match it.  A word is taken for a misspelling only when neither
        the corpus nor the encoder's vocabulary knows it, so "taxi" never becomes "tax".
        """
        text = normalize(question)
        if not self.vocabulary_:
            return text
        return _WORD.sub(lambda m: self._respelt(m.group(0)), text)

    def _respelt(self, word: str) -> str:
        if len(word) < 4 or self.features_.knows_word(word) or self.encoder_.knows_word(word):
            return word
        best = process.extractOne(word, self.vocabulary_, scorer=fuzz.ratio, score_cutoff=self.typo_ratio)
        return best[0] if best else word

    def _pool(
        self,
        query: tuple[np.ndarray, np.ndarray],
        scores: np.ndarray | None,
        sentence: np.ndarray | None,
        drop: int | None,
    ) -> np.ndarray:
        pool = self._lexical_pool(query, scores)
        if sentence is not None and self.semantic_pool > 0:
            near = self.sentence_index_.nearest_faqs(sentence, self.semantic_pool + (drop is not None))
            pool = np.concatenate([pool, near[~np.isin(near, pool)]])
        return pool if drop is None else pool[pool != drop]

    def _lexical_pool(self, query: tuple[np.ndarray, np.ndarray], scores: np.ndarray | None) -> np.ndarray:
        """FAQs worth a closer look: the classifier's best, or else the best by shared words.

        Comparing a question with every phrasing is what makes retrieval slow on
        large corpora; the pool keeps the exact comparison to a few FAQs.
        """
        size = min(self.pool_size, len(self.classes_))
        if scores is not None:
            return np.argpartition(-scores, size - 1)[:size]
        best = self.index_.best_faqs(*query, words=True)
        if len(best) < self.top_k:  # no shared words (typos): fall back to character n-grams
            best = self.index_.best_faqs(*query, words=False)
        if len(best) > size:
            best = best[np.argpartition(-best[:, 1], size - 1)[:size]]
        return best[:, 0].astype(np.int64)

    def _rank_one(
        self,
        text: str,
        query: tuple[np.ndarray, np.ndarray],
        scores: np.ndarray | None,
        meaning: np.ndarray | None,
        sentence: np.ndarray | None,
        drop: int | None = None,
    ) -> Candidates:
        if len(query[0]) == 0:  # nothing in the question is in the vocabulary
            return Candidates(np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros((0, len(FEATURE_NAMES))))
        pool = self._pool(query, scores, sentence, drop)
        if len(pool) == 0:
            pool = np.arange(min(self.top_k + 1, len(self.classes_)))
            pool = pool[pool != drop][: self.top_k]
        sims = self.index_.faq_sims(*query, pool)
        pool_sims = np.array([s.max() if len(s) else 0.0 for s in sims])
        semantic = self.sentence_index_.faq_sims(sentence, pool) if sentence is not None else None
        rank_score = pool_sims if scores is None else scores[pool] + self.similarity_weight * pool_sims
        if semantic is not None:
            weight = self.retrieval_semantic_weight if scores is None else self.semantic_weight
            rank_score = rank_score + weight * semantic
        order = np.argsort(-rank_score, kind="stable")[: self.top_k]
        top = pool[order]
        features = np.zeros((len(top), len(FEATURE_NAMES)), dtype=np.float64)
        if scores is not None:
            features[:, 0] = scores[top]
            features[:, 1] = _margins(scores[top])
        features[:, 2] = pool_sims[order]
        features[:, 3] = _margins(pool_sims[order])
        question_words = words(text)
        tokens, weights = _sorted_tokens(text), self.features_.word_idf(question_words)
        unknown = [t for t in weights if len(t) >= 4 and not self.features_.knows_word(t)]
        features[:, [4, 7, 8]] = [
            self._text_signals(tokens, weights, unknown, c, sims[o]) for c, o in zip(top, order)
        ]
        features[:, 5], features[:, 6] = self.features_.known_word_stats(question_words)
        if semantic is not None:
            features[:, _SEMANTIC] = semantic[order]
            features[:, _SEMANTIC + 1] = _margins(semantic[order])
            features[:, _SEMANTIC + 2] = semantic.max()  # how close the question is to the corpus at all
        elif meaning is not None:
            features[:, _SEMANTIC] = self._semantic_similarity(meaning, top)
        best_phrasing = np.array([self.faq_ptr_[c] + int(np.argmax(sims[o])) for c, o in zip(top, order)])
        return Candidates(top, best_phrasing, features)

    def _semantic_similarity(self, meaning: np.ndarray, faqs: np.ndarray) -> np.ndarray:
        """Cosine of the question's embedding with each FAQ's closest phrasing: an
        off-topic question can win the classifier's vote yet sit far from every
        phrasing (in a CLINC150 trial it lifted test out-of-scope recall from 49.6% to
        54.1% at the same validation recall)."""
        norm = float(np.sqrt(np.dot(meaning, meaning)))
        if norm == 0:
            return np.zeros(len(faqs))
        unit = meaning / np.float32(norm)
        rows, ptr = self.phrasing_meaning_, self.faq_ptr_
        return np.array([float(np.max(rows[ptr[c] : ptr[c + 1]] @ unit)) for c in faqs.tolist()])

    def _text_signals(
        self, tokens: str, weights: dict[str, float], unknown: list[str], faq: int, sims: np.ndarray
    ) -> tuple[float, float, float]:
        """rapidfuzz ratio against the FAQ's closest phrasings, and how much of the question
        they account for (see :meth:`_coverage`)."""
        closest = self.faq_ptr_[faq] + np.argsort(-sims)[: self.fuzzy_phrasings]
        nearest = [self.sorted_tokens_[i] for i in closest]
        # ratio of token-sorted strings == token_sort_ratio, without re-sorting stored phrasings
        best = process.extractOne(tokens, nearest, scorer=fuzz.ratio)
        misspelt = self._misspelt(unknown, nearest) if unknown else set()
        return (best[1] / 100.0 if best else 0.0, *self._coverage(weights, faq, misspelt))

    def _misspelt(self, unknown: list[str], nearest: list[str]) -> set[str]:
        """The question's unknown words that rapidfuzz finds misspelt among the phrasings' words."""
        near = {w for phrasing in nearest for w in phrasing.split()}
        cutoff = self.typo_ratio
        return {w for w in unknown if process.extractOne(w, near, scorer=fuzz.ratio, score_cutoff=cutoff)}

    def _coverage(self, weights: dict[str, float], faq: int, misspelt: set[str]) -> tuple[float, float]:
        """How much of the question (word -> idf) the FAQ's phrasings account for.

        Returns the idf-weighted share of the question's words found in the FAQ
        (a word the corpus does not know counts when it is ``misspelt``: close to a
        word of the FAQ's closest phrasings), and the idf of the rarest word left
        unexplained, relative to the rarest in the corpus: 'tell me a joke' shares
        'tell me' with an FAQ, but 'joke' stays unexplained.
        """
        total = sum(weights.values())
        if not total:
            return 0.0, 0.0
        vocabulary = self.faq_words_[faq]
        uncovered = [t for t in weights if t not in vocabulary and t not in misspelt]
        missing = sum(weights[t] for t in uncovered)
        rarest = max((weights[t] for t in uncovered), default=0.0)
        return 1.0 - missing / total, rarest / self.features_.max_idf_

    def top_terms(self, question: str, phrasing_index: int, n: int = 5) -> list[str]:
        """Words shared by the question and a phrasing, rarest (most telling) first."""
        weights = self.features_.word_idf(words(normalize(question)))
        shared = set(weights) & set(self.sorted_tokens_[phrasing_index].split())
        return sorted(shared, key=lambda t: (-weights[t], t))[:n]


def set_background(cand: Candidates, similarity: float) -> None:
    """Fill the background signals of ``cand`` for a question at ``similarity`` to the background
    (training also uses it for background questions compared with the others only)."""
    cand.features[:, _BACKGROUND] = similarity
    cand.features[:, _BACKGROUND + 1] = cand.features[:, _SEMANTIC + 2] - similarity


def _unit_rows(matrix: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    return np.ascontiguousarray(matrix / np.where(norms > 0, norms, 1.0), dtype=np.float32)


def _sorted_tokens(text: str) -> str:
    return " ".join(sorted(utils.default_process(text).split()))


def _margins(values: np.ndarray) -> np.ndarray:
    """Each value minus the best of the others (positive only for the leader)."""
    if len(values) < 2:
        return values.copy()
    ranked = sorted(values.tolist(), reverse=True)
    best, second = ranked[0], ranked[1]
    leader = int(np.argmax(values))
    return np.array([v - (second if i == leader else best) for i, v in enumerate(values.tolist())])
