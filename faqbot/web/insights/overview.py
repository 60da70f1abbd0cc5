"""The analytics report with its comparison: the period, the one just before it (as long, ending
the day before), and how each headline number moved.

The page and the API both read :func:`report`; it adds to :func:`analytics.report` the
resolution rate and per-agent reply times (:mod:`outcomes`) and the previous period's deltas.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy.orm import Session

from faqbot.web.insights import analytics, outcomes
from faqbot.web.insights.analytics import Period

#: Headline numbers compared with the previous period: (key, whether up is better).
#: Shares and rates change in points (absolute), counts and times relatively too.
HEADLINES = (
    ("questions", None),
    ("answered_share", True),
    ("handoff_share", False),
    ("helpful_rate", True),
    ("resolution_rate", True),
    ("median_reply_seconds", False),
)


def previous_period(period: Period) -> Period:
    """As many days as ``period``, ending the day before it starts."""
    length = period.end - period.start
    end = period.start - timedelta(days=1)
    return Period(end - length, end)


def headlines(report: dict[str, Any]) -> dict[str, Any]:
    """The numbers compared between periods, from one period's report."""
    totals = report["totals"]
    return {
        "questions": totals["questions"],
        "answered_share": totals["shares"]["answered"],
        "handoff_share": totals["shares"]["handoff"],
        "helpful_rate": totals["helpful_rate"],
        "resolution_rate": report["resolution"]["rate"],
        "median_reply_seconds": report["reply_time"]["median_seconds"],
    }


def deltas(now: dict[str, Any], before: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Per headline: both values, the change, the relative change (when the old value is not
    zero) and whether the change is for the better (None when neutral or unchanged)."""
    result = {}
    for key, up_is_good in HEADLINES:
        current, previous = now.get(key), before.get(key)
        change = current - previous if current is not None and previous is not None else None
        better = None
        if change and up_is_good is not None:
            better = (change > 0) == up_is_good
        result[key] = {
            "current": current,
            "previous": previous,
            "change": change,
            "relative": change / previous if change is not None and previous else None,
            "better": better,
        }
    return result


def _compact(session: Session, period: Period) -> dict[str, Any]:
    """What the previous period needs: totals, resolution and the median reply time."""
    return {
        "from": period.start.isoformat(),
        "to": period.end.isoformat(),
        "totals": analytics.totals(analytics.daily(session, period)),
        "resolution": outcomes.resolution(session, period),
        "reply_time": analytics.reply_times(session, period),
    }


def report(session: Session, period: Period) -> dict[str, Any]:
    """Everything the analytics page and API show for ``period``, compared with the one before."""
    body = analytics.report(session, period)
    body["resolution"] = outcomes.resolution(session, period)
    body["agents"] = outcomes.agent_reply_times(session, period)
    before = _compact(session, previous_period(period))
    body["previous"] = before
    body["deltas"] = deltas(headlines(body), headlines(before))
    return body
