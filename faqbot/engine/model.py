"""The trained model as the rest of faqbot sees it: a question in, a decision out."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from faqbot.engine.confidence import ConfidenceModel
from faqbot.engine.corpus import Faq
from faqbot.engine.matcher import Candidates, FaqMatcher
from faqbot.engine.smalltalk import SmallTalkDetector, SmallTalkMatch

ANSWERED, SUGGESTED, HANDOFF, SMALLTALK = "answered", "suggested", "handoff", "smalltalk"
MAX_SUGGESTIONS = 5


@dataclasses.dataclass
class Ranked:
    """Candidates of one question re-ordered by calibrated confidence."""

    faq_ids: list[str]
    confidences: np.ndarray
    phrasing_index: np.ndarray
    similarity: np.ndarray

    @property
    def best(self) -> tuple[str | None, float]:
        if not self.faq_ids:
            return None, 0.0
        return self.faq_ids[0], float(self.confidences[0])


class FaqModel:
    """A fitted matcher, its confidence model, thresholds and the FAQs they refer to."""

    def __init__(
        self,
        matcher: FaqMatcher,
        confidence: ConfidenceModel,
        faqs: Mapping[str, Faq],
        thresholds: Mapping[str, float],
        curve: Sequence[Mapping[str, float]] = (),
        metrics: Mapping[str, Any] | None = None,
        corpus_info: Mapping[str, Any] | None = None,
        smalltalk: SmallTalkDetector | None = None,
    ) -> None:
        self.matcher = matcher
        self.confidence = confidence
        self.faqs = dict(faqs)
        self.thresholds = dict(thresholds)
        self.curve = [dict(p) for p in curve]
        self.metrics = dict(metrics or {})
        self.corpus_info = dict(corpus_info or {})
        self.smalltalk = smalltalk
        self.manifest: dict[str, Any] = {}

    def with_thresholds(self, answer: float, suggest: float) -> FaqModel:
        """A copy that decides with other thresholds (the fitted parts are shared)."""
        if not 0.0 <= suggest <= answer <= 1.0:
            raise ValueError("thresholds must satisfy 0 <= suggest <= answer <= 1")
        copy = FaqModel(
            self.matcher,
            self.confidence,
            self.faqs,
            self.thresholds,
            self.curve,
            self.metrics,
            self.corpus_info,
            self.smalltalk,
        )
        copy.thresholds.update(answer=float(answer), suggest=float(suggest))
        copy.manifest = dict(self.manifest)
        return copy

    # ------------------------------------------------------------- ranking
    def rank(self, questions: Sequence[str], sentences: np.ndarray | None = None) -> list[Ranked]:
        """Candidates for each question, most likely right first (``sentences``: the encoder's
        vectors of the questions, when the caller has them)."""
        cands = self.matcher.candidates(questions, sentences=sentences)
        probs = self.confidence.predict_many(cands)
        return [self._ranked(c, p) for c, p in zip(cands, probs)]

    def _ranked(self, cand: Candidates, probs: np.ndarray) -> Ranked:
        # The matcher's order is the ranking: re-sorting by the pointwise confidence
        # cost 20 points of top-1 accuracy on data/eval.  A lower-ranked candidate is
        # not shown as more likely than the one above it.
        classes = self.matcher.classes_
        return Ranked(
            faq_ids=[str(classes[i]) for i in cand.faq_index],
            confidences=np.minimum.accumulate(probs),
            phrasing_index=cand.phrasing_index,
            similarity=cand.features[:, 2],
        )

    # --------------------------------------------------------------- asking
    def ask(self, question: str) -> dict[str, Any]:
        """Decide for one question; the dict has the fields of a ``faqbot ask --batch`` line."""
        return self.ask_many([question])[0]

    def ask_many(self, questions: Sequence[str]) -> list[dict[str, Any]]:
        """Decide for many questions at once (faster than one by one)."""
        sentences = self.matcher.encode_questions(questions)  # once, for the matcher and small talk
        results = [self._decide(q, r) for q, r in zip(questions, self.rank(questions, sentences))]
        self._small_talk(results, sentences)
        return results

    def _small_talk(self, results: list[dict[str, Any]], sentences: np.ndarray | None = None) -> None:
        """Turn conversation ("hi", "thanks", "are you a bot") into the small-talk status.

        The FAQ wins when it is confident and the message has words of the FAQ corpus that small
        talk does not explain ("hi, where is my order" is a question).  A message that small talk
        explains entirely ("what is the meaning of life") is small talk even when the matcher is
        confident: a confidence resting on no FAQ word is the matcher's mistake.  ``faq_id``,
        ``confidence`` and the suggestions stay the engine's best FAQ, as the contract says.
        """
        detector = getattr(self, "smalltalk", None)  # None too for models pickled before it
        if detector is None or not results:
            return
        matches = detector.detect_many([r["question"] for r in results], sentences)
        for result, match in zip(results, matches):
            if match is not None and (result["status"] != ANSWERED or match.faq_words == 0):
                _mark_small_talk(result, match)

    def status_for(self, confidence: float) -> str:
        if confidence >= self.thresholds["answer"]:
            return ANSWERED
        if confidence >= self.thresholds["suggest"]:
            return SUGGESTED
        return HANDOFF

    def _decide(self, question: str, ranked: Ranked) -> dict[str, Any]:
        faq_id, confidence = ranked.best
        suggestions = [
            {"faq_id": fid, "question": self.faqs[fid].question, "confidence": round(float(c), 4)}
            for fid, c in zip(ranked.faq_ids[:MAX_SUGGESTIONS], ranked.confidences)
        ]
        return {
            "question": question,
            "status": self.status_for(confidence) if faq_id is not None else HANDOFF,
            "faq_id": faq_id,
            "confidence": round(confidence, 4),
            "suggestions": suggestions,
            "explanation": self._explain(question, ranked),
        }

    def _explain(self, question: str, ranked: Ranked) -> dict[str, Any]:
        if not ranked.faq_ids:
            return {"matched_phrasing": None, "similarity": 0.0, "runner_up": None, "terms": []}
        phrasing = int(ranked.phrasing_index[0])
        runner_up = None
        if len(ranked.faq_ids) > 1:
            runner_up = {
                "faq_id": ranked.faq_ids[1],
                "confidence": round(float(ranked.confidences[1]), 4),
                "matched_phrasing": self.matcher.phrasings_[int(ranked.phrasing_index[1])],
            }
        return {
            "matched_phrasing": self.matcher.phrasings_[phrasing],
            "similarity": round(float(ranked.similarity[0]), 4),
            "runner_up": runner_up,
            "terms": self.matcher.top_terms(question, phrasing),
        }


def _mark_small_talk(result: dict[str, Any], match: SmallTalkMatch) -> None:
    result.update(status=SMALLTALK, reply=match.reply, smalltalk_intent=match.intent)
