"""Serving under load (issue 15): faqbot's ``/ask`` beside the engine alone and a bare Flask app.

``python benchmarks/serve.py [--rounds 4] [--seconds 30] [--connections 8] [--out FILE]``

Each app runs under faqbot's shipped gunicorn settings (``faqbot serve --production`` for faqbot,
:mod:`benchmarks.serve_conf` with the same workers, threads and access log for the baselines of
:mod:`benchmarks.serve_apps`).  wrk loads each in turn with the same Lua script, in interleaved
rounds (the order rotates each round), so a noisy neighbour hits every app alike; the table gives
medians over rounds, after one unrecorded warm-up run of each app.  The questions: 90% the
in-scope questions of ``data/eval/queries.csv``, 10% nonsense, each from a new visitor (a fresh
``session_id``); the rate limiter is off (one client plays every visitor).  faqbot runs on
SQLite and, when ``--postgres-url`` answers, on PostgreSQL.

Then faults: visitors who ask for a person (every answer promises a ticket) while one worker is
killed with SIGKILL and, on PostgreSQL, the server restarts.  The benchmark reads the database
afterwards: every ticket a 200 response promised must be there with its question.

``--quick`` (the CI slice): SQLite only, one short round, the worker kill but no PostgreSQL
restart.  Without ``wrk`` (Debian package ``wrk``) it says so and exits 0.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import os
import random
import shutil
import signal
import statistics
import string
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

if __package__ in (None, ""):  # run as a script: the project root, not benchmarks/, on the path
    sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.report import (  # noqa: E402
    Table,
    Target,
    at_least,
    at_most,
    command_line,
    machine_header,
    targets_table,
)
from benchmarks.service import (  # noqa: E402
    Service,
    free_port,
    request,
    running_service,
    served,
    wait_until_ready,
)

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
BENCH_DATABASE = "faqbot_serve_bench"
ASK = "/api/v1/ask"
CLOSE_EVERY = 20  # one request in 20 asks wrk to reconnect (see _lua_script)


@dataclass
class App:
    """One app under load: its name, address and (for faqbot) its service and database."""

    name: str
    base: str
    service: Service | None = None
    database_url: str | None = None
    runs: list[dict] = field(default_factory=list)


def main(argv: list[str] | None = None) -> int:
    args = _parse(argv)
    if shutil.which("wrk") is None:
        print("serve benchmark skipped: wrk is not installed (Debian: apt-get install wrk)")
        return 0
    header = machine_header(command_line())
    with _workdir(args.workdir) as tmp, contextlib.ExitStack() as stack:
        targets = _start_all(tmp, args, stack)
        script = _lua_script(tmp / "ask.lua", _questions(seed=0), close_every=args.close_every)
        for target in targets:  # not recorded: a cold encoder cache would dominate round 1's p99
            _wrk(target.base, script, max(1, args.seconds // 4), args.connections)
        for round_no in range(args.rounds):
            order = targets[round_no % len(targets) :] + targets[: round_no % len(targets)]
            for target in order:
                target.runs.append(_wrk(target.base, script, args.seconds, args.connections))
                print(f"round {round_no + 1} {target.name}: {_brief(target.runs[-1])}", flush=True)
        shares = {t.name: _ticket_share(t.database_url) for t in targets if t.database_url}
        faults = [_fault_run(t, args, tmp) for t in targets if t.service is not None]
    tables = [_throughput_table(targets, args, shares), _fault_table(faults)]
    tables.append(targets_table("Serving targets (issue 15)", _targets(targets, faults, args)))
    text = "## Serving under load (issue 15)\n\n" + header + "\n\n" + "\n".join(t.markdown() for t in tables)
    print(text)
    if args.out:
        args.out.write_text(text, encoding="utf-8")
    return 0


def _parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--seconds", type=int, default=30, help="length of one wrk run")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument(
        "--postgres-url", default=os.environ.get("FAQBOT_TEST_POSTGRES_URL", DEFAULT_POSTGRES)
    )
    parser.add_argument("--no-postgres", action="store_true", help="faqbot on SQLite only")
    parser.add_argument(
        "--close-every",
        type=int,
        default=CLOSE_EVERY,
        help="one request in N closes its connection (1: every request, 0: never)",
    )
    parser.add_argument("--no-pg-restart", action="store_true", help="do not restart PostgreSQL")
    parser.add_argument("--fault-seconds", type=float, default=20.0)
    parser.add_argument("--quick", action="store_true", help="CI slice: SQLite, 1 round of 3 s")
    parser.add_argument("--out", type=Path, default=None, help="also write the Markdown here")
    parser.add_argument("--workdir", type=Path, default=None, help="keep instances and logs here")
    args = parser.parse_args(argv)
    if args.quick:
        args.rounds, args.seconds, args.no_postgres, args.no_pg_restart = 1, 3, True, True
        args.fault_seconds = 6.0
    return args


@contextlib.contextmanager
def _workdir(path: Path | None) -> Iterator[Path]:
    if path is not None:
        path.mkdir(parents=True, exist_ok=True)
        yield path
        return
    with tempfile.TemporaryDirectory(prefix="faqbot-serve-bench-") as tmp:
        yield Path(tmp)


# --- starting the apps -------------------------------------------------------------------------


def _start_all(tmp: Path, args: argparse.Namespace, stack: contextlib.ExitStack) -> list[App]:
    targets = []
    sqlite = stack.enter_context(_faqbot(tmp / "sqlite", {}, tmp / "sqlite.log"))
    sqlite_url = f"sqlite:///{sqlite.instance / 'faqbot.db'}"
    model = _newest_version(sqlite.instance / "models")
    targets.append(App("bare Flask hello", stack.enter_context(_baseline("hello", {}, tmp))))
    engine_env = {"FAQBOT_BENCH_MODEL": str(model)}
    targets.append(
        App("engine alone behind Flask", stack.enter_context(_baseline("engine", engine_env, tmp)))
    )
    targets.append(App("faqbot /ask, SQLite", sqlite.base, sqlite, sqlite_url))
    pg_url = None if args.no_postgres else _fresh_postgres(args.postgres_url)
    if pg_url is not None:
        pg = stack.enter_context(_faqbot(tmp / "pg", {"FAQBOT_DATABASE_URL": pg_url}, tmp / "pg.log"))
        targets.append(App("faqbot /ask, PostgreSQL", pg.base, pg, pg_url))
    return targets


def _faqbot(instance: Path, settings: dict[str, str], log: Path):
    # A scheduled retrain during a round would measure training, not serving.
    return running_service(instance, {"FAQBOT_RETRAIN_AUTO_MIN_NEW": "0", **settings}, log)


def _newest_version(models: Path) -> Path:
    versions = sorted(p for p in models.iterdir() if p.is_dir())
    if not versions:
        raise SystemExit(f"no model version in {models}")
    return versions[-1]


@contextlib.contextmanager
def _baseline(app: str, env: dict[str, str], tmp: Path) -> Iterator[str]:
    port = free_port()
    full_env = {
        **os.environ,
        **env,
        "FAQBOT_BENCH_APP": f"benchmarks.serve_apps:{app}()",
        "FAQBOT_BIND": f"127.0.0.1:{port}",
        "PYTHONPATH": str(ROOT),
    }
    command = [sys.executable, "-m", "gunicorn", "-c", str(ROOT / "benchmarks" / "serve_conf.py")]
    with served(command, full_env, ROOT, tmp / f"{app}.log", port, _wait_for_port) as (base, _):
        yield base


def _wait_for_port(base: str, process: subprocess.Popen, timeout: float = 120.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"baseline at {base} exited with {process.returncode}")
        with contextlib.suppress(OSError):
            request(base, "POST", ASK, {"question": "warm up"})
            return
        time.sleep(0.3)
    raise SystemExit(f"baseline at {base} did not start")


def _fresh_postgres(url: str) -> str | None:
    """A new, empty database on the server of ``url`` (None, with a note, when it does not answer)."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    try:
        admin = create_engine(url, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text(f"DROP DATABASE IF EXISTS {BENCH_DATABASE} WITH (FORCE)"))
            connection.execute(text(f"CREATE DATABASE {BENCH_DATABASE}"))
        admin.dispose()
    except Exception as error:  # noqa: BLE001 - any failure means "no PostgreSQL here"
        print(f"PostgreSQL at {url} not used: {type(error).__name__}: {error}")
        return None
    return make_url(url).set(database=BENCH_DATABASE).render_as_string(hide_password=False)


