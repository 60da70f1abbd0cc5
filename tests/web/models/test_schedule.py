"""The debounced scheduled retrain: teaching reaches visitors once things are quiet, without an
admin, and never two retrains at once across workers."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from faqbot.web import create_app
from faqbot.web.core import leases
from faqbot.web.core.db import new_session, session_scope
from faqbot.web.core.errors import ApiError
from faqbot.web.core.tables import FaqRevision, Job, ModelVersion, utcnow
from faqbot.web.models import training
from faqbot.web.models.schedule import outlook, scheduled_retrain
from faqbot.web.ops.scheduler import TASKS, run_due

from ..support import MODEL_VERSION, make_config

QUESTION = "my cat ate the sofa cushion, is that covered"
TARGET_FAQ = "51"
DEBOUNCE = 60.0


@pytest.fixture
def quick(app):
    app.config.update(
        RETRAIN_AUTO_MIN_NEW=1, RETRAIN_DEBOUNCE_SECONDS=DEBOUNCE, RETRAIN_MAX_WAIT_SECONDS=600.0
    )
    return app


def link_a_question(client, staff) -> None:
    """A visitor's handed-off wording, linked by staff to an FAQ (a learned phrasing)."""
    asked = client.post("/api/v1/ask", json={"question": QUESTION, "handoff": True}).get_json()
    resolved = client.post(
        f"/api/v1/staff/tickets/{asked['ticket']['id']}/resolve",
        headers=staff,
        json={"action": "link", "faq_id": TARGET_FAQ},
    )
    assert resolved.status_code == 200, resolved.get_json()


def wait_for_jobs(app, timeout: float = 300.0) -> list[Job]:
    """Every retrain job, once none is queued or running."""
    deadline = utcnow() + timedelta(seconds=timeout)
    while utcnow() < deadline:
        with session_scope(app) as session:
            jobs = session.scalars(select(Job).order_by(Job.id)).all()
            if all(j.status in ("succeeded", "failed") for j in jobs):
                return jobs
        threading.Event().wait(0.2)
    raise AssertionError("the retrain did not finish")


def tick(app, now) -> dict:
    """One scheduler tick of one worker, on the given clock."""
    retrain_task = [t for t in TASKS if t.name == "retrain"]
    run_due(app, f"worker-{now.timestamp()}", now, tasks=retrain_task)
    with new_session(app) as session:
        from faqbot.web.core.tables import ScheduledRun

        return session.get(ScheduledRun, "retrain").last_result


def test_a_link_followed_by_quiet_time_triggers_exactly_one_retrain(quick, client, auth):
    app = quick
    link_a_question(client, auth.headers("staff"))
    linked_at = utcnow()

    waiting = tick(app, linked_at + timedelta(seconds=DEBOUNCE / 2))
    assert waiting["action"] == "none" and waiting["state"] == "waiting" and waiting["changes"] == 1
    assert waiting["since_version"] == MODEL_VERSION and waiting["due_at"] is not None

    started = tick(app, linked_at + timedelta(seconds=DEBOUNCE + 1))
    assert started["action"] == "started", started
    [job] = wait_for_jobs(app)
    assert job.status == "succeeded", job.error
    assert job.details["trigger"] == "scheduled" and job.stage == "done: live"

    for later in (DEBOUNCE + 30, DEBOUNCE * 10, 7200):  # quiet from now on: nothing more to do
        after = tick(app, utcnow() + timedelta(seconds=later))
        assert after["action"] == "none" and after["state"] == "up_to_date", after
    with session_scope(app) as session:
        assert session.scalar(select(func.count()).select_from(Job)) == 1
        live = session.scalar(select(ModelVersion).where(ModelVersion.is_live.is_(True)))
        assert live.version == job.model_version and live.report["corpus"]["fingerprint"]
    answer = client.post("/api/v1/ask", json={"question": QUESTION}).get_json()
    assert answer["status"] == "answered" and answer["answer"]["faq_id"] == TARGET_FAQ


def test_more_teaching_pushes_the_retrain_back_until_the_max_wait(quick):
    app = quick
    start = utcnow()
    with session_scope(app) as session:  # a change every 50 s: never quiet for the 60 s debounce
        for n in range(12):
            session.add(
                FaqRevision(
                    faq_id="1", revision=2 + n, action="edited", created_at=start + timedelta(seconds=50 * n)
                )
            )
    with session_scope(app) as session:
        busy = outlook(app, session, start + timedelta(seconds=580))
        assert busy.state == "waiting" and busy.changes == 12
        assert busy.due_at == start + timedelta(seconds=600)  # the max wait, not the last change + 60 s
        assert outlook(app, session, start + timedelta(seconds=601)).state == "due"


