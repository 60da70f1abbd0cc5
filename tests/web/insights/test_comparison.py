"""Analytics against the previous period, the resolution rate (answered and no ticket afterwards
in the same session) and first-reply times per agent, on known traffic on both databases."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest

from faqbot.web.core.db import session_scope
from faqbot.web.core.tables import Feedback, Query, Ticket, TicketMessage, User
from faqbot.web.insights.analytics import Period
from faqbot.web.insights.overview import previous_period

URL = "/api/v1/admin/analytics?from=2024-03-06&to=2024-03-10"
HOSTILE = "<b>Ana</b>"


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2024, 3, day, hour, minute, tzinfo=timezone.utc)


class Traffic:
    """Writes questions, votes and tickets; ``agents`` are the staff who reply."""

    def __init__(self, session) -> None:
        self.session = session
        self.agents = {}
        for key, email, name in (("a", "ana@example.com", HOSTILE), ("b", "bo@example.com", None)):
            user = User(email=email, password_hash="x", role="staff", display_name=name)
            session.add(user)
            session.flush()
            self.agents[key] = user.id
        self.tokens = 0

    def ask(self, when, decision, session_id=None, vote=None) -> None:
        row = Query(
            question="q",
            decision=decision,
            confidence=0.5,
            latency_ms=1.0,
            session_id=session_id,
            created_at=when,
        )
        self.session.add(row)
        self.session.flush()
        if vote is not None:
            self.session.add(Feedback(query_id=row.id, helpful=vote))

    def ticket(self, when, session_id=None, replies=()) -> None:
        """A ticket with staff replies: (agent key, minutes after the ticket was created)."""
        self.tokens += 1
        ticket = Ticket(
            token=f"t{self.tokens}",
            question="help",
            reason="low_confidence",
            session_id=session_id,
            created_at=when,
        )
        ticket.messages = [
            TicketMessage(
                author="staff", user_id=self.agents[who], text="hi", created_at=when + timedelta(minutes=m)
            )
            for who, m in replies
        ]
        self.session.add(ticket)


@pytest.fixture
def traffic(app):
    with session_scope(app) as session:
        t = Traffic(session)
        # The period, 6-10 March: 4 answered, 1 suggested, 1 handed off (+ small talk).
        t.ask(at(6, 10), "answered", "s1", vote=True)  # resolved
        t.ask(at(7, 10), "answered", "s2", vote=False)  # escalated: a ticket follows in s2
        t.ask(at(7, 10, 5), "handoff", "s2")
        t.ticket(at(7, 10, 5), "s2", replies=[("a", 10)])
        t.ticket(at(8, 8), "s3", replies=[("b", 30), ("a", 40)])  # before the answer: not an escalation
        t.ask(at(8, 9), "answered", "s3", vote=True)  # resolved
        t.ask(at(9, 9), "answered")  # no session: resolved
        t.ask(at(9, 10), "suggested", "s4")
        t.ask(at(10, 11), "smalltalk", "s4")
        t.ticket(at(9, 12), replies=[("a", 20)])
        t.ticket(at(10, 12))  # waiting
        # The previous period, 1-5 March: 2 answered, 1 suggested, 1 handed off.
        t.ask(at(2, 9), "answered", "s5", vote=False)  # resolved
        t.ask(at(3, 9), "handoff", "s6")
        t.ticket(at(3, 9), "s6", replies=[("a", 60)])
        t.ask(at(4, 9), "suggested", "s7")
        t.ask(at(4, 10), "answered", "s7")  # escalated
        t.ticket(at(4, 11), "s7")
        t.ask(datetime(2024, 2, 29, 12, tzinfo=timezone.utc), "answered", "s8")  # before both periods


def test_the_previous_period_is_as_long_and_ends_the_day_before():
    period = Period(date(2024, 3, 6), date(2024, 3, 10))
    assert previous_period(period) == Period(date(2024, 3, 1), date(2024, 3, 5))
    assert previous_period(Period(date(2024, 3, 1), date(2024, 3, 1))) == Period(
        date(2024, 2, 29), date(2024, 2, 29)
    )


def test_resolution_rate_counts_answers_not_followed_by_a_ticket(client, auth, traffic):
    body = client.get(URL, headers=auth.headers("admin")).get_json()
    assert body["resolution"] == {
        "bot_decisions": 6,
        "answered": 4,
        "escalated_after_answer": 1,
        "resolved": 3,
        "rate": 0.5,
        "kept_rate": 0.75,
    }
    assert body["previous"]["resolution"]["rate"] == 0.25
    assert (body["previous"]["from"], body["previous"]["to"]) == ("2024-03-01", "2024-03-05")


def test_deltas_against_the_previous_period(client, auth, traffic):
    deltas = client.get(URL, headers=auth.headers("admin")).get_json()["deltas"]
    assert deltas["questions"] == {"current": 7, "previous": 4, "change": 3, "relative": 0.75, "better": None}
    assert (
        deltas["answered_share"]["change"] == pytest.approx(4 / 6 - 2 / 4)
        and deltas["answered_share"]["better"]
    )
    assert (
        deltas["handoff_share"]["change"] == pytest.approx(1 / 6 - 1 / 4)
        and deltas["handoff_share"]["better"]
    )
    assert deltas["helpful_rate"] == {
        "current": pytest.approx(2 / 3),
        "previous": 0.0,
        "change": pytest.approx(2 / 3),
        "relative": None,
        "better": True,
    }
    assert deltas["resolution_rate"]["change"] == pytest.approx(0.25) and deltas["resolution_rate"]["better"]
    reply = deltas["median_reply_seconds"]
    assert (reply["current"], reply["previous"], reply["change"], reply["better"]) == (
        1200,
        3600,
        -2400,
        True,
    )


def test_first_reply_times_per_agent(client, auth, traffic):
    agents = client.get(URL, headers=auth.headers("admin")).get_json()["agents"]
    assert [(a["name"], a["tickets"], a["median_seconds"], a["p90_seconds"]) for a in agents] == [
        (HOSTILE, 2, 15 * 60, 20 * 60),  # tickets of 7 and 9 March, first replies after 10 and 20 min
        ("bo@example.com", 1, 30 * 60, 30 * 60),  # replied first on 8 March, before Ana
    ]


@pytest.mark.sqlite_only
def test_the_page_shows_the_comparison_and_the_agents(client, auth, traffic):
    auth.login("boss@example.com", "admin")
    html = client.get("/admin/analytics?from=2024-03-06&to=2024-03-10").get_data(as_text=True)
    text = " ".join(html.split())
    assert "Resolved by the bot" in text and "50.0%" in text
    assert "+25.0 points vs previous (better)" in text  # resolution rate, 25% before
    assert "−40 min vs previous (better)" in text  # median first reply, 60 min before
    assert "+3 (+75%) vs previous" in text  # questions: neither better nor worse
    assert "2024-03-01 to 2024-03-05" in text
    assert HOSTILE not in html and "&lt;b&gt;Ana&lt;/b&gt;" in html
