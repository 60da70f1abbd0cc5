"""Export the knowledge base as a corpus file (CSV, JSON or JSONL) that loads back unchanged.

The files follow the corpus contract (GUIDE section 2): ``alternates`` are the FAQ's own
phrasings followed by the ones staff taught through tickets.  Extension fields ride along:
``archived`` (so an archived FAQ stays archived after a round trip), ``revision`` (so an
import can tell that an FAQ was edited in the database after the file was exported), and what the
help center shows: ``visibility`` (``public`` or ``internal``) and ``pinned`` per FAQ, and per
category (repeated on each of its FAQs) ``category_visibility`` and ``category_position`` (empty
when the admin gave it none).  The corpus loader ignores fields it does not know, so the file is
still a plain corpus for ``faqbot train``.

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

from faqbot.web.core.tables import Faq, FaqCategory
from faqbot.web.kb.publishing import PUBLIC, category_settings
from faqbot.web.kb.query import learned_by_faq
from faqbot.web.kb.service import collapse

FORMATS = {"csv": "text/csv", "json": "application/json", "jsonl": "application/x-ndjson"}
CSV_COLUMNS = (
    "id",
    "question",
    "answer",
    "category",
    "alternates",
    "archived",
    "revision",
    "visibility",
    "pinned",
    "category_visibility",
    "category_position",
)


def export_records(session: Session) -> list[dict[str, Any]]:
    """Every FAQ (archived ones too) in corpus order, as corpus records with the extensions."""
    faqs = session.scalars(
        select(Faq).options(selectinload(Faq.phrasings)).order_by(Faq.position, Faq.id)
    ).all()
    learned = learned_by_faq(session, [faq.id for faq in faqs])
    settings = category_settings(session)
    return [_record(faq, [row.text for row in learned[faq.id]], settings) for faq in faqs]


def _record(faq: Faq, learned: list[str], settings: dict[str, FaqCategory]) -> dict[str, Any]:
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
        "visibility": faq.visibility or PUBLIC,
        "pinned": bool(faq.pinned),
        **_category_record(faq, settings),
    }


def _category_record(faq: Faq, settings: dict[str, FaqCategory]) -> dict[str, Any]:
    """The FAQ's category's settings (none for an FAQ without a category)."""
    category = collapse(faq.category or "")
    if not category:
        return {"category_visibility": None, "category_position": None}
    row = settings.get(faq.category or "")
    return {
        "category_visibility": row.visibility if row else PUBLIC,
        "category_position": row.position if row else None,
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
                record["visibility"],
                "true" if record["pinned"] else "false",
                record["category_visibility"] or "",
                record["category_position"] or "",
            ]
        )
        for text in extra:
            writer.writerow([record["id"], text] + [""] * (len(CSV_COLUMNS) - 2))
    return out.getvalue()


def _split_alternates(alternates: list[str]) -> tuple[list[str], list[str]]:
    """Alternates that fit the ``|``-separated column, and those (in order) that need own rows."""
    for index, text in enumerate(alternates):
        if "|" in text:
            return alternates[:index], alternates[index:]
    return alternates, []
