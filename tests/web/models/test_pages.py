"""Admin pages: staff are kept out; admins review proposals, retrain and switch versions."""

from __future__ import annotations

import time

from sqlalchemy import select

from faqbot.web.core.db import session_scope
from faqbot.web.core.tables import Faq, FaqRevision, Job, User

from ..support import MODEL_VERSION


def propose(client, auth) -> None:
    ticket = client.post("/api/v1/ask", json={"question": "gift wrap?", "handoff": True})
    ticket_id = ticket.get_json()["ticket"]["id"]
    client.post(
        f"/api/v1/staff/tickets/{ticket_id}/resolve",
        headers=auth.headers(),
        json={"action": "new_faq", "question": "Do you gift wrap?", "answer": "<b>Yes</b>."},
    )


def test_staff_cannot_open_admin_pages(client, auth):
    auth.login("plain@example.com", "staff")
    assert client.get("/admin/").status_code == 403
    assert client.get("/admin/proposals").status_code == 403


def test_admin_approves_a_proposal_in_the_review_queue(app, client, auth):
    propose(client, auth)
    auth.login("boss@example.com", "admin")
    moved = client.get("/admin/proposals")  # the old page's address leads to the review queue
    assert moved.status_code == 302 and moved.headers["Location"].endswith("/admin/review/#proposals")
    page = client.get("/admin/review/").get_data(as_text=True)
    assert "Do you gift wrap?" in page and "&lt;b&gt;Yes&lt;/b&gt;" in page
    token = auth.page_csrf("/admin/review/")
    assert client.post("/admin/review/proposals/1/approve", data={}).status_code == 400  # no CSRF
    client.post("/admin/review/proposals/1/approve", data={"csrf_token": token})
    with session_scope(app) as session:
        assert session.get(Faq, "67").question == "Do you gift wrap?"
        created = session.scalars(select(FaqRevision).where(FaqRevision.faq_id == "67")).one()
        admin = session.scalars(select(User).where(User.email == "boss@example.com")).one()
        assert (created.action, created.source, created.user_id) == ("created", "proposal", admin.id)
    assert "Do you gift wrap?" not in client.get("/admin/review/").get_data(as_text=True)


def test_admin_retrains_and_rolls_back_from_the_page(app, client, auth):
    auth.login("boss@example.com", "admin")
    token = auth.page_csrf("/admin/")
    client.post("/admin/retrain", data={"csrf_token": token})
    deadline = time.monotonic() + 180  # a retrain takes a minute on a busy 2-core machine
    while time.monotonic() < deadline:
        with session_scope(app) as session:
            job = session.get(Job, 1)
            if job.status in ("succeeded", "failed"):
                break
        time.sleep(0.1)
    assert job.status == "succeeded", job.error
    assert client.get("/healthz").get_json()["model"]["version"] == job.model_version
    versions = client.get("/api/v1/admin/models", headers=auth.headers("admin")).get_json()["versions"]
    new = next(v for v in versions if v["version"] == job.model_version)
    recorded = {key: new["contents"][key] for key in ("faqs", "learned", "edited_faqs")}
    assert recorded == {"faqs": 66, "learned": 0, "edited_faqs": 0} and new["contents"]["phrasings"] > 66
    assert new["previous"] == MODEL_VERSION and new["summary"].startswith("same FAQs, thresholds ")
    client.post(f"/admin/models/{MODEL_VERSION}/activate", data={"csrf_token": token})
    assert client.get("/healthz").get_json()["model"]["version"] == MODEL_VERSION
    page = client.get("/admin/").get_data(as_text=True)
    assert job.model_version in page and "succeeded" in page
