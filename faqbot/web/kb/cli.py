"""``faqbot kb export`` and ``faqbot kb import``: the knowledge base as corpus files, from a shell.

``import`` prints the same preview as the admin page and changes nothing unless ``--apply``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any


def add_commands(subparsers: Any) -> None:
    """Add ``kb export`` and ``kb import``."""
    kb = subparsers.add_parser("kb", help="export or import the FAQs of the knowledge base")
    sub = kb.add_subparsers(dest="kb_command", required=True)
    export = sub.add_parser("export", help="write every FAQ as a corpus file (stdout by default)")
    export.add_argument("--format", choices=("csv", "json", "jsonl"), default="csv")
    export.add_argument("--out", type=Path, help="file to write instead of stdout")
    export.set_defaults(func=cmd_kb_export)
    load = sub.add_parser("import", help="preview importing a corpus file; --apply applies it")
    load.add_argument("file", type=Path, help="a .csv, .json or .jsonl corpus file")
    load.add_argument("--apply", action="store_true", help="apply the changes after the preview")
    load.add_argument("--archive-missing", action="store_true", help="archive FAQs missing from the file")
    load.add_argument(
        "--include-conflicting", action="store_true", help="apply conflicting FAQs too (skipped by default)"
    )
    load.set_defaults(func=cmd_kb_import)


def cmd_kb_export(args: argparse.Namespace) -> int:
    from faqbot.web.core.cli import db_session
    from faqbot.web.kb.export import export_text

    with db_session(args) as session:
        text = export_text(session, args.format)
    if args.out is None:
        sys.stdout.write(text)
    else:
        args.out.write_text(text, encoding="utf-8", newline="")
        print(f"wrote {args.out}", file=sys.stderr)
    return 0


def cmd_kb_import(args: argparse.Namespace) -> int:
    from faqbot.web.core.cli import db_session
    from faqbot.web.core.errors import ApiError
    from faqbot.web.kb.apply import apply_preview
    from faqbot.web.kb.importer import build_preview, parse_file

    try:
        parsed = parse_file(args.file)
    except ApiError as error:
        print(f"error: {error.message}; nothing was imported", file=sys.stderr)
        return 1
    try:
        with db_session(args) as session:
            preview = build_preview(session, parsed, str(args.file))
            print_preview(preview)
            if not args.apply:
                print("\nNothing changed; run again with --apply to apply.")
                return 0
            result = apply_preview(
                session,
                preview,
                user_id=None,
                archive_missing=args.archive_missing,
                include_conflicting=args.include_conflicting,
            )
    except ApiError as error:
        print(f"error: {error.message}; nothing was imported", file=sys.stderr)
        return 1
    print("\nApplied: " + ", ".join(f"{n} {name.replace('_', ' ')}" for name, n in result.items()))
    return 0


def print_preview(preview: dict[str, Any]) -> None:
    counts = preview["counts"]
    print(
        ", ".join(
            f"{counts[name]} {name}" for name in ("new", "changed", "unchanged", "conflicting", "missing")
        )
    )
    for item in preview["items"]:
        if item["status"] == "unchanged":
            continue
        fields = ", ".join(change["field"] for change in item["changes"])
        detail = f" ({fields})" if fields else ""
        print(f"  {item['status']:<11} #{item['id']}{detail}: {item['question'][:70]}")
        for problem in item["conflicts"]:
            print(f"              ! {problem}")
    for entry in preview["missing"]:
        print(f"  missing     #{entry['id']}: {entry['question'][:70]}")
    for entry in preview.get("categories", []):
        changed = ", ".join(f"{c['field']} {c['before']} -> {c['after']}" for c in entry["changes"])
        print(f"  category    {entry['name'][:50]}: {changed}")
