"""``python serve.py`` on an empty instance: trains the sample, makes an admin, prints where to go."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest

from .support import ROOT, call, free_port


@pytest.mark.sqlite_only
def test_serve_py_starts_from_nothing(tmp_path):
    port = free_port()
    env = {
        **os.environ,
        "FAQBOT_INSTANCE_PATH": str(tmp_path / "instance"),
        "PYTHONPATH": str(ROOT),
        "PYTHONUNBUFFERED": "1",
    }
    env.pop("FAQBOT_DATABASE_URL", None)
    process = subprocess.Popen(
        [sys.executable, str(ROOT / "serve.py"), "--port", str(port)],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    lines = []
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            line = process.stdout.readline()
            if not line:
                break
            lines.append(line)
            if "Press Ctrl+C" in line:
                break
        printed = "".join(lines)
        assert f"http://127.0.0.1:{port}/inbox" in printed, printed
        assert "first admin login: admin@localhost / " in printed
        for _ in range(100):
            try:
                status, body = call(f"http://127.0.0.1:{port}", "/healthz")
                break
            except OSError:
                time.sleep(0.2)
        assert status == 200 and body["model"]["ready"]
        assert any((tmp_path / "instance" / "models").iterdir())
    finally:
        process.terminate()
        process.wait(timeout=20)
        process.stdout.close()
