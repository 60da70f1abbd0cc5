"""People in a real browser: a user changes their password and the old one stops working; an
admin deactivates a user, whose open session and bearer token stop working; an admin resets a
password and the user must choose their own at the next login.  Screenshots of each step."""

from __future__ import annotations

import pytest

from web.conftest import AuthActions
from web.support import PASSWORD, call

from .conftest import NARROW, WIDE, Workspace
from .test_pages import look_at

STRONG = "violet ocelot parade tundra"


@pytest.fixture
def person(browser, workspace: Workspace):
    """A new user of the seeded server, and a way to open a browser logged in as them."""
    made = []  # browser contexts, closed at the end

    def make(email: str, role: str = "staff") -> int:
        return AuthActions(workspace.server.app, None).create_user(email, role)

    def open_as(email: str, password: str = PASSWORD, expect: str = "/inbox/"):
        context = browser.new_context(viewport=WIDE)
        made.append(context)
        page = context.new_page()
        page.set_default_timeout(10_000)
        log_in(page, workspace.url, email, password)
        page.wait_for_url(f"**{expect}**")
        return page

    yield make, open_as
    for context in made:
        context.close()


def log_in(page, base: str, email: str, password: str):
    page.goto(f"{base}/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()


def test_a_user_changes_their_password_and_the_old_one_stops_working(browser, workspace, person, shots):
    make, open_as = person
    make("pat@example.com")
    page = open_as("pat@example.com")
    page.locator(".account a.who").click()  # the name in the header leads to the profile
    page.wait_for_url(f"{workspace.url}/account/")
    page.get_by_label("Current password").fill(PASSWORD)
    page.get_by_label("New password", exact=True).fill(STRONG)
    page.get_by_label("New password again").fill(STRONG)
    page.get_by_role("button", name="Change password").click()
    page.get_by_text("Password changed.").wait_for()
    page.screenshot(path=str(shots / "password-changed-1280x800.png"), full_page=True)
    assert page.url == f"{workspace.url}/account/"

    other = browser.new_context(viewport=NARROW)
    try:
        tab = other.new_page()
        log_in(tab, workspace.url, "pat@example.com", PASSWORD)
        tab.get_by_text("Wrong email or password.").wait_for()
        tab.screenshot(path=str(shots / "old-password-refused-375x740.png"), full_page=True)
        log_in(tab, workspace.url, "pat@example.com", STRONG)
        tab.wait_for_url(f"{workspace.url}/inbox/")
    finally:
        other.close()


def test_an_admin_deactivates_a_user_whose_session_and_token_stop_working(as_admin, workspace, person, shots):
    make, open_as = person
    user_id = make("quinn@example.com")
    staff_page = open_as("quinn@example.com")
    headers = _token_for(workspace, "quinn@example.com")
    assert call(workspace.url, "/api/v1/me", headers=headers)[0] == 200

    page = as_admin.page
    page.goto(f"{workspace.url}/admin/users/{user_id}")
    page.get_by_text("Deactivate…", exact=True).click()
    question = page.get_by_text("Deactivate quinn@example.com? They are logged out everywhere at once")
    assert question.is_visible()
    page.screenshot(path=str(shots / "deactivate-asks-1280x800.png"), full_page=True)
    page.get_by_role("button", name="Yes, deactivate").click()
    page.get_by_text("quinn@example.com is deactivated").wait_for()
    look_at(page, "person-deactivated", shots)

    staff_page.reload()
    assert staff_page.url.startswith(f"{workspace.url}/login")  # the open session ended
    assert call(workspace.url, "/api/v1/me", headers=headers)[0] == 401  # and the token
    log_in(staff_page, workspace.url, "quinn@example.com", PASSWORD)
    staff_page.get_by_text("Wrong email or password.").wait_for()


def test_a_reset_password_must_be_replaced_at_the_next_login(as_admin, workspace, person, shots):
    make, open_as = person
    user_id = make("rae@example.com")
    page = as_admin.page
    page.goto(f"{workspace.url}/admin/users/{user_id}")
    page.get_by_text("Reset password…", exact=True).click()
    page.get_by_role("button", name="Yes, reset the password").click()
    temporary = page.locator(".password code").inner_text()
    look_at(page, "temporary-password", shots)

    tab = open_as("rae@example.com", temporary, expect="/account/password")
    assert tab.get_by_role("heading", name="Choose your own password").is_visible()
    look_at(tab, "choose-password", shots)
    tab.goto(f"{workspace.url}/inbox/")
    assert "/account/password?next=" in tab.url  # nothing else opens
    tab.set_viewport_size(WIDE)
    tab.get_by_label("Temporary password").fill(temporary)
    tab.get_by_label("New password", exact=True).fill(STRONG)
    tab.get_by_label("New password again").fill(STRONG)
    tab.get_by_role("button", name="Save my password").click()
    tab.wait_for_url(f"{workspace.url}/inbox/**")
    assert tab.get_by_role("heading", name="Inbox").is_visible()


def test_an_admin_invites_someone(as_admin, workspace, shots):
    page = as_admin.page
    page.goto(f"{workspace.url}/admin/users/")
    page.get_by_role("link", name="Invite someone").click()
    page.get_by_label("Email").fill("sky@example.com")
    page.get_by_label("Display name (optional)").fill("Sky from Support")
    page.get_by_label("Admin: everything").check()
    page.get_by_role("button", name="Create the account").click()
    page.get_by_role("heading", name="Account created").wait_for()
    assert len(page.locator(".password code").inner_text()) >= 16
    page.get_by_role("link", name="Done").click()
    row = page.get_by_role("row", name="Sky from Support")
    assert "admin" in row.inner_text() and "temporary password" in row.inner_text()


def _token_for(workspace: Workspace, email: str) -> dict[str, str]:
    from faqbot.web.core.db import session_scope
    from faqbot.web.core.security import hash_token, new_api_token
    from faqbot.web.core.tables import ApiToken, User

    token = new_api_token()
    with session_scope(workspace.server.app) as session:
        user = session.query(User).filter_by(email=email).one()
        session.add(ApiToken(user_id=user.id, token_hash=hash_token(token)))
    return {"Authorization": f"Bearer {token}"}
