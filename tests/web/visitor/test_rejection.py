"""Asking for a person right after an answer rejects that answer (a wrong answer for review)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from faqbot.web.core.db import session_scope
from faqbot.web.core.tables import Feedback, Query
from faqbot.web.visitor.rejection import asks_for_person

TRACKING = "How can I track my order?"  # answered by the sample model


def ask(client, question: str, **extra) -> dict:
    response = client.post("/api/v1/ask", json={"question": question, **extra})
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()


def vote_of(app, query_id: int) -> tuple | None:
    with session_scope(app) as session:
        row = session.scalar(select(Feedback).where(Feedback.query_id == query_id))
        return None if row is None else (row.helpful, row.reason)


def test_talk_to_a_person_right_after_an_answer_counts_as_a_rejection(app, client, auth):
    answered = ask(client, TRACKING, session_id="s1")
    assert answered["status"] == "answered"
    person = ask(client, TRACKING, session_id="s1", handoff=True)  # the widget's "talk to a person"
    assert person["ticket"] is not None
    assert vote_of(app, answered["query_id"]) == (False, "asked for a person")
    body = client.get("/api/v1/admin/review/wrong-answers", headers=auth.headers("admin")).get_json()
    assert body["groups"][0]["kinds"] == {"asked_for_person": 1}


@pytest.mark.parametrize("typed", ["can I talk to a real person", "transfer me to someone please"])
def test_a_typed_request_for_a_person_rejects_the_answer_too(app, client, typed):
    answered = ask(client, TRACKING, session_id="s2")
    ask(client, typed, session_id="s2")
    assert vote_of(app, answered["query_id"]) == (False, "asked for a person")


def test_not_a_rejection_elsewhere_later_or_after_a_vote(app, client):
    answered = ask(client, TRACKING, session_id="mine")
    ask(client, TRACKING, session_id="someone-else", handoff=True)  # another conversation
    ask(client, TRACKING, handoff=True)  # no conversation at all
    assert vote_of(app, answered["query_id"]) is None

    ask(client, "thanks!", session_id="mine")  # the answer is no longer the last message
    ask(client, "talk to a person", session_id="mine", handoff=True)
    assert vote_of(app, answered["query_id"]) is None

    voted = ask(client, TRACKING, session_id="voted")
    client.post("/api/v1/feedback", json={"query_id": voted["query_id"], "helpful": True})
    ask(client, "one more thing", session_id="voted", handoff=True)
    assert vote_of(app, voted["query_id"]) == (True, None)  # their own vote stands

    stale = ask(client, TRACKING, session_id="yesterday")
    with session_scope(app) as session:
        session.get(Query, stale["query_id"]).created_at -= timedelta(hours=20)
    ask(client, "something else entirely", session_id="yesterday", handoff=True)
    assert vote_of(app, stale["query_id"]) is None


def test_what_counts_as_asking_for_a_person():
    assert asks_for_person("Can I speak to a human?") and asks_for_person("agent please")
    assert not asks_for_person("how do I track my order") and not asks_for_person("🙂")
