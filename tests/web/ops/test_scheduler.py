"""The scheduler: one claim per due task across processes, retention and retraining as tasks."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from faqbot.web import create_app
from faqbot.web.core.db import new_session, session_scope
from faqbot.web.core.tables import Query, ScheduledRun, utcnow
from faqbot.web.models import schedule
from faqbot.web.ops import scheduler
from faqbot.web.ops.scheduler import LEASE, Task, claim, run_due

from ..support import make_config


def task(name: str = "job", interval=timedelta(hours=1), run=lambda app, now: {"ok": True}) -> Task:
    return Task(name, interval, run)


def row(app, name: str) -> ScheduledRun:
    with new_session(app) as session:
        return session.get(ScheduledRun, name)


def test_only_one_owner_claims_a_due_task(app):
    now, job = utcnow(), task()
    assert claim(app, job, "a", now) is True
    assert claim(app, job, "b", now) is False  # claimed
    assert row(app, "job").owner == "a"


def test_a_task_is_due_again_only_after_its_interval(app):
    now, calls = utcnow(), []
    job = task(run=lambda app, now: calls.append(1) or {"n": len(calls)})
    assert run_due(app, "a", now, tasks=[job]) == ["job"]
    assert run_due(app, "b", now + timedelta(minutes=59), tasks=[job]) == []
    assert run_due(app, "b", now + timedelta(hours=1, seconds=1), tasks=[job]) == ["job"]
    assert len(calls) == 2
    done = row(app, "job")
    assert done.claimed_until is None and done.owner == "b" and done.last_result == {"n": 2}
    assert done.last_finished_at is not None


def test_a_dead_owners_claim_expires(app):
    now, job = utcnow(), task(interval=timedelta(minutes=10))
    assert claim(app, job, "dies", now)
    assert not claim(app, job, "b", now + timedelta(minutes=30))  # interval passed, claim still held
    assert claim(app, job, "b", now + LEASE + timedelta(seconds=1))


def test_a_failing_task_is_recorded_and_does_not_stop_the_others(app, caplog):
    def boom(app, now):
        raise RuntimeError("disk full")

    ran = run_due(app, "a", tasks=[task("bad", run=boom), task("good")])
    assert ran == ["bad", "good"]
    assert row(app, "bad").last_result == {"error": "RuntimeError: disk full"}
    assert row(app, "bad").claimed_until is None
    assert "scheduled task bad failed" in caplog.text


def test_losing_the_insert_race_is_harmless(app, monkeypatch):
    claim(app, task(), "a")
    monkeypatch.setattr(Session, "get", lambda self, *args, **kwargs: None)  # "not there yet"
    assert claim(app, task(), "b") is False  # the insert fails on the existing row; no error


def old_questions(app, n: int = 3) -> None:
    with session_scope(app) as session:
        for i in range(n):
            session.add(
                Query(
                    question=f"q{i}",
                    decision="handoff",
                    confidence=0.1,
                    latency_ms=1.0,
                    created_at=utcnow() - timedelta(days=400),
                )
            )


def test_retention_runs_once_across_two_processes(app):
    old_questions(app)
    app.config["RETENTION_DAYS"] = 365
    retention = [t for t in scheduler.TASKS if t.name == "retention"]
    assert run_due(app, "worker-1", tasks=retention) == ["retention"]
    assert run_due(app, "worker-2", tasks=retention) == []
    result = row(app, "retention").last_result
    assert result["queries"] == 3 and result["days"] == 365 and result["dry_run"] is False
    with new_session(app) as session:
        assert session.scalar(select(func.count()).select_from(Query)) == 0


def test_retention_is_skipped_when_kept_forever(app):
    old_questions(app)
    app.config["RETENTION_DAYS"] = 0
    assert "retention" not in run_due(app, "w", tasks=scheduler.TASKS[:1])
    assert row(app, "retention") is None
    with new_session(app) as session:
        assert session.scalar(select(func.count()).select_from(Query)) == 3


def test_retrain_task_checks_the_schedule_once_per_claim_with_the_ticks_clock(app, monkeypatch):
    calls = []
    monkeypatch.setattr(
        schedule, "scheduled_retrain", lambda app, now: calls.append(now) or {"action": "none"}
    )
    retrain = [t for t in scheduler.TASKS if t.name == "retrain"]
    now = utcnow() + timedelta(minutes=5)
    assert run_due(app, "w1", now, tasks=retrain) == ["retrain"]
    assert run_due(app, "w2", now, tasks=retrain) == []  # claimed for this second already
    assert run_due(app, "w2", now + timedelta(seconds=2), tasks=retrain) == ["retrain"]
    assert calls == [now, now + timedelta(seconds=2)] and row(app, "retrain").last_result == {
        "action": "none"
    }


def test_retrain_task_is_off_when_scheduled_retraining_is(app):
    app.config["RETRAIN_AUTO_MIN_NEW"] = 0
    assert run_due(app, "w", tasks=[t for t in scheduler.TASKS if t.name == "retrain"]) == []


def test_the_thread_starts_only_when_enabled_and_stops(instance, database_url):
    off = create_app(make_config(instance, database_url))
    assert "faqbot.scheduler" not in off.extensions
    off.extensions["faqbot.engine"].dispose()
    on = create_app(make_config(instance, database_url, SCHEDULER_ENABLED=True, SCHEDULER_TICK=3600.0))
    try:
        thread = on.extensions["faqbot.scheduler"]._thread
        assert thread.is_alive() and thread.daemon
    finally:
        on.extensions["faqbot.scheduler"].stop()
        on.extensions["faqbot.engine"].dispose()
    assert not thread.is_alive()


def test_tasks_are_registered():
    names = {t.name: t.interval for t in scheduler.TASKS}
    assert names == {"retention": timedelta(days=1), "retrain": timedelta(seconds=1)}
