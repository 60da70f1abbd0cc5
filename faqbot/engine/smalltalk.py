"""Small talk: greetings, thanks, "are you a bot" and other conversation that is not a question.

Why a separate detector
-----------------------
A greeting is not an FAQ question, and handing it off costs a person's time: before this module,
"hi", "thanks" and "bye" each opened a ticket.  The FAQ matcher cannot simply learn small talk as
more FAQs, because its confidence is calibrated on FAQ questions; and small talk must never count
as an answer or a handoff.  So small talk is recognised apart, by nearest phrasing, and the model
reports its own status with a reply (``"status": "smalltalk"``).

The intents are corpus rows (category ``smalltalk`` or id prefix ``smalltalk.``) so an admin edits
the replies with the FAQs; a corpus without any uses the built-in set
(``faqbot/engine/data/smalltalk.csv``, our own phrasings).

How a message is decided
------------------------
1. Normalise (NFKC, lowercase, no apostrophes, "heyyyy" -> "heyy"); emoji and emoticons are taken
   out and decided on their own when nothing else is left (each emoji votes for the intent whose
   emoji-only phrasings contain it).
2. A request for a person ("talk to a human", "agent") is never small talk: it must reach the
   handoff path.
3. Similarity to every phrasing: character and word TF-IDF cosine, blended with a sentence
   encoder's cosine when one is given (it knows that "purpose of existence" is about the meaning
   of life although no word is shared).
4. Coverage guard: the message's content words must be explained by the intent's vocabulary.
   This is what keeps "hi, my card was declined" an FAQ question: "card" and "declined" are not
   small talk.  Words of the FAQ corpus count fully against coverage; words neither small talk
   nor FAQ ("hamster", "tahoe") count less, because they are more likely chit-chat than a
   question the FAQ answers.
"""

from __future__ import annotations

import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from importlib import resources
from typing import Any, Protocol

import numpy as np
from rapidfuzz import fuzz, process
from scipy.sparse import csr_matrix
from sklearn.feature_extraction.text import TfidfVectorizer

from faqbot.engine.corpus import Corpus, Faq, load_corpus
from faqbot.engine.features import scores_by_feature, tfidf_rows
from faqbot.engine.smalltalk_text import (
    FILLERS,
    HANDOFF,
    NEGATORS,
    PARTICLE_INTENTS,
    content_words,
    emoji_words,
    normalize,
    split_symbols,
    stem,
    unit_rows,
)

CATEGORY = "smalltalk"
ID_PREFIX = "smalltalk."
#: The small-talk intent whose reply leads the service to offer the previous question's
#: other suggestions and a person.
NOT_WHAT_I_ASKED = "smalltalk.not_what_i_asked"


class Encoder(Protocol):
    """What the detector needs of a sentence encoder (``faqbot.engine.encoder.SentenceEncoder``)."""

    def encode(self, texts: Sequence[str]) -> np.ndarray: ...


@dataclass(frozen=True)
class SmallTalkIntent:
    """One conversational intent: its id, the reply shown to the visitor, its phrasings."""

    id: str
    reply: str
    phrasings: tuple[str, ...]


@dataclass(frozen=True)
class SmallTalkMatch:
    """A message recognised as small talk."""

    intent: str
    reply: str
    score: float
    #: Words of the message that the intent does not explain but the FAQ corpus uses.  With none
    #: the message is small talk through and through, and it wins over an FAQ answer.
    faq_words: int = 0


# ------------------------------------------------------------------- the intents


def is_smalltalk(faq: Faq) -> bool:
    """Whether a corpus entry is a small-talk intent rather than an FAQ."""
    return (faq.category or "").strip().lower() == CATEGORY or faq.id.startswith(ID_PREFIX)


