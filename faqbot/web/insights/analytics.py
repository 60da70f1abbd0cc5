"""How the bot is doing over a period: volume, outcomes, feedback, top FAQs, the answers visitors
rejected (per FAQ), staff reply times.

A *vote* is a visitor's thumbs up or down; a *rejection* is any sign that an answer was wrong: a
thumbs-down, "that's not what I asked", or asking for a person right after it.  The last one is
not a vote, so it counts against the FAQ's answers but not in the helpful-vote rate.

Counting happens in the database (``GROUP BY`` day), so a year of traffic is a few hundred rows
to Python, not millions.  Days are UTC calendar days on both backends: SQLite stores UTC
timestamps as text (``date()`` cuts the day), PostgreSQL converts to UTC before casting.
"""

from __future__ import annotations

import csv
import io
import statistics
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from typing import Any

from sqlalchemy import Date, and_, case, cast, func, select
from sqlalchemy.orm import Session

from faqbot.web.core.errors import ApiError
from faqbot.web.core.tables import Faq, Feedback, Query, Ticket, TicketMessage, as_utc
from faqbot.web.review.wrong_answers import IMPLIED, KINDS

DEFAULT_DAYS = 30
MAX_SPAN_DAYS = 366
#: Small talk ("hi", "thanks") is counted apart: it is neither answered nor handed off.
OUTCOMES = ("answered", "suggested", "handoff", "taken_over", "smalltalk")
DAILY_COLUMNS = ("day", "questions", *OUTCOMES, "helpful", "unhelpful")


@dataclass(frozen=True)
class Period:
    """Whole UTC days from ``start`` to ``end``, both included."""

    start: date
    end: date

    @property
    def since(self) -> datetime:
        return datetime.combine(self.start, time(), tzinfo=timezone.utc)

    @property
    def until(self) -> datetime:
        """The first moment after the period (exclusive bound)."""
        return datetime.combine(self.end + timedelta(days=1), time(), tzinfo=timezone.utc)

    def days(self) -> list[date]:
        return [self.start + timedelta(days=i) for i in range((self.end - self.start).days + 1)]