def test_the_minimum_number_of_changes_and_the_off_switch(quick):
    app = quick
    app.config["RETRAIN_AUTO_MIN_NEW"] = 3
    with session_scope(app) as session:
        session.add(FaqRevision(faq_id="1", revision=2, action="edited"))
    later = utcnow() + timedelta(hours=1)
    with session_scope(app) as session:
        look = outlook(app, session, later)
        assert look.state == "collecting" and "1 of 3" in look.reason
    app.config["RETRAIN_AUTO_MIN_NEW"] = 0
    assert scheduled_retrain(app, later)["state"] == "disabled"


def test_a_failed_scheduled_retrain_is_not_retried_every_tick(quick, monkeypatch):
    app = quick
    monkeypatch.setattr(training, "run_retrain", lambda app_, job_id: None)  # the thread does nothing
    with session_scope(app) as session:
        session.add(FaqRevision(faq_id="1", revision=2, action="edited"))
    later = utcnow() + timedelta(seconds=DEBOUNCE + 1)
    started = scheduled_retrain(app, later)
    assert started["action"] == "started"
    assert scheduled_retrain(app, later)["state"] == "running"
    with session_scope(app) as session:
        job = session.get(Job, started["job_id"])
        job.status, job.finished_at = "failed", utcnow()
        leases.release(session, training.RETRAIN_LEASE, f"job:{job.id}")
    assert scheduled_retrain(app, later)["state"] == "failed"
    assert scheduled_retrain(app, utcnow() + timedelta(hours=2))["action"] == "started"


def test_two_workers_do_not_retrain_at_once(quick, instance, database_url, monkeypatch):
    """Two apps (as two gunicorn workers or instances) on one database, both due at once."""
    ran = []
    monkeypatch.setattr(training, "run_retrain", lambda app_, job_id: ran.append(job_id))
    other = create_app(make_config(instance, database_url, RETRAIN_DEBOUNCE_SECONDS=DEBOUNCE))
    try:
        with session_scope(quick) as session:
            session.add(FaqRevision(faq_id="1", revision=2, action="edited"))
        due = utcnow() + timedelta(seconds=DEBOUNCE + 1)
        barrier, results = threading.Barrier(2), []

        def worker(app):
            barrier.wait()
            results.append(scheduled_retrain(app, due))

        threads = [threading.Thread(target=worker, args=(a,)) for a in (quick, other)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
        actions = sorted(r["action"] for r in results)
        assert actions in (["none", "started"], ["skipped", "started"]), results
        with session_scope(quick) as session:
            assert session.scalar(select(func.count()).select_from(Job)) == 1
        # Nor can an admin start one beside it, on either worker.
        for app in (quick, other):
            with new_session(app) as session, pytest.raises(ApiError) as refused:
                training.queue_retrain(session, None)
            assert refused.value.status == 409 and "still queued" in refused.value.message
    finally:
        other.extensions["faqbot.engine"].dispose()


def test_a_retrain_whose_process_died_does_not_block_the_next(quick, monkeypatch):
    app = quick
    monkeypatch.setattr(training, "run_retrain", lambda app_, job_id: None)
    with session_scope(app) as session:
        dead = training.queue_retrain(session, None)
    with session_scope(app) as session, pytest.raises(ApiError):
        training.queue_retrain(session, None)  # its lease still runs
    with session_scope(app) as session:  # the process stopped renewing: the lease lapses
        session.execute(leases.Lease.__table__.update().values(expires_at=utcnow() - timedelta(seconds=1)))
    with session_scope(app) as session:
        fresh = training.queue_retrain(session, None)
    with session_scope(app) as session:
        gone = session.get(Job, dead.id)
        assert gone.status == "failed" and "lease lapsed" in gone.error
        assert session.get(Job, fresh.id).status == "queued"
        assert leases.holder(session, training.RETRAIN_LEASE).owner == f"job:{fresh.id}"


def test_the_schedule_is_on_the_models_page_and_in_the_api(quick, client, auth):
    admin = auth.headers("admin")
    body = client.get("/api/v1/admin/retrain/schedule", headers=admin).get_json()
    assert body["state"] == "up_to_date" and body["settings"]["debounce_seconds"] == DEBOUNCE
    link_a_question(client, auth.headers("staff"))
    body = client.get("/api/v1/admin/retrain/schedule", headers=admin).get_json()
    assert body["state"] == "waiting" and body["changes"] == 1 and body["due_at"]
    assert client.get("/api/v1/admin/retrain/schedule", headers=auth.headers("staff")).status_code == 403
    auth.login("boss@example.com", "admin")
    assert "The scheduler is off in this service" in client.get("/admin/").get_data(as_text=True)
    quick.config["SCHEDULER_ENABLED"] = True  # as in a served instance (the tests' apps run no thread)
    page = client.get("/admin/").get_data(as_text=True)
    assert "1 change to the FAQs or learned phrasings" in page and "a retrain starts by itself at" in page
