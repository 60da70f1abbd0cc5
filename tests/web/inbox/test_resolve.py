"""Resolving a ticket answers the visitor who waited: the linked FAQ's answer, or the new FAQ's."""

from __future__ import annotations

import pytest

from faqbot.web.core.db import session_scope
from faqbot.web.core.markdown import markdown_text
from faqbot.web.core.tables import Faq

from ..visitor.test_handoff import ask, mails

QUESTION = "my cat ate the sofa cushion, is that covered"
TARGET_FAQ = "51"


@pytest.fixture
def ticket(client):
    body = ask(client, QUESTION, handoff=True, email="vis@example.com")
    assert body["status"] == "handoff"
    return body["ticket"]


def resolve(client, auth, ticket_id: int, **payload):
    response = client.post(
        f"/api/v1/staff/tickets/{ticket_id}/resolve", headers=auth.headers("staff"), json=payload
    )
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()


def staff_replies(client, token: str) -> list[str]:
    seen = client.get(f"/api/v1/tickets/{token}").get_json()
    return [m["text"] for m in seen["messages"] if m["author"] == "staff"]


def test_linking_sends_the_faqs_answer_to_the_widget_and_by_email(app, client, auth, ticket):
    resolve(client, auth, ticket["id"], action="link", faq_id=TARGET_FAQ)
    with session_scope(app) as session:
        answer = session.get(Faq, TARGET_FAQ).answer
    assert staff_replies(client, ticket["token"]) == [answer]
    sent = mails(app)
    assert [m["To"] for m in sent] == ["vis@example.com"]
    assert markdown_text(answer).splitlines()[0] in sent[0].get_body(("plain",)).get_content()


def test_a_new_faq_sends_its_answer(app, client, auth, ticket):
    answer = "Pets are covered by the accident plan: send us a photo of the cushion."
    resolve(
        client,
        auth,
        ticket["id"],
        action="new_faq",
        question="Does the plan cover pet damage?",
        answer=answer,
    )
    assert staff_replies(client, ticket["token"]) == [answer]
    assert len(mails(app)) == 1


def test_staff_who_already_replied_are_not_repeated(app, client, auth, ticket):
    reply = "Yes, pet damage is covered: see the protection plan."
    posted = client.post(
        f"/api/v1/staff/tickets/{ticket['id']}/reply", headers=auth.headers("staff"), json={"text": reply}
    )
    assert posted.status_code == 201
    resolve(client, auth, ticket["id"], action="link", faq_id=TARGET_FAQ)
    assert staff_replies(client, ticket["token"]) == [reply]
    resolve_again = client.post(
        f"/api/v1/staff/tickets/{ticket['id']}/resolve",
        headers=auth.headers("staff"),
        json={"action": "dismiss"},
    )
    assert resolve_again.status_code == 409
    assert len(mails(app)) == 1


def test_a_new_faq_made_from_the_sent_reply_is_not_sent_twice(app, client, auth, ticket):
    reply = "Pets are covered by the accident plan."
    client.post(
        f"/api/v1/staff/tickets/{ticket['id']}/reply", headers=auth.headers("staff"), json={"text": reply}
    )
    resolve(client, auth, ticket["id"], action="new_faq", question="Does the plan cover pets?", answer=reply)
    assert staff_replies(client, ticket["token"]) == [reply]


def test_dismissing_sends_nothing(app, client, auth, ticket):
    resolve(client, auth, ticket["id"], action="dismiss")
    assert staff_replies(client, ticket["token"]) == []
    assert mails(app) == []
