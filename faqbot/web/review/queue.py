"""The review queue: what the bot could not answer well, grouped into clusters an admin can act on.

A question is in the queue when the bot handed it off or only suggested FAQs, within the period
looked at (the last 90 days by default); one whose visitor also voted the FAQ they picked down is
marked "unhelpful".  Answers the visitor rejected are wrong answers, a kind of their own
(:mod:`review.wrong_answers`).
It leaves the queue when an admin decided on it (a :class:`ReviewDecision`), when staff already
resolved its ticket by linking it to an FAQ or turning it into one, or when the same question
(normalised) was ignored before, so an ignored question asked again does not come back.

The most recent ``MAX_CLUSTERED`` questions are clustered (:mod:`review_clustering`), so a page
load stays around a second however long the queue grew; the page says when older ones were left
out.  The live model proposes the FAQs each cluster most likely belongs to.
"""

from __future__ import annotations

import logging
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from flask import has_app_context
from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from faqbot.engine.text import normalize
from faqbot.web.core.errors import ApiError
from faqbot.web.core.tables import (
    Faq,
    FaqPhrasing,
    Feedback,
    LearnedPhrasing,
    Query,
    ReviewDecision,
    Ticket,
    as_utc,
    iso,
    utcnow,
)
from faqbot.web.review import clustering as review_clustering

log = logging.getLogger(__name__)

DEFAULT_DAYS = 90
MAX_CLUSTERED = 3000  # the most recent questions clustered on one page load
REASONS = ("handoff", "suggested", "unhelpful")
MAX_EXAMPLES = 5
MIN_CANDIDATE_SCORE = 0.01  # below this the model has no idea; a "0%" button only misleads
MAX_CANDIDATES = 3
CANDIDATE_WORDINGS = 8  # the most asked wordings of a cluster that the model is asked about
RESOLVED_BY_STAFF = ("link", "new_faq")


def question_key(text: str) -> str:
    """The normalised question under which decisions (notably "ignored") are remembered."""
    return normalize(text)[:255]


@dataclass
class Wording:
    """One distinct (normalised) question of a cluster, with every query that asked it."""

    text: str  # as the most recent visitor typed it
    key: str
    query_ids: list[int]

    @property
    def count(self) -> int:
        return len(self.query_ids)


@dataclass
class Candidate:
    """An FAQ the cluster may belong to; ``score`` is the model's confidence averaged over the
    cluster's questions (weighted by how often each was asked)."""

    faq_id: str
    question: str
    score: float


@dataclass
class Cluster:
    """Similar questions from the queue, for one decision by an admin.

    ``query_ids`` are every query of the cluster, whatever brought it into the queue (handoff,
    suggested or unhelpful); ``reasons`` counts them by that reason.
    """

    label: str  # the representative question (the cluster's medoid)
    count: int
    examples: list[str]
    query_ids: list[int]
    visitors: int = 0  # distinct chat sessions (a query without one counts as its own visitor)
    first_seen: datetime | None = None
    last_seen: datetime | None = None
    reasons: dict[str, int] = field(default_factory=dict)
    wordings: list[Wording] = field(default_factory=list)
    candidates: list[Candidate] = field(default_factory=list)


@dataclass
class QueueItem:
    query_id: int
    question: str
    key: str
    reason: str
    created_at: datetime
    session_id: str | None


@dataclass
class Queue:
    """One look at the queue: its clusters, most asked first, and what was looked at."""

    since: datetime
    until: datetime
    total: int  # questions waiting for review in the period
    clustered: int  # of which the most recent ones that were clustered (at most MAX_CLUSTERED)
    clusters: list[Cluster]

    @property
    def truncated(self) -> bool:
        return self.clustered < self.total


# --- the period -----------------------------------------------------------------------------


def period(
    since: datetime | None = None, until: datetime | None = None, days: int = DEFAULT_DAYS
) -> tuple[datetime, datetime]:
    """``[since, until)`` in UTC: ``until`` defaults to now and ``since`` to ``days`` before it."""
    end = as_utc(until) if until is not None else utcnow()
    start = as_utc(since) if since is not None else end - timedelta(days=days)
    return start, end


# --- reading the queue ----------------------------------------------------------------------


def _queue_statement(since: datetime, until: datetime):
    unhelpful = Feedback.helpful.is_(False)
    resolved = and_(Ticket.resolution.is_not(None), Ticket.resolution.in_(RESOLVED_BY_STAFF))
    return (
        select(Query.id, Query.question, Query.decision, Query.created_at, Query.session_id, unhelpful)
        .outerjoin(Feedback, Feedback.query_id == Query.id)
        .outerjoin(Ticket, Ticket.id == Query.ticket_id)
        .outerjoin(ReviewDecision, ReviewDecision.query_id == Query.id)
        .where(ReviewDecision.id.is_(None))
        .where(Query.decision.in_(("handoff", "suggested")))
        .where(or_(Query.decision != "handoff", Query.ticket_id.is_(None), ~resolved))
        .where(Query.created_at >= since, Query.created_at < until)
        .order_by(Query.created_at.desc(), Query.id.desc())
    )


