"""Warnings about a corpus that loads but cannot make a working bot.

A corpus can be valid (every row parses) and still useless: one FAQ has nothing to be told apart
from, so calibration finds no threshold and the bot hands off every question, even that FAQ's
own; too few phrasings leave nothing to calibrate on; the same question under two FAQs makes
the matcher guess; an answer of only Markdown marks shows the visitor nothing.  Training goes
ahead either way (an admin may be building the corpus up); these say what to fix.
"""

from __future__ import annotations

from collections import defaultdict

from faqbot.engine.corpus import Corpus
from faqbot.engine.text import normalize, plain_text
from faqbot.engine.training import MIN_CV_QUESTIONS

#: Fewer FAQs than this and the confidence has too little to compare against.
MIN_FAQS = 2
#: Above this share of single-phrasing FAQs, cross-validation tests only a few of them.
MAX_SINGLE_PHRASING_SHARE = 0.5
MAX_LISTED = 5


def corpus_warnings(corpus: Corpus, labelled_count: int = 0) -> list[str]:
    """Plain-sentence warnings, most serious first; empty when nothing stands out.

    ``labelled_count`` is the number of labelled calibration questions given with the corpus
    (0 when it calibrates on its own phrasings).
    """
    warnings = _size_warnings(corpus, labelled_count)
    warnings += _duplicate_warnings(corpus)
    empty = [faq.id for faq in corpus.faqs if not plain_text(faq.answer)]
    if empty:
        warnings.append(
            f"{_count(empty, 'FAQ')} an answer that is empty once Markdown is stripped "
            f"({_listed(empty)}): visitors would be shown nothing"
        )
    return warnings


def _size_warnings(corpus: Corpus, labelled_count: int) -> list[str]:
    faqs = corpus.faqs
    if len(faqs) < MIN_FAQS:
        return [
            f"only {len(faqs)} FAQ: with nothing to tell it apart from, calibration finds no "
            "confident threshold and the bot hands off every question, even this FAQ's own; "
            "add more FAQs"
        ]
    warnings = []
    phrasings = sum(len(faq.phrasings) for faq in faqs)
    if not labelled_count and phrasings < MIN_CV_QUESTIONS:
        warnings.append(
            f"only {phrasings} phrasings in all and no labelled questions: calibrating on the "
            f"corpus itself needs about {MIN_CV_QUESTIONS}, so confidence will be rough; add "
            "alternate phrasings or calibrate on labelled questions (--calibrate)"
        )
    single = [faq.id for faq in faqs if len(faq.phrasings) < 2]
    if not labelled_count and len(single) > MAX_SINGLE_PHRASING_SHARE * len(faqs):
        warnings.append(
            f"{len(single)} of {len(faqs)} FAQs have a single phrasing ({_listed(single)}): "
            "calibration cannot test how well they are found; add alternates"
        )
    return warnings


def _duplicate_warnings(corpus: Corpus) -> list[str]:
    owners: dict[str, set[str]] = defaultdict(set)
    shown: dict[str, str] = {}
    for faq in corpus.faqs:
        for text in faq.phrasings:
            key = normalize(text)
            owners[key].add(faq.id)
            shown.setdefault(key, text)
    clashes = [(shown[key], sorted(ids)) for key, ids in owners.items() if len(ids) > 1]
    warnings = [
        f"the question {text!r} belongs to FAQs {', '.join(ids)}: the bot cannot tell them "
        "apart on it; keep it under one"
        for text, ids in clashes[:MAX_LISTED]
    ]
    if len(clashes) > MAX_LISTED:
        warnings.append(f"... and {len(clashes) - MAX_LISTED} more questions shared between FAQs")
    return warnings


def _count(ids: list[str], noun: str) -> str:
    return f"1 {noun} has" if len(ids) == 1 else f"{len(ids)} {noun}s have"


def _listed(ids: list[str]) -> str:
    head = ", ".join(f"#{i}" for i in ids[:MAX_LISTED])
    return head + (f" and {len(ids) - MAX_LISTED} more" if len(ids) > MAX_LISTED else "")
