"""Model versions: safe version names, activation, and each process following the live one."""

from __future__ import annotations

import gc
import json
import shutil

import pytest

from faqbot.web import create_app
from faqbot.web.core.db import session_scope
from faqbot.web.core.tables import ModelVersion
from faqbot.web.models.store import LiveModel, UnknownVersion, live_version, register, set_live, version_path

from ..support import MODEL_VERSION


@pytest.mark.parametrize(
    "name", ["..", "../x", "a/b", "/etc", ".hidden", "", "a" * 81, "x\x00y", "v1/../../etc"]
)
def test_version_names_cannot_escape_the_models_dir(tmp_path, name):
    with pytest.raises(UnknownVersion):
        version_path(tmp_path, name)


def test_a_plain_version_name_resolves_inside(tmp_path):
    assert version_path(tmp_path, "20260101T000000Z-abc") == tmp_path.resolve() / "20260101T000000Z-abc"


def test_activate_unknown_or_malformed_version_is_404(client, auth):
    admin = auth.headers("admin")
    for version in ("nope", "..", "%2e%2e"):
        response = client.post(f"/api/v1/admin/models/{version}/activate", headers=admin)
        assert response.status_code == 404
        assert response.get_json()["error"]["code"] == "not_found"


def test_models_lists_the_adopted_sample_as_live(client, auth):
    body = client.get("/api/v1/admin/models", headers=auth.headers("admin")).get_json()
    assert body["live"] == MODEL_VERSION
    [version] = body["versions"]
    assert version["is_live"] and version["source"] == "adopted"
    assert version["metrics"] is not None


@pytest.mark.sqlite_only
def test_a_live_model_this_release_cannot_read_is_retrained_at_start(app, app_config):
    """After an upgrade that changed the model format, the first start trains a new version."""
    manifest_path = version_path(app.config["MODELS_DIR"], MODEL_VERSION) / "manifest.json"
    manifest = json.loads(manifest_path.read_text())
    manifest["format_version"] = 1  # as written before the token embeddings
    manifest_path.write_text(json.dumps(manifest))
    restarted = create_app(app_config)
    try:
        with session_scope(restarted) as session:
            live = live_version(session)
            assert live != MODEL_VERSION
            assert session.get(ModelVersion, live).source == "upgrade"
        assert restarted.extensions["faqbot.live_model"].get()[0] == live
    finally:
        restarted.extensions["faqbot.engine"].dispose()


def test_a_readable_live_model_is_kept_at_start(app, app_config):
    restarted = create_app(app_config)
    try:
        with session_scope(restarted) as session:
            assert live_version(session) == MODEL_VERSION
    finally:
        restarted.extensions["faqbot.engine"].dispose()


def copy_version(app, name: str) -> None:
    root = version_path(app.config["MODELS_DIR"], MODEL_VERSION).parent
    shutil.copytree(root / MODEL_VERSION, root / name)
    with session_scope(app) as session:
        register(session, name, {}, "test")


def test_live_model_follows_the_database_and_keeps_the_old_one_on_a_bad_load(app):
    copy_version(app, "20990101T000000Z-second")
    copy_version(app, "20990101T000000Z-broken")
    (version_path(app.config["MODELS_DIR"], "20990101T000000Z-broken") / "manifest.json").write_text("{")
    live = LiveModel(app, interval=0.0)
    assert live.get()[0] == MODEL_VERSION
    with session_scope(app) as session:
        set_live(session, "20990101T000000Z-second")
    assert live.get()[0] == "20990101T000000Z-second"
    with session_scope(app) as session:
        set_live(session, "20990101T000000Z-broken")
    assert live.get()[0] == "20990101T000000Z-second"  # the broken one is not served
    with session_scope(app) as session:
        assert session.get(ModelVersion, "20990101T000000Z-broken").is_live


def test_requests_arriving_while_the_first_model_loads_wait_for_it(app):
    """A fresh worker's first requests come together: none may be told "starting up" while
    another thread is halfway through loading the model (seen as 503s after a worker restart)."""
    import threading

    from faqbot.web.models.store import load_engine_model

    loading = threading.Event()

    def slow_loader(path):
        loading.set()
        model = load_engine_model(path)
        threading.Event().wait(0.5)  # the real load takes about a second
        return model

    live = LiveModel(app, loader=slow_loader)
    first = threading.Thread(target=live.get)
    first.start()
    assert loading.wait(30)
    got = live.get()  # arrives during the first thread's load
    first.join()
    assert got is not None and got[0] == MODEL_VERSION


def test_exactly_one_version_is_live_after_activation(app, client, auth):
    copy_version(app, "20990101T000000Z-second")
    admin = auth.headers("admin")
    response = client.post("/api/v1/admin/models/20990101T000000Z-second/activate", headers=admin)
    assert response.status_code == 200 and response.get_json()["is_live"]
    body = client.get("/api/v1/admin/models", headers=admin).get_json()
    assert [v["version"] for v in body["versions"] if v["is_live"]] == ["20990101T000000Z-second"]
    assert client.get("/healthz").get_json()["model"]["version"] == "20990101T000000Z-second"


def test_a_second_retrain_while_one_runs_is_409(app, client, auth):
    from faqbot.web.models.training import queue_retrain

    with session_scope(app) as session:  # a retrain another worker queued: it holds the lease
        queue_retrain(session, None)
    response = client.post("/api/v1/admin/retrain", headers=auth.headers("admin"))
    assert response.status_code == 409
    assert response.get_json()["error"]["code"] == "retrain_in_progress"


def test_jobs_left_running_by_a_dead_process_are_marked_failed_at_start(app_config):
    import socket
    import subprocess
    import sys

    from faqbot.web import create_app
    from faqbot.web.core.db import get_engine
    from faqbot.web.core.tables import Job

    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    app = create_app(app_config)
    with session_scope(app) as session:
        session.add(Job(kind="retrain", status="running", owner=f"{socket.gethostname()}:{dead.pid}"))
        session.add(Job(kind="retrain", status="running", owner="other-host:1"))
    get_engine(app).dispose()
    app = create_app(app_config)  # a restart
    try:
        with session_scope(app) as session:
            statuses = [job.status for job in session.query(Job).order_by(Job.id)]
        assert statuses == ["failed", "running"]  # another host's job may still be alive
    finally:
        get_engine(app).dispose()


@pytest.fixture
def unfrozen():
    """Leaves the garbage collector as it found it (a frozen heap would outlive the test)."""
    gc.unfreeze()
    yield
    gc.unfreeze()


def _frozen(obj) -> bool:
    """Whether the garbage collector skips ``obj`` (moved to its permanent generation)."""
    return not any(tracked is obj for tracked in gc.get_objects())


@pytest.mark.parametrize("freeze", [True, False])
def test_in_production_each_loaded_model_is_frozen_out_of_the_garbage_collector(app, unfrozen, freeze):
    copy_version(app, "20990101T000000Z-second")
    live = LiveModel(app, interval=0.0, freeze=freeze)
    first = live.get()[1]
    with session_scope(app) as session:
        set_live(session, "20990101T000000Z-second")
    assert live.get()[0] == "20990101T000000Z-second"  # after a swap too (unfreeze, collect, freeze)
    assert (_frozen(first), _frozen(live.get()[1])) == (freeze, freeze)