def ignored_keys(session: Session) -> set[str]:
    return set(session.scalars(select(ReviewDecision.question_key).where(ReviewDecision.action == "ignored")))


def queue_items(session: Session, since: datetime, until: datetime, cap: int) -> tuple[list[QueueItem], int]:
    """The most recent ``cap`` questions waiting for review, and how many are waiting in all.

    Ignored questions are filtered here rather than in SQL: their key is the text as Python
    normalises it, which SQL cannot reproduce.
    """
    ignored = ignored_keys(session)
    items: list[QueueItem] = []
    total = 0
    rows = session.execute(_queue_statement(since, until).execution_options(yield_per=2000))
    for query_id, question, decision, created_at, session_id, unhelpful in rows:
        key = question_key(question)
        if key in ignored:
            continue
        total += 1
        if len(items) < cap:
            reason = "unhelpful" if unhelpful else decision
            items.append(QueueItem(query_id, question, key, reason, as_utc(created_at), session_id))
    return items, total


def background_texts(session: Session) -> list[str]:
    """The FAQ corpus's wordings: they teach the clustering which words every question uses."""
    texts = list(session.scalars(select(Faq.question)))
    texts += session.scalars(select(FaqPhrasing.text))
    texts += session.scalars(select(LearnedPhrasing.text))
    return texts


def build_clusters(items: list[QueueItem], background: list[str], model: Any = None) -> list[Cluster]:
    """Cluster the items by their distinct normalised questions, most asked first (by meaning
    too when ``model``, the live model, has a sentence encoder)."""
    by_key: dict[str, list[QueueItem]] = defaultdict(list)
    for item in items:  # newest first, so each key's first item is its latest wording
        by_key[item.key].append(item)
    keys = list(by_key)
    vectors = _sentence_vectors(model, keys)
    groups = review_clustering.cluster(keys, [len(by_key[k]) for k in keys], background, vectors=vectors)
    clusters = [_cluster([by_key[keys[i]] for i in g.members], by_key[keys[g.medoid]]) for g in groups]
    clusters.sort(key=lambda c: (-c.count, -c.visitors, -(c.last_seen or utcnow()).timestamp()))
    return clusters


def _sentence_vectors(model: Any, texts: list[str]) -> Any:
    """The live model's sentence vectors of ``texts``, or None (no model, or one without an encoder)."""
    encode = getattr(getattr(model, "matcher", None), "encode_questions", None)
    if encode is None or len(texts) < 2:
        return None
    try:
        return encode(texts)
    except Exception:  # clustering by words alone is still useful
        log.exception("the live model could not encode the review queue's questions")
        return None


def _cluster(members: list[list[QueueItem]], medoid: list[QueueItem]) -> Cluster:
    items = [item for member in members for item in member]
    wordings = [Wording(m[0].question, m[0].key, [i.query_id for i in m]) for m in members]
    sessions = {i.session_id or f"query:{i.query_id}" for i in items}
    reasons = Counter(i.reason for i in items)
    return Cluster(
        label=medoid[0].question,
        count=len(items),
        examples=[w.text for w in wordings[:MAX_EXAMPLES]],
        query_ids=sorted(i.query_id for i in items),
        visitors=len(sessions),
        first_seen=min(i.created_at for i in items),
        last_seen=max(i.created_at for i in items),
        reasons={r: reasons[r] for r in REASONS if reasons[r]},
        wordings=wordings,
    )


# --- candidate FAQs -------------------------------------------------------------------------


def add_candidates(session: Session, clusters: list[Cluster], model: Any) -> None:
    """Ask the model about each cluster's most asked wordings and keep its best FAQs.

    Archived and deleted FAQs are left out: the model may still know them until a retrain.
    """
    if model is None or not clusters:
        return
    asked = [w for c in clusters for w in c.wordings[:CANDIDATE_WORDINGS]]
    try:
        results = model.ask_many([w.text for w in asked])
    except Exception:  # a broken model must not take the review page down with it
        log.exception("the live model could not propose FAQs for the review queue")
        return
    by_wording = {id(w): r for w, r in zip(asked, results)}
    scores = [_scores(c, by_wording) for c in clusters]
    wanted = {faq_id for s in scores for faq_id in s}
    faqs = {f.id: f for f in session.scalars(select(Faq).where(Faq.id.in_(wanted)))} if wanted else {}
    for cluster, score in zip(clusters, scores):
        ranked = sorted(score.items(), key=lambda kv: (-kv[1], kv[0]))
        cluster.candidates = [
            Candidate(faq_id, faqs[faq_id].question, round(value, 3))
            for faq_id, value in ranked
            if faq_id in faqs and not faqs[faq_id].archived and value >= MIN_CANDIDATE_SCORE
        ][:MAX_CANDIDATES]


