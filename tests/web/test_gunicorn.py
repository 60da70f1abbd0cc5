"""Production serving: two gunicorn workers answer, and both follow a model switch."""

from __future__ import annotations

import shutil
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from faqbot.web import create_app
from faqbot.web.core.db import get_engine, session_scope
from faqbot.web.models.store import register

from .support import MODEL_VERSION, add_admin_token, call, make_config, run_gunicorn

SECOND = "20990101T000000Z-second"


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


@pytest.fixture
def gunicorn_server(instance, database_url, tmp_path):
    token = prepare_instance(instance, database_url)
    settings = {
        "FAQBOT_INSTANCE_PATH": str(instance),
        "FAQBOT_DATABASE_URL": database_url,
        "FAQBOT_SECRET_KEY": "gunicorn-test-secret-0123456789",
    }
    with run_gunicorn(settings, tmp_path / "gunicorn.log", workers=2) as base:
        yield base, {"Authorization": f"Bearer {token}"}


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