# --- load --------------------------------------------------------------------------------------


def _questions(seed: int) -> list[str]:
    """90% in-scope questions of the sample's evaluation file, 10% nonsense, shuffled."""
    import csv

    with (ROOT / "data" / "eval" / "queries.csv").open(encoding="utf-8") as handle:
        in_scope = [row["question"] for row in csv.DictReader(handle) if row["faq_id"].strip()]
    rng = random.Random(seed)
    letters = string.ascii_lowercase
    nonsense = [
        " ".join(
            "".join(rng.choice(letters) for _ in range(rng.randint(3, 7))) for _ in range(rng.randint(1, 4))
        )
        for _ in range(len(in_scope) // 9)
    ]
    questions = in_scope + nonsense
    rng.shuffle(questions)
    return questions


def _lua_script(path: Path, questions: list[str], close_every: int = CLOSE_EVERY) -> Path:
    """wrk's script: a random question per request, a new session id each, a JSON summary at the end.

    One request in ``close_every`` asks to close its connection (0: never), as a proxy recycles
    its upstream connections (nginx's ``keepalive_requests``), so wrk reconnects and the gunicorn
    worker with a free thread takes the new connection.  Over 8 connections kept for a whole
    round the kernel sometimes gave all of them to one worker (seen in ``top``: one worker at 100%
    of a core, the other idle), and a round measured 150 or 380 req/s by that draw alone.  A new
    connection for every request balances too, but leaves tens of thousands of sockets in
    TIME_WAIT after the bare Flask app's round, and the round after it had connect errors.
    """
    quoted = ",\n".join(f"  [==[{json.dumps(q)}]==]" for q in questions)
    path.write_text(
        f"""
local questions = {{
{quoted}
}}
local counter = 0
local prefix = tostring(math.random(1, 1e9))
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"

request = function()
  counter = counter + 1
  local q = questions[math.random(#questions)]
  local body = '{{"question":' .. q .. ',"session_id":"bench-' .. prefix .. '-' .. counter .. '"}}'
  if {close_every} > 0 and counter % {close_every} == 0 then
    local closing = {{["Content-Type"] = "application/json", ["Connection"] = "close"}}
    return wrk.format(nil, "{ASK}", closing, body)
  end
  return wrk.format(nil, "{ASK}", nil, body)
end

done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'RESULT {{"requests":%d,"duration_us":%d,"connect":%d,"read":%d,"write":%d,"status":%d,' ..
    '"timeout":%d,"p50_us":%d,"p99_us":%d}}\\n',
    summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(99)))
end
""",
        encoding="utf-8",
    )
    return path


def _wrk(base: str, script: Path, seconds: int, connections: int) -> dict:
    command = ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s", "-s", str(script), base]
    done = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 120)
    lines = [line for line in done.stdout.splitlines() if line.startswith("RESULT ")]
    if done.returncode != 0 or not lines:
        raise SystemExit(f"wrk failed ({done.returncode}): {done.stdout[-1000:]} {done.stderr[-1000:]}")
    raw = json.loads(lines[-1][len("RESULT ") :])
    seconds_run = raw["duration_us"] / 1e6
    errors = sum(raw[k] for k in ("connect", "read", "write", "status", "timeout"))
    return {
        "rps": raw["requests"] / seconds_run,
        "p50": raw["p50_us"] / 1000,
        "p99": raw["p99_us"] / 1000,
        "errors": errors,
        "requests": raw["requests"],
    }