def _scores(cluster: Cluster, by_wording: dict[int, dict]) -> dict[str, float]:
    totals: dict[str, float] = defaultdict(float)
    weight = 0
    for wording in cluster.wordings[:CANDIDATE_WORDINGS]:
        weight += wording.count
        for suggestion in by_wording[id(wording)].get("suggestions", []):
            totals[str(suggestion["faq_id"])] += wording.count * float(suggestion["confidence"])
    return {faq_id: total / weight for faq_id, total in totals.items()} if weight else {}


def current_model() -> Any:
    """The live model of this process, or None (no app context, or none loaded yet)."""
    if not has_app_context():
        return None
    from faqbot.web.models.store import live_model

    try:
        live = live_model().get()
    except Exception:  # pragma: no cover - a broken store means no candidates, not no queue
        log.exception("cannot reach the live model")
        return None
    return live[1] if live else None


# --- entry points ---------------------------------------------------------------------------


def review_queue(
    session: Session,
    *,
    since: datetime | None = None,
    until: datetime | None = None,
    days: int = DEFAULT_DAYS,
    limit: int | None = None,
    model: Any = None,
) -> Queue:
    """The clustered queue; candidates (when ``model`` is given) for the first ``limit`` clusters."""
    start, end = period(since, until, days)
    items, total = queue_items(session, start, end, MAX_CLUSTERED)
    clusters = build_clusters(items, background_texts(session), model) if items else []
    if limit is not None:
        clusters = clusters[:limit]
    add_candidates(session, clusters, model)
    return Queue(since=start, until=end, total=total, clustered=len(items), clusters=clusters)


def unanswered_clusters(
    session: Session,
    *,
    since: datetime | None = None,
    until: datetime | None = None,
    limit: int = 10,
) -> list[Cluster]:
    """The ``limit`` largest clusters of the review queue in ``[since, until)`` (default: the
    last 90 days), most asked first, for analytics.

    ``query_ids`` hold every source (handoff, suggested, unhelpful; see ``reasons``).  Candidate
    FAQs are filled in when this process has a live model, and left empty otherwise.
    """
    return review_queue(session, since=since, until=until, limit=limit, model=current_model()).clusters


# --- parameters and JSON --------------------------------------------------------------------

MAX_DAYS = 3650
MAX_LIMIT = 200


def _int_arg(args: Any, name: str, default: int, low: int, high: int) -> int:
    raw = args.get(name)
    if raw in (None, ""):
        return default
    try:
        value = int(raw)
    except ValueError:
        value = low - 1
    if not low <= value <= high:
        raise ApiError(400, f"invalid_{name}", f"'{name}' must be a whole number from {low} to {high}.")
    return value


def _moment_arg(args: Any, name: str, end_of_day: bool) -> datetime | None:
    """An ISO 8601 date or date-time; a bare date as ``until`` means through the end of that day."""
    raw = args.get(name)
    if raw in (None, ""):
        return None
    try:
        moment = datetime.fromisoformat(raw)
    except ValueError:
        raise ApiError(
            400, f"invalid_{name}", f"'{name}' must be an ISO 8601 date or date-time, e.g. 2024-05-31."
        ) from None
    if end_of_day and len(raw) == 10:
        moment += timedelta(days=1)
    return as_utc(moment)


def parse_request(args: Any, default_limit: int = 20) -> dict[str, Any]:
    """``days``, ``since``, ``until`` and ``limit`` from a query string, checked; keyword
    arguments for :func:`review_queue`."""
    days = _int_arg(args, "days", DEFAULT_DAYS, 1, MAX_DAYS)
    since, until = _moment_arg(args, "since", False), _moment_arg(args, "until", True)
    limit = _int_arg(args, "limit", default_limit, 1, MAX_LIMIT)
    start, end = period(since, until, days)
    if start >= end:
        raise ApiError(400, "invalid_period", "'since' must be before 'until'.")
    return {"since": start, "until": end, "limit": limit}


def cluster_json(cluster: Cluster) -> dict[str, Any]:
    return {
        "label": cluster.label,
        "count": cluster.count,
        "visitors": cluster.visitors,
        "examples": cluster.examples,
        "first_seen": iso(cluster.first_seen),
        "last_seen": iso(cluster.last_seen),
        "reasons": cluster.reasons,
        "query_ids": cluster.query_ids,
        "wordings": [{"text": w.text, "count": w.count, "query_ids": w.query_ids} for w in cluster.wordings],
        "candidates": [
            {"faq_id": c.faq_id, "question": c.question, "score": c.score} for c in cluster.candidates
        ],
    }


def queue_json(queue: Queue) -> dict[str, Any]:
    return {
        "since": iso(queue.since),
        "until": iso(queue.until),
        "total": queue.total,
        "clustered": queue.clustered,
        "max_clustered": MAX_CLUSTERED,
        "truncated": queue.truncated,
        "clusters": [cluster_json(c) for c in queue.clusters],
    }
