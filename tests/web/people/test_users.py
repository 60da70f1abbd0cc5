"""The admins' people pages and API: invite, role, deactivate and reactivate, reset password,
and the last active admin, who can be neither demoted nor deactivated."""

from __future__ import annotations

import re

import pytest

from web.support import PASSWORD

from .conftest import STRONG, user_row

HOSTILE = '<script>alert("name")</script>'


@pytest.fixture
def admin(auth, browser_for):
    auth.create_user("boss@example.com", "admin")
    return browser_for("boss@example.com")


def _temporary_password(html: str) -> str:
    match = re.search(r'<p class="password"><code>([^<]+)</code>', html)
    assert match, "no temporary password on the page"
    return match.group(1)


def test_an_admin_deactivates_a_user_whose_session_and_tokens_stop_working(
    app, auth, admin, browser_for, token_for
):
    staff_id = auth.create_user("sam@example.com", "staff")
    sam = browser_for("sam@example.com")
    headers = token_for("sam@example.com")
    assert sam.get("/inbox/").status_code == 200
    page = admin.get(f"/admin/users/{staff_id}").get_data(as_text=True)
    assert "Deactivate sam@example.com? They are logged out everywhere" in page  # it asks first
    done = admin.post(f"/admin/users/{staff_id}/deactivate", form_page=f"/admin/users/{staff_id}")
    assert done.status_code == 302
    assert "1 API token(s) revoked" in admin.get(f"/admin/users/{staff_id}").get_data(as_text=True)
    assert sam.get("/inbox/").status_code == 302
    assert sam.client.get("/api/v1/staff/tickets", headers=headers).status_code == 401
    assert browser_for().login("sam@example.com").status_code == 401

    admin.post(f"/admin/users/{staff_id}/reactivate", form_page=f"/admin/users/{staff_id}")
    assert browser_for().login("sam@example.com").status_code == 302  # back, with the same password
    assert sam.client.get("/api/v1/staff/tickets", headers=headers).status_code == 401  # tokens stay revoked


def test_the_api_deactivates_too(app, auth, client, browser_for, token_for):
    staff_id = auth.create_user("tim@example.com", "staff")
    tim = browser_for("tim@example.com")
    tim_token = token_for("tim@example.com")
    admin = auth.headers("admin")
    response = client.patch(f"/api/v1/admin/users/{staff_id}", json={"active": False}, headers=admin)
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["user"]["active"] is False and body["tokens_revoked"] == 1
    assert tim.get("/inbox/").status_code == 302
    assert client.get("/api/v1/me", headers=tim_token).status_code == 401


def test_the_last_active_admin_can_be_neither_demoted_nor_deactivated(app, auth, client, token_for):
    admin_id = auth.create_user("only@example.com", "admin")
    headers = token_for("only@example.com")
    for change in ({"active": False}, {"role": "staff"}):
        response = client.patch(f"/api/v1/admin/users/{admin_id}", json=change, headers=headers)
        assert response.status_code == 409, change
        assert response.get_json()["error"]["code"] == "last_admin"
    assert user_row(app, "only@example.com").role == "admin"
    other = auth.create_user("second@example.com", "admin")
    auth.create_user("gone@example.com", "admin")
    client.patch(f"/api/v1/admin/users/{other}", json={"active": False}, headers=headers)  # inactive: no help
    response = client.patch(f"/api/v1/admin/users/{admin_id}", json={"role": "staff"}, headers=headers)
    assert response.status_code == 200 and response.get_json()["user"]["role"] == "staff"


@pytest.mark.sqlite_only
def test_the_last_admin_cannot_deactivate_themself_on_the_page(app, admin):
    me = user_row(app, "boss@example.com")
    response = admin.post(f"/admin/users/{me.id}/deactivate", form_page=f"/admin/users/{me.id}")
    assert response.status_code == 302
    page = admin.get(f"/admin/users/{me.id}").get_data(as_text=True)
    assert "is the last active admin and cannot be deactivated" in page
    assert user_row(app, "boss@example.com").active


@pytest.mark.sqlite_only
def test_an_admin_invites_someone_who_must_choose_a_password(app, admin, browser_for):
    page = admin.get("/admin/users/new")
    assert page.status_code == 200
    created = admin.post(
        "/admin/users/new",
        {"email": "New.Person@Example.com", "display_name": HOSTILE, "role": "staff"},
        form_page="/admin/users/new",
    )
    assert created.status_code == 200
    html = created.get_data(as_text=True)
    password = _temporary_password(html)
    assert "Shown only this once" in html
    listing = admin.get("/admin/users/").get_data(as_text=True)
    assert HOSTILE not in listing and "&lt;script&gt;" in listing  # escaped
    newcomer = browser_for()
    response = newcomer.login("new.person@example.com", password)
    assert response.status_code == 302
    assert newcomer.get("/inbox/").headers["Location"].startswith("/account/password?next=")
    changed = newcomer.post(
        "/account/password?next=/inbox/",
        {"current_password": password, "new_password": STRONG, "repeat_password": STRONG},
        form_page="/account/password",
    )
    assert changed.headers["Location"] == "/inbox/"
    assert newcomer.get("/inbox/").status_code == 200
    assert browser_for().login("new.person@example.com", password).status_code == 401