def _brief(run: dict) -> str:
    return f"{run['rps']:.0f} req/s, p50 {run['p50']:.1f} ms, p99 {run['p99']:.1f} ms, {run['errors']} errors"


def _ticket_share(database_url: str) -> float | None:
    """Tickets opened per question logged: how much of the load was handoffs."""
    from sqlalchemy import create_engine, text

    engine = create_engine(database_url)
    try:
        with engine.connect() as connection:
            queries = connection.scalar(text("SELECT count(*) FROM queries"))
            tickets = connection.scalar(text("SELECT count(*) FROM tickets"))
    finally:
        engine.dispose()
    return tickets / queries if queries else None


# --- faults ------------------------------------------------------------------------------------


@dataclass
class FaultRun:
    name: str
    faults: list[str]
    statuses: Counter
    promised: dict[int, str]
    missing: list[int]
    client_errors: int


def _fault_run(target: App, args: argparse.Namespace, tmp: Path) -> FaultRun:
    """Visitors asking for a person while a worker is killed (and PostgreSQL restarts)."""
    service = target.service
    assert service is not None and service.pid
    restart_pg = "PostgreSQL" in target.name and not args.no_pg_restart
    statuses: Counter = Counter()
    promised: dict[int, str] = {}
    lock = threading.Lock()
    stop = threading.Event()
    errors = [0]

    def visitor() -> None:
        while not stop.is_set():
            question = f"please ask a person about my order {uuid.uuid4().hex[:12]}"
            body = {"question": question, "handoff": True, "session_id": uuid.uuid4().hex}
            try:
                status, payload = request(service.base, "POST", ASK, body)
            except (OSError, http.client.HTTPException):  # cut by the killed worker
                with lock:
                    errors[0] += 1
                time.sleep(0.05)
                continue
            with lock:
                statuses[status] += 1
                if status == 200 and payload.get("ticket"):
                    promised[payload["ticket"]["id"]] = question

    threads = [threading.Thread(target=visitor, daemon=True) for _ in range(args.connections)]
    for thread in threads:
        thread.start()
    faults = []
    time.sleep(args.fault_seconds * 0.2)
    faults.append(_kill_a_worker(service.pid))
    if restart_pg:
        time.sleep(args.fault_seconds * 0.2)
        faults.append(_restart_postgres())
    time.sleep(args.fault_seconds * 0.6)
    stop.set()
    for thread in threads:
        thread.join(timeout=180)
    wait_until_ready(service.base, _Alive(service.pid))
    missing = _missing_tickets(target.database_url, promised)
    return FaultRun(target.name, faults, statuses, promised, missing, errors[0])


