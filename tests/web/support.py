"""Helpers shared by the web tests (fixtures live in conftest.py)."""

from __future__ import annotations

import contextlib
import json
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

from sqlalchemy import create_engine, text

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "data" / "faq.csv"
MODEL_VERSION = "20000101T000000Z-sample"
POSTGRES_ENV = "FAQBOT_TEST_POSTGRES_URL"
PASSWORD = "correct horse battery staple"
GUNICORN = Path(sys.executable).with_name("gunicorn")


def make_config(instance: Path, database_url: str, **overrides) -> dict:
    return {
        "INSTANCE_PATH": str(instance),
        "DATABASE_URL": database_url,
        "SECRET_KEY": "test-secret-key-0123456789abcdef",
        "MAIL_BACKEND": "file",
        "MODEL_CHECK_INTERVAL": 0.0,
        "TESTING": True,
        "SCHEDULER_ENABLED": False,
        **overrides,
    }


def csrf_token_from(html: str) -> str:
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html) or re.search(
        r'name="csrf_token" value="([^"]+)"', html
    )
    assert match, "no CSRF token in the page"
    return match.group(1)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def call(base: str, path: str, body: dict | None = None, headers: dict | None = None):
    """One JSON request to a real server; returns ``(status, parsed body)``."""
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(base + path, data=data, headers=headers or {})
    if data is not None:
        request.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        with error:
            return error.code, json.loads(error.read())


@contextlib.contextmanager
def postgres_schema(base: str) -> Iterator[str]:
    """A database URL whose tables live in a fresh PostgreSQL schema, dropped afterwards."""
    schema = f"t_{secrets.token_hex(6)}"
    admin = create_engine(base)
    with admin.begin() as connection:
        connection.execute(text(f"CREATE SCHEMA {schema}"))
    separator = "&" if "?" in base else "?"
    try:
        yield f"{base}{separator}options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as connection:
            connection.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()


def add_admin_token(session, email: str = "ops@example.com") -> str:
    """Create an admin with a bearer token (for tests driving real servers); returns the token."""
    from faqbot.web.core.security import hash_password, hash_token, new_api_token
    from faqbot.web.core.tables import ApiToken, User

    token = new_api_token()
    user = User(email=email, password_hash=hash_password("x" * 12), role="admin")
    session.add(user)
    session.flush()
    session.add(ApiToken(user_id=user.id, token_hash=hash_token(token)))
    return token


def wait_for_job(client, headers, job_id: int, timeout: float = 90.0) -> dict:
    """Poll the admin API until a background job has finished; returns the job."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job = client.get(f"/api/v1/admin/jobs/{job_id}", headers=headers).get_json()["job"]
        if job["status"] in ("succeeded", "failed"):
            return job
        time.sleep(0.1)
    raise AssertionError(f"job {job_id} did not finish in {timeout}s")


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


@contextlib.contextmanager
def run_gunicorn(settings: dict[str, str], log: Path, workers: int = 1) -> Iterator[str]:
    """A real gunicorn service of the app with these ``FAQBOT_*`` variables, in production mode;
    yields its base URL, and prints its log afterwards (pytest shows it when the test fails)."""
    port = free_port()
    env = {
        **os.environ,
        "FAQBOT_ENV": "production",
        "FAQBOT_MAIL_BACKEND": "file",
        "PYTHONPATH": str(ROOT),
        **settings,
    }
    command = [str(GUNICORN), "-w", str(workers), "-b", f"127.0.0.1:{port}", "faqbot.web:create_app()"]
    with serve_process(command, env, log, port) as base:
        yield base


@contextlib.contextmanager
def serve_process(
    command: list[str], env: dict[str, str], log: Path, port: int, cwd: Path = ROOT, stop_within: float = 20
) -> Iterator[str]:
    """Run a server command until it answers ``/healthz`` on ``port``; yield its base URL, then
    stop it (SIGTERM, then kill) and print its log (pytest shows it when the test fails)."""
    with open(log, "w") as output:
        process = subprocess.Popen(command, cwd=cwd, env=env, stdout=output, stderr=subprocess.STDOUT)
        base = f"http://127.0.0.1:{port}"
        try:
            wait_until_ready(base, process)
            yield base
        finally:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=stop_within)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
    print(log.read_text())
