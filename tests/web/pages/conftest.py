"""Fixtures for the staff and admin pages in a real browser: one real server (the shared ``serve``
factory of ``tests/web/live.py``) seeded with tickets, an edited FAQ, review-queue questions and a
held-back candidate model, and a logged-in browser context per role, logged in through the real form.

The browser is the shared ``browser`` fixture (``tests/web/live.py``): Debian's chromium through
Playwright, skipped (or failed under ``FAQBOT_REQUIRE_BROWSER``) when it is missing.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest
from sqlalchemy import delete, insert, select

from faqbot.web.core.db import session_scope
from faqbot.web.core.security import hash_token, new_api_token
from faqbot.web.core.tables import ApiToken, FaqPhrasing, User
from web.conftest import AuthActions
from web.live import JsErrors, Server
from web.support import PASSWORD, wait_for_job

WIDE = {"width": 1280, "height": 800}
NARROW = {"width": 375, "height": 740}
EMAILS = {"staff": "agent@example.com", "admin": "boss@example.com"}
HANDOFFS = [
    "Can I pay for my order in instalments over six months?",
    "Do you sell gift vouchers for birthdays?",
    "My parcel arrived with the box crushed and the lamp inside is broken",
]
WRONG_ANSWERS = ["How can I track my order?", "how do i track my order", "How can I track my order?"]


@dataclass
class Workspace:
    """The seeded server and the ids the page tests visit."""

    server: Server
    admin_headers: dict[str, str]
    tickets: list[int] = field(default_factory=list)
    edited_faq: str = "1"
    candidate: str = ""
    conversation: int = 0  # a ticket with a staff reply, a follow-up, tags and an assignee
    canned: int = 0
    users: dict[str, int] = field(default_factory=dict)  # role -> the id of EMAILS[role]

    @property
    def url(self) -> str:
        return self.server.url


def _seed(server: Server) -> Workspace:
    app = server.app
    auth = AuthActions(app, None)
    users = {role: auth.create_user(email, role) for role, email in EMAILS.items()}
    client = app.test_client()
    workspace = Workspace(server, auth.headers("admin"), users=users)
    for question in HANDOFFS:  # tickets in the inbox, and questions in the review queue
        body = client.post("/api/v1/ask", json={"question": question, "handoff": True}).get_json()
        workspace.tickets.append(body["ticket"]["id"])
    _seed_inbox(app, client, workspace)
    for n, question in enumerate(WRONG_ANSWERS):  # answers visitors rejected: the queue's wrong answers
        body = client.post("/api/v1/ask", json={"question": question, "session_id": f"wrong-{n}"}).get_json()
        assert body["status"] == "answered", body
        if n % 2:  # "talk to a person" right after the answer
            client.post(
                "/api/v1/ask", json={"question": question, "session_id": f"wrong-{n}", "handoff": True}
            )
        else:
            client.post("/api/v1/feedback", json={"query_id": body["query_id"], "helpful": False})
    path = f"/api/v1/admin/faqs/{workspace.edited_faq}"
    revision = client.get(path, headers=workspace.admin_headers).get_json()["revision"]
    edited = client.patch(
        path,
        headers=workspace.admin_headers,
        json={"revision": revision, "answer": "An edited answer, so that the history has two versions."},
    )
    assert edited.status_code == 200, edited.get_json()
    phrasings = FaqPhrasing.__table__
    with session_scope(app) as session:  # a worse corpus, so the candidate is held back for an admin
        kept = [dict(row) for row in session.execute(select(phrasings)).mappings()]
        session.execute(delete(phrasings))
    started = client.post("/api/v1/admin/retrain", headers=workspace.admin_headers)
    assert started.status_code == 202, started.get_json()
    job = wait_for_job(client, workspace.admin_headers, started.get_json()["job"]["id"], timeout=240)
    assert job["status"] == "succeeded", job["error"]
    assert job["details"]["went_live"] is False, job["details"]
    workspace.candidate = job["model_version"]
    with session_scope(app) as session:  # and the FAQ pages show the phrasings again
        session.execute(insert(phrasings), kept)
    return workspace


def _seed_inbox(app, client, workspace: Workspace) -> None:
    """A ticket with a whole conversation (earlier exchanges, a signed Markdown reply, a
    follow-up), tags and an assignee; and a canned reply."""
    session_id = "pages-conversation"
    client.post("/api/v1/ask", json={"question": "How can I track my order?", "session_id": session_id})
    opened = client.post(
        "/api/v1/ask",
        json={
            "question": "The tracking page says delivered but my parcel is not here",
            "session_id": session_id,
            "handoff": True,
            "email": "visitor@example.com",
        },
    ).get_json()["ticket"]
    workspace.conversation = opened["id"]
    token = new_api_token()  # the agent's own token, so the reply is signed with their name
    with session_scope(app) as session:
        agent_id = session.scalar(select(User.id).where(User.email == EMAILS["staff"]))
        session.add(ApiToken(user_id=agent_id, token_hash=hash_token(token)))
    agent_headers = {"Authorization": f"Bearer {token}"}
    path = f"/api/v1/staff/tickets/{opened['id']}"
    client.post(f"{path}/assign", headers=agent_headers, json={"assignee_id": agent_id})
    client.put(f"{path}/tags", headers=agent_headers, json={"tags": ["delivery", "vip"]})
    reply = "Sorry about that! Please:\n\n1. check with your **neighbours**\n2. look for a delivery photo\n"
    client.post(f"{path}/reply", headers=agent_headers, json={"text": reply})
    client.post("/api/v1/ask", json={"question": "No photo there, what now?", "session_id": session_id})
    canned = client.post(
        "/api/v1/staff/canned-replies",
        headers=workspace.admin_headers,
        json={
            "title": "Delivery photo",
            "body": "Please look for a **delivery photo** on the tracking page.",
        },
    )
    workspace.canned = canned.get_json()["id"]


@pytest.fixture(scope="session")
def workspace(serve) -> Workspace:
    return _seed(serve("pages-server", RATELIMIT_ENABLED=False))


def log_in(page, base: str, role: str) -> None:
    """Through the real login form, as a person would."""
    page.goto(f"{base}/login")
    page.get_by_label("Email").fill(EMAILS[role])
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{base}/inbox/")


@pytest.fixture(scope="session")
def storage_states(browser, workspace, tmp_path_factory) -> dict[str, str]:
    """A logged-in session per role, saved once and loaded by each test's context."""
    folder = tmp_path_factory.mktemp("logins")
    states = {}
    for role in EMAILS:
        context = browser.new_context(viewport=WIDE)
        log_in(context.new_page(), workspace.url, role)
        states[role] = str(folder / f"{role}.json")
        context.storage_state(path=states[role])
        context.close()
    return states


@dataclass
class Tab:
    page: object
    errors: JsErrors


def _open(browser, storage_state: str | None) -> Iterator[Tab]:
    context = browser.new_context(viewport=WIDE, storage_state=storage_state)
    page = context.new_page()
    page.set_default_timeout(10_000)
    tab = Tab(page, JsErrors())
    tab.errors.watch(page)
    yield tab
    context.close()
    unexpected = tab.errors.unexpected()
    assert not unexpected, f"the page logged JavaScript errors: {unexpected}"


@pytest.fixture
def as_admin(browser, storage_states) -> Iterator[Tab]:
    yield from _open(browser, storage_states["admin"])


@pytest.fixture
def as_staff(browser, storage_states) -> Iterator[Tab]:
    yield from _open(browser, storage_states["staff"])
