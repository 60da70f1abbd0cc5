"""Markdown tables, target checks and the machine description for RESULTS.md."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import platform
import shlex
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

from benchmarks.datasets import DEFAULT_ROOT

PACKAGE_DIR = Path(__file__).resolve().parent.parent / "faqbot"
LIBRARIES = ("faqbot", "numpy", "scipy", "scikit-learn", "rapidfuzz", "bm25s", "joblib")


@dataclass
class Table:
    title: str
    columns: list[str]
    rows: list[list[str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def add(self, *cells: object) -> None:
        self.rows.append([str(c) for c in cells])

    def markdown(self) -> str:
        lines = [f"### {self.title}", "", _row(self.columns), _row(["---"] * len(self.columns))]
        lines += [_row(r) for r in self.rows]
        if self.notes:
            lines += [""] + [f"- {n}" for n in self.notes]
        return "\n".join(lines) + "\n"


def _row(cells: list[str]) -> str:
    return "| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |"


@dataclass
class Target:
    """One benchmark target beside its measured value; ``None`` means not measured (a FAIL)."""

    name: str
    measured: float | None
    goal: str
    passed: bool | None
    shown: str

    @property
    def verdict(self) -> str:
        return "pass" if self.passed else "FAIL"


def at_least(name: str, value: float | None, limit: float, unit: str = "%") -> Target:
    return _target(name, value, limit, unit, ">=", lambda v: v >= limit)


def at_most(name: str, value: float | None, limit: float, unit: str = "") -> Target:
    return _target(name, value, limit, unit, "<=", lambda v: v <= limit)


def below(name: str, value: float | None, limit: float, unit: str = "") -> Target:
    return _target(name, value, limit, unit, "<", lambda v: v < limit)


def _target(name, value, limit, unit, op, check) -> Target:
    shown = "not measured" if value is None else _fmt(value, unit)
    passed = None if value is None else bool(check(value))
    return Target(name, value, f"{op} {_fmt(limit, unit)}", passed, shown)


def _fmt(value: float, unit: str) -> str:
    if unit == "%":
        return f"{value * 100:.1f}%"
    return f"{value:.4g}{unit}"


def targets_table(title: str, targets: list[Target]) -> Table:
    table = Table(title, ["target", "measured", "goal", "result"])
    for t in targets:
        table.add(t.name, t.shown, t.goal, t.verdict)
    return table


def pct(value: float | None) -> str:
    return "n/a" if value is None else f"{value * 100:.1f}%"


def machine_header(argv: list[str]) -> str:
    """Where and how the numbers were measured: they mean little without it."""
    cpus = os.cpu_count()
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else cpus
    versions = ", ".join(f"{name} {_version(name)}" for name in LIBRARIES)
    return "\n".join(
        [
            f"- date: {dt.datetime.now(dt.timezone.utc):%Y-%m-%d %H:%M} UTC",
            f"- command: `{' '.join(shlex.quote(a) for a in argv)}`",
            f"- CPU: {_cpu_model()}; {cpus} logical cores ({usable} usable by this process)",
            f"- RAM: {_ram_gib()}",
            f"- OS: {platform.platform()}",
            f"- Python {platform.python_version()}; {versions}",
            f"- faqbot source: sha256 {engine_fingerprint()} of faqbot/**/*.py at the start",
        ]
    )


def engine_fingerprint() -> str:
    """A short hash of the package's source (the engine and the service the loop drives):
    workers import it later than the main process, so a change during a run would mix
    versions in one report."""
    digest = hashlib.sha256()
    for path in sorted(PACKAGE_DIR.rglob("*.py")):
        digest.update(path.relative_to(PACKAGE_DIR).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:12]


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _ram_gib() -> str:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return f"{int(line.split()[1]) / 1024**2:.1f} GiB"
    except OSError:
        pass
    return "unknown"


def _version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "not installed"


def command_line() -> list[str]:
    return [sys.executable, *sys.argv]


#: A benchmark suite: ``run(datasets folder, quick, emit)`` prints tables through ``emit``.
Suite = Callable[[Path, bool, Callable[[Table], None]], list[Target]]


def run_alone(run: Suite) -> None:
    """``python -m benchmarks.<suite> [DATASETS_DIR]``: one suite's tables and target verdicts."""
    folder = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_ROOT
    for target in run(folder, False, lambda t: print(t.markdown(), flush=True)):
        print(f"{target.verdict}: {target.name}: {target.shown} ({target.goal})")
