"""The learning loop: handed off, linked by staff, retrained by an admin, then answered."""

from __future__ import annotations

from faqbot.web.core.db import session_scope
from faqbot.web.core.tables import LearnedPhrasing, ProposedFaq

from ..support import wait_for_job

QUESTION = "my cat ate the sofa cushion, is that covered"
TARGET_FAQ = "51"  # extended warranty / protection plan


def test_linked_question_is_answered_after_retraining(app, client, auth):
    plain = client.post("/api/v1/ask", json={"question": QUESTION}).get_json()
    assert not (plain["status"] == "answered" and plain["answer"]["faq_id"] == TARGET_FAQ)
    before = client.post("/api/v1/ask", json={"question": QUESTION, "handoff": True}).get_json()
    assert before["status"] == "handoff" and before["answer"] is None

    staff, admin = auth.headers("staff"), auth.headers("admin")
    ticket = before["ticket"]["id"]
    resolved = client.post(
        f"/api/v1/staff/tickets/{ticket}/resolve",
        headers=staff,
        json={"action": "link", "faq_id": TARGET_FAQ},
    )
    assert resolved.status_code == 200
    assert resolved.get_json()["status"] == "closed"
    with session_scope(app) as session:
        learned = session.query(LearnedPhrasing).one()
        assert (learned.faq_id, learned.text) == (TARGET_FAQ, QUESTION)

    old_live = client.get("/api/v1/admin/models", headers=admin).get_json()["live"]
    started = client.post("/api/v1/admin/retrain", headers=admin)
    assert started.status_code == 202
    job = wait_for_job(client, admin, started.get_json()["job"]["id"])
    assert job["status"] == "succeeded", job["error"]

    models = client.get("/api/v1/admin/models", headers=admin).get_json()
    assert models["live"] == job["model_version"] != old_live
    assert {v["version"] for v in models["versions"]} == {old_live, job["model_version"]}

    after = client.post("/api/v1/ask", json={"question": QUESTION}).get_json()
    assert after["status"] == "answered", after
    assert after["answer"]["faq_id"] == TARGET_FAQ

    # Rolling back brings the old behaviour back, without a restart.
    client.post(f"/api/v1/admin/models/{old_live}/activate", headers=admin)
    again = client.post("/api/v1/ask", json={"question": QUESTION}).get_json()
    assert not (again["status"] == "answered" and again["answer"]["faq_id"] == TARGET_FAQ)


def test_failed_retrain_leaves_the_live_model_alone(app, client, auth, monkeypatch):
    admin = auth.headers("admin")
    live = client.get("/api/v1/admin/models", headers=admin).get_json()["live"]

    def broken_fit(*_args, **_kwargs):
        raise RuntimeError("out of memory")

    monkeypatch.setattr("faqbot.fit_model", broken_fit)
    job_id = client.post("/api/v1/admin/retrain", headers=admin).get_json()["job"]["id"]
    job = wait_for_job(client, admin, job_id)
    assert job["status"] == "failed" and "out of memory" in job["error"]
    assert client.get("/api/v1/admin/models", headers=admin).get_json()["live"] == live
    assert client.post("/api/v1/ask", json={"question": "How can I track my order?"}).status_code == 200


def test_new_faq_resolution_is_proposed_and_approved_into_the_corpus(app, client, auth):
    ticket = client.post(
        "/api/v1/ask", json={"question": "do you buy back old sofas", "handoff": True}
    ).get_json()["ticket"]["id"]
    staff, admin = auth.headers("staff"), auth.headers("admin")
    response = client.post(
        f"/api/v1/staff/tickets/{ticket}/resolve",
        headers=staff,
        json={
            "action": "new_faq",
            "question": "Do you buy back old furniture?",
            "answer": "No, but we recycle it for free.",
        },
    )
    assert response.status_code == 200
    proposals = client.get("/api/v1/admin/proposed-faqs", headers=admin).get_json()
    [proposal] = proposals["proposed_faqs"]
    assert proposal["status"] == "pending" and proposal["phrasing"] == "do you buy back old sofas"
    approved = client.post(f"/api/v1/admin/proposed-faqs/{proposal['id']}/approve", headers=admin).get_json()
    assert approved["status"] == "approved" and approved["faq_id"] == "67"
    again = client.post(f"/api/v1/admin/proposed-faqs/{proposal['id']}/approve", headers=admin)
    assert again.status_code == 409
    faqs = client.get("/api/v1/faqs").get_json()
    assert any(f["id"] == "67" for c in faqs["categories"] for f in c["faqs"])
    with session_scope(app) as session:
        assert session.get(ProposedFaq, proposal["id"]).faq_id == "67"


def test_resolve_rejects_unknown_faq_and_bad_action_and_double_resolution(client, auth):
    ticket = client.post("/api/v1/ask", json={"question": "x", "handoff": True}).get_json()
    path = f"/api/v1/staff/tickets/{ticket['ticket']['id']}/resolve"
    staff = auth.headers()
    assert client.post(path, headers=staff, json={"action": "link", "faq_id": "999"}).status_code == 400
    assert client.post(path, headers=staff, json={"action": "explode"}).status_code == 400
    assert client.post(path, headers=staff, json={"action": "new_faq", "question": ""}).status_code == 400
    assert client.post(path, headers=staff, json={"action": "dismiss"}).status_code == 200
    assert client.post(path, headers=staff, json={"action": "dismiss"}).status_code == 409
    assert (
        client.post(
            "/api/v1/staff/tickets/999/resolve", headers=staff, json={"action": "dismiss"}
        ).status_code
        == 404
    )
