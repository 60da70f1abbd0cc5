"""The built wheel is the whole product: installed outside the checkout, ``faqbot serve`` in an
empty directory migrates, seeds the bundled sample FAQ (package data), trains and answers.

The wheel is built from a copy of the sources (so the checkout gets no ``build/`` folder) and
installed without dependencies into a fresh virtualenv; the dependencies come from this test's
environment through a ``.pth`` line, which Python appends after the new venv's own
site-packages, so ``faqbot`` itself (code and data) can only come from the wheel.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import time
from pathlib import Path

import pytest

from .support import ROOT, call, free_port

SOURCES = ("faqbot", "data", "pyproject.toml", "setup.py", "README.md", "LICENSE")


def _run(*command: str | Path, **kwargs) -> subprocess.CompletedProcess:
    result = subprocess.run([str(c) for c in command], capture_output=True, text=True, **kwargs)
    assert result.returncode == 0, f"{command} failed:\n{result.stdout}\n{result.stderr}"
    return result


@pytest.fixture(scope="module")
def wheel_venv(tmp_path_factory) -> Path:
    """A fresh virtualenv holding the wheel built from the current sources."""
    base = tmp_path_factory.mktemp("wheel")
    source = base / "source"
    for name in SOURCES:
        origin = ROOT / name
        if origin.is_dir():
            shutil.copytree(origin, source / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(origin, source / name)
    _run(sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", base / "dist", source)
    (wheel,) = (base / "dist").glob("faqbot-*.whl")
    venv = base / "venv"
    _run(sys.executable, "-m", "venv", "--without-pip", venv)
    python = venv / "bin" / "python"
    where = "import sysconfig; print(sysconfig.get_paths()['purelib'])"
    purelib = Path(_run(python, "-c", where).stdout.strip())
    _run(sys.executable, "-m", "pip", "--python", python, "install", "--no-deps", "--quiet", wheel)
    (purelib / "_faqbot_test_dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    return venv


def test_the_wheel_holds_the_sample_and_imports_from_its_own_install(wheel_venv, tmp_path):
    code = (
        "import faqbot, faqbot.web.core.config as c; "
        "print(faqbot.__file__); print(c._SAMPLE_CORPUS); print(c.SAMPLE_QUERIES.is_file(), "
        "c.SAMPLE_EVAL_QUERIES.is_file())"
    )
    printed = _run(wheel_venv / "bin" / "python", "-c", code, cwd=tmp_path).stdout.splitlines()
    assert printed[0].startswith(str(wheel_venv)), printed
    assert printed[1].startswith(str(wheel_venv)) and printed[1].endswith("faqbot/sample/faq.csv")
    assert printed[2] == "True True"


def test_faqbot_serve_in_an_empty_directory_answers_from_the_sample(wheel_venv, tmp_path):
    port = free_port()
    env = {key: value for key, value in os.environ.items() if not key.startswith("FAQBOT_")}
    env.update(PYTHONUNBUFFERED="1")
    env.pop("PYTHONPATH", None)
    process = subprocess.Popen(
        [str(wheel_venv / "bin" / "faqbot"), "serve", "--port", str(port)],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    lines: list[str] = []
    try:
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            line = process.stdout.readline()
            if not line:
                break
            lines.append(line)
            if "Press Ctrl+C" in line:
                break
        printed = "".join(lines)
        assert "not found" not in printed and f"http://127.0.0.1:{port}/" in printed, printed
        base = f"http://127.0.0.1:{port}"
        for _ in range(100):  # the banner comes just before the server listens
            try:
                status, health = call(base, "/healthz")
                break
            except OSError:
                time.sleep(0.2)
        assert status == 200 and health["model"]["ready"], (health, printed)
        status, body = call(base, "/api/v1/ask", {"question": "How do I know if a product is in stock?"})
        assert status == 200 and body["status"] == "answered", body
        assert body["answer"]["faq_id"] == "1"
        assert (tmp_path / "instance" / "faqbot.db").is_file()
    finally:
        process.terminate()
        process.wait(timeout=20)
        process.stdout.close()
