"""The benchmark command: run the chosen suites, print each table as it completes,
and (full runs) write benchmarks/RESULTS.md."""

from __future__ import annotations

import argparse
from pathlib import Path

from benchmarks import banking, calibration, clinc, loop, offtopic, sample, smalltalk, speed, stability
from benchmarks.datasets import DEFAULT_ROOT, DatasetMissing
from benchmarks.report import (
    Suite,
    Table,
    Target,
    command_line,
    engine_fingerprint,
    machine_header,
    targets_table,
)

DEFAULT_OUT = Path(__file__).resolve().parent / "RESULTS.md"
SUITES: dict[str, Suite] = {
    "clinc": clinc.run,
    "coldstart": clinc.run_cold_start,
    "banking": banking.run,
    "latency": speed.run_latency,
    "scale": speed.run_scale,
    "smalltalk": smalltalk.run,
    "offtopic": offtopic.run,
    "sample": sample.run,
    "calibration": calibration.run,
    "stability": stability.run,
    "loop": loop.run,
}


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="faqbot benchmarks (issue 2, section 8)")
    parser.add_argument(
        "--datasets",
        type=Path,
        default=DEFAULT_ROOT,
        help=f"folder with clinc150/ and banking77/ (default {DEFAULT_ROOT})",
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help="small CI smoke slice; does not write RESULTS.md unless --out is given",
    )
    parser.add_argument(
        "--only",
        type=_suite_list,
        default=list(SUITES),
        help=f"comma-separated subset of {','.join(SUITES)}",
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=None,
        help=f"Markdown file to write (default {DEFAULT_OUT} on full runs)",
    )
    return parser.parse_args(argv)


def _suite_list(text: str) -> list[str]:
    names = [n.strip() for n in text.split(",") if n.strip()]
    unknown = [n for n in names if n not in SUITES]
    if unknown or not names:
        raise argparse.ArgumentTypeError(f"unknown suite(s) {unknown}; choose from {list(SUITES)}")
    return names


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    engine = engine_fingerprint()
    header = machine_header(command_line())
    print(f"# faqbot benchmarks{' (quick)' if args.quick else ''}\n\n{header}\n", flush=True)
    tables: list[Table] = []

    def emit(table: Table) -> None:
        tables.append(table)
        print(table.markdown(), flush=True)

    all_targets = []
    for name in args.only:
        all_targets += _run_suite(name, args, emit)
    if all_targets:
        emit(targets_table("Targets of the suites run", all_targets))
    if engine_fingerprint() != engine:
        header += f"\n- WARNING: faqbot/*.py changed during the run ({engine} -> "
        header += f"{engine_fingerprint()}): tables may mix engine versions; rerun."
        print(header.splitlines()[-1], flush=True)
    out = args.out or (None if args.quick else DEFAULT_OUT)
    if out is not None:
        out.write_text(_document(args.quick, header, tables), encoding="utf-8")
        print(f"wrote {out}", flush=True)
    return 0


def _run_suite(name: str, args: argparse.Namespace, emit) -> list[Target]:
    print(f"## {name}\n", flush=True)
    try:
        return SUITES[name](args.datasets, args.quick, emit)
    except DatasetMissing as missing:
        print(f"skipped: {missing.path} not found\n", flush=True)
        return []


def _document(quick: bool, header: str, tables: list[Table]) -> str:
    kind = "quick smoke slice (not the full benchmark)" if quick else "full run"
    parts = [f"# faqbot benchmark results ({kind})", "", header, ""]
    parts += ["Timings are wall-clock on a shared machine; compare ratios within one run.", ""]
    # the targets table comes first in the file: it is what a reader looks for
    ordered = tables[-1:] + tables[:-1] if tables and tables[-1].title.startswith("Targets") else tables
    parts += [t.markdown() for t in ordered]
    return "\n".join(parts)
