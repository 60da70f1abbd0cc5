"""The workspace pages without JavaScript: the composer's insert and preview buttons, assignment,
tags and bulk forms, the live fragments with their 304s, canned replies for admins only, and the
notification settings."""

from __future__ import annotations

import re

import pytest

from faqbot.web.core.db import session_scope
from faqbot.web.core.tables import CannedReply, Ticket, User

from .support import open_ticket


@pytest.fixture
def logged_in(client, auth):
    auth.login("kim@example.com", "staff")
    return client


def csrf(auth, path: str) -> str:
    return auth.page_csrf(path)


def test_the_composer_inserts_and_previews_without_javascript(app, logged_in, auth):
    with session_scope(app) as session:
        session.add(CannedReply(title="Hello", body="Hello, **thanks** for writing."))
    ticket = open_ticket(logged_in, "about my parcel")["id"]
    page = f"/inbox/tickets/{ticket}"
    token = csrf(auth, page)
    with session_scope(app) as session:
        canned_id = session.query(CannedReply).one().id
    form = {"csrf_token": token, "text": "", "canned_id": str(canned_id), "do": "canned"}
    html = logged_in.post(f"{page}/reply", data=form).get_data(as_text=True)
    assert "Hello, **thanks** for writing.</textarea>" in html  # the draft, ready to adapt
    assert "<strong>thanks</strong>" in html  # and its preview
    form = {"csrf_token": token, "text": "Hello", "insert_faq_id": "38", "do": "faq"}
    html = logged_in.post(f"{page}/reply", data=form).get_data(as_text=True)
    assert re.search(r"Hello\n\nAs soon as your order is dispatched", html)
    form = {"csrf_token": token, "text": "*Soon* <b>x</b>", "do": "preview"}
    html = logged_in.post(f"{page}/reply", data=form).get_data(as_text=True)
    assert "<em>Soon</em> &lt;b&gt;x&lt;/b&gt;" in html
    with session_scope(app) as session:
        assert session.get(Ticket, ticket).messages == []  # nothing was sent
    sent = logged_in.post(f"{page}/reply", data={"csrf_token": token, "text": "Done", "do": "send"})
    assert sent.status_code == 302
    empty = logged_in.post(f"{page}/reply", data={"csrf_token": token, "text": " ", "do": "send"})
    assert empty.status_code == 400 and "non-empty" in empty.get_data(as_text=True)


def test_assign_and_tag_forms(app, logged_in, auth):
    ticket = open_ticket(logged_in, "a question")["id"]
    page = f"/inbox/tickets/{ticket}"
    token = csrf(auth, page)
    logged_in.post(f"{page}/assign", data={"csrf_token": token, "assignee_id": "me"})
    logged_in.post(f"{page}/tags", data={"csrf_token": token, "tags": "Refund, vip"})
    html = logged_in.get("/inbox/?view=mine").get_data(as_text=True)
    assert f'data-ticket="{ticket}"' in html and ">refund</a>" in html and ">vip</a>" in html
    refused = logged_in.post(
        f"{page}/tags", data={"csrf_token": token, "tags": "<script>"}, follow_redirects=True
    )
    assert "Tag &#39;&lt;script&gt;&#39;" in refused.get_data(as_text=True)
    logged_in.post(f"{page}/assign", data={"csrf_token": token, "assignee_id": ""})
    assert f'data-ticket="{ticket}"' not in logged_in.get("/inbox/?view=mine").get_data(as_text=True)


def test_bulk_form_dismisses_and_reports(app, logged_in, auth):
    first, second = open_ticket(logged_in, "one")["id"], open_ticket(logged_in, "two")["id"]
    token = csrf(auth, "/inbox/")
    data = {
        "csrf_token": token,
        "action": "dismiss",
        "ticket_ids": [str(first), str(second)],
        "back": "/inbox/",
    }
    page = logged_in.post("/inbox/bulk", data=data, follow_redirects=True).get_data(as_text=True)
    assert "Dismissed: 2 tickets." in page
    nothing = logged_in.post("/inbox/bulk", data={**data, "ticket_ids": []}, follow_redirects=True)
    assert "Select at least one ticket first." in nothing.get_data(as_text=True)
    outside = logged_in.post("/inbox/bulk", data={**data, "back": "https://evil.example/"})
    assert outside.headers["Location"].endswith("/inbox/")  # no open redirect


def test_live_fragments_answer_304_until_something_changes(logged_in):
    ticket = open_ticket(logged_in, "first")["id"]
    listed = logged_in.get("/inbox/live?view=all")
    assert listed.status_code == 200 and f'data-ticket="{ticket}"' in listed.get_data(as_text=True)
    etag = listed.headers["ETag"]
    assert logged_in.get("/inbox/live?view=all", headers={"If-None-Match": etag}).status_code == 304
    other = open_ticket(logged_in, "second")["id"]
    again = logged_in.get("/inbox/live?view=all", headers={"If-None-Match": etag})
    assert again.status_code == 200 and f'data-ticket="{other}"' in again.get_data(as_text=True)

    live = f"/inbox/tickets/{ticket}/live?after=0"
    first = logged_in.get(live)
    assert first.get_json()["new"] == 0 and first.get_json()["state"].startswith("open|")
    assert logged_in.get(live, headers={"If-None-Match": first.headers["ETag"]}).status_code == 304


def test_canned_reply_pages_are_for_admins(app, client, auth):
    auth.login("kim@example.com", "staff")
    assert client.get("/inbox/canned/").status_code == 403
    client.post("/logout", data={"csrf_token": auth.page_csrf("/inbox/")})
    auth.login("ada@example.com", "admin")
    token = auth.page_csrf("/inbox/canned/")
    created = client.post("/inbox/canned/", data={"csrf_token": token, "title": "Hi", "body": "**Hi** there"})
    assert created.status_code == 302
    with session_scope(app) as session:
        reply_id = session.query(CannedReply).one().id
    assert "<strong>Hi</strong>" in client.get("/inbox/canned/").get_data(as_text=True)
    clash = client.post("/inbox/canned/", data={"csrf_token": token, "title": "hi", "body": "again"})
    assert clash.status_code == 409
    client.post(f"/inbox/canned/{reply_id}", data={"csrf_token": token, "title": "Hi", "body": "Hello"})
    client.post(f"/inbox/canned/{reply_id}/delete", data={"csrf_token": token})
    with session_scope(app) as session:
        assert session.query(CannedReply).count() == 0


def test_notification_settings_are_saved_per_person(app, logged_in, auth):
    token = csrf(auth, "/inbox/notifications")
    logged_in.post("/inbox/notifications", data={"csrf_token": token, "email_new_tickets": "y"})
    with session_scope(app) as session:
        assert session.query(User).filter_by(email="kim@example.com").one().notify_new_tickets is True
    assert "checked" in logged_in.get("/inbox/notifications").get_data(as_text=True)
