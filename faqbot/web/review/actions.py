"""What an admin does with a cluster of the review queue: link it, make it a new FAQ, ignore it;
and with a wrong answer: "the right FAQ was #m" (correct) or "the answer was right" (confirm).

Each action takes the query ids the admin was shown (never a re-clustering, which could have
moved questions meanwhile), refuses unknown or already reviewed ones as a whole, and records a
:class:`ReviewDecision` for every query in the same transaction as its effect, so the questions
leave the queue exactly when the change is saved.  Shared by the review API and pages.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from flask import request
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from faqbot.web.core.errors import ApiError
from faqbot.web.core.payload import is_row_id
from faqbot.web.core.tables import Faq, Feedback, LearnedPhrasing, Query, ReviewDecision
from faqbot.web.kb import service as kb
from faqbot.web.review.queue import question_key

MAX_QUERY_IDS = 20_000  # more than a page ever shows (it clusters at most 3000 questions)
MAX_BODY = 512 * 1024  # room for that many ids; the app-wide body limit is 16 KiB
_LISTED = 10  # ids named in an error message


@dataclass
class Outcome:
    """What an action did: how many questions were decided, and the phrasings added or skipped."""

    action: str
    decided: int
    faq_id: str | None = None
    added: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {
            "action": self.action,
            "decided": self.decided,
            "faq_id": self.faq_id,
            "phrasings_added": self.added,
            "phrasings_skipped": self.skipped,
        }


def allow_long_id_lists(endpoint: str | None, values: dict | None) -> None:
    """Let the review endpoints' bodies carry every query id of a large cluster.

    Registered as a URL value preprocessor: those run before any ``before_request`` function,
    notably the CSRF check, which is the first to read a form body.
    """
    if request.method == "POST":
        request.max_content_length = MAX_BODY


def parse_query_ids(value: object) -> list[int]:
    """A non-empty list of query ids (duplicates dropped), or a 400 saying what is wrong."""
    if not isinstance(value, list) or not value:
        raise ApiError(400, "invalid_query_ids", "'query_ids' must be a non-empty list of query ids.")
    if len(value) > MAX_QUERY_IDS:
        raise ApiError(400, "invalid_query_ids", f"At most {MAX_QUERY_IDS} query ids per request.")
    if not all(is_row_id(v) for v in value):
        raise ApiError(400, "invalid_query_ids", "Every query id must be a positive integer.")
    return sorted(set(value))


def _listed(ids: list[int]) -> str:
    shown = ", ".join(str(i) for i in ids[:_LISTED])
    return shown + (f" and {len(ids) - _LISTED} more" if len(ids) > _LISTED else "")


def pending_queries(session: Session, query_ids: list[int]) -> list[Query]:
    """The queries, newest first; 400 when some do not exist, 409 when some were reviewed."""
    rows = list(session.scalars(select(Query).where(Query.id.in_(query_ids))))
    missing = sorted(set(query_ids) - {row.id for row in rows})
    if missing:
        raise ApiError(400, "unknown_query_ids", f"No question with id {_listed(missing)}.")
    decided = sorted(
        session.scalars(select(ReviewDecision.query_id).where(ReviewDecision.query_id.in_(query_ids)))
    )
    if decided:
        raise ApiError(
            409,
            "already_reviewed",
            f"{len(decided)} of these questions were already reviewed (id {_listed(decided)}); "
            "reload the queue and try again.",
        )
    return sorted(rows, key=lambda row: (row.created_at, row.id), reverse=True)


def distinct_wordings(queries: list[Query]) -> list[str]:
    """One text per normalised question, most asked first, as its latest visitor typed it."""
    by_key: dict[str, list[Query]] = defaultdict(list)
    for query in queries:  # newest first
        by_key[question_key(query.question)].append(query)
    ordered = sorted(by_key.values(), key=lambda group: -len(group))
    return [kb.collapse(group[0].question) for group in ordered]


def _decide(
    session: Session, queries: list[Query], action: str, faq_id: str | None, user_id: int | None
) -> None:
    for query in queries:
        session.add(
            ReviewDecision(
                query_id=query.id,
                question_key=question_key(query.question),
                action=action,
                faq_id=faq_id,
                user_id=user_id,
            )
        )


def _commit(session: Session) -> None:
    """Two admins deciding on the same question at once: the second gets a clear 409."""
    try:
        session.commit()
    except IntegrityError:
        session.rollback()
        raise ApiError(
            409, "already_reviewed", "Someone reviewed some of these questions meanwhile; reload the queue."
        ) from None


def linkable_faq(session: Session, faq_id: object) -> Faq:
    """The FAQ to link to: 404 when unknown, 409 when archived (the bot no longer answers it)."""
    text = str(faq_id).strip() if isinstance(faq_id, (str, int)) and not isinstance(faq_id, bool) else ""
    faq = session.get(Faq, text) if text else None
    if faq is None:
        raise ApiError(404, "unknown_faq", f"No FAQ with id {faq_id!r}.")
    if faq.archived:
        raise ApiError(
            409, "faq_archived", f"FAQ #{faq.id} is archived; restore it first or pick another FAQ."
        )
    return faq


def link(session: Session, query_ids: list[int], faq_id: object, user_id: int | None) -> Outcome:
    """Teach the FAQ the cluster's wordings (learned phrasings, used by the next retrain).

    Wordings the FAQ already has (its question, a phrasing, a learned phrasing) are skipped; the
    change is recorded in the FAQ's history when anything was added.
    """
    faq = linkable_faq(session, faq_id)
    queries = pending_queries(session, query_ids)
    added, skipped = _teach(session, faq, queries, user_id)
    _decide(session, queries, "linked", faq.id, user_id)
    _commit(session)
    return Outcome("linked", len(queries), faq.id, added, skipped)


def _teach(
    session: Session, faq: Faq, queries: list[Query], user_id: int | None
) -> tuple[list[str], list[str]]:
    """The queries' wordings become learned phrasings of ``faq`` (those it already has are
    skipped), recorded in its history when anything was added; returns (added, skipped)."""
    known = {question_key(faq.question), *(question_key(p.text) for p in faq.phrasings)}
    known |= {question_key(row.text) for row in kb.learned_rows(session, faq.id)}
    added, skipped = [], []
    for text in distinct_wordings(queries):
        (skipped if question_key(text) in known else added).append(text)
    if added:
        before = kb.snapshot(faq, session)
        kb.bump_revision(session, faq, None)
        tickets = {question_key(q.question): q.ticket_id for q in queries if q.ticket_id}
        for text in added:
            ticket_id = tickets.get(question_key(text))
            session.add(LearnedPhrasing(faq_id=faq.id, text=text, ticket_id=ticket_id, created_by=user_id))
        kb.record_revision(session, faq, "learned_added", before, user_id, "review")
    return added, skipped


def new_faq(
    session: Session,
    query_ids: list[int],
    *,
    question: str,
    answer: str,
    category: str | None,
    user_id: int | None,
) -> Outcome:
    """Create an FAQ whose phrasings are the cluster's wordings (recorded as source "review")."""
    queries = pending_queries(session, query_ids)
    own = kb.text_key(question) if isinstance(question, str) else None
    seen = {own}
    phrasings = []
    for text in distinct_wordings(queries):
        if kb.text_key(text) not in seen and len(phrasings) < kb.MAX_PHRASINGS:
            seen.add(kb.text_key(text))
            phrasings.append(text)
    faq = kb.create_faq(
        session,
        question=question,
        answer=answer,
        category=category,
        phrasings=phrasings,
        user_id=user_id,
        source="review",
    )
    _decide(session, queries, "new_faq", faq.id, user_id)
    _commit(session)
    return Outcome("new_faq", len(queries), faq.id, phrasings, [])