@pytest.mark.sqlite_only
def test_an_admin_changes_a_role_after_confirming(app, auth, admin, browser_for):
    staff_id = auth.create_user("rita@example.com", "staff")
    rita = browser_for("rita@example.com")
    assert rita.get("/admin/faqs/").status_code == 403
    page = admin.get(f"/admin/users/{staff_id}").get_data(as_text=True)
    assert "Make rita@example.com admin?" in page and "Yes, make admin" in page
    admin.post(f"/admin/users/{staff_id}/role", {"role": "admin"}, form_page=f"/admin/users/{staff_id}")
    assert user_row(app, "rita@example.com").role == "admin"
    assert rita.get("/inbox/").status_code == 302  # the role change ended her sessions
    rita = browser_for("rita@example.com")
    assert rita.get("/admin/faqs/").status_code == 200
    refused = admin.post(
        f"/admin/users/{staff_id}/role", {"role": "owner"}, form_page=f"/admin/users/{staff_id}"
    )
    assert refused.status_code == 302
    assert "The role must be one of: staff, admin" in admin.get(f"/admin/users/{staff_id}").get_data(
        as_text=True
    )


def test_an_admin_resets_a_password(app, auth, admin, browser_for, token_for):
    staff_id = auth.create_user("uma@example.com", "staff")
    uma = browser_for("uma@example.com")
    headers = token_for("uma@example.com")
    reset = admin.post(f"/admin/users/{staff_id}/reset-password", form_page=f"/admin/users/{staff_id}")
    password = _temporary_password(reset.get_data(as_text=True))
    assert uma.get("/inbox/").status_code == 302
    assert uma.client.get("/api/v1/me", headers=headers).status_code == 401
    assert browser_for().login("uma@example.com", PASSWORD).status_code == 401
    fresh = browser_for("uma@example.com", password)
    assert fresh.get("/inbox/").headers["Location"].startswith("/account/password")


@pytest.mark.sqlite_only
def test_staff_cannot_manage_people(auth, browser_for, client):
    auth.create_user("vic@example.com", "staff")
    vic = browser_for("vic@example.com")
    assert vic.get("/admin/users/").status_code == 403
    assert client.get("/api/v1/admin/users", headers=auth.headers("staff")).status_code == 403
    assert client.get("/api/v1/admin/users").status_code == 401


@pytest.mark.sqlite_only
def test_people_forms_need_the_csrf_token(app, auth, admin):
    staff_id = auth.create_user("wes@example.com", "staff")
    response = admin.client.post(f"/admin/users/{staff_id}/deactivate", data={})
    assert response.status_code == 400
    assert user_row(app, "wes@example.com").active


@pytest.mark.sqlite_only
def test_the_user_api_creates_lists_and_refuses_bad_input(client, auth):
    headers = auth.headers("admin", email="root@example.com")
    created = client.post(
        "/api/v1/admin/users",
        json={"email": "xi@example.com", "role": "admin", "display_name": "  Xi  Li "},
        headers=headers,
    )
    assert created.status_code == 201
    body = created.get_json()
    assert body["user"]["display_name"] == "Xi Li" and body["user"]["must_change_password"] is True
    assert len(body["temporary_password"]) >= 16
    listed = client.get("/api/v1/admin/users", headers=headers).get_json()["users"]
    assert [u["email"] for u in listed] == ["root@example.com", "xi@example.com"]
    assert "password_hash" not in listed[0]
    bad = [
        ({"email": "xi@example.com"}, 409, "user_exists"),
        ({"email": "not an email"}, 400, "invalid_email"),
        ({"email": "yu@example.com", "role": "owner"}, 400, "invalid_role"),
        ({"email": "yu@example.com", "password": "x"}, 400, "unknown_field"),
        ({"email": "yu@example.com", "display_name": "x" * 121}, 400, "invalid_display_name"),
    ]
    for payload, status, code in bad:
        response = client.post("/api/v1/admin/users", json=payload, headers=headers)
        assert (response.status_code, response.get_json()["error"]["code"]) == (status, code), payload
    assert client.get("/api/v1/admin/users/999", headers=headers).status_code == 404
    assert client.patch("/api/v1/admin/users/1", json={"active": "no"}, headers=headers).status_code == 400
