"""A real faqbot service for the benchmarks: a fresh instance, staff and admin tokens, and
``faqbot serve --production`` (gunicorn, its workers and their schedulers) on a free port.

Everything goes through the installed ``faqbot`` command and HTTP, as an operator and the
widget would; nothing reaches into the service's database.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

FAQBOT = Path(sys.executable).with_name("faqbot")


class ServiceError(RuntimeError):
    """The service did not start, or answered an unexpected status."""


@dataclass
class Service:
    base: str
    instance: Path
    staff: dict[str, str]  # Authorization headers of a staff member
    admin: dict[str, str]  # and of an admin
    pid: int = 0  # the gunicorn master's

    def call(self, method: str, path: str, body: dict | None = None, headers: dict | None = None) -> Any:
        """One JSON request; returns the parsed body, raises ServiceError on any 4xx/5xx."""
        status, payload = request(self.base, method, path, body, headers)
        if status >= 400:
            raise ServiceError(f"{method} {path} answered {status}: {payload}")
        return payload


def request(base: str, method: str, path: str, body: dict | None = None, headers: dict | None = None):
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(base + path, data=data, method=method, headers=headers or {})
    if data is not None:
        req.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(req, timeout=120) as response:
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as error:
        with error:
            return error.code, json.loads(error.read() or b"null")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _faqbot(env: dict[str, str], *args: str, stdin: str = "") -> str:
    done = subprocess.run(
        [str(FAQBOT), *args], env=env, input=stdin, capture_output=True, text=True, timeout=3600
    )
    if done.returncode != 0:
        raise ServiceError(f"faqbot {' '.join(args)} failed: {done.stderr[-2000:]}")
    return done.stdout


def _token(env: dict[str, str], email: str, role: str) -> dict[str, str]:
    password = secrets.token_urlsafe(18)
    _faqbot(env, "users", "create", "--email", email, "--role", role, stdin=f"{password}\n{password}\n")
    token = _faqbot(env, "tokens", "create", "--email", email).strip().split()[-1]
    return {"Authorization": f"Bearer {token}"}


@contextlib.contextmanager
def running_service(instance: Path, settings: dict[str, str], log: Path) -> Iterator[Service]:
    """Create the instance (``faqbot init``: migrate, seed, first model), add a staff member and
    an admin with tokens, then serve it in production mode until the block ends."""
    env = {
        **os.environ,
        "FAQBOT_INSTANCE_PATH": str(instance),
        "FAQBOT_ENV": "production",
        "FAQBOT_SECRET_KEY": secrets.token_hex(24),
        "FAQBOT_MAIL_BACKEND": "file",
        "FAQBOT_RATELIMIT_ENABLED": "false",  # one client plays every visitor
        **settings,
    }
    for name in ("FAQBOT_DATABASE_URL", "FAQBOT_MODELS_DIR", "FAQBOT_BIND"):
        if name not in settings:  # this instance's own, not the caller's
            env.pop(name, None)
    _faqbot(env, "init", str(instance))
    staff = _token(env, "staff@bench.example", "staff")
    admin = _token(env, "admin@bench.example", "admin")
    port = free_port()
    command = [str(FAQBOT), "serve", "--production", "--host", "127.0.0.1", "--port", str(port)]
    with served(command, env, instance, log, port, wait_until_ready) as (base, process):
        yield Service(base, instance, staff, admin, process.pid)


@contextlib.contextmanager
def served(
    command: list[str],
    env: dict[str, str],
    cwd: Path,
    log: Path,
    port: int,
    ready: Callable[[str, subprocess.Popen], None],
) -> Iterator[tuple[str, subprocess.Popen]]:
    """Run a server until ``ready`` returns; yield its base URL and process, then stop it
    (SIGTERM, then kill after a minute)."""
    with open(log, "w") as output:
        process = subprocess.Popen(command, cwd=cwd, env=env, stdout=output, stderr=subprocess.STDOUT)
        base = f"http://127.0.0.1:{port}"
        try:
            ready(base, process)
            yield base, process
        finally:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def wait_until_ready(base: str, process: subprocess.Popen, timeout: float = 600.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise ServiceError(f"faqbot serve exited with {process.returncode}")
        try:
            if request(base, "GET", "/healthz")[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.5)
    raise ServiceError("faqbot serve did not become ready")