def ignore(session: Session, query_ids: list[int], user_id: int | None) -> Outcome:
    """Leave these questions out of the queue for good, and the same questions asked later too."""
    queries = pending_queries(session, query_ids)
    _decide(session, queries, "ignored", None, user_id)
    _commit(session)
    return Outcome("ignored", len(queries))


# --- wrong answers ----------------------------------------------------------------------------


def pending_wrong_answers(session: Session, query_ids: list[int]) -> list[Query]:
    """Like :func:`pending_queries`, and each must be an answer its visitor rejected."""
    queries = pending_queries(session, query_ids)
    rejected = set(
        session.scalars(
            select(Feedback.query_id).where(Feedback.query_id.in_(query_ids), Feedback.helpful.is_(False))
        )
    )
    wrong = [q.id for q in queries if q.decision != "answered" or q.faq_id is None or q.id not in rejected]
    if wrong:
        raise ApiError(
            400,
            "not_wrong_answers",
            f"Question {_listed(sorted(wrong))} is not an answer a visitor rejected; "
            "use the clusters' actions for it.",
        )
    return queries


def correct(session: Session, query_ids: list[int], faq_id: object, user_id: int | None) -> Outcome:
    """ "The right FAQ was #m": the wordings become learned phrasings of #m (recorded in its
    history like any link), and the wrong answers leave the queue."""
    faq = linkable_faq(session, faq_id)
    queries = pending_wrong_answers(session, query_ids)
    if any(q.faq_id == faq.id for q in queries):
        raise ApiError(
            409,
            "same_faq",
            f"FAQ #{faq.id} is the answer the bot gave; if it was right, say so instead.",
        )
    added, skipped = _teach(session, faq, queries, user_id)
    _decide(session, queries, "corrected", faq.id, user_id)
    _commit(session)
    return Outcome("corrected", len(queries), faq.id, added, skipped)


def confirm(session: Session, query_ids: list[int], user_id: int | None) -> Outcome:
    """ "The answer was right": the wrong answers leave the queue, and the same wording rejected
    again with the same FAQ stays out of it."""
    queries = pending_wrong_answers(session, query_ids)
    for query in queries:
        _decide(session, [query], "confirmed", query.faq_id, user_id)
    _commit(session)
    return Outcome("confirmed", len(queries))