class _Alive:
    """What :func:`wait_until_ready` polls: the gunicorn master by pid."""

    def __init__(self, pid: int) -> None:
        self.pid, self.returncode = pid, None

    def poll(self) -> int | None:
        try:
            os.kill(self.pid, 0)
        except ProcessLookupError:
            self.returncode = -1
            return -1
        return None


def _kill_a_worker(master: int) -> str:
    children = _children(master)
    if not children:
        return "no worker found to kill"
    os.kill(children[0], signal.SIGKILL)
    return f"SIGKILL to worker {children[0]}"


def _children(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, IndexError, ValueError):
            fields = stat.read_text().rsplit(")", 1)[1].split()
            if int(fields[1]) == pid:
                found.append(int(stat.parent.name))
    return sorted(found)


def _restart_postgres() -> str:
    clusters = sorted(Path("/etc/postgresql").glob("*/main")) if Path("/etc/postgresql").is_dir() else []
    if not clusters or shutil.which("pg_ctlcluster") is None:
        return "PostgreSQL restart not possible here (no pg_ctlcluster)"
    version = clusters[-1].parent.name
    started = time.monotonic()
    done = subprocess.run(
        ["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "restart"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    took = time.monotonic() - started
    if done.returncode != 0:
        return f"PostgreSQL restart failed: {done.stderr.strip()[-300:]}"
    return f"PostgreSQL {version} restarted ({took:.1f} s)"


def _missing_tickets(database_url: str | None, promised: dict[int, str]) -> list[int]:
    """Promised tickets absent from the database, or holding another question."""
    from sqlalchemy import create_engine, text

    assert database_url is not None
    engine = create_engine(database_url)
    try:
        with engine.connect() as connection:
            rows = dict(connection.execute(text("SELECT id, question FROM tickets")).all())
    finally:
        engine.dispose()
    return sorted(ticket for ticket, question in promised.items() if rows.get(ticket) != question)


# --- report ------------------------------------------------------------------------------------


def _median(runs: list[dict], key: str) -> float:
    return statistics.median(run[key] for run in runs)


def _ratios(targets: list[App], name: str) -> list[float]:
    """faqbot's req/s over the engine's, round by round (the same rounds, side by side)."""
    engine = next(t for t in targets if t.name.startswith("engine"))
    faqbot = next(t for t in targets if t.name == name)
    return [f["rps"] / e["rps"] for f, e in zip(faqbot.runs, engine.runs, strict=True) if e["rps"]]


def _throughput_table(targets: list[App], args: argparse.Namespace, shares: dict) -> Table:
    table = Table(
        f"POST {ASK} under wrk, {args.connections} connections, "
        f"{args.rounds} interleaved rounds of {args.seconds} s",
        [
            "app",
            "req/s (median)",
            "p50 ms",
            "p99 ms",
            "errors (all rounds)",
            "vs the engine alone",
            "tickets per question",
        ],
    )
    for target in targets:
        ratio = statistics.median(_ratios(targets, target.name)) if target.service else None
        share = shares.get(target.name)
        table.add(
            target.name,
            f"{_median(target.runs, 'rps'):.0f}",
            f"{_median(target.runs, 'p50'):.1f}",
            f"{_median(target.runs, 'p99'):.1f}",
            sum(run["errors"] for run in target.runs),
            "" if ratio is None else f"{ratio * 100:.0f}%",
            "" if share is None else f"{share * 100:.1f}%",
        )
    workers = os.environ.get("FAQBOT_WORKERS") or "default"
    every = args.close_every
    connections = "connections kept alive" if every <= 0 else f"one request in {every} closes its connection"
    table.notes.append(
        f"gunicorn gthread, workers {workers} (faqbot's default: max(2, cores)), threads as faqbot's "
        f"gunicorn_conf.py; wrk -t1, {connections}; rate limiter off; req/s, p50 and p99 are medians "
        "over rounds; 'vs the engine alone' is the median of the per-round ratios."
    )
    return table


def _fault_table(faults: list[FaultRun]) -> Table:
    table = Table(
        "Faults while visitors ask for a person (every 200 promises a ticket)",
        ["app", "faults", "responses", "tickets promised", "missing in the database", "connection errors"],
    )
    for run in faults:
        statuses = ", ".join(f"{count} x {status}" for status, count in sorted(run.statuses.items()))
        table.add(
            run.name, "; ".join(run.faults), statuses, len(run.promised), len(run.missing), run.client_errors
        )
    table.notes.append(
        "A connection error is a request cut by the killed worker (no response, so nothing promised); "
        "a 503 tells the visitor to try again and promises nothing."
    )
    return table


def _targets(targets: list[App], faults: list[FaultRun], args: argparse.Namespace) -> list[Target]:
    found: list[Target] = []
    for target in targets:
        if target.service is None:
            continue
        found.append(
            at_least(
                f"{target.name}: req/s vs the engine alone",
                statistics.median(_ratios(targets, target.name)),
                0.5,
            )
        )
        found.append(
            at_most(
                f"{target.name}: p99 at {args.connections} connections",
                _median(target.runs, "p99"),
                50.0,
                " ms",
            )
        )
        found.append(
            at_most(f"{target.name}: errors under load", float(sum(r["errors"] for r in target.runs)), 0.0)
        )
    for run in faults:
        found.append(
            at_most(f"{run.name}: promised tickets missing after faults", float(len(run.missing)), 0.0)
        )
    return found


if __name__ == "__main__":
    sys.exit(main())
