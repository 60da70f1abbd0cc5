"""Retention: old questions and closed tickets go, open work and learned text stay."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from faqbot.web.core.db import new_session, session_scope
from faqbot.web.core.tables import (
    Feedback,
    LearnedPhrasing,
    ProposedFaq,
    Query,
    ReviewDecision,
    Ticket,
    TicketMessage,
    utcnow,
)
from faqbot.web.ops.retention import purge

OLD, RECENT = 400, 10


def ago(days: int):
    return utcnow() - timedelta(days=days)


def ticket(session, name: str, status: str, days: int, closed_days: int | None = None) -> Ticket:
    row = Ticket(
        token=name,
        question=f"question of {name}",
        reason="low_confidence",
        status=status,
        created_at=ago(days),
        updated_at=ago(days if closed_days is None else closed_days),
        closed_at=None if closed_days is None else ago(closed_days),
    )
    row.messages = [
        TicketMessage(author="staff", text="reply", created_at=ago(days)),
        TicketMessage(author="visitor", text="thanks", created_at=ago(days)),
    ]
    session.add(row)
    session.flush()
    return row


def question(session, days: int, text: str = "where is my order", **extra) -> Query:
    row = Query(
        question=text,
        decision="answered",
        faq_id="1",
        confidence=0.9,
        latency_ms=1.0,
        created_at=ago(days),
        **extra,
    )
    session.add(row)
    session.flush()
    return row


@pytest.fixture
def data(app) -> dict:
    """Old and recent rows of every kind retention touches; returns the ids to look for."""
    with session_scope(app) as session:
        old_closed = ticket(session, "old-closed", "closed", OLD, closed_days=OLD - 5)
        ids = {
            "old_closed": old_closed.id,
            "old_open": ticket(session, "old-open", "open", OLD).id,
            "old_answered": ticket(session, "old-answered", "answered", OLD).id,
            "recently_closed": ticket(session, "recently-closed", "closed", OLD, closed_days=RECENT).id,
            "new_closed": ticket(session, "new-closed", "closed", RECENT, closed_days=RECENT).id,
        }
        old = [question(session, OLD, f"old {i}") for i in range(5)]
        old[0].ticket_id = old_closed.id
        session.add(Feedback(query_id=old[1].id, helpful=True))
        session.add(ReviewDecision(query_id=old[2].id, question_key="old 2", action="ignored"))
        recent = question(session, RECENT, "recent")
        session.add(Feedback(query_id=recent.id, helpful=False))
        ids["recent_query"] = recent.id
        session.add(LearnedPhrasing(faq_id="1", text="my words", ticket_id=old_closed.id))
        session.add(ProposedFaq(question="Q?", answer="A.", ticket_id=old_closed.id))
    return ids


def count(session, table) -> int:
    return session.scalar(select(func.count()).select_from(table))


def test_dry_run_counts_and_deletes_nothing(app, data):
    with new_session(app) as session:
        result = purge(session, 365, dry_run=True)
        assert (result.queries, result.feedback, result.tickets, result.messages) == (5, 1, 1, 2)
        assert count(session, Query) == 6 and count(session, Ticket) == 5
    assert result.summary().startswith("Would delete 5 questions (1 feedback votes) and 1 closed tickets")


def test_purge_deletes_in_batches_and_keeps_what_must_stay(app, data):
    with new_session(app) as session:
        result = purge(session, 365, batch_size=2)
    assert (result.queries, result.feedback, result.tickets, result.messages) == (5, 1, 1, 2)
    with new_session(app) as session:
        assert session.scalars(select(Query.id)).all() == [data["recent_query"]]
        assert count(session, Feedback) == 1  # the recent question's vote
        left = set(session.scalars(select(Ticket.id)))
        assert left == {data[k] for k in ("old_open", "old_answered", "recently_closed", "new_closed")}
        assert count(session, TicketMessage) == 8
        learned = session.scalar(select(LearnedPhrasing))
        proposed = session.scalar(select(ProposedFaq))
        assert (learned.text, learned.ticket_id) == ("my words", None)
        assert (proposed.question, proposed.ticket_id) == ("Q?", None)
        decision = session.scalar(select(ReviewDecision))
        assert decision.query_id is None and decision.question_key == "old 2"  # stays ignored
        assert purge(session, 365).queries == 0  # nothing left to do


def test_zero_days_is_refused(app):
    with new_session(app) as session, pytest.raises(ValueError):
        purge(session, 0)


def test_command_purges_and_dry_runs(app, runner, data):
    code, out, _ = runner.invoke("retention", "purge", "--dry-run")
    assert code == 0 and out.startswith("Would delete 5 questions")
    code, out, _ = runner.invoke("retention", "purge", "--days", "5")
    assert code == 0 and "Deleted 6 questions" in out and "3 closed tickets" in out
    with new_session(app) as session:
        assert count(session, Query) == 0


def test_command_with_retention_off_keeps_everything(app, runner, data, monkeypatch):
    monkeypatch.setenv("FAQBOT_RETENTION_DAYS", "0")
    code, out, _ = runner.invoke("retention", "purge")
    assert code == 0 and "kept forever" in out
    with new_session(app) as session:
        assert count(session, Query) == 6


def test_command_rejects_bad_days(runner, capsys):
    with pytest.raises(SystemExit):
        runner.invoke("retention", "purge", "--days", "0")
    assert "--days must be at least 1" in capsys.readouterr().err