def _parse_day(text: str, name: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise ApiError(400, "invalid_period", f"'{name}' must be a date like 2024-05-31.") from None


def parse_period(start: str | None, end: str | None, today: date | None = None) -> Period:
    """The period asked for; by default the last ``DEFAULT_DAYS`` days up to today (UTC)."""
    today = today or datetime.now(timezone.utc).date()
    end_day = _parse_day(end, "to") if end else today
    start_day = _parse_day(start, "from") if start else end_day - timedelta(days=DEFAULT_DAYS - 1)
    if start_day > end_day:
        raise ApiError(400, "invalid_period", "'from' must not be after 'to'.")
    if (end_day - start_day).days + 1 > MAX_SPAN_DAYS:
        raise ApiError(400, "invalid_period", f"The period may span at most {MAX_SPAN_DAYS} days.")
    return Period(start_day, end_day)


def day_of(session: Session, column):
    """SQL for the UTC calendar day of a timestamp column, on SQLite and PostgreSQL alike."""
    dialect = session.get_bind().dialect.name
    if dialect == "sqlite":
        return func.date(column)  # 'YYYY-MM-DD' of the stored UTC text
    if dialect == "postgresql":
        return cast(func.timezone("UTC", column), Date)  # independent of the session's TimeZone
    return cast(column, Date)


def _day_key(value: Any) -> str:
    return value.isoformat() if isinstance(value, date) else str(value)


def _in_period(column, period: Period):
    return (column >= period.since) & (column < period.until)


def daily(session: Session, period: Period) -> list[dict[str, Any]]:
    """One row per day of the period (days without questions too), counted in SQL."""
    rows = {day.isoformat(): dict.fromkeys(DAILY_COLUMNS[1:], 0) for day in period.days()}
    day = day_of(session, Query.created_at).label("day")
    counted = session.execute(
        select(day, Query.decision, func.count(Query.id))
        .where(_in_period(Query.created_at, period))
        .group_by(day, Query.decision)
    )
    for key, decision, count in counted:
        row = rows.get(_day_key(key))
        if row is not None:
            row["questions"] += count
            if decision in OUTCOMES:
                row[decision] += count
    voted = session.execute(
        select(day, Feedback.helpful, func.count(Feedback.id))
        .join(Query, Query.id == Feedback.query_id)
        .where(_in_period(Query.created_at, period), _is_vote())
        .group_by(day, Feedback.helpful)
    )
    for key, helpful, count in voted:
        row = rows.get(_day_key(key))
        if row is not None:
            row["helpful" if helpful else "unhelpful"] += count
    return [{"day": key, **counts} for key, counts in rows.items()]


def totals(days: list[dict[str, Any]]) -> dict[str, Any]:
    """Sums over the period; shares are of the bot's own decisions (follow-ups to staff excluded)."""
    sums = {key: sum(row[key] for row in days) for key in DAILY_COLUMNS[1:]}
    decided = sums["answered"] + sums["suggested"] + sums["handoff"]
    votes = sums["helpful"] + sums["unhelpful"]
    return {
        **sums,
        "bot_decisions": decided,
        "shares": {k: (sums[k] / decided if decided else None) for k in ("answered", "suggested", "handoff")},
        "votes": votes,
        "helpful_rate": sums["helpful"] / votes if votes else None,
    }


def _is_vote():
    """A visitor's own thumbs up or down, not a rejection read from their next message."""
    return func.coalesce(Feedback.reason, "").not_in(IMPLIED)


def top_faqs(session: Session, period: Period, limit: int = 10) -> list[dict[str, Any]]:
    """The FAQs that answered the most questions, with their visitors' votes and rejections."""
    helpful = func.sum(case((Feedback.helpful.is_(True), 1), else_=0))
    unhelpful = func.sum(case((and_(Feedback.helpful.is_(False), _is_vote()), 1), else_=0))
    rejected = func.sum(case((Feedback.helpful.is_(False), 1), else_=0))
    count = func.count(Query.id)
    rows = session.execute(
        select(
            Query.faq_id, count, helpful, unhelpful, func.max(Query.answer_question), Faq.question, rejected
        )
        .outerjoin(Feedback, Feedback.query_id == Query.id)
        .outerjoin(Faq, Faq.id == Query.faq_id)
        .where(_in_period(Query.created_at, period), Query.decision == "answered")
        .group_by(Query.faq_id, Faq.question)
        .order_by(count.desc(), Query.faq_id)
        .limit(limit)
    )
    return [
        {
            "faq_id": faq_id,
            "question": current or shown or faq_id,
            "answered": int(n),
            "helpful": int(up or 0),
            "unhelpful": int(down or 0),
            "rejected": int(no or 0),
            "rejection_rate": int(no or 0) / int(n) if n else None,
        }
        for faq_id, n, up, down, shown, current, no in rows
    ]


REJECTION_KINDS = tuple(dict.fromkeys(KINDS.values()))  # thumbs_down, did_not_answer, ...
SORTS = ("rejected", "rate", "answered")


def faq_rejections(
    session: Session, period: Period, *, sort: str = "rejected", limit: int | None = None
) -> list[dict[str, Any]]:
    """Per FAQ whose answer was given in the period: how often, how often it was rejected, the
    rate, and the rejections by kind.  ``sort``: most rejected, highest rate, or most given."""
    if sort not in SORTS:
        raise ApiError(400, "invalid_sort", f"'sort' must be one of {', '.join(SORTS)}.")
    by_kind = [
        func.sum(case((and_(Feedback.helpful.is_(False), _reason_is(reason)), 1), else_=0))
        for reason, _kind in KINDS.items()
    ]
    given, rejected = func.count(Query.id), func.sum(case((Feedback.helpful.is_(False), 1), else_=0))
    rows = session.execute(
        select(Query.faq_id, Faq.question, func.max(Query.answer_question), given, rejected, *by_kind)
        .outerjoin(Feedback, Feedback.query_id == Query.id)
        .outerjoin(Faq, Faq.id == Query.faq_id)
        .where(_in_period(Query.created_at, period), Query.decision == "answered", Query.faq_id.is_not(None))
        .group_by(Query.faq_id, Faq.question)
    ).all()
    out = []
    for faq_id, current, shown, n, no, *kinds in rows:
        counts = dict.fromkeys(REJECTION_KINDS, 0)
        for (_reason, kind), value in zip(KINDS.items(), kinds):
            counts[kind] += int(value or 0)
        out.append(
            {
                "faq_id": faq_id,
                "question": current or shown or faq_id,
                "answered": int(n),
                "rejected": int(no or 0),
                "rejection_rate": int(no or 0) / int(n),
                "kinds": counts,
            }
        )
    keys = {
        "rejected": lambda r: (-r["rejected"], -r["rejection_rate"], -r["answered"], r["faq_id"]),
        "rate": lambda r: (-r["rejection_rate"], -r["rejected"], -r["answered"], r["faq_id"]),
        "answered": lambda r: (-r["answered"], -r["rejected"], r["faq_id"]),
    }
    out.sort(key=keys[sort])
    return out if limit is None else out[:limit]


def _reason_is(reason: str | None):
    if reason is None:  # a plain thumbs-down, or a reason this version does not know
        return func.coalesce(Feedback.reason, "").not_in([r for r in KINDS if r is not None])
    return Feedback.reason == reason


def rejections(faqs: list[dict[str, Any]], limit: int = 10) -> dict[str, Any]:
    """Totals over every FAQ's answers, and the most rejected ones."""
    answered = sum(r["answered"] for r in faqs)
    rejected = sum(r["rejected"] for r in faqs)
    kinds = {kind: sum(r["kinds"][kind] for r in faqs) for kind in REJECTION_KINDS}
    most = [r for r in faqs if r["rejected"]][:limit]
    return {
        "answered": answered,
        "rejected": rejected,
        "rate": rejected / answered if answered else None,
        "kinds": kinds,
        "most_rejected": most,
    }


def reply_times(session: Session, period: Period) -> dict[str, Any]:
    """Median (and 90th percentile) time from handoff to the first staff reply, in seconds.

    Over tickets created in the period; tickets still without a reply are counted apart, not
    as zero or infinity.  One row per replied ticket comes back (the minimum is taken in SQL).
    """
    first_reply = (
        select(TicketMessage.ticket_id, func.min(TicketMessage.created_at).label("first"))
        .where(TicketMessage.author == "staff")
        .group_by(TicketMessage.ticket_id)
        .subquery()
    )
    rows = session.execute(
        select(Ticket.created_at, first_reply.c.first)
        .outerjoin(first_reply, first_reply.c.ticket_id == Ticket.id)
        .where(_in_period(Ticket.created_at, period))
    ).all()
    waits = sorted(
        max(0.0, (as_utc(first) - as_utc(created)).total_seconds()) for created, first in rows if first
    )
    return {
        "tickets": len(rows),
        "replied": len(waits),
        "waiting": len(rows) - len(waits),
        "median_seconds": statistics.median(waits) if waits else None,
        "p90_seconds": waits[min(len(waits) - 1, int(0.9 * len(waits)))] if waits else None,
    }


def unanswered_clusters(session: Session, period: Period, limit: int = 10) -> list[dict[str, Any]] | None:
    """The review queue's biggest clusters of unanswered questions; None if it is not available."""
    try:
        from faqbot.web.review.queue import unanswered_clusters as clusters  # the review area's clustering
    except ImportError:
        return None
    found = clusters(session, since=period.since, until=period.until, limit=limit)
    return [
        {
            "label": str(c.label),
            "count": int(c.count),
            "visitors": int(getattr(c, "visitors", 0) or 0),
            "examples": [str(e) for e in c.examples],
            "query_ids": [int(q) for q in c.query_ids],
        }
        for c in found
    ]


def report(session: Session, period: Period) -> dict[str, Any]:
    """Everything the analytics page and API show for one period."""
    days = daily(session, period)
    return {
        "from": period.start.isoformat(),
        "to": period.end.isoformat(),
        "totals": totals(days),
        "daily": days,
        "top_faqs": top_faqs(session, period),
        "rejections": rejections(faq_rejections(session, period)),
        "unanswered_clusters": unanswered_clusters(session, period),
        "reply_time": reply_times(session, period),
    }


def _safe_cell(value: Any) -> Any:
    """Keep spreadsheet programs from running a cell as a formula (CSV injection)."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def to_csv(rows: list[dict[str, Any]], columns: tuple[str, ...]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_safe_cell(row.get(col)) for col in columns])
    return out.getvalue()


CSV_TABLES = {
    "daily": DAILY_COLUMNS,
    "faqs": ("faq_id", "question", "answered", "helpful", "unhelpful", "rejected"),
    "rejections": ("faq_id", "question", "answered", "rejected", "rejection_rate", *REJECTION_KINDS),
}


def csv_export(session: Session, period: Period, table: str) -> str:
    """The daily table, the top FAQs or every FAQ's rejections of a period as CSV."""
    if table not in CSV_TABLES:
        raise ApiError(400, "invalid_table", "'table' must be 'daily', 'faqs' or 'rejections'.")
    if table == "daily":
        rows = daily(session, period)
    elif table == "faqs":
        rows = top_faqs(session, period, limit=1000)
    else:
        rows = [{**r, **r["kinds"]} for r in faq_rejections(session, period)]
    return to_csv(rows, CSV_TABLES[table])
