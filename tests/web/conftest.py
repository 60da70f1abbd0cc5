"""Fixtures for the web service: an app per test on SQLite and on PostgreSQL, a client, a CLI
runner and an ``auth`` helper.  The sample model is trained once per session and copied into
each test's instance, so tests exercise the real engine without paying for training each time.
"""

from __future__ import annotations

import argparse
import io
import os
import secrets
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from werkzeug.security import generate_password_hash

import faqbot
from faqbot.engine.corpus import load_corpus
from faqbot.engine.labelled import load_labelled
from faqbot.web import create_app
from faqbot.web.app.cli import add_commands
from faqbot.web.core.config import SAMPLE_QUERIES, defaults
from faqbot.web.core.db import session_scope
from faqbot.web.core.security import hash_token, new_api_token
from faqbot.web.core.tables import ApiToken, User

# The browser fixtures, registered here once for every suite (see live.py).
from .live import _threads, browser, context, serve, server, shop, tab  # noqa: F401
from .support import (
    MODEL_VERSION,
    PASSWORD,
    POSTGRES_ENV,
    SAMPLE,
    csrf_token_from,
    make_config,
    postgres_schema,
)


@pytest.fixture(scope="session", autouse=True)
def _load_each_saved_model_once():
    """Every test's instance holds a copy of the same saved model, and loading it costs about
    0.4 s; load each distinct manifest (which carries the file checksums) once per session.
    A changed or broken manifest is a different key, so it still goes through the real load;
    the gunicorn and serve tests load models in their own processes, uncached."""
    real_load = faqbot.load
    loaded: dict[bytes, object] = {}

    def load_once(path):
        try:
            key = (Path(path) / "manifest.json").read_bytes()
        except OSError:
            return real_load(path)
        if key not in loaded:
            loaded[key] = real_load(path)
        return loaded[key]

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(faqbot, "load", load_once)
        yield


@pytest.fixture(scope="session")
def trained_model_dir(tmp_path_factory) -> Path:
    """The sample corpus's model, trained and saved once for the whole session."""
    path = tmp_path_factory.mktemp("trained") / MODEL_VERSION
    labelled = load_labelled(SAMPLE_QUERIES)  # as the service calibrates the sample
    precision = defaults()["TARGET_PRECISION"]  # and for the service's target, so that a retrain
    # of the unchanged corpus reproduces this model (the gate compares against it)
    model = faqbot.fit_model(load_corpus(SAMPLE), labelled=labelled, target_precision=precision)
    faqbot.save_model(model, path)
    return path


def pytest_configure(config) -> None:
    config.addinivalue_line(
        "markers", "sqlite_only: not database-dependent; run against SQLite only, for speed"
    )


def pytest_generate_tests(metafunc) -> None:
    """Run every test that uses the database on SQLite and on PostgreSQL."""
    if "database_url" in metafunc.fixturenames:
        single = metafunc.definition.get_closest_marker("sqlite_only") is not None
        backends = ["sqlite"] if single else ["sqlite", "postgresql"]
        metafunc.parametrize("database_url", backends, indirect=True)


@pytest.fixture
def database_url(request, tmp_path) -> Iterator[str]:
    """A private database: a SQLite file, or a fresh PostgreSQL schema dropped afterwards."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'test.db'}"
        return
    base = os.environ.get(POSTGRES_ENV)
    if not base:
        pytest.skip(f"{POSTGRES_ENV} is not set; set it to run the PostgreSQL variants")
    with postgres_schema(base) as url:
        yield url


@pytest.fixture
def instance(tmp_path, trained_model_dir) -> Path:
    """An instance directory that already holds the trained sample model."""
    path = tmp_path / "instance"
    shutil.copytree(trained_model_dir, path / "models" / MODEL_VERSION)
    return path


@pytest.fixture
def app_config(instance, database_url) -> dict:
    return make_config(instance, database_url)


@pytest.fixture
def app(app_config):
    app = create_app(app_config)
    yield app
    app.extensions["faqbot.engine"].dispose()


@pytest.fixture
def client(app):
    return app.test_client()


class CliRunner:
    """Runs the ``faqbot`` web subcommands against the test app's instance and database."""

    def __init__(self, app, monkeypatch, capsys) -> None:
        self._monkeypatch, self._capsys = monkeypatch, capsys
        monkeypatch.setenv("FAQBOT_INSTANCE_PATH", app.instance_path)
        monkeypatch.setenv("FAQBOT_DATABASE_URL", app.config["DATABASE_URL"])
        monkeypatch.setenv("FAQBOT_SECRET_KEY", app.config["SECRET_KEY"])

    def invoke(self, *argv: str, stdin: str = "") -> tuple[int, str, str]:
        parser = argparse.ArgumentParser(prog="faqbot")
        add_commands(parser.add_subparsers(dest="command", required=True))
        args = parser.parse_args(argv)
        self._monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
        self._capsys.readouterr()
        code = args.func(args)
        out, err = self._capsys.readouterr()
        return code, out, err


@pytest.fixture
def runner(app, monkeypatch, capsys) -> CliRunner:
    return CliRunner(app, monkeypatch, capsys)


class AuthActions:
    """Create users, log in through the real form, and mint bearer tokens."""

    def __init__(self, app, client) -> None:
        self._app, self._client = app, client

    def create_user(self, email: str, role: str) -> int:
        with session_scope(self._app) as session:
            # A cheap (but real) hash: scrypt's deliberate slowness adds up over many tests.
            cheap = generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000")
            user = User(email=email, password_hash=cheap, role=role)
            session.add(user)
            session.flush()
            return user.id

    def login(self, email: str = "staff@example.com", role: str = "staff"):
        self.create_user(email, role)
        page = self._client.get("/login")
        token = csrf_token_from(page.get_data(as_text=True))
        data = {"email": email, "password": PASSWORD, "csrf_token": token}
        return self._client.post("/login", data=data)

    def page_csrf(self, path: str) -> str:
        return csrf_token_from(self._client.get(path).get_data(as_text=True))

    def headers(self, role: str = "staff", email: str | None = None) -> dict[str, str]:
        """Authorization headers for a new user of this role."""
        user_id = self.create_user(email or f"{role}-{secrets.token_hex(3)}@example.com", role)
        token = new_api_token()
        with session_scope(self._app) as session:
            session.add(ApiToken(user_id=user_id, token_hash=hash_token(token)))
        return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def auth(app, client) -> AuthActions:
    return AuthActions(app, client)
