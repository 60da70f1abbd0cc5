"""From the knowledge base to a fitted engine model: the corpus as the database holds it (FAQs, their
phrasings and what staff taught), calibrated with the instance's settings.

Both the first training and every retrain fit through here, so they fit alike.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from typing import Any

from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from faqbot.web.core.tables import Faq, FaqRevision, LearnedPhrasing


def corpus_records(session: Session) -> list[dict]:
    """The FAQs as corpus records: own phrasings first, then the learned ones."""
    return corpus_snapshot(session)[0]


def corpus_snapshot(session: Session, since: datetime | None = None) -> tuple[list[dict], dict[str, Any]]:
    """The corpus records and what they hold, counted from the same rows, which is what a model
    version records as its ``contents``: FAQs, their own phrasings, learned phrasings, and how
    many FAQs were edited after ``since`` (the live version's training)."""
    faqs = session.scalars(
        select(Faq)
        .where(Faq.archived.is_(False))  # archived FAQs are neither answered nor suggested
        .options(selectinload(Faq.phrasings))
        .order_by(Faq.position, Faq.id)
    ).all()
    learned: dict[str, list[str]] = {}
    for row in session.scalars(select(LearnedPhrasing).order_by(LearnedPhrasing.id)):
        learned.setdefault(row.faq_id, []).append(row.text)
    records = [
        {
            "id": faq.id,
            "question": faq.question,
            "answer": faq.answer,
            "category": faq.category,
            "alternates": [p.text for p in faq.phrasings] + learned.get(faq.id, []),
        }
        for faq in faqs
    ]
    contents = {
        "faqs": len(faqs),
        "phrasings": sum(len(faq.phrasings) for faq in faqs),
        "learned": sum(len(learned.get(faq.id, [])) for faq in faqs),
        "edited_faqs": _edited_since(session, since, {faq.id for faq in faqs}) if since else 0,
    }
    return records, contents


def _edited_since(session: Session, since: datetime, kept: set[str]) -> int:
    """FAQs still in the corpus whose text changed after ``since`` and that existed before it."""
    changed = set(
        session.scalars(
            select(FaqRevision.faq_id)
            .where(FaqRevision.created_at > since, FaqRevision.action.in_(("edited", "restored")))
            .distinct()
        )
    )
    created = set(session.scalars(select(Faq.id).where(Faq.created_at > since)))
    return len((changed & kept) - created)


def corpus_fingerprint(records: list[dict]) -> str:
    """A sha256 of the records a model is trained on: equal fingerprints, equal training data.

    The scheduler compares it with the newest version's, so it retrains when, and only when,
    what the model learns from changed (timestamps alone could miss a change committed while
    a retrain was reading the corpus, or count one twice)."""
    text = json.dumps(records, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def fit_records(app: Flask, records: list[dict]) -> Any:
    """An engine model fitted on corpus ``records`` with the instance's calibration settings."""
    import faqbot
    from faqbot.engine.corpus import corpus_from_records

    corpus = corpus_from_records(records, source="database")
    labelled = calibration_queries(app.config.get("CALIBRATION_QUERIES"), corpus)
    return faqbot.fit_model(corpus, labelled=labelled, target_precision=app.config["TARGET_PRECISION"])


def calibration_queries(path: str | None, corpus) -> list | None:
    """Labelled queries for calibration, minus those naming FAQs the corpus no longer has."""
    if not path:
        return None
    from faqbot.engine.labelled import load_labelled

    known = {faq.id for faq in corpus.faqs}
    queries = [q for q in load_labelled(path) if q.faq_id is None or q.faq_id in known]
    return queries or None
