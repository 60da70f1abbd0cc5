"""Timing, size and memory measurements, and running a measurement in its own process.

Peak memory is the process' RSS high-water mark, so each system is measured in
a fresh interpreter (``benchmarks/worker.py``) where nothing else has run.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

WORKER_MODULE = "benchmarks.worker"


def timed(func: Callable[[], Any]) -> tuple[Any, float]:
    """Call ``func``; return its result and the wall-clock seconds it took."""
    started = time.perf_counter()
    result = func()
    return result, time.perf_counter() - started


def latencies_ms(ask: Callable[[str], Any], questions: Sequence[str]) -> np.ndarray:
    """Wall-clock milliseconds of ``ask(q)``, one question at a time."""
    out = np.empty(len(questions))
    for i, question in enumerate(questions):
        started = time.perf_counter()
        ask(question)
        out[i] = (time.perf_counter() - started) * 1000.0
    return out


def latency_summary(values_ms: Sequence[float]) -> dict[str, float]:
    values = np.asarray(values_ms, dtype=float)
    return {
        "median_ms": float(np.median(values)),
        "p99_ms": float(np.percentile(values, 99)),
        "questions": int(values.size),
    }


def dir_size(path: Path) -> int:
    """Bytes of all files under ``path`` (or of the file itself)."""
    if path.is_file():
        return path.stat().st_size
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def peak_memory() -> dict[str, int | None]:
    """RSS high-water marks of this process, in KiB.

    ``ru_maxrss`` survives ``exec``: a worker started from a large parent reports
    the parent's RSS at the time it was spawned (measured: 780 MiB for a child of
    a 780 MiB parent that itself used 11 MiB).  ``VmHWM`` belongs to the process'
    own address space, so it is the worker's true peak; both are reported.
    """
    return {
        "ru_maxrss_kib": int(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss),
        "vmhwm_kib": _status_kib("VmHWM"),
    }


def _status_kib(field: str) -> int | None:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return None


def run_worker(task: dict[str, Any], timeout: float = 3600) -> dict[str, Any]:
    """Run one measurement in a fresh interpreter; its last stdout line is JSON.

    Run with ``-m`` and the project root on the path, so that ``benchmarks/``
    itself is not on ``sys.path`` where its modules could shadow libraries.
    """
    root = str(Path(__file__).resolve().parent.parent)
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, [root, os.environ.get("PYTHONPATH")])),
    }
    done = subprocess.run(
        [sys.executable, "-m", WORKER_MODULE, json.dumps(task)],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env,
    )
    if done.returncode != 0:
        tail = (done.stderr.strip().splitlines() or ["no output"])[-1]
        return {"error": f"worker exited {done.returncode}: {tail}"}
    return json.loads(done.stdout.strip().splitlines()[-1])
