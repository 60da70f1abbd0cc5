"""A large synthetic FAQ corpus built from real phrasings, for the scale benchmark.

Every distinct phrasing of the data sets becomes an FAQ of its own; the rest
are made by joining two phrasings of different intents with " and " ("how do
i reset my pin and what's the weather"), which reads like a visitor asking two
things at once and keeps the vocabulary realistic.  Deterministic for a seed.
"""

from __future__ import annotations

import numpy as np

from benchmarks.datasets import Pairs

BATCH = 4096


def scale_records(pairs: Pairs, size: int, seed: int = 0) -> list[dict[str, str]]:
    """``size`` single-phrasing FAQ records with distinct questions.

    The answer repeats the question: the scale run trains without indexing
    answers, so the answer text only has to be present.
    """
    questions = _distinct_phrasings(pairs)[:size]
    if len(questions) < size:
        questions += _joined(pairs, set(questions), size - len(questions), seed)
    return [{"id": f"faq{n:06d}", "question": q, "answer": q} for n, q in enumerate(questions)]


def _distinct_phrasings(pairs: Pairs) -> list[str]:
    seen: set[str] = set()
    out = []
    for text, _ in pairs:
        key = text.strip().lower()
        if key and key not in seen:
            seen.add(key)
            out.append(text.strip())
    return out


def _joined(pairs: Pairs, taken: set[str], needed: int, seed: int) -> list[str]:
    """``needed`` new questions "A and B" with A and B from different intents."""
    if len({label for _, label in pairs}) < 2:
        raise ValueError("joining phrasings needs at least two intents")
    rng = np.random.default_rng(seed)
    seen = {q.lower() for q in taken}
    out: list[str] = []
    attempts = 0
    while len(out) < needed:
        attempts += BATCH
        if attempts > 50 * needed + BATCH:
            raise ValueError(f"cannot make {needed} distinct joined questions from this input")
        firsts, seconds = rng.integers(0, len(pairs), size=(2, BATCH))
        for i, j in zip(firsts.tolist(), seconds.tolist(), strict=True):
            (a, label_a), (b, label_b) = pairs[i], pairs[j]
            question = f"{a.strip()} and {b.strip()}"
            if label_a == label_b or question.lower() in seen:
                continue
            seen.add(question.lower())
            out.append(question)
            if len(out) == needed:
                break
    return out
