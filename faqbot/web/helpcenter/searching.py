"""Help-center search: the bot's own engine ranks the FAQs, and each search is logged as a question.

A search is a question in other clothes, so it gets a ``queries`` row with the engine's
decision: one the engine could not place (``handoff``) or was unsure about (``suggested``)
reaches the review queue, and one it answered counts towards "popular", as in the widget.
No ticket is opened: the visitor did not ask for a person, and the page offers the contact form.

Only published FAQs are shown (:mod:`faqbot.web.kb.publishing`).  When the engine's best match is
one that is not (an internal FAQ), the search is not called a success: the page offers the
closest published FAQs and the chat, where the bot does answer with it.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from faqbot.web.core.tables import Faq, Query
from faqbot.web.kb.publishing import in_order, published
from faqbot.web.kb.query import withhold_retired
from faqbot.web.models.store import live_model

log = logging.getLogger(__name__)
SMALLTALK = "smalltalk"
RELATED_CACHE_SIZE = 4096
_related_ids: dict[tuple[str, str, str], list[str]] = {}  # (model version, FAQ id, question)


@dataclass
class SearchOutcome:
    """What the results page shows: the ranked FAQs and whether the engine thought one fits."""

    query: str
    status: str  # the engine's: answered, suggested, handoff, smalltalk; "unavailable" without a model
    results: list[Faq] = field(default_factory=list)
    query_id: int | None = None

    @property
    def confident(self) -> bool:
        """Whether the best result is one the bot would answer or suggest with."""
        return self.status in ("answered", "suggested") and bool(self.results)


def search(session: Session, text: str) -> SearchOutcome:
    """Rank the active FAQs for ``text`` with the live model and log the search."""
    live = live_model().get()
    if live is None:
        return SearchOutcome(text, "unavailable")
    version, model = live
    started = time.perf_counter()
    result = withhold_retired(session, model.ask(text))
    latency_ms = (time.perf_counter() - started) * 1000
    ids = [s["faq_id"] for s in result.get("suggestions", [])]
    outcome = SearchOutcome(text, result["status"], in_order(session, ids))
    best = result.get("faq_id")
    if outcome.confident and (not outcome.results or outcome.results[0].id != best):
        outcome.status = "unlisted"  # the engine's answer is not a public one
    if outcome.confident:  # the runners-up of a sure match are noise unless on its topic
        best = outcome.results[0]
        outcome.results = [best] + [f for f in outcome.results[1:] if f.category == best.category]
    chat = result["status"] == SMALLTALK
    row = Query(
        question=text,
        decision=result["status"],
        faq_id=None if chat else result.get("faq_id"),
        confidence=float(result["confidence"]),
        latency_ms=latency_ms,
        session_id=None,
        model_version=version,
        answer_question=outcome.results[0].question if outcome.confident else None,
    )
    try:
        session.add(row)
        session.commit()
        outcome.query_id = row.id
    except SQLAlchemyError:  # the results are still worth showing; the log line says what was lost
        session.rollback()
        log.exception("database error while logging a help-center search; it was not recorded")
    return outcome


def related(session: Session, faq: Faq, limit: int = 4) -> list[Faq]:
    """Other FAQs the engine finds close to this one's question (nothing is logged: no one asked)."""
    live = live_model().get()
    if live is None:
        return []
    key = (live[0], faq.id, faq.question)
    ids = _related_ids.get(key)
    if ids is None:  # asking costs tens of milliseconds; the answer only changes with the model
        ranked = live[1].ask(faq.question).get("suggestions", [])
        ids = [s["faq_id"] for s in ranked if s["faq_id"] != faq.id]
        if len(_related_ids) >= RELATED_CACHE_SIZE:
            _related_ids.clear()
        _related_ids[key] = ids
    found = in_order(session, ids)[:limit]
    if len(found) < limit:  # the engine offers few; fill up with the FAQ's own topic
        same = select(Faq).where(Faq.category == faq.category, Faq.id != faq.id, *published(session))
        seen = {f.id for f in found}
        found += [f for f in session.scalars(same.order_by(Faq.position)) if f.id not in seen]
    return found[:limit]
