"""The first admin, created at start with a printed password, must choose their own at the first
login: every page leads to the password form until then; the API with a bearer token does not."""

from __future__ import annotations

from faqbot.web.app.bootstrap import ensure_first_admin

from .conftest import STRONG


def test_the_first_admin_must_replace_the_printed_password(app, browser_for, token_for):
    printed = ensure_first_admin(app)
    assert printed and ensure_first_admin(app) is None  # once
    admin = browser_for()
    login = admin.login("admin@localhost", printed)
    assert login.status_code == 302
    for path in ("/inbox/", "/admin/faqs/", "/admin/users/", "/account/"):
        response = admin.get(path)
        assert response.status_code == 302, path
        assert response.headers["Location"].startswith("/account/password?next="), path
    page = admin.get("/account/password").get_data(as_text=True)
    assert "Choose your own password" in page and "Temporary password" in page
    assert 'aria-label="Main"' not in page  # no nav leading elsewhere until then

    token = token_for("admin@localhost")  # made by the operator with `faqbot tokens create`
    assert admin.client.get("/api/v1/admin/models", headers=token).status_code == 200
    refused = admin.client.get("/api/v1/admin/models")  # the same browser's session is held back
    assert refused.status_code == 403 and refused.get_json()["error"]["code"] == "password_change_required"
    assert admin.client.get("/api/v1/me").get_json()["user"]["must_change_password"] is True

    changed = admin.post(
        "/account/password?next=/admin/users/",
        {"current_password": printed, "new_password": STRONG, "repeat_password": STRONG},
        form_page="/account/password",
    )
    assert changed.status_code == 302 and changed.headers["Location"] == "/admin/users/"
    assert admin.get("/admin/users/").status_code == 200
    assert browser_for().login("admin@localhost", printed).status_code == 401
    assert browser_for().login("admin@localhost", STRONG).status_code == 302
