"""A vague message gets one clarifying turn before a ticket opens (issue 12)."""

from __future__ import annotations

from sqlalchemy import func, select

from faqbot.web.core.db import session_scope
from faqbot.web.core.tables import Query, Ticket
from faqbot.web.visitor.clarify import MESSAGE

from .test_handoff import NONSENSE, ask

VAGUE = "blorf zxqv"  # two words the bot cannot place


def tickets(app) -> int:
    with session_scope(app) as session:
        return session.scalar(select(func.count()).select_from(Ticket))


def test_a_vague_message_asks_for_more_then_the_second_hands_off(app, client):
    first = ask(client, VAGUE, session_id="s-vague")
    assert first["clarify"] is True and first["status"] == "suggested" and first["ticket"] is None
    assert first["message"] == MESSAGE
    assert all(s["confidence"] >= 0.02 for s in first["suggestions"])
    assert tickets(app) == 0

    second = ask(client, "qwv", session_id="s-vague")
    assert second["status"] == "handoff" and second["ticket"] is not None and second["clarify"] is False
    assert tickets(app) == 1
    with session_scope(app) as session:
        logged = session.scalars(select(Query).order_by(Query.id)).all()
        assert [(q.decision, q.clarify) for q in logged] == [("suggested", True), ("handoff", False)]


def test_asking_for_a_person_always_opens_a_ticket(app, client):
    body = ask(client, VAGUE, session_id="s-person", handoff=True)
    assert body["status"] == "handoff" and body["ticket"] is not None and body["clarify"] is False


def test_a_specific_question_the_bot_cannot_answer_hands_off_at_once(client):
    body = ask(client, NONSENSE, session_id="s-specific")
    assert body["status"] == "handoff" and body["ticket"] is not None


def test_without_a_session_there_is_no_second_turn_to_wait_for(client):
    body = ask(client, VAGUE)
    assert body["status"] == "handoff" and body["ticket"] is not None


def test_an_answerable_short_question_is_still_answered(client):
    body = ask(client, "track my order", session_id="s-short")
    assert body["status"] == "answered" and body["clarify"] is False
