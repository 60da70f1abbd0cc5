"""Everyone's profile: display name and the "email me about new tickets" setting, on the page
and through the API; the name shows in the header, escaped."""

from __future__ import annotations

import pytest

from .conftest import user_row

HOSTILE = '<img src=x onerror="alert(1)">'


@pytest.mark.sqlite_only
def test_the_profile_page_saves_the_name_and_the_notification_setting(app, auth, browser_for):
    auth.create_user("zoe@example.com", "staff")
    zoe = browser_for("zoe@example.com")
    page = zoe.get("/account/").get_data(as_text=True)
    assert "Email me when a new ticket arrives" in page
    saved = zoe.post("/account/", {"display_name": HOSTILE, "notify_new_tickets": "y"})
    assert saved.status_code == 302
    row = user_row(app, "zoe@example.com")
    assert (row.display_name, row.notify_new_tickets) == (HOSTILE, True)
    inbox = zoe.get("/inbox/").get_data(as_text=True)
    assert HOSTILE not in inbox and "&lt;img src=x" in inbox  # the header shows it, escaped
    zoe.post("/account/", {"display_name": "  "})  # unticked box: off; blank name: none
    row = user_row(app, "zoe@example.com")
    assert (row.display_name, row.notify_new_tickets) == (None, False)


def test_the_me_api_reads_and_changes_the_profile(client, auth):
    headers = auth.headers("staff", email="yan@example.com")
    me = client.get("/api/v1/me", headers=headers).get_json()["user"]
    assert (me["email"], me["name"], me["notify_new_tickets"]) == (
        "yan@example.com",
        "yan@example.com",
        False,
    )
    changed = client.patch(
        "/api/v1/me", json={"display_name": "Yan from Support", "notify_new_tickets": True}, headers=headers
    )
    assert changed.status_code == 200
    me = changed.get_json()["user"]
    assert (me["name"], me["notify_new_tickets"]) == ("Yan from Support", True)
    for body, code in (
        ({"notify_new_tickets": "yes"}, "invalid_notify_new_tickets"),
        ({"role": "admin"}, "unknown_field"),
    ):
        response = client.patch("/api/v1/me", json=body, headers=headers)
        assert (response.status_code, response.get_json()["error"]["code"]) == (400, code)
    assert client.get("/api/v1/me", headers=headers).get_json()["user"]["role"] == "staff"
