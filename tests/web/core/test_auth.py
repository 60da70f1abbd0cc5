"""Authentication and roles: 401 without credentials, 403 with too small a role, CSRF on forms."""

from __future__ import annotations

import pytest

from ..support import PASSWORD

STAFF_ENDPOINTS = [
    ("get", "/api/v1/staff/tickets"),
    ("get", "/api/v1/staff/tickets/1"),
    ("post", "/api/v1/staff/tickets/1/reply"),
    ("post", "/api/v1/staff/tickets/1/resolve"),
]
ADMIN_ENDPOINTS = [
    ("post", "/api/v1/admin/retrain"),
    ("get", "/api/v1/admin/jobs/1"),
    ("get", "/api/v1/admin/models"),
    ("post", "/api/v1/admin/models/x/activate"),
    ("get", "/api/v1/admin/proposed-faqs"),
]


@pytest.mark.sqlite_only
@pytest.mark.parametrize(("method", "path"), STAFF_ENDPOINTS + ADMIN_ENDPOINTS)
def test_api_without_credentials_is_401(client, method, path):
    response = getattr(client, method)(path, json={})
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "unauthorized"


def test_api_with_a_wrong_token_is_401(client):
    response = client.get("/api/v1/staff/tickets", headers={"Authorization": "Bearer fqb_nope"})
    assert response.status_code == 401


@pytest.mark.sqlite_only
@pytest.mark.parametrize(("method", "path"), ADMIN_ENDPOINTS)
def test_admin_api_with_a_staff_token_is_403(client, auth, method, path):
    response = getattr(client, method)(path, json={}, headers=auth.headers("staff"))
    assert response.status_code == 403
    assert response.get_json()["error"]["code"] == "forbidden"


def test_admin_token_can_use_staff_api(client, auth):
    response = client.get("/api/v1/staff/tickets", headers=auth.headers("admin"))
    assert response.status_code == 200
    body = response.get_json()  # the first version's fields, as they were (the workspace adds "views")
    assert body["tickets"] == [] and body["counts"] == {"open": 0, "answered": 0, "closed": 0}


def test_inbox_redirects_to_login_when_logged_out(client):
    response = client.get("/inbox/")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_login_with_a_wrong_password_fails(client, auth):
    auth.create_user("someone@example.com", "staff")
    token = auth.page_csrf("/login")
    response = client.post(
        "/login", data={"email": "someone@example.com", "password": "wrong", "csrf_token": token}
    )
    assert response.status_code == 401
    assert client.get("/inbox/").status_code == 302


def test_login_then_inbox_then_logout(client, auth):
    response = auth.login()
    assert response.status_code == 302
    assert client.get("/inbox/").status_code == 200
    token = auth.page_csrf("/inbox/")
    client.post("/logout", data={"csrf_token": token})
    assert client.get("/inbox/").status_code == 302


def test_login_form_without_csrf_token_is_rejected(client, auth):
    auth.create_user("csrf@example.com", "staff")
    response = client.post("/login", data={"email": "csrf@example.com", "password": PASSWORD})
    assert response.status_code == 400
    assert client.get("/inbox/").status_code == 302


def test_inbox_form_without_csrf_token_is_rejected(client, auth):
    ticket = client.post("/api/v1/ask", json={"question": "help", "handoff": True}).get_json()
    auth.login()
    path = f"/inbox/tickets/{ticket['ticket']['id']}/reply"
    assert client.post(path, data={"text": "forged"}).status_code == 400
    detail = client.get(f"/inbox/tickets/{ticket['ticket']['id']}").get_data(as_text=True)
    assert "forged" not in detail


def test_session_api_write_needs_the_csrf_header(client, auth):
    ticket = client.post("/api/v1/ask", json={"question": "help", "handoff": True}).get_json()
    auth.login()
    path = f"/api/v1/staff/tickets/{ticket['ticket']['id']}/reply"
    assert client.get("/api/v1/staff/tickets").status_code == 200  # reads are fine
    forged = client.post(path, json={"text": "forged"})
    assert forged.status_code == 400 and forged.get_json()["error"]["code"] == "csrf_failed"
    token = auth.page_csrf("/inbox/")
    assert client.post(path, json={"text": "real"}, headers={"X-CSRFToken": token}).status_code == 201


def test_login_does_not_redirect_off_site(client, auth):
    auth.create_user("next@example.com", "staff")
    token = auth.page_csrf("/login")
    response = client.post(
        "/login?next=//evil.example/x",
        data={"email": "next@example.com", "password": PASSWORD, "csrf_token": token},
    )
    assert response.headers["Location"].endswith("/inbox/")


def test_public_api_sets_no_cookies(client, auth):
    auth.login()  # even with a session open, the public API must not (re)set cookies
    for response in (
        client.post("/api/v1/ask", json={"question": "How can I track my order?"}),
        client.get("/api/v1/faqs"),
        client.get("/api/v1/tickets/nope"),
    ):
        assert "Set-Cookie" not in response.headers
