"""Run faqbot's benchmarks: ``python benchmarks/run.py [--datasets DIR] [--quick] [--only ...]``.

A thin launcher: it puts the project root (not ``benchmarks/``) on the path and
hands over to :mod:`benchmarks.cli`.
"""

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _main() -> int:
    here = Path(__file__).resolve().parent
    sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != here]
    sys.path.insert(0, str(ROOT))
    from benchmarks.cli import main

    return main()


if __name__ == "__main__":
    sys.exit(_main())
