"""``faqbot models``: list, retrain (through the gate), show, activate and discard versions.

``retrain`` runs in the foreground as a recorded job, so the admin pages and API show it like
any other; its exit code says what happened: 0 live, 3 held back for an admin, 1 failed.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from sqlalchemy import select

HELD_BACK = 3
_ROWS = (
    ("top-1 accuracy", "top1_accuracy"),
    ("answered precision", "answered_precision"),
    ("coverage", "coverage"),
    ("out-of-scope recall", "out_of_scope_recall"),
)


def add_commands(subparsers: Any) -> None:
    """Add ``models`` and its subcommands to an argparse subparsers object."""
    models = subparsers.add_parser("models", help="the instance's model versions")
    sub = models.add_subparsers(dest="models_command", required=True)
    sub.add_parser("list", help="list versions with state and metrics; * marks the live one").set_defaults(
        func=cmd_list
    )
    retrain = sub.add_parser(
        "retrain",
        help="train on the database FAQs and learned phrasings; goes live only if not worse "
        "than the live model (exit 0 live, 3 held back, 1 failed)",
    )
    retrain.add_argument("--force", action="store_true", help="make it live even if the gate holds it back")
    retrain.set_defaults(func=cmd_retrain)
    show = sub.add_parser("show", help="a version's comparison report")
    show.add_argument("version")
    show.set_defaults(func=cmd_show)
    for name, text in (
        ("activate", "make a version live (promote, or roll back)"),
        ("discard", "refuse a pending candidate"),
    ):
        parser = sub.add_parser(name, help=text)
        parser.add_argument("version")
        parser.set_defaults(func=cmd_decide, action=name)


def _pct(value: float | None) -> str:
    return "  n/a" if value is None else f"{100 * value:5.1f}%"


def cmd_list(args: argparse.Namespace) -> int:
    from faqbot.web.core.cli import db_session
    from faqbot.web.core.tables import ModelVersion

    with db_session(args) as session:
        for row in session.scalars(select(ModelVersion).order_by(ModelVersion.created_at)):
            mark = "*" if row.is_live else " "
            state = "live" if row.is_live else row.state
            metrics = (row.report or {}).get("candidate")
            numbers = "  ".join(f"{k.split('_')[0]} {_pct(metrics[k])}" for _, k in _ROWS) if metrics else ""
            print(f"{mark} {row.version}  {state:<9}  {row.source:<16}  {numbers}".rstrip())
    return 0


def _check_columns(check: dict[str, Any] | None) -> str:
    """A paired check as "change [low, high]  n  verdict" (blank for old or ungated rows)."""
    if not check or check.get("low") is None or check.get("delta") is None:
        return f"{'':>24}  {'':>5}  {check.get('verdict', '') if check else ''}"
    change = f"{100 * check['delta']:+.1f} [{100 * check['low']:+.1f}, {100 * check['high']:+.1f}]"
    return f"{change:>24}  {check['n']:>5}  {check['verdict']}"


def _outcome(outcome: dict[str, Any]) -> str:
    return f"{outcome['status']} {outcome['faq_id'] or ''}".strip()


def print_report(report: dict[str, Any] | None) -> None:
    """The gate's verdict, the metrics side by side and the count of changed questions."""
    if not report:
        print("not compared with another version (first or adopted model)")
        return
    print(f"gate: {report['gate']['reason']}")
    if report["gate"].get("forced"):
        print("gate overridden with --force")
    candidate, live = report.get("candidate"), report.get("live")
    checks = {c["metric"]: c for c in report["gate"].get("checks", [])}
    if candidate:
        print(f"held-out questions: {candidate['questions']} (compared with {report.get('compared_with')})")
        print(f"{'':20}  {'live':>6}  {'candidate':>9}  {'change [interval]':>24}  {'n':>5}  verdict")
        for label, key in _ROWS:
            old = _pct(live[key]) if live else "     -"
            columns = _check_columns(checks.get(key))
            print(f"{label:20}  {old:>6}  {_pct(candidate[key]):>9}  {columns}".rstrip())
    taught = report.get("taught")
    if taught:
        answered, failed = taught["answered"], taught["failed"]
        print(f"taught wordings: {answered} of {taught['count']} answered, {failed} not answered")
        for item in taught["wordings"][:10]:
            now = _outcome(item["candidate"])
            print(f"  {item['verdict']:<9} {item['question']!r}: taught as {item['expected']}, now {now}")
    counts = report["change_counts"]
    print("changed answers: " + ", ".join(f"{counts[k]} {k}" for k in ("better", "worse", "different")))
    for change in report["changes"][:10]:
        old, new = (_outcome(change[side]) for side in ("live", "candidate"))
        expected = change["expected"] or "handoff"
        print(f"  {change['verdict']:<9} {change['question']!r}: expected {expected}, live {old}, now {new}")


def cmd_retrain(args: argparse.Namespace) -> int:
    from faqbot.web.core.db import get_engine, session_scope
    from faqbot.web.core.errors import ApiError
    from faqbot.web.core.tables import Job, ModelVersion
    from faqbot.web.models.training import queue_retrain, run_retrain

    app = args.app_factory(with_model=False)
    try:
        with session_scope(app) as session:
            try:
                job_id = queue_retrain(session, None, force=args.force, trigger="cli").id
            except ApiError as error:
                print(f"error: {error.message}", file=sys.stderr)
                return 1
        print(f"retrain job {job_id} running...", flush=True)
        run_retrain(app, job_id)
        with session_scope(app) as session:
            job = session.get(Job, job_id)
            if job.status != "succeeded":
                print(f"error: retrain failed, the live model is unchanged: {job.error}", file=sys.stderr)
                return 1
            row = session.get(ModelVersion, job.model_version)
            print_report(row.report)
            if row.is_live:
                print(f"{row.version} is live; serving processes switch within seconds")
                return 0
            print(
                f"{row.version} is pending: `faqbot models activate {row.version}` to promote it, "
                f"`faqbot models discard {row.version}` to refuse it"
            )
            return HELD_BACK
    finally:
        get_engine(app).dispose()


def cmd_show(args: argparse.Namespace) -> int:
    from faqbot.web.core.db import get_engine, session_scope
    from faqbot.web.models.store import UnknownVersion
    from faqbot.web.models.versions import get_version

    app = args.app_factory(with_model=False)
    try:
        with session_scope(app) as session:
            row = get_version(session, app.config["MODELS_DIR"], args.version)
            print(f"{row.version}  {'live' if row.is_live else row.state}  {row.source}")
            print_report(row.report)
    except UnknownVersion as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    finally:
        get_engine(app).dispose()
    return 0


def cmd_decide(args: argparse.Namespace) -> int:
    from faqbot.web.core.db import get_engine, session_scope
    from faqbot.web.models.store import UnknownVersion
    from faqbot.web.models.versions import VersionConflict, activate, discard

    app = args.app_factory(with_model=False)
    try:
        with session_scope(app) as session:
            change = activate if args.action == "activate" else discard
            change(session, app.config["MODELS_DIR"], args.version, None)
    except (UnknownVersion, VersionConflict) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    finally:
        get_engine(app).dispose()
    if args.action == "activate":
        print(f"{args.version} is live; serving processes switch within seconds")
    else:
        print(f"{args.version} was discarded")
    return 0
