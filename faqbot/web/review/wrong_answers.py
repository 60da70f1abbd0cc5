"""Wrong answers: answers the bot gave that the visitor rejected, back in the review queue.

An answer is rejected when its visitor voted it down (with or without a reason), said "that's not
what I asked" right after it, or asked for a person right after it in the same conversation; the
last two are recorded by the visitor area as the answer's feedback (:func:`record_rejection`), so
every rejection is one ``feedback`` row with ``helpful`` false.

Wrong answers are kept apart from the handed-off and suggested questions: they are grouped by the
FAQ that was given, so the admin sees "FAQ #12 was rejected 9 times, for these wordings", and
decides per wording: "the right FAQ was #m" (the wording becomes a learned phrasing of #m) or
"the answer was right" (it leaves the queue, and the same wording rejected again with the same
FAQ stays out).  Both are :class:`ReviewDecision` rows, written in :mod:`review.actions`.
"""

from __future__ import annotations

import logging
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from faqbot.web.core.tables import Faq, Feedback, Query, ReviewDecision, as_utc, iso
from faqbot.web.review.queue import MAX_CANDIDATES, MIN_CANDIDATE_SCORE, Candidate, period, question_key

log = logging.getLogger(__name__)

#: Feedback reasons a visitor's next message implies (the widget's own votes carry theirs).
NOT_WHAT_I_ASKED = "not what I asked"
ASKED_FOR_PERSON = "asked for a person"
#: Rejections that are not votes: analytics count them as rejections, not as "not helpful".
IMPLIED = (ASKED_FOR_PERSON,)
#: How each kind of rejection is named in the API (``None`` is a plain thumbs-down).
KINDS = {
    None: "thumbs_down",
    "did not answer it": "did_not_answer",
    NOT_WHAT_I_ASKED: "not_what_i_asked",
    ASKED_FOR_PERSON: "asked_for_person",
}
LABELS = {
    "thumbs_down": "thumbs-down",
    "did_not_answer": "did not answer it",
    "not_what_i_asked": "not what I asked",
    "asked_for_person": "asked for a person",
}
MAX_ITEMS = 3000  # the most recent wrong answers grouped on one look
CANDIDATE_WORDINGS = 8
DECIDED = ("corrected", "confirmed")


def kind_of(reason: str | None) -> str:
    return KINDS.get(reason, "thumbs_down")


def record_rejection(session: Session, answered: Query, reason: str) -> bool:
    """Record that the visitor rejected this answer, unless they already voted on it (their own
    vote says more than what their next message implies); not committed.  True if recorded."""
    if session.scalar(select(Feedback.id).where(Feedback.query_id == answered.id)) is not None:
        return False
    session.add(Feedback(query_id=answered.id, helpful=False, reason=reason))
    return True


@dataclass
class RejectedWording:
    """One distinct (normalised) question that got the same FAQ and was rejected."""

    text: str
    key: str
    query_ids: list[int]
    kinds: Counter = field(default_factory=Counter)

    @property
    def count(self) -> int:
        return len(self.query_ids)


@dataclass
class WrongAnswer:
    """The rejected answers that gave one FAQ, with the wordings they answered."""

    faq_id: str
    question: str  # the FAQ's question now (or as it was shown, if the FAQ is gone)
    archived: bool
    wordings: list[RejectedWording]
    visitors: int
    first_seen: datetime
    last_seen: datetime
    candidates: list[Candidate] = field(default_factory=list)

    @property
    def count(self) -> int:
        return sum(w.count for w in self.wordings)

    @property
    def query_ids(self) -> list[int]:
        return sorted(i for w in self.wordings for i in w.query_ids)

    @property
    def kinds(self) -> dict[str, int]:
        total = sum((w.kinds for w in self.wordings), Counter())
        return {kind: total[kind] for kind in LABELS if total[kind]}


@dataclass
class WrongAnswers:
    since: datetime
    until: datetime
    total: int  # rejected answers waiting for review in the period
    grouped: int  # of which the most recent ones that were grouped
    groups: list[WrongAnswer]


@dataclass
class _Row:
    query_id: int
    question: str
    faq_id: str
    shown: str | None
    created_at: datetime
    session_id: str | None
    reason: str | None


def _rows(session: Session, since: datetime, until: datetime) -> tuple[list[_Row], int]:
    """The most recent rejected answers not yet reviewed, minus those an admin already called
    right for the same wording and FAQ; and how many there are in all."""
    confirmed = set(
        session.execute(
            select(ReviewDecision.question_key, ReviewDecision.faq_id).where(
                ReviewDecision.action == "confirmed"
            )
        ).all()
    )
    stmt = (
        select(
            Query.id,
            Query.question,
            Query.faq_id,
            Query.answer_question,
            Query.created_at,
            Query.session_id,
            Feedback.reason,
        )
        .join(Feedback, Feedback.query_id == Query.id)
        .outerjoin(ReviewDecision, ReviewDecision.query_id == Query.id)
        .where(ReviewDecision.id.is_(None), Feedback.helpful.is_(False), Query.decision == "answered")
        .where(Query.faq_id.is_not(None), Query.created_at >= since, Query.created_at < until)
        .order_by(Query.created_at.desc(), Query.id.desc())
    )
    rows, total = [], 0
    for row in session.execute(stmt.execution_options(yield_per=2000)):
        if (question_key(row.question), row.faq_id) in confirmed:
            continue
        total += 1
        if len(rows) < MAX_ITEMS:
            rows.append(_Row(row[0], row[1], row[2], row[3], as_utc(row[4]), row[5], row[6]))
    return rows, total


