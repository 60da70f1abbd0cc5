"""The README's production setup, run: ``faqbot serve --production`` (gunicorn with faqbot's
configuration) behind Debian's nginx, with ``FAQBOT_PROXY_COUNT=1``."""

from __future__ import annotations

import http.client
import json
import os
import shutil
import signal
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from faqbot.web import create_app
from faqbot.web.core.db import get_engine

from .support import ROOT, call, free_port, make_config, serve_process, wait_until_ready

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
NGINX_CONF = """
worker_processes 1;
pid {tmp}/nginx.pid;
error_log {tmp}/nginx-error.log;
events {{ worker_connections 64; }}
http {{
    access_log {tmp}/nginx-access.log;
    client_body_temp_path {tmp}/body;
    proxy_temp_path {tmp}/proxy;
    fastcgi_temp_path {tmp}/fastcgi;
    uwsgi_temp_path {tmp}/uwsgi;
    scgi_temp_path {tmp}/scgi;
    server_tokens off;
    server {{
        listen 127.0.0.1:{port};
        location / {{
            proxy_pass http://127.0.0.1:{upstream};
            proxy_set_header Host $host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto $scheme;
        }}
    }}
}}
"""

pytestmark = pytest.mark.sqlite_only


@pytest.fixture
def nginx_binary() -> str:
    if not Path(NGINX).is_file():
        if os.environ.get("FAQBOT_REQUIRE_NGINX"):
            pytest.fail(f"{NGINX} is missing although FAQBOT_REQUIRE_NGINX is set")
        pytest.skip("Debian's nginx is not installed (scripts/test installs it)")
    return NGINX


@pytest.fixture
def production(instance, database_url, tmp_path) -> Iterator[str]:
    """``faqbot serve --production`` on a free port, two workers, three questions a minute."""
    get_engine(create_app(make_config(instance, database_url))).dispose()  # migrate, adopt the model
    port = free_port()
    env = {
        **os.environ,
        "FAQBOT_ENV": "production",
        "FAQBOT_SECRET_KEY": "production-test-secret-0123456789",
        "FAQBOT_INSTANCE_PATH": str(instance),
        "FAQBOT_DATABASE_URL": database_url,
        "FAQBOT_MAIL_BACKEND": "file",
        "FAQBOT_PROXY_COUNT": "1",
        "FAQBOT_RATELIMIT_PUBLIC": "3 per minute",
        "FAQBOT_WORKERS": "2",  # the default database:// limit store is shared by both
        "FAQBOT_THREADS": "2",
        "PYTHONPATH": str(ROOT),
    }
    env.pop("FAQBOT_BIND", None)
    command = [sys.executable, "-m", "faqbot.cli", "serve", "--production", "--port", str(port)]
    with serve_process(command, env, tmp_path / "gunicorn.log", port, cwd=tmp_path, stop_within=30) as base:
        yield base


@pytest.fixture
def proxy(production, nginx_binary, tmp_path) -> Iterator[str]:
    """Debian's nginx in front of the service, as in the README."""
    folder = tmp_path / "nginx"
    folder.mkdir()
    port = free_port()
    upstream = production.rsplit(":", 1)[1]
    (folder / "nginx.conf").write_text(NGINX_CONF.format(tmp=folder, port=port, upstream=upstream))
    command = [nginx_binary, "-p", str(folder), "-c", str(folder / "nginx.conf"), "-g", "daemon off;"]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_ready(base, process)
        yield base
    finally:
        process.send_signal(signal.SIGQUIT)
        process.wait(timeout=20)


def headers_of(url: str) -> dict[str, str]:
    with urllib.request.urlopen(url, timeout=10) as response:
        return {k.lower(): v for k, v in response.headers.items()}


def test_gunicorn_config_hides_its_version_and_sends_a_request_id(production):
    headers = headers_of(f"{production}/healthz")
    assert headers["server"] == "faqbot"
    assert headers.get("x-request-id")


def test_behind_nginx_rate_limits_see_the_client_and_ignore_a_forged_address(proxy):
    question = {"question": "How can I track my order?"}
    for forged in ("203.0.113.1", "203.0.113.2", "203.0.113.3"):
        status, body = call(proxy, "/api/v1/ask", question, {"X-Forwarded-For": forged})
        assert status == 200 and body["status"] == "answered"
    status, body = call(proxy, "/api/v1/ask", question, {"X-Forwarded-For": "203.0.113.4"})
    assert status == 429, body  # one visitor (127.0.0.1, as nginx saw it), whatever it claims
    assert body["error"]["code"]


def test_a_chunked_body_over_the_limit_is_413_not_cut(production):
    host, port = production.removeprefix("http://").rsplit(":", 1)
    connection = http.client.HTTPConnection(host, int(port), timeout=20)
    parts = iter([b'{"question": "', b"x" * 20000, b'"}'])  # an iterable: sent chunked, no length
    connection.request("POST", "/api/v1/ask", body=parts, headers={"Content-Type": "application/json"})
    response = connection.getresponse()
    body = json.loads(response.read())
    connection.close()
    assert response.status == 413 and body["error"]["code"] == "payload_too_large", body
