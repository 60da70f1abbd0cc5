"""Small talk through the public API: a reply, never a ticket, logged apart from answers."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from faqbot.web.core.db import session_scope
from faqbot.web.core.tables import Feedback, Query, Ticket

GREETINGS = ["hi", "thanks!", "bye", "are you a bot?", "ok", "lol", "👍", "what is the meaning of life"]


def ask(client, question: str, **extra) -> dict:
    response = client.post("/api/v1/ask", json={"question": question, **extra})
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()


def tickets(app) -> int:
    with session_scope(app) as session:
        return session.scalar(select(func.count(Ticket.id)))


@pytest.mark.parametrize("text", GREETINGS)
def test_small_talk_gets_a_reply_and_no_ticket(app, client, text):
    body = ask(client, text, session_id="s-chat")
    assert body["status"] == "smalltalk", body
    assert body["reply"] and body["message"] == body["reply"]
    assert body["smalltalk_intent"].startswith("smalltalk.")
    assert body["ticket"] is None and body["answer"] is None and body["suggestions"] == []
    assert tickets(app) == 0
    with session_scope(app) as session:
        row = session.get(Query, body["query_id"])
        assert (row.decision, row.faq_id, row.ticket_id) == ("smalltalk", None, None)


def test_a_question_with_a_greeting_is_still_a_question(client):
    body = ask(client, "hi, how can I track my order?")
    assert body["status"] == "answered" and body["answer"]["faq_id"] == "38"


@pytest.mark.parametrize("text", ["can I talk to a human please", "agent", "transfer me to someone"])
def test_asking_for_a_person_is_never_small_talk(client, text):
    # The sample has an FAQ on reaching the team, which may answer; small talk never does.
    assert ask(client, text)["status"] in {"answered", "suggested", "handoff"}


def test_explicit_handoff_still_reaches_a_person(app, client):
    # The visitor pressed "ask a person" and typed a greeting: that is for the team.
    body = ask(client, "hello", handoff=True)
    assert body["status"] == "handoff" and body["ticket"] is not None


def test_not_what_i_asked_after_an_answer_offers_other_suggestions_and_a_person(app, client):
    answered = ask(client, "How can I track my order?", session_id="s-wrong")
    assert answered["status"] == "answered"
    body = ask(client, "that's not what I asked", session_id="s-wrong")
    assert body["status"] == "smalltalk" and body["offer_person"] is True
    assert body["retry_question"] == "How can I track my order?"
    ids = [s["faq_id"] for s in body["suggestions"]]
    assert ids and answered["answer"]["faq_id"] not in ids
    assert body["ticket"] is None and tickets(app) == 0
    with session_scope(app) as session:
        vote = session.scalar(select(Feedback).where(Feedback.query_id == answered["query_id"]))
        assert (vote.helpful, vote.reason) == (False, "not what I asked")


def test_not_what_i_asked_without_an_answer_before_is_plain_small_talk(client):
    body = ask(client, "that's not what I asked", session_id="s-fresh")
    assert body["status"] == "smalltalk" and body["offer_person"] is False
    assert body["suggestions"] == [] and body["retry_question"] is None
