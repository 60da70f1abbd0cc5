"""Production serving: two gunicorn workers answer, and both follow a model switch."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from faqbot.web import create_app
from faqbot.web.db import get_engine, session_scope
from faqbot.web.modelstore import register

from .support import MODEL_VERSION, ROOT, add_admin_token, call, free_port, make_config

SECOND = "20990101T000000Z-second"
GUNICORN = Path(sys.executable).with_name("gunicorn")


def prepare_instance(instance: Path, database_url: str) -> str:
    """Migrate, adopt the sample model, add a second version and an admin token."""
    app = create_app(make_config(instance, database_url))
    models = Path(app.config["MODELS_DIR"])
    shutil.copytree(models / MODEL_VERSION, models / SECOND)
    with session_scope(app) as session:
        register(session, SECOND, {}, "test")
        token = add_admin_token(session)
    get_engine(app).dispose()
    return token


def wait_until_ready(base: str, process: subprocess.Popen, timeout: float = 120.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"gunicorn exited with {process.returncode}")
        try:
            if call(base, "/healthz")[0] == 200:
                return
        except OSError:  # refused or timed out while the workers boot (busy CI machines)
            pass
        time.sleep(0.2)
    raise AssertionError("gunicorn did not become ready")


@pytest.fixture
def gunicorn_server(instance, database_url, tmp_path):
    token = prepare_instance(instance, database_url)
    port = free_port()
    env = {
        **os.environ,
        "FAQBOT_INSTANCE_PATH": str(instance),
        "FAQBOT_DATABASE_URL": database_url,
        "FAQBOT_SECRET_KEY": "gunicorn-test-secret-0123456789",
        "FAQBOT_ENV": "production",
        "FAQBOT_MAIL_BACKEND": "file",
        "PYTHONPATH": str(ROOT),
    }
    log = open(tmp_path / "gunicorn.log", "w")  # noqa: SIM115 - closed below
    process = subprocess.Popen(
        [str(GUNICORN), "-w", "2", "-b", f"127.0.0.1:{port}", "faqbot.web:create_app()"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_ready(base, process)
        yield base, {"Authorization": f"Bearer {token}"}
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()
        print((tmp_path / "gunicorn.log").read_text())  # shown when the test fails


def test_gunicorn_two_workers_answer_hand_off_and_follow_the_live_model(gunicorn_server):
    base, admin = gunicorn_server
    status, body = call(base, "/api/v1/ask", {"question": "How can I track my order?"})
    assert status == 200 and body["status"] == "answered" and body["answer"]["faq_id"] == "38"
    assert_concurrent_handoffs_all_reach_the_inbox(base, admin)

    status, _ = call(base, f"/api/v1/admin/models/{SECOND}/activate", {}, admin)
    assert status == 200
    time.sleep(1.5)  # each worker checks the live version at most once a second
    versions = {call(base, "/healthz")[1]["model"]["version"] for _ in range(20)}
    assert versions == {SECOND}
    status, body = call(base, "/api/v1/ask", {"question": "How can I track my order?"})
    assert status == 200 and body["status"] == "answered"


def assert_concurrent_handoffs_all_reach_the_inbox(base: str, admin: dict) -> None:
    def hand_off(n: int) -> int:
        status, body = call(base, "/api/v1/ask", {"question": f"question {n}", "handoff": True})
        assert status == 200, body
        return body["ticket"]["id"]

    with ThreadPoolExecutor(max_workers=8) as pool:
        ids = list(pool.map(hand_off, range(24)))
    assert len(set(ids)) == 24
    status, body = call(base, "/api/v1/staff/tickets?status=open&limit=100", headers=admin)
    assert status == 200 and sorted(t["id"] for t in body["tickets"]) == sorted(ids)
