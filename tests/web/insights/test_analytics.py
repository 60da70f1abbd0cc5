"""Analytics over a period: per-day counts in SQL on both databases, shares, votes, reply times, CSV."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime, timedelta, timezone

import pytest
from sqlalchemy import text

from faqbot.web.core.db import new_session, session_scope
from faqbot.web.core.tables import Faq, Feedback, Query, Ticket, TicketMessage, utcnow
from faqbot.web.insights import analytics

URL = "/api/v1/admin/analytics"
PERIOD = "from=2024-03-01&to=2024-03-05"
HOSTILE = '<script>alert("faq")</script>'


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2024, 3, day, hour, minute, tzinfo=timezone.utc)


def asked(session, when, decision, faq_id=None, vote=None) -> Query:
    row = Query(
        question="q", decision=decision, faq_id=faq_id, confidence=0.5, latency_ms=1.0, created_at=when
    )
    session.add(row)
    session.flush()
    if vote is not None:
        session.add(Feedback(query_id=row.id, helpful=vote))
    return row


def handed_off(session, when, replies_after: list[int], token: str) -> None:
    """A ticket with staff replies after the given minutes (a visitor message comes first)."""
    ticket = Ticket(token=token, question="help", reason="low_confidence", status="answered", created_at=when)
    ticket.messages = [TicketMessage(author="visitor", text="hello?", created_at=when + timedelta(minutes=1))]
    ticket.messages += [
        TicketMessage(author="staff", text="hi", created_at=when + timedelta(minutes=m))
        for m in replies_after
    ]
    session.add(ticket)


@pytest.fixture
def traffic(app):
    """Known traffic on 1, 2 and 4 March 2024, with edges of the UTC day on both sides."""
    with session_scope(app) as session:
        session.add(Faq(id="evil", question=HOSTILE, answer="a", position=999))
        asked(session, at(1, 0, 0), "answered", "1", vote=True)
        asked(session, at(1, 9), "answered", "1", vote=True)
        asked(session, at(1, 10), "answered", "evil", vote=False)
        asked(session, at(1, 23, 59), "suggested", "2")
        asked(session, at(2, 12), "handoff")
        asked(session, at(2, 13), "taken_over")
        asked(session, at(2, 23, 30), "answered", "evil")
        asked(session, at(4, 8), "answered", "evil", vote=True)
        asked(session, at(4, 9), "suggested", "1")
        asked(session, at(4, 10), "smalltalk")  # "hi": neither answered nor handed off
        asked(session, datetime(2024, 2, 29, 23, 59, tzinfo=timezone.utc), "answered", "1")  # before
        asked(session, datetime(2024, 3, 6, 0, 0, tzinfo=timezone.utc), "answered", "1")  # after
        handed_off(session, at(1, 8), [10, 50], "t1")
        handed_off(session, at(2, 8), [30], "t2")
        handed_off(session, at(4, 8), [120], "t3")
        handed_off(session, at(4, 9), [], "t4")  # still waiting
        handed_off(session, at(7, 9), [1], "t5")  # outside the period


def test_daily_counts_and_totals(client, auth, traffic):
    body = client.get(f"{URL}?{PERIOD}", headers=auth.headers("admin")).get_json()
    days = {row["day"]: row for row in body["daily"]}
    assert list(days) == ["2024-03-01", "2024-03-02", "2024-03-03", "2024-03-04", "2024-03-05"]
    assert days["2024-03-01"] == {
        "day": "2024-03-01",
        "questions": 4,
        "answered": 3,
        "suggested": 1,
        "handoff": 0,
        "taken_over": 0,
        "smalltalk": 0,
        "helpful": 2,
        "unhelpful": 1,
    }
    assert (days["2024-03-02"]["questions"], days["2024-03-02"]["taken_over"]) == (3, 1)
    assert days["2024-03-03"]["questions"] == 0
    totals = body["totals"]
    assert totals["questions"] == 10 and totals["bot_decisions"] == 8 and totals["smalltalk"] == 1
    assert totals["shares"] == {"answered": 5 / 8, "suggested": 2 / 8, "handoff": 1 / 8}
    assert (totals["helpful"], totals["votes"], totals["helpful_rate"]) == (3, 4, 0.75)


def test_top_faqs_and_reply_times(client, auth, traffic):
    body = client.get(f"{URL}?{PERIOD}", headers=auth.headers("admin")).get_json()
    top = body["top_faqs"]
    assert [(f["faq_id"], f["answered"]) for f in top] == [("evil", 3), ("1", 2)]
    assert top[0]["question"] == HOSTILE and (top[0]["helpful"], top[0]["unhelpful"]) == (1, 1)
    reply = body["reply_time"]
    assert (reply["tickets"], reply["replied"], reply["waiting"]) == (4, 3, 1)
    assert reply["median_seconds"] == 30 * 60  # first replies after 10, 30 and 120 minutes


def test_days_are_utc_whatever_the_database_session_zone(app, traffic):
    period = analytics.Period(date(2024, 3, 1), date(2024, 3, 5))
    with new_session(app) as session:
        if session.get_bind().dialect.name == "postgresql":
            session.execute(text("SET TIME ZONE 'Pacific/Auckland'"))
        days = {row["day"]: row["questions"] for row in analytics.daily(session, period)}
    assert days == {"2024-03-01": 4, "2024-03-02": 3, "2024-03-03": 0, "2024-03-04": 3, "2024-03-05": 0}


def test_default_period_is_the_last_30_days(client, auth, app):
    with session_scope(app) as session:
        asked(session, utcnow(), "answered", "1")
    body = client.get(URL, headers=auth.headers("admin")).get_json()
    assert len(body["daily"]) == 30 and body["to"] == utcnow().date().isoformat()
    assert body["totals"]["questions"] == 1


@pytest.mark.parametrize(
    "query",
    ["from=2024-03-05&to=2024-03-01", "from=yesterday", "to=2024-02-30", "from=2020-01-01&to=2024-01-01"],
)
def test_bad_periods_are_a_clear_400(client, auth, query):
    response = client.get(f"{URL}?{query}", headers=auth.headers("admin"))
    assert response.status_code == 400 and response.get_json()["error"]["code"] == "invalid_period"
    assert client.get(f"{URL}.csv?{query}", headers=auth.headers("admin")).status_code == 400


def test_csv_exports_the_daily_table_and_top_faqs(client, auth, traffic):
    admin = auth.headers("admin")
    response = client.get(f"{URL}.csv?{PERIOD}", headers=admin)
    assert response.mimetype == "text/csv"
    assert "faqbot-daily-2024-03-01-2024-03-05.csv" in response.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert len(rows) == 5 and rows[0]["day"] == "2024-03-01" and rows[0]["answered"] == "3"
    assert rows[1]["handoff"] == "1" and rows[3]["suggested"] == "1"
    faqs = list(csv.DictReader(io.StringIO(client.get(f"{URL}.csv?{PERIOD}&table=faqs", headers=admin).text)))
    assert faqs[0] == {
        "faq_id": "evil",
        "question": HOSTILE,
        "answered": "3",
        "helpful": "1",
        "unhelpful": "1",
        "rejected": "1",
    }
    assert client.get(f"{URL}.csv?table=secrets", headers=admin).status_code == 400


def test_csv_cells_cannot_become_formulas():
    out = analytics.to_csv([{"a": "=HYPERLINK(1)", "b": 3}], ("a", "b"))
    assert out.splitlines()[1] == "'=HYPERLINK(1),3"


def test_page_shows_charts_tables_and_escapes(client, auth, traffic):
    auth.login("boss@example.com", "admin")
    response = client.get(f"/admin/analytics?{PERIOD}")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert page.count("<svg") == 3 and "Questions per day by outcome" in page
    assert "Most rejected answers" in page
    assert "<script>" not in page and "&lt;script&gt;" in page
    assert "62.5%" in page and "75.0%" in page and "30 min" in page
    download = client.get(f"/admin/analytics.csv?{PERIOD}")
    assert download.status_code == 200 and download.text.startswith("day,questions,answered")


def test_a_week_of_days_is_shown_and_a_month_starts_folded(client, auth):
    """A month of per-day rows made the page several screens long on a phone."""
    auth.login("boss@example.com", "admin")
    week = client.get(f"/admin/analytics?{PERIOD}").get_data(as_text=True)
    assert '<details class="daily-fold" open>' in week and "5 days, newest first" in week
    month = client.get("/admin/analytics?from=2024-03-01&to=2024-03-30").get_data(as_text=True)
    assert '<details class="daily-fold">' in month and "30 days, newest first" in month
    assert month.count("<tr><td>2024-03-") == 30  # folded, not left out


def test_page_with_a_bad_period_says_so(client, auth):
    auth.login("boss@example.com", "admin")
    response = client.get("/admin/analytics?from=2024-03-05&to=2024-03-01")
    assert response.status_code == 400 and "must not be after" in response.get_data(as_text=True)


def test_staff_and_strangers_cannot_see_analytics(client, auth):
    staff = auth.headers("staff")
    for path in (URL, f"{URL}.csv"):
        assert client.get(path, headers=staff).status_code == 403
        assert client.get(path).status_code == 401
    auth.login("plain@example.com", "staff")
    assert client.get("/admin/analytics").status_code == 403
    assert client.get("/admin/analytics.csv").status_code == 403


def test_top_unanswered_clusters_come_from_the_review_queue(client, auth, app):
    hostile = "<img src=x onerror=alert(1)> where is the refund"
    wordings = [
        "How do I cancel my subscription?",
        "how do i cancel my subscription",
        "HOW DO I CANCEL MY SUBSCRIPTION!!",
    ]
    with session_scope(app) as session:
        for i, wording in enumerate([*wordings, hostile]):
            row = asked(session, at(2, 10 + i), "handoff")
            row.question = wording
        asked(session, at(10, 10), "handoff").question = "outside the period"
    body = client.get(f"{URL}?{PERIOD}", headers=auth.headers("admin")).get_json()
    clusters = body["unanswered_clusters"]
    assert clusters[0]["count"] == 3 and "cancel my subscription" in clusters[0]["label"].lower()
    assert sum(c["count"] for c in clusters) == 4
    auth.login("boss@example.com", "admin")
    page = client.get(f"/admin/analytics?{PERIOD}").get_data(as_text=True)
    assert "<img src=x" not in page and "&lt;img src=x onerror=alert(1)&gt;" in page


# --- answers visitors rejected, per FAQ -------------------------------------------------------

REJECTED = {  # FAQ -> the feedback on each of its answers (None: no feedback)
    "a": [(False, None)] * 2
    + [(False, "did not answer it"), (False, "not what I asked")]
    + [(False, "asked for a person")] * 2
    + [(True, None)]
    + [None] * 3,
    "b": [(False, None), None, None, None],
    "c": [None, None, (True, None)],
}


@pytest.fixture
def rejections(app):
    """17 answers in March 2024 with known rejections, plus some that must not count."""
    with session_scope(app) as session:
        for faq_id, question in (("a", "About A?"), ("b", "About B?"), ("c", "About C?")):
            session.add(Faq(id=faq_id, question=question, answer="x", position=900))
        for faq_id, feedback in REJECTED.items():
            for n, vote in enumerate(feedback):
                row = asked(session, at(2, 10, n), "answered", faq_id)
                if vote is not None:
                    session.add(Feedback(query_id=row.id, helpful=vote[0], reason=vote[1]))
        picked = asked(session, at(2, 11), "suggested", "a")  # a suggestion the visitor voted down
        session.add(Feedback(query_id=picked.id, helpful=False))
        before = asked(session, datetime(2024, 2, 28, 12, tzinfo=timezone.utc), "answered", "a")
        session.add(Feedback(query_id=before.id, helpful=False))


def test_rejections_per_faq_with_known_counts(app, client, auth, rejections):
    admin = auth.headers("admin")
    body = client.get(f"{URL}?{PERIOD}", headers=admin).get_json()
    summary = body["rejections"]
    assert (summary["answered"], summary["rejected"], summary["rate"]) == (17, 7, 7 / 17)
    assert summary["kinds"] == {
        "thumbs_down": 3,
        "did_not_answer": 1,
        "not_what_i_asked": 1,
        "asked_for_person": 2,
    }
    most = summary["most_rejected"]
    assert [(f["faq_id"], f["answered"], f["rejected"]) for f in most] == [("a", 10, 6), ("b", 4, 1)]
    assert most[0]["rejection_rate"] == 0.6 and most[0]["question"] == "About A?"
    assert most[0]["kinds"] == {
        "thumbs_down": 2,
        "did_not_answer": 1,
        "not_what_i_asked": 1,
        "asked_for_person": 2,
    }
    # Asking for a person is a rejection, not a vote: 2 helpful of 8 votes (the suggestion included).
    totals = body["totals"]
    assert (totals["helpful"], totals["unhelpful"], totals["votes"]) == (2, 6, 8)
    top = {f["faq_id"]: f for f in body["top_faqs"]}
    assert (top["a"]["unhelpful"], top["a"]["rejected"], top["a"]["rejection_rate"]) == (4, 6, 0.6)

    listed = client.get(f"{URL}/faqs?{PERIOD}&sort=rate", headers=admin).get_json()["faqs"]
    assert [(f["faq_id"], f["rejection_rate"]) for f in listed] == [("a", 0.6), ("b", 0.25), ("c", 0.0)]
    by_use = client.get(f"{URL}/faqs?{PERIOD}&sort=answered&limit=1", headers=admin).get_json()
    assert [f["faq_id"] for f in by_use["faqs"]] == ["a"] and by_use["sort"] == "answered"
    for bad in ("sort=worst", "limit=0", "limit=x"):
        assert client.get(f"{URL}/faqs?{PERIOD}&{bad}", headers=admin).status_code == 400
    table = client.get(f"{URL}.csv?{PERIOD}&table=rejections", headers=admin).text
    rows = {row["faq_id"]: row for row in csv.DictReader(io.StringIO(table))}
    assert (
        rows["a"]["rejected"] == "6" and rows["a"]["asked_for_person"] == "2" and rows["c"]["rejected"] == "0"
    )
