"""Fixtures of the people tests: browsers (test clients) logged in as someone, through the form."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from faqbot.web.core.db import session_scope
from faqbot.web.core.security import hash_token, new_api_token
from faqbot.web.core.tables import ApiToken, User
from web.support import PASSWORD, csrf_token_from

#: A password the policy accepts (four unrelated words).
STRONG = "violet ocelot parade tundra"


@dataclass
class Browser:
    """A test client standing for one person's browser."""

    client: object

    def login(self, email: str, password: str = PASSWORD):
        page = self.client.get("/login")
        data = {
            "email": email,
            "password": password,
            "csrf_token": csrf_token_from(page.get_data(as_text=True)),
        }
        return self.client.post("/login", data=data)

    def post(self, path: str, data: dict | None = None, *, form_page: str = "/account/"):
        """Post a form with the CSRF token of a page this browser can open."""
        token = csrf_token_from(self.client.get(form_page).get_data(as_text=True))
        return self.client.post(path, data={"csrf_token": token, **(data or {})})

    def get(self, path: str):
        return self.client.get(path)


@pytest.fixture
def browser_for(app):
    """A new browser, optionally logged in as an existing user."""

    def make(email: str | None = None, password: str = PASSWORD) -> Browser:
        browser = Browser(app.test_client())
        if email is not None:
            assert browser.login(email, password).status_code == 302
        return browser

    return make


@pytest.fixture
def token_for(app):
    """A bearer token for an existing user, as ``faqbot tokens create`` prints it."""

    def make(email: str) -> dict[str, str]:
        token = new_api_token()
        with session_scope(app) as session:
            user = session.query(User).filter_by(email=email).one()
            session.add(ApiToken(user_id=user.id, token_hash=hash_token(token)))
        return {"Authorization": f"Bearer {token}"}

    return make


def user_row(app, email: str) -> User:
    with session_scope(app) as session:
        user = session.query(User).filter_by(email=email).one()
        session.expunge(user)
        return user
