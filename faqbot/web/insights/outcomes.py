"""What the bot and the team achieved over a period, beyond counting decisions: how many
questions the bot resolved on its own, and how fast each agent first replies to a ticket.

Both count in SQL (an ``EXISTS`` per answered question, a window function for each ticket's
first staff reply), so only one row per ticket comes back to Python.
"""

from __future__ import annotations

import statistics
from typing import Any

from sqlalchemy import and_, exists, func, select
from sqlalchemy.orm import Session, aliased

from faqbot.web.core.tables import Query, Ticket, TicketMessage, User, as_utc
from faqbot.web.insights.analytics import Period


def _in_period(column, period: Period):
    return (column >= period.since) & (column < period.until)


def resolution(session: Session, period: Period) -> dict[str, Any]:
    """Questions the bot resolved: answered, and no ticket opened afterwards in the same session.

    ``rate`` is over all the bot's decisions (answered, suggested, handed off), so it is the
    share of questions that needed no person; ``kept_rate`` is over the answered ones only.
    An answer without a session id cannot be followed, so it counts as resolved.
    """
    later = aliased(Ticket)
    escalated = exists().where(
        and_(later.session_id == Query.session_id, later.created_at >= Query.created_at)
    )
    in_period = _in_period(Query.created_at, period)
    bot_decided = Query.decision.in_(("answered", "suggested", "handoff"))
    decided = session.scalar(select(func.count(Query.id)).where(in_period, bot_decided))
    answered = session.scalar(select(func.count(Query.id)).where(in_period, Query.decision == "answered"))
    followed = session.scalar(
        select(func.count(Query.id)).where(
            in_period, Query.decision == "answered", Query.session_id.is_not(None), escalated
        )
    )
    resolved = int(answered or 0) - int(followed or 0)
    return {
        "bot_decisions": int(decided or 0),
        "answered": int(answered or 0),
        "escalated_after_answer": int(followed or 0),
        "resolved": resolved,
        "rate": resolved / decided if decided else None,
        "kept_rate": resolved / answered if answered else None,
    }


def _first_replies(session: Session, period: Period):
    """(ticket created, first staff reply, its author) for tickets of the period with a reply."""
    order = (TicketMessage.created_at, TicketMessage.id)
    ranked = (
        select(
            TicketMessage.ticket_id,
            TicketMessage.user_id,
            TicketMessage.created_at,
            func.row_number().over(partition_by=TicketMessage.ticket_id, order_by=order).label("n"),
        )
        .where(TicketMessage.author == "staff")
        .subquery()
    )
    return session.execute(
        select(Ticket.created_at, ranked.c.created_at, ranked.c.user_id)
        .join(ranked, ranked.c.ticket_id == Ticket.id)
        .where(ranked.c.n == 1, _in_period(Ticket.created_at, period))
    ).all()


def agent_reply_times(session: Session, period: Period) -> list[dict[str, Any]]:
    """Per agent: the tickets of the period they replied to first, and the median (and 90th
    percentile) time from the ticket's creation to that first reply; busiest first."""
    waits: dict[int | None, list[float]] = {}
    for created, replied, user_id in _first_replies(session, period):
        waits.setdefault(user_id, []).append(max(0.0, (as_utc(replied) - as_utc(created)).total_seconds()))
    ids = [user_id for user_id in waits if user_id is not None]
    people = {}
    if ids:
        people = {row.id: row for row in session.scalars(select(User).where(User.id.in_(ids)))}
    agents = []
    for user_id, times in waits.items():
        times.sort()
        person = people.get(user_id)
        agents.append(
            {
                "user_id": user_id,
                "name": (person.display_name or person.email) if person else "(account removed)",
                "email": person.email if person else None,
                "tickets": len(times),
                "median_seconds": statistics.median(times),
                "p90_seconds": times[min(len(times) - 1, int(0.9 * len(times)))],
            }
        )
    return sorted(agents, key=lambda a: (-a["tickets"], a["median_seconds"], a["name"]))
