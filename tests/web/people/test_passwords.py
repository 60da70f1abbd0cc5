"""Changing one's own password, on the profile page and through the API: the old password
stops working, every other session and every bearer token ends, this browser stays in."""

from __future__ import annotations

import pytest

from web.support import PASSWORD, csrf_token_from

from .conftest import STRONG, user_row

CHANGE = {"current_password": PASSWORD, "new_password": STRONG, "repeat_password": STRONG}


def test_a_password_changed_on_the_page_replaces_the_old_one(app, auth, browser_for, token_for):
    auth.create_user("ana@example.com", "staff")
    me, elsewhere = browser_for("ana@example.com"), browser_for("ana@example.com")
    headers = token_for("ana@example.com")
    assert "Change password" in me.get("/account/").get_data(as_text=True)

    changed = me.post("/account/password", CHANGE)
    assert changed.status_code == 302 and changed.headers["Location"].endswith("/account/")
    assert "1 API token(s) were revoked" in me.get("/account/").get_data(as_text=True)
    assert me.get("/inbox/").status_code == 200  # this browser stays logged in
    assert elsewhere.get("/inbox/").status_code == 302  # the other session ended
    assert me.client.get("/api/v1/staff/tickets", headers=headers).status_code == 401  # token revoked
    assert browser_for().login("ana@example.com", PASSWORD).status_code == 401  # the old one fails
    assert browser_for().login("ana@example.com", STRONG).status_code == 302


def test_a_password_changed_through_the_api_replaces_the_old_one(app, auth, browser_for, token_for, client):
    auth.create_user("ben@example.com", "staff")
    headers = token_for("ben@example.com")
    session = browser_for("ben@example.com")
    body = {"current_password": PASSWORD, "new_password": STRONG}
    response = client.post("/api/v1/me/password", json=body, headers=headers)
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["tokens_revoked"] == 1
    assert client.get("/api/v1/me", headers=headers).status_code == 401  # the token used is gone too
    assert session.get("/inbox/").status_code == 302
    assert browser_for().login("ben@example.com", PASSWORD).status_code == 401
    assert browser_for().login("ben@example.com", STRONG).status_code == 302


@pytest.mark.sqlite_only
def test_a_session_caller_of_the_password_api_stays_logged_in(app, auth, browser_for):
    auth.create_user("cy@example.com", "staff")
    me = browser_for("cy@example.com")
    token = csrf_token_from(me.get("/account/").get_data(as_text=True))
    body = {"current_password": PASSWORD, "new_password": STRONG}
    response = me.client.post("/api/v1/me/password", json=body, headers={"X-CSRFToken": token})
    assert response.status_code == 200, response.get_json()
    assert me.get("/inbox/").status_code == 200


@pytest.mark.sqlite_only
@pytest.mark.parametrize(
    ("change", "status", "said"),
    [
        ({**CHANGE, "current_password": "not my password"}, 400, "current password is not right"),
        ({**CHANGE, "new_password": "password12", "repeat_password": "password12"}, 400, "too easy to guess"),
        ({**CHANGE, "new_password": "short", "repeat_password": "short"}, 400, "at least 10 characters"),
        ({**CHANGE, "repeat_password": STRONG + "x"}, 400, "two new passwords differ"),
        ({**CHANGE, "new_password": PASSWORD, "repeat_password": PASSWORD}, 400, "must differ"),
        (
            {
                **CHANGE,
                "new_password": "dora.explorer@example.com",
                "repeat_password": "dora.explorer@example.com",
            },
            400,
            "too easy to guess",
        ),
    ],
    ids=["wrong-current", "common", "short", "mismatch", "unchanged", "own-email"],
)
def test_a_refused_password_change_says_why_and_changes_nothing(app, auth, browser_for, change, status, said):
    auth.create_user("dora.explorer@example.com", "staff")
    me = browser_for("dora.explorer@example.com")
    epoch = user_row(app, "dora.explorer@example.com").session_epoch
    response = me.post("/account/password", change)
    assert response.status_code == status
    assert said in response.get_data(as_text=True)
    assert user_row(app, "dora.explorer@example.com").session_epoch == epoch
    assert browser_for().login("dora.explorer@example.com", PASSWORD).status_code == 302


@pytest.mark.sqlite_only
def test_wrong_current_passwords_count_towards_the_login_back_off(app, auth, browser_for, token_for, client):
    auth.create_user("eve@example.com", "staff")
    headers = token_for("eve@example.com")
    body = {"current_password": "guess guess guess", "new_password": STRONG}
    codes = [client.post("/api/v1/me/password", json=body, headers=headers).status_code for _ in range(6)]
    assert codes == [400] * 5 + [429]
    assert browser_for().login("eve@example.com", PASSWORD).status_code == 429  # the login is held too