def _group(faq_id: str, rows: list[_Row], faq: Faq | None) -> WrongAnswer:
    by_key: dict[str, list[_Row]] = defaultdict(list)
    for row in rows:  # newest first: each wording shows as its latest visitor typed it
        by_key[question_key(row.question)].append(row)
    wordings = [
        RejectedWording(
            group[0].question, key, [r.query_id for r in group], Counter(kind_of(r.reason) for r in group)
        )
        for key, group in by_key.items()
    ]
    wordings.sort(key=lambda w: -w.count)
    return WrongAnswer(
        faq_id=faq_id,
        question=faq.question if faq else (rows[0].shown or faq_id),
        archived=bool(faq and faq.archived) or faq is None,
        wordings=wordings,
        visitors=len({r.session_id or f"query:{r.query_id}" for r in rows}),
        first_seen=min(r.created_at for r in rows),
        last_seen=max(r.created_at for r in rows),
    )


def wrong_answers(
    session: Session,
    *,
    since: datetime | None = None,
    until: datetime | None = None,
    days: int = 90,
    limit: int | None = None,
    model: Any = None,
) -> WrongAnswers:
    """Rejected answers grouped by the FAQ given, most rejected first; with ``model``, the FAQs
    each group's wordings more likely belong to (the given one left out)."""
    start, end = period(since, until, days)
    rows, total = _rows(session, start, end)
    by_faq: dict[str, list[_Row]] = defaultdict(list)
    for row in rows:
        by_faq[row.faq_id].append(row)
    faqs = {f.id: f for f in session.scalars(select(Faq).where(Faq.id.in_(list(by_faq))))} if by_faq else {}
    groups = [_group(faq_id, group, faqs.get(faq_id)) for faq_id, group in by_faq.items()]
    groups.sort(key=lambda g: (-g.count, -g.last_seen.timestamp()))
    if limit is not None:
        groups = groups[:limit]
    add_candidates(session, groups, model)
    return WrongAnswers(start, end, total, len(rows), groups)


def add_candidates(session: Session, groups: list[WrongAnswer], model: Any) -> None:
    """The live model's best other FAQs for each group's most rejected wordings."""
    if model is None or not groups:
        return
    asked = [(g, w) for g in groups for w in g.wordings[:CANDIDATE_WORDINGS]]
    try:
        results = model.ask_many([w.text for _, w in asked])
    except Exception:  # a broken model must not take the review page down with it
        log.exception("the live model could not propose FAQs for the wrong answers")
        return
    totals: dict[int, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    weights: Counter = Counter()
    for (group, wording), result in zip(asked, results):
        weights[id(group)] += wording.count
        for suggestion in result.get("suggestions", []):
            totals[id(group)][str(suggestion["faq_id"])] += wording.count * float(suggestion["confidence"])
    wanted = {faq_id for scores in totals.values() for faq_id in scores}
    faqs = {f.id: f for f in session.scalars(select(Faq).where(Faq.id.in_(wanted)))} if wanted else {}
    for group in groups:
        weight = weights[id(group)] or 1
        ranked = sorted(totals[id(group)].items(), key=lambda kv: (-kv[1], kv[0]))
        group.candidates = [
            Candidate(faq_id, faqs[faq_id].question, round(total / weight, 3))
            for faq_id, total in ranked
            if faq_id != group.faq_id
            and faq_id in faqs
            and not faqs[faq_id].archived
            and total / weight >= MIN_CANDIDATE_SCORE
        ][:MAX_CANDIDATES]


def group_json(group: WrongAnswer) -> dict[str, Any]:
    return {
        "faq_id": group.faq_id,
        "question": group.question,
        "faq_archived": group.archived,
        "count": group.count,
        "visitors": group.visitors,
        "kinds": group.kinds,
        "first_seen": iso(group.first_seen),
        "last_seen": iso(group.last_seen),
        "query_ids": group.query_ids,
        "wordings": [
            {"text": w.text, "count": w.count, "query_ids": w.query_ids, "kinds": dict(w.kinds)}
            for w in group.wordings
        ],
        "candidates": [
            {"faq_id": c.faq_id, "question": c.question, "score": c.score} for c in group.candidates
        ],
    }


def wrong_answers_json(found: WrongAnswers) -> dict[str, Any]:
    return {
        "since": iso(found.since),
        "until": iso(found.until),
        "total": found.total,
        "grouped": found.grouped,
        "max_grouped": MAX_ITEMS,
        "truncated": found.grouped < found.total,
        "groups": [group_json(g) for g in found.groups],
    }