def split_corpus(corpus: Corpus) -> tuple[Corpus, list[SmallTalkIntent]]:
    """Separate the FAQs from the small-talk intents of ``corpus``.

    Returns
    -------
    (Corpus, list of SmallTalkIntent)
        The FAQs (the same object when there is no small talk, so nothing changes for a corpus
        without any) and the intents.
    """
    intents = [_intent(f) for f in corpus.faqs if is_smalltalk(f)]
    if not intents:
        return corpus, []
    faqs = tuple(f for f in corpus.faqs if not is_smalltalk(f))
    return Corpus(faqs, corpus.source, corpus.sha256), intents


def builtin_intents() -> list[SmallTalkIntent]:
    """The built-in set, for corpora that define no small talk of their own."""
    with resources.as_file(resources.files("faqbot.engine") / "data" / "smalltalk.csv") as path:
        return [_intent(f) for f in load_corpus(path).faqs]


def _intent(faq: Faq) -> SmallTalkIntent:
    return SmallTalkIntent(faq.id, faq.answer, tuple(faq.phrasings))


# --------------------------------------------------------------------- detector


class SmallTalkDetector:
    """Nearest small-talk phrasing, accepted only when the intent's words explain the message.

    Parameters
    ----------
    threshold : float
        Least similarity to a phrasing (after the adjustments below) for a match.  Tuned on our
        own held-out phrasings and the CLINC150 small-talk validation split, never its test split.
    min_coverage : float
        Least share of the message's content words the intent's vocabulary must explain.
    semantic_threshold : float
        Least cosine of the sentence encoder to a phrasing for the meaning route (unused without
        an encoder).
    semantic_coverage : float
        Least coverage on the meaning route: lower than ``min_coverage`` because the encoder
        vouches for unseen words, but an FAQ word left unexplained still counts fully.
    meaning_floor : float
        Least cosine of the encoder for the word route too: "i want to give it back" shares its
        words with "i want a joke" and nothing of its meaning.  Chosen on the CLINC150 small-talk
        validation split (0.3 loses none of it) and a few shop messages of our own.
    char_weight : float
        Weight of character n-grams (robust to typos) against words in the lexical similarity.
    coverage_bonus : float
        How much coverage breaks near-ties between intents ("share a fact": fun fact, not joke).
    soft_weight : float
        Cost to coverage of a word that is small talk, but of other intents ("what", "like").
    unknown_weight : float
        Cost to coverage of a word that is neither small talk nor in the FAQ corpus: chit-chat
        about "hamsters" is more likely small talk than a question the FAQ answers.
    negation_penalty : float
        Factor applied when exactly one side is negated ("that makes no sense" is not "that
        makes sense").
    fuzzy_cutoff : float
        rapidfuzz ratio from which a misspelt word counts as an intent's word ("thnaks").
    """

    def __init__(
        self,
        threshold: float = 0.40,
        min_coverage: float = 0.8,
        semantic_threshold: float = 0.5,
        semantic_coverage: float = 0.5,
        semantic_slope: float = 0.2,
        meaning_floor: float = 0.3,
        char_weight: float = 0.6,
        coverage_bonus: float = 0.1,
        soft_weight: float = 0.5,
        unknown_weight: float = 0.5,
        negation_penalty: float = 0.7,
        fuzzy_cutoff: float = 80.0,
    ) -> None:
        self.threshold = threshold
        self.min_coverage = min_coverage
        self.semantic_threshold = semantic_threshold
        self.semantic_coverage = semantic_coverage
        self.semantic_slope = semantic_slope
        self.meaning_floor = meaning_floor
        self.char_weight = char_weight
        self.coverage_bonus = coverage_bonus
        self.soft_weight = soft_weight
        self.unknown_weight = unknown_weight
        self.negation_penalty = negation_penalty
        self.fuzzy_cutoff = fuzzy_cutoff

    # ------------------------------------------------------------------ fitting
    def fit(
        self,
        intents: Sequence[SmallTalkIntent],
        domain_texts: Iterable[str] = (),
        encoder: Encoder | None = None,
    ) -> SmallTalkDetector:
        """Index the intents' phrasings.

        Parameters
        ----------
        intents : sequence of SmallTalkIntent
        domain_texts : iterable of str
            The FAQ corpus' questions and answers: their words count fully against coverage, other
            unknown words ``unknown_weight``.  Without them every unknown word counts fully.
        encoder : object with ``encode(texts) -> (n, d) array``, optional
            A sentence encoder (kept, so questions are encoded the same way).

        Returns
        -------
        self
        """
        self.replies_ = {i.id: i.reply for i in intents}
        texts, labels, embed_texts, symbol_votes = self._phrasings(intents)
        if not texts:
            raise ValueError("small-talk intents need at least one phrasing with words")
        self.texts_ = texts
        self.labels_ = np.array(labels)
        self.exact_ = dict(zip(reversed(texts), reversed(labels)))  # first phrasing wins
        self.content_ = [content_words(t) for t in texts]
        self._fit_content_matrix()
        self.negated_ = np.array([bool(NEGATORS.intersection(t.split())) for t in texts])
        self.intent_rows_ = {i: np.flatnonzero(self.labels_ == i) for i in dict.fromkeys(labels)}
        self._fit_symbols(symbol_votes)
        self._fit_vocabulary(texts, labels)
        domain = {w for t in domain_texts for w in normalize(split_symbols(t)[0]).split()}
        self.domain_ = (domain | {stem(w) for w in domain}) if domain else None
        self.char_ = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 4), sublinear_tf=True)
        self.word_ = TfidfVectorizer(
            analyzer="word", ngram_range=(1, 2), token_pattern=r"(?u)\b\w+\b", sublinear_tf=True
        )
        self.char_matrix_ = self.char_.fit_transform(texts)
        self.word_matrix_ = self.word_.fit_transform(texts)
        self.encoder_ = encoder
        self.embeddings_ = unit_rows(encoder.encode(embed_texts)) if encoder is not None else None
        return self

    def _fit_content_matrix(self) -> None:
        """How often each phrasing has each content word, as a (phrasings, words) matrix."""
        self.content_index_ = {w: i for i, w in enumerate(sorted({w for c in self.content_ for w in c}))}
        pairs = [
            (row, self.content_index_[w], n)
            for row, c in enumerate(self.content_)
            for w, n in Counter(c).items()
        ]
        rows = np.array([p[0] for p in pairs], dtype=np.int64)
        cols = np.array([p[1] for p in pairs], dtype=np.int64)
        counts = np.array([p[2] for p in pairs], dtype=np.float32)
        shape = (len(self.content_), len(self.content_index_))
        self.content_matrix_ = csr_matrix((counts, (rows, cols)), shape=shape)
        self.content_sizes_ = np.array([len(c) for c in self.content_], dtype=np.float32)

    @staticmethod
    def _phrasings(intents: Sequence[SmallTalkIntent]):
        """Word phrasings (normalised, and as written for the encoder) and emoji-only votes."""
        texts, labels, raw = [], [], []
        votes: dict[str, Counter[str]] = defaultdict(Counter)
        for intent in intents:
            for phrasing in intent.phrasings:
                rest, symbols = split_symbols(phrasing)
                norm = normalize(rest)
                if norm:
                    texts.append(norm)
                    labels.append(intent.id)
                    raw.append(rest.strip())
                for symbol in symbols if not norm else ():
                    votes[symbol][intent.id] += 1
        return texts, labels, raw, votes

    def _fit_symbols(self, votes: dict[str, Counter[str]]) -> None:
        """Each emoji belongs to the intent that uses it most; unseen emoji go to the intent
        with the most emoji phrasings (a neutral reaction)."""
        self.symbol_intent_ = {s: c.most_common(1)[0][0] for s, c in votes.items()}
        self.symbol_words_ = {s: emoji_words(s) for s in self.symbol_intent_}
        owners = Counter(self.symbol_intent_.values())
        self.symbol_default_ = owners.most_common(1)[0][0] if owners else None

    def _fit_vocabulary(self, texts: list[str], labels: list[str]) -> None:
        """Per-intent vocabularies for the coverage guard.

        Particles that are a whole message on their own ("hi", "thanks", "ok") and vocatives
        ("bot", "mate") are explained in every intent, so "ok thanks bye" is covered.  Words
        used by three intents or more ("what", "like") explain others' words only softly.
        """
        vocab: dict[str, set[str]] = defaultdict(set)
        particles: set[str] = set()
        for text, label in zip(texts, labels):
            tokens = text.split()
            vocab[label].update(tokens)
            content = content_words(text)
            if len(content) == 1 and len(tokens) <= 2 and label.rsplit(".", 1)[-1] in PARTICLE_INTENTS:
                particles.add(content[0])
        shared = particles | FILLERS
        self.vocab_ = {k: v | shared for k, v in vocab.items()}
        self.vocab_stems_ = {k: {stem(t) for t in v} for k, v in self.vocab_.items()}
        self.vocab_sorted_ = {k: sorted(v) for k, v in self.vocab_.items()}
        frequency = Counter(t for v in vocab.values() for t in v)
        self.generic_ = {t for t, n in frequency.items() if n >= 3} | shared
        self.generic_stems_ = {stem(t) for t in self.generic_}

    # ---------------------------------------------------------------- detecting
    def detect(self, text: str) -> SmallTalkMatch | None:
        """The small-talk intent of ``text``, or None when it is not small talk."""
        return self.detect_many([text])[0]

    def detect_many(
        self, texts: Sequence[str], vectors: np.ndarray | None = None
    ) -> list[SmallTalkMatch | None]:
        """:meth:`detect` for many messages, encoding them in one batch.

        ``vectors`` are the encoder's vectors of ``texts`` when the caller has them (the FAQ
        matcher encodes every question anyway; encoding is most of the time a question costs).
        """
        return [self._match(e) for e in self.explain_many(texts, vectors)]

    def explain(self, text: str) -> dict[str, Any]:
        """The decision with its evidence; ``reason`` says why it was (not) accepted."""
        return self.explain_many([text])[0]

    def explain_many(self, texts: Sequence[str], vectors: np.ndarray | None = None) -> list[dict[str, Any]]:
        """:meth:`explain` for many messages (``vectors``: as in :meth:`detect_many`)."""
        out, pending, rows = [], [], []
        for row, text in enumerate(texts):
            rest, symbols = split_symbols(text)
            norm = normalize(rest)
            evidence = {"text": text, "norm": norm, "intent": None, "score": 0.0}
            if not norm:
                self._symbols_only(symbols, evidence)
            elif any(p.search(norm) for p in HANDOFF):  # before all else, even an exact phrasing
                evidence["reason"] = "person"
            elif norm in self.exact_:
                evidence.update(intent=self.exact_[norm], score=1.0, reason="exact")
            else:
                pending.append((evidence, rest.strip()))
                rows.append(row)
            out.append(evidence)
        if pending:
            given = None if vectors is None else np.asarray(vectors)[rows]
            lexical, cosine = self._similarities(
                [e["norm"] for e, _ in pending], [r for _, r in pending], given
            )
            for i, (evidence, _) in enumerate(pending):
                self._nearest_intent(evidence, lexical[i], None if cosine is None else cosine[i])
        return out

    def reply(self, intent: str) -> str:
        """The reply of an intent ("" if unknown)."""
        return self.replies_.get(intent, "")

    def _match(self, evidence: dict[str, Any]) -> SmallTalkMatch | None:
        intent = evidence["intent"]
        if intent is None:
            return None
        faq_words = sum(not w.endswith(("~", "?")) for w in evidence.get("unexplained", ()))
        return SmallTalkMatch(intent, self.reply(intent), float(evidence["score"]), faq_words)

    def _similarities(
        self, norms: list[str], raw: list[str], vectors: np.ndarray | None = None
    ) -> tuple[np.ndarray, np.ndarray | None]:
        """(messages, phrasings) lexical similarity, and the encoder's cosine when there is one."""
        chars = scores_by_feature(self._by_feature("char_matrix_"), tfidf_rows(self.char_, norms))
        words = scores_by_feature(self._by_feature("word_matrix_"), tfidf_rows(self.word_, norms))
        lexical = self.char_weight * chars + (1 - self.char_weight) * words
        if self.embeddings_ is None:
            return lexical, None
        vectors = self.encoder_.encode(raw) if vectors is None else vectors
        return lexical, unit_rows(vectors) @ self.embeddings_.T

    def _by_feature(self, name: str) -> csr_matrix:
        """A phrasing matrix as (features x phrasings), made once per process and never saved."""
        key = f"_by_feature_{name}"
        if key not in self.__dict__:
            self.__dict__[key] = getattr(self, name).T.tocsr()
        return self.__dict__[key]

    def __getstate__(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if not k.startswith("_by_feature_")}

    def _nearest_intent(
        self, evidence: dict[str, Any], lexical: np.ndarray, cosine: np.ndarray | None
    ) -> None:
        """Check the coverage of every intent that is near enough by words or by meaning.

        Two routes: lexically near with most words explained (``threshold``, ``min_coverage``),
        or near in meaning with at least ``semantic_coverage`` of the words explained (the
        encoder knows "gratitude" is thanks, the vocabulary does not).  The best accepted intent
        wins; coverage breaks near-ties.
        """
        content = content_words(evidence["norm"])
        negated = bool(NEGATORS.intersection(evidence["norm"].split()))
        lex = self._per_intent(self._adjusted(lexical, set(content), negated))
        sem = self._per_intent(cosine) if cosine is not None else {}
        checked = []
        for intent, (score, row) in lex.items():
            meaning, meaning_row = sem.get(intent, (0.0, row))
            if score < self.threshold and meaning < self.semantic_threshold:
                continue
            coverage, missing = self._coverage(content, intent)
            sensible = cosine is None or meaning >= self.meaning_floor
            by_words = score >= self.threshold and coverage >= self.min_coverage and sensible
            needed = self.semantic_threshold + self.semantic_slope * (1 - coverage)
            by_meaning = meaning >= needed and coverage >= self.semantic_coverage
            best = max(score if by_words else 0.0, meaning if by_meaning else 0.0) or max(score, meaning)
            near = row if score >= meaning else meaning_row
            ranking = best + self.coverage_bonus * coverage
            checked.append((by_words or by_meaning, ranking, best, intent, near, coverage, missing))
        if not checked:
            intent, (score, row) = max(lex.items(), key=lambda item: item[1])
            evidence.update(candidate=intent, score=round(score, 4), nearest=self.texts_[row], reason="far")
            return
        accepted, _, score, intent, row, coverage, missing = max(checked, key=lambda c: c[:2])
        evidence.update(
            candidate=intent, score=round(score, 4), nearest=self.texts_[row],
            coverage=round(coverage, 3), unexplained=missing,
        )  # fmt: skip
        if accepted:
            evidence.update(intent=intent, reason="ok")
        else:
            evidence["reason"] = "coverage"

    def _adjusted(self, sims: np.ndarray, words: set[str], negated: bool) -> np.ndarray:
        """Lexical similarity with two corrections.

        A phrasing whose own content words all occur in the message gets a little more ("how r
        u" prefers "how are u" to "how old r u"); a negation on one side only costs.
        """
        recall = self._content_recall(words)
        adjusted = sims * (0.85 + 0.15 * recall)
        return np.where(self.negated_ != negated, adjusted * self.negation_penalty, adjusted)

    def _content_recall(self, words: set[str]) -> np.ndarray:
        """Per phrasing, the share of its content words that occur in ``words`` (1 without any).

        One sparse product instead of a Python loop over every phrasing: that loop was a
        millisecond of every question.
        """
        present = np.zeros(len(self.content_index_), dtype=np.float32)
        present[[self.content_index_[w] for w in words if w in self.content_index_]] = 1.0
        hits = self.content_matrix_ @ present
        return np.where(self.content_sizes_ > 0, hits / np.maximum(self.content_sizes_, 1), 1.0)

    def _per_intent(self, sims: np.ndarray) -> dict[str, tuple[float, int]]:
        """Each intent's best similarity and the row of that phrasing."""
        out = {}
        for intent, rows in self.intent_rows_.items():
            best = int(rows[np.argmax(sims[rows])])
            out[intent] = (float(sims[best]), best)
        return out

    def _coverage(self, content: list[str], intent: str) -> tuple[float, list[str]]:
        """Share of the content words that the intent's vocabulary explains, and the others.

        The others are marked: "~" for small-talk words of other intents, "?" for words neither
        small talk nor in the FAQ corpus; unmarked ones are FAQ words.
        """
        if not content:
            return 1.0, []
        cost, missing = 0.0, []
        for token in content:
            if self._known(token, intent):
                continue
            if token in self.generic_ or stem(token) in self.generic_stems_:
                cost, token = cost + self.soft_weight, token + "~"
            elif self.domain_ is not None and not {token, stem(token)} & self.domain_:
                cost, token = cost + self.unknown_weight, token + "?"
            else:
                cost += 1.0
            missing.append(token)
        return 1 - cost / len(content), missing

    def _known(self, token: str, intent: str) -> bool:
        if token in self.vocab_[intent] or stem(token) in self.vocab_stems_[intent]:
            return True
        # Typos only: a word of the FAQ corpus is itself ("send" is not a misspelt "second").
        if len(token) < 5 or (self.domain_ is not None and token in self.domain_):
            return False
        vocab = self.vocab_sorted_[intent]
        return process.extractOne(token, vocab, scorer=fuzz.ratio, score_cutoff=self.fuzzy_cutoff) is not None

    def _symbols_only(self, symbols: list[str], evidence: dict[str, Any]) -> None:
        """A message of emoji only: each votes for its intent; an unseen one borrows from the
        known emoji with the most similar Unicode name.  Bare punctuation is not small talk."""
        votes: Counter[str] = Counter()
        for symbol in symbols:
            if symbol in self.symbol_intent_:
                votes[self.symbol_intent_[symbol]] += 1.0
                continue
            words = emoji_words(symbol)
            overlap = {k: len(words & w) / len(words | w) for k, w in self.symbol_words_.items() if words & w}
            if overlap:
                nearest = max(overlap, key=overlap.__getitem__)
                votes[self.symbol_intent_[nearest]] += 0.5 + 0.5 * overlap[nearest]
            elif self.symbol_default_ and unicodedata.category(symbol[0]) == "So":
                votes[self.symbol_default_] += 0.5
        if not votes:
            evidence["reason"] = "no_words"
            return
        intent, weight = votes.most_common(1)[0]
        evidence.update(intent=intent, score=round(weight / len(symbols), 4), reason="symbols")


def fit_smalltalk(
    faqs: Corpus, intents: Sequence[SmallTalkIntent] = (), encoder: Encoder | None = None, **params: Any
) -> SmallTalkDetector:
    """Fit a detector on the corpus' small talk, or on the built-in set when it has none.

    Parameters
    ----------
    faqs : Corpus
        The FAQs (small talk already split off by :func:`split_corpus`): their words count fully
        against coverage, so "hi, where is my order" stays an FAQ question.
    intents : sequence of SmallTalkIntent
        The corpus' own small-talk intents; empty means the built-in set.
    encoder : optional
        The matcher's sentence encoder, shared so that it is stored and loaded once.
    **params
        SmallTalkDetector hyperparameters.
    """
    domain = [t for f in faqs.faqs for t in (*f.phrasings, f.answer)]
    return SmallTalkDetector(**params).fit(intents or builtin_intents(), domain, encoder)
