"""Export the knowledge base as a corpus file (CSV, JSON or JSONL) that loads back unchanged.

The files follow the corpus contract (GUIDE section 2): ``alternates`` are the FAQ's own
phrasings followed by the ones staff taught through tickets.  Two extension fields ride along:
``archived`` (so an archived FAQ stays archived after a round trip) and ``revision`` (so an
import can tell that an FAQ was edited in the database after the file was exported).

The CSV loader splits ``alternates`` on ``|`` and has no escape for it; a phrasing containing
``|`` is therefore written as an extra row with the same id (the loader merges rows by id and
takes each row's question as one more phrasing), and so are all phrasings after it, which keeps
their order exact.
"""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from .kb import collapse
from .kb_query import learned_by_faq
from .tables import Faq

FORMATS = {"csv": "text/csv", "json": "application/json", "jsonl": "application/x-ndjson"}
CSV_COLUMNS = ("id", "question", "answer", "category", "alternates", "archived", "revision")


def export_records(session: Session) -> list[dict[str, Any]]:
    """Every FAQ (archived ones too) in corpus order, as corpus records with the extensions."""
    faqs = session.scalars(
        select(Faq).options(selectinload(Faq.phrasings)).order_by(Faq.position, Faq.id)
    ).all()
    learned = learned_by_faq(session, [faq.id for faq in faqs])
    return [_record(faq, [row.text for row in learned[faq.id]]) for faq in faqs]


def _record(faq: Faq, learned: list[str]) -> dict[str, Any]:
    question = collapse(faq.question)
    alternates: list[str] = []
    seen = {question}
    for text in [p.text for p in faq.phrasings] + learned:
        text = collapse(text)
        if text and text not in seen:  # the loader would merge exact repeats anyway
            seen.add(text)
            alternates.append(text)
    return {
        "id": faq.id,
        "question": question,
        "answer": faq.answer.strip(),
        "category": collapse(faq.category or "") or None,
        "alternates": alternates,
        "archived": bool(faq.archived),
        "revision": faq.revision,
    }


def export_text(session: Session, fmt: str) -> str:
    """The whole knowledge base in ``fmt`` (csv, json or jsonl)."""
    records = export_records(session)
    if fmt == "csv":
        return to_csv(records)
    if fmt == "json":
        return json.dumps(records, ensure_ascii=False, indent=2) + "\n"
    if fmt == "jsonl":
        return "".join(json.dumps(record, ensure_ascii=False) + "\n" for record in records)
    raise ValueError(f"unknown export format {fmt!r}")


def to_csv(records: list[dict[str, Any]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for record in records:
        inline, extra = _split_alternates(record["alternates"])
        writer.writerow(
            [
                record["id"],
                record["question"],
                record["answer"],
                record["category"] or "",
                "|".join(inline),
                "true" if record["archived"] else "false",
                record["revision"],
            ]
        )
        for text in extra:
            writer.writerow([record["id"], text, "", "", "", "", ""])
    return out.getvalue()


def _split_alternates(alternates: list[str]) -> tuple[list[str], list[str]]:
    """Alternates that fit the ``|``-separated column, and those (in order) that need own rows."""
    for index, text in enumerate(alternates):
        if "|" in text:
            return alternates[:index], alternates[index:]
    return alternates, []
