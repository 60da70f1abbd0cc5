"""The contact form: a ticket in the inbox like a handoff, a confirmation mail, and spam kept out."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from faqbot.web.core.db import session_scope
from faqbot.web.core.tables import Query, Ticket
from web.support import make_config

from .support import csrf_from

MESSAGE = {
    "name": "Ada <b>Lovelace</b>",
    "email": "ada@example.com",
    "category": "Refunds",
    "message": "My refund for order 1234 has not arrived after three weeks.",
}


def send(client, **changes):
    token = csrf_from(client.get("/help/contact").get_data(as_text=True))
    return client.post("/help/contact", data={**MESSAGE, "csrf_token": token, **changes})


def mails(app) -> list[str]:
    folder = Path(app.config["MAIL_FILE_DIR"])
    return [p.read_text() for p in sorted(folder.glob("*.eml"))] if folder.exists() else []


def tickets(app) -> int:
    with session_scope(app) as session:
        return session.scalar(select(func.count()).select_from(Ticket))


def test_a_message_opens_a_ticket_seen_in_the_staff_api_and_is_confirmed_by_mail(app, client, auth):
    response = send(client)
    assert response.status_code == 303 and response.headers["Location"] == "/help/contact/thanks"
    assert "we got your message" in client.get("/help/contact/thanks").get_data(as_text=True)
    headers = auth.headers("staff")
    listed = client.get("/api/v1/staff/tickets", headers=headers).get_json()
    (summary,) = listed["tickets"]
    assert summary["question"] == MESSAGE["message"] and summary["email"] == "ada@example.com"
    detail = client.get(f"/api/v1/staff/tickets/{summary['id']}", headers=headers).get_json()
    assert (
        "Ada <b>Lovelace</b>" in detail["conversation"][0]["text"]
        and "Refunds" in detail["conversation"][0]["text"]
    )
    assert detail["suggestions"]  # the engine's guesses, for linking in one click
    with session_scope(app) as session:
        logged = session.scalars(select(Query)).one()
        assert (logged.decision, logged.ticket_id) == ("handoff", summary["id"])
        token = session.get(Ticket, summary["id"]).token
    (mail,) = mails(app)
    assert "To: ada@example.com" in mail and f"ticket #{summary['id']}" in mail
    assert f"/help/tickets/{token}" in mail


def test_the_visitor_sees_their_own_ticket_and_the_reply(app, client, auth):
    send(client)
    with session_scope(app) as session:
        ticket = session.scalars(select(Ticket)).one()
        token, ticket_id = ticket.token, ticket.id
    headers = auth.headers("staff")
    client.post(
        f"/api/v1/staff/tickets/{ticket_id}/reply", json={"text": "It is **on its way**."}, headers=headers
    )
    response = client.get(f"/help/tickets/{token}")
    html = response.get_data(as_text=True)
    assert MESSAGE["message"] in html and "<strong>on its way</strong>" in html
    assert response.headers["Cache-Control"] == "no-store"
    assert 'name="robots" content="noindex"' in html
    assert client.get("/help/tickets/not-a-token").status_code == 404


def test_a_filled_honeypot_opens_no_ticket_and_looks_the_same(app, client):
    real = send(client)
    trapped = send(client, website="https://spam.example")
    assert trapped.status_code == real.status_code == 303
    assert trapped.headers["Location"] == real.headers["Location"]
    assert tickets(app) == 1 and len(mails(app)) == 1


def test_the_form_needs_its_csrf_token(app, client):
    client.get("/help/contact")
    assert client.post("/help/contact", data=MESSAGE).status_code == 400
    assert tickets(app) == 0


def test_invalid_fields_are_shown_and_nothing_is_opened(app, client):
    response = send(client, email="not-an-email", message="")
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Enter a valid email address." in html and 'aria-invalid="true"' in html
    assert "Ada &lt;b&gt;Lovelace&lt;/b&gt;" in html  # what they typed comes back, escaped
    assert tickets(app) == 0
    assert send(client, category="No such topic").status_code == 400


def test_a_search_carries_into_the_message(client):
    html = client.get("/help/contact?q=<b>where is my parcel</b>").get_data(as_text=True)
    assert "&lt;b&gt;where is my parcel&lt;/b&gt;</textarea>" in html


@pytest.fixture
def app_config(instance, database_url):
    return make_config(instance, database_url, RATELIMIT_PUBLIC="3 per minute")


@pytest.mark.sqlite_only
def test_writes_are_rate_limited_but_reading_is_not(client):
    statuses = [send(client).status_code for _ in range(4)]
    assert statuses[:3] == [303, 303, 303] and statuses[3] == 429
    assert all(client.get("/help").status_code == 200 for _ in range(5))
