"""The composer through the staff API: canned replies (admins write them), the Markdown preview,
replies signed with the agent's display name and sent rendered (widget API and mail), the FAQ
list for pickers, and new-ticket mail to the staff who asked for it."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from faqbot.web.core.db import session_scope
from faqbot.web.core.tables import User
from faqbot.web.inbox import intake

from ..visitor.test_handoff import mails
from .support import agent, open_ticket

REPLY = "Thanks for waiting!\n\n- **Refunds** take *5 days*\n- see [our page](https://shop.example/refunds)\n\n<script>x()</script>"


@pytest.fixture
def staff(app, auth):
    return agent(app, auth, "sam.jones@example.com")


@pytest.fixture
def admin(app, auth):
    return agent(app, auth, "ada@example.com", role="admin")


def test_admins_manage_canned_replies_and_staff_read_them(client, staff, admin):
    path = "/api/v1/staff/canned-replies"
    body = {"title": "Refund timing", "body": "Refunds take **5 days**."}
    assert client.post(path, headers=staff.headers, json=body).status_code == 403
    created = client.post(path, headers=admin.headers, json=body)
    assert created.status_code == 201
    reply_id = created.get_json()["id"]
    assert (
        client.post(path, headers=admin.headers, json={**body, "title": "refund TIMING"}).status_code == 409
    )
    assert client.post(path, headers=admin.headers, json={"title": "", "body": "x"}).status_code == 400
    listed = client.get(path, headers=staff.headers).get_json()["canned_replies"]
    assert [r["title"] for r in listed] == ["Refund timing"]
    assert client.patch(f"{path}/{reply_id}", headers=staff.headers, json={"body": "no"}).status_code == 403
    edited = client.patch(f"{path}/{reply_id}", headers=admin.headers, json={"body": "Refunds take a week."})
    assert (
        edited.get_json()["body"] == "Refunds take a week." and edited.get_json()["title"] == "Refund timing"
    )
    assert (
        client.get(f"{path}/{reply_id}", headers=staff.headers).get_json()["body"] == "Refunds take a week."
    )
    assert client.delete(f"{path}/{reply_id}", headers=staff.headers).status_code == 403
    assert client.delete(f"{path}/{reply_id}", headers=admin.headers).status_code == 204
    assert client.get(f"{path}/{reply_id}", headers=staff.headers).status_code == 404


def test_preview_renders_markdown_and_escapes_html(client, staff):
    html = client.post("/api/v1/staff/preview", headers=staff.headers, json={"text": REPLY}).get_json()[
        "html"
    ]
    assert "<strong>Refunds</strong>" in html and "<em>5 days</em>" in html
    assert '<a href="https://shop.example/refunds">our page</a>' in html
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert client.post("/api/v1/staff/preview", headers=staff.headers, json={"text": 5}).status_code == 400


def test_a_reply_is_signed_and_reaches_the_visitor_rendered(app, client, staff):
    ticket = open_ticket(client, "where is my refund", email="visitor@example.com")
    sent = client.post(
        f"/api/v1/staff/tickets/{ticket['id']}/reply", headers=staff.headers, json={"text": REPLY}
    )
    assert sent.status_code == 201
    seen = client.get(f"/api/v1/tickets/{ticket['token']}").get_json()
    [message] = seen["messages"]
    assert message["author_name"] == "sam.jones" and message["text"] == REPLY.strip()
    assert seen["reply"] == REPLY.strip()  # the first version's field still holds the text
    [mail] = mails(app)
    html = mail.get_body(("html",)).get_content()
    plain = mail.get_body(("plain",)).get_content()
    assert "<strong>Refunds</strong> take <em>5 days</em>" in html and "&lt;script&gt;" in html
    assert "sam.jones, support team" in html and "sam.jones, support team" in plain
    assert "- Refunds take 5 days" in plain and "our page (https://shop.example/refunds)" in plain
    assert "**" not in plain and "<strong>" not in plain


def test_the_visitor_api_gives_only_newer_messages_with_since(client, staff):
    ticket = open_ticket(client, "hello")
    path = f"/api/v1/staff/tickets/{ticket['id']}/reply"
    client.post(path, headers=staff.headers, json={"text": "first"})
    whole = client.get(f"/api/v1/tickets/{ticket['token']}").get_json()
    assert set(whole) >= {"id", "status", "question", "created_at", "reply", "messages", "email_on_file"}
    client.post(path, headers=staff.headers, json={"text": "second"})
    newer = client.get(f"/api/v1/tickets/{ticket['token']}?since={whole['last_message_id']}").get_json()
    assert [m["text"] for m in newer["messages"]] == ["second"] and newer["reply"] == "second"
    assert client.get(f"/api/v1/tickets/{ticket['token']}?since=-1").status_code == 400


def test_no_display_name_is_stored_until_the_agent_sets_one(app, staff):
    """Replies sign with the start of the email (see above), but that fallback is not saved as a
    name: the profile page shows an empty field, and a later email change is not contradicted."""
    with session_scope(app) as session:
        assert session.scalar(select(User.display_name).where(User.id == staff.id)) is None


def test_faqs_for_pickers_and_inserting(client, staff):
    faqs = client.get("/api/v1/staff/faqs", headers=staff.headers).get_json()["faqs"]
    assert len(faqs) == 66 and {"id", "question", "category", "phrasings"} <= set(faqs[0])
    one = client.get(f"/api/v1/staff/faqs/{faqs[0]['id']}", headers=staff.headers).get_json()
    assert one["answer"] and one["question"] == faqs[0]["question"]
    assert client.get("/api/v1/staff/faqs/nope", headers=staff.headers).status_code == 404


def test_new_tickets_mail_the_staff_who_asked_for_it(app, client, staff, admin):
    assert client.get("/api/v1/staff/notifications", headers=staff.headers).get_json() == {
        "email_new_tickets": False
    }
    turned_on = client.put(
        "/api/v1/staff/notifications", headers=staff.headers, json={"email_new_tickets": True}
    )
    assert turned_on.get_json() == {"email_new_tickets": True}
    assert (
        client.put(
            "/api/v1/staff/notifications", headers=staff.headers, json={"email_new_tickets": "y"}
        ).status_code
        == 400
    )
    ticket = open_ticket(client, "my parcel never came", email="visitor@example.com")
    intake.drain()
    [mail] = mails(app)
    assert mail["To"] == "sam.jones@example.com"
    assert mail["Subject"] == f"New ticket #{ticket['id']}: my parcel never came"
    text = mail.get_content()
    assert f"/inbox/tickets/{ticket['id']}" in text and "visitor@example.com" in text
