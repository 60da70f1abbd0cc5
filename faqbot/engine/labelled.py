"""Load labelled queries (``question,faq_id``) for calibrating and evaluating a model.

Calibration turns these labels into the confidence visitors see, so a typo in an id must stop
the run with the file and line instead of quietly counting as a wrong answer.  Reading and
error reporting are shared with :mod:`faqbot.engine.corpus`, so both files fail the same way.
"""

from __future__ import annotations

import os
from collections.abc import Collection
from dataclasses import dataclass

from faqbot.engine.corpus import CorpusError, _csv_records, _read_text

__all__ = ["LabelledQuery", "load_labelled"]

_COLUMNS = ("question", "faq_id")


@dataclass(frozen=True)
class LabelledQuery:
    """A question and the FAQ that should answer it; ``faq_id`` None means "hand it off"."""

    question: str
    faq_id: str | None
    line: int


def load_labelled(
    path: str | os.PathLike[str], known_ids: Collection[str] | None = None
) -> list[LabelledQuery]:
    """Read a labelled query CSV; with ``known_ids``, every non-empty faq_id must be one of them."""
    source = os.fspath(path)
    known = None if known_ids is None else set(known_ids)
    text, _ = _read_text(source)
    queries = [
        _labelled_query(fields, line, source, known)
        for line, fields in _csv_records(text, source, _COLUMNS, _COLUMNS)
    ]
    if not queries:
        raise CorpusError(source, None, "no labelled queries")
    return queries


def _labelled_query(fields: dict[str, str], line: int, path: str, known: set[str] | None) -> LabelledQuery:
    question = fields["question"].strip()
    if not question:
        raise CorpusError(path, line, "empty question")
    faq_id = fields["faq_id"].strip() or None
    if faq_id is not None and known is not None and faq_id not in known:
        raise CorpusError(path, line, f"unknown faq_id {faq_id!r}: no FAQ in the corpus has it")
    return LabelledQuery(question, faq_id, line)
