"""How long a scheduled retrain takes: the time between "things went quiet" and "visitors get it".

``python benchmarks/retrain_time.py`` (the bundled sample, calibrated and evaluated on its labelled
files as the service does) or ``python benchmarks/retrain_time.py --faqs 10000 [--datasets DIR]``
(a synthetic corpus of that many single-phrasing FAQs from CLINC150 and BANKING77, as the scale
benchmark builds it).  In one process, on a fresh SQLite instance: the first model is trained,
one wording is linked to an FAQ, and the gated retrain the scheduler would start runs to its end
(train the candidate, evaluate it and the live model, train the version kept, save, go live).
Prints the seconds of each.
"""

from __future__ import annotations

import argparse
import csv
import sys
import tempfile
import time
from pathlib import Path

if __package__ in (None, ""):  # run as a script: the project root, not benchmarks/, on the path
    sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks import datasets  # noqa: E402
from benchmarks.scale import scale_records  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent


def synthetic_corpus(root: Path, size: int, path: Path) -> Path:
    pairs = datasets.all_phrasings(datasets.load_clinc(root), datasets.load_banking(root))
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=["id", "question", "answer"])
        writer.writeheader()
        writer.writerows(scale_records(pairs, size))
    return path


def measure(corpus: Path | None) -> dict[str, float | str | bool]:
    from sqlalchemy import func, select

    from faqbot.web import create_app
    from faqbot.web.core.db import session_scope
    from faqbot.web.core.tables import Faq, FaqRevision, Job, LearnedPhrasing
    from faqbot.web.models.training import queue_retrain, run_retrain

    with tempfile.TemporaryDirectory(prefix="faqbot-retrain-time-") as tmp:
        config = {"INSTANCE_PATH": tmp, "SCHEDULER_ENABLED": False, "SECRET_KEY": "benchmark-" + "x" * 20}
        if corpus is not None:
            config["SEED_CORPUS"] = str(corpus)
        started = time.perf_counter()
        app = create_app(config)  # migrate, seed and train the first model
        first = time.perf_counter() - started
        with session_scope(app) as session:  # what a staff link writes
            faq_id = session.scalar(select(Faq.id).order_by(Faq.position).limit(1))
            session.add(LearnedPhrasing(faq_id=faq_id, text="a wording a visitor used that staff linked"))
            session.add(FaqRevision(faq_id=faq_id, revision=2, action="learned_added", source="benchmark"))
        with session_scope(app) as session:
            job_id = queue_retrain(session, None, trigger="scheduled").id
        started = time.perf_counter()
        run_retrain(app, job_id)
        retrain = time.perf_counter() - started
        with session_scope(app) as session:
            job = session.get(Job, job_id)
            faqs = session.scalar(select(func.count()).select_from(Faq))
            went_live, status = bool((job.details or {}).get("went_live")), job.status
        app.extensions["faqbot.engine"].dispose()
    return {
        "faqs": faqs,
        "first_training_s": first,
        "retrain_s": retrain,
        "went_live": went_live,
        "status": status,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--faqs", type=int, help="a synthetic corpus of this many FAQs (default: the sample)")
    parser.add_argument("--datasets", type=Path, default=datasets.DEFAULT_ROOT)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="faqbot-corpus-") as tmp:
        try:
            corpus = (
                synthetic_corpus(args.datasets, args.faqs, Path(tmp) / "corpus.csv") if args.faqs else None
            )
        except datasets.DatasetMissing as missing:
            print(f"skipped: {missing.path} not found")
            return 0
        result = measure(corpus)
    print(
        f"{result['faqs']} FAQs: first training {result['first_training_s']:.1f} s; "
        f"gated retrain after one link {result['retrain_s']:.1f} s ({result['status']}, "
        f"{'went live' if result['went_live'] else 'held back'})"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
