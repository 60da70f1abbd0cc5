"""Commands that need an instance refuse a directory that is not one; ``init``, ``doctor``,
``--version``; and an instance that cannot answer says why on ``/healthz``."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from faqbot.cli import main
from faqbot.web import create_app

from .support import free_port, make_config


@pytest.fixture
def elsewhere(tmp_path, monkeypatch):
    """An empty working directory, with no instance configured."""
    monkeypatch.chdir(tmp_path)
    for name in ("FAQBOT_INSTANCE_PATH", "FAQBOT_DATABASE_URL", "FAQBOT_SECRET_KEY"):
        monkeypatch.delenv(name, raising=False)
    return tmp_path


def test_users_create_outside_an_instance_fails_and_writes_nothing(elsewhere, monkeypatch, capsys):
    monkeypatch.setattr("sys.stdin", io.StringIO("violet ocelot parade\n"))
    code = main(["users", "create", "--email", "ana@example.com"])
    err = capsys.readouterr().err
    assert code != 0
    assert f"{elsewhere / 'instance'} is not a faqbot instance" in err and "faqbot init" in err
    assert list(elsewhere.iterdir()) == []


def test_a_named_instance_that_does_not_exist_is_not_created(elsewhere, monkeypatch, capsys):
    monkeypatch.setenv("FAQBOT_INSTANCE_PATH", str(elsewhere / "typo"))
    assert main(["tokens", "create", "--email", "ana@example.com"]) != 0
    assert "FAQBOT_INSTANCE_PATH" in capsys.readouterr().err
    assert list(elsewhere.iterdir()) == []


def test_version(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["--version"])
    assert exit_.value.code == 0 and capsys.readouterr().out.startswith("faqbot 0.")


@pytest.mark.sqlite_only
def test_init_creates_an_instance_that_commands_then_accept(elsewhere, monkeypatch, capsys):
    monkeypatch.setenv("FAQBOT_INSTANCE_PATH", "unused")  # restored after init overrides it
    assert main(["init", str(elsewhere / "shop"), "--no-model"]) == 0
    out = capsys.readouterr().out
    assert f"created instance: {elsewhere / 'shop'}" in out and "first admin login" in out
    monkeypatch.setattr("sys.stdin", io.StringIO("violet ocelot parade\n"))
    assert main(["users", "create", "--email", "ana@example.com"]) == 0
    assert main(["init", str(elsewhere / "shop"), "--no-model"]) == 0
    assert "instance is up to date" in capsys.readouterr().out


@pytest.fixture
def instance_env(app, monkeypatch):
    monkeypatch.setenv("FAQBOT_INSTANCE_PATH", app.instance_path)
    monkeypatch.setenv("FAQBOT_DATABASE_URL", app.config["DATABASE_URL"])
    monkeypatch.setenv("FAQBOT_SECRET_KEY", app.config["SECRET_KEY"])
    return app


def test_doctor_passes_on_a_working_instance(instance_env, capsys):
    code = main(["doctor"])
    out = capsys.readouterr().out
    assert code == 0, out
    assert "ok    database:" in out and "migrated" in out
    assert "ok    model: 20000101T000000Z-sample" in out and "verified" in out
    assert "ok    rate-limit store: database:// (the service's database" in out
    assert out.rstrip().endswith("everything looks fine")


@pytest.mark.sqlite_only
def test_doctor_fails_with_the_reason_when_the_database_is_unreachable(instance_env, monkeypatch, capsys):
    url = f"postgresql+psycopg://postgres@127.0.0.1:{free_port()}/test"  # nothing listens there
    monkeypatch.setenv("FAQBOT_DATABASE_URL", url)
    code = main(["doctor"])
    out = capsys.readouterr().out
    assert code == 1
    assert f"FAIL  database: cannot reach {url}" in out and "refused" in out
    assert "FAIL  rate-limit store: the database store cannot read its counters" in out
    assert "problems found" in out


def test_doctor_outside_an_instance_says_so(elsewhere, capsys):
    assert main(["doctor"]) == 1
    assert "FAIL  instance:" in capsys.readouterr().out


def test_doctor_names_a_broken_live_model(instance_env, capsys):
    files = sorted(Path(instance_env.config["MODELS_DIR"]).rglob("*"))
    victim = next(p for p in files if p.is_file() and p.name != "manifest.json")
    victim.write_bytes(victim.read_bytes() + b"tampered")
    assert main(["doctor"]) == 1
    assert "FAIL  model:" in capsys.readouterr().out


@pytest.mark.sqlite_only
def test_healthz_says_what_to_do_when_there_are_no_faqs(tmp_path, database_url):
    app = create_app(make_config(tmp_path / "empty", database_url, SEED_CORPUS=None))
    try:
        response = app.test_client().get("/healthz")
    finally:
        app.extensions["faqbot.engine"].dispose()
    assert response.status_code == 503
    model = response.get_json()["model"]
    assert (
        model["ready"] is False and "no FAQs" in model["problem"] and "faqbot kb import" in model["problem"]
    )
