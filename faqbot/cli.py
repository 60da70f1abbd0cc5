"""The ``faqbot`` command line: train, ask, eval (and the web service's commands)."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable, Sequence
from typing import TextIO

from faqbot.engine.artifact import ModelError, load, save_model
from faqbot.engine.calibration import DEFAULT_SUGGEST_PRECISION, DEFAULT_TARGET_PRECISION
from faqbot.engine.checks import corpus_warnings
from faqbot.engine.corpus import CorpusError, load_corpus
from faqbot.engine.labelled import load_labelled

EXIT_OK, EXIT_ERROR, EXIT_USAGE = 0, 1, 2
BATCH_FIELDS = ("question", "status", "faq_id", "confidence", "suggestions")
#: Only on small-talk lines: the reply to show and which intent it is.
SMALLTALK_FIELDS = ("reply", "smalltalk_intent")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="faqbot", description="Self-hosted FAQ answering bot.")
    parser.add_argument("--version", action="version", version=f"faqbot {_version()}")
    parser.add_argument(
        "--create-instance",
        action="store_true",
        help="let a command that needs an instance create it when FAQBOT_INSTANCE_PATH is not one",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    _add_train(sub)
    _add_ask(sub)
    _add_eval(sub)
    _add_web_commands(sub)
    return parser


def _add_train(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("train", help="train a model from a corpus file")
    p.add_argument("--corpus", required=True, help="FAQ corpus (.csv, .json or .jsonl)")
    p.add_argument("--out", required=True, help="model directory to write (replaced atomically)")
    p.add_argument("--calibrate", metavar="LABELLED.csv", help="labelled questions to calibrate on")
    p.add_argument(
        "--target-precision",
        type=_probability,
        default=DEFAULT_TARGET_PRECISION,
        help=f"answered precision the answer threshold must reach (default {DEFAULT_TARGET_PRECISION})",
    )
    p.add_argument(
        "--suggest-precision",
        type=_probability,
        default=DEFAULT_SUGGEST_PRECISION,
        help="how often the right FAQ must be among the suggestions for suggestions to be shown "
        f"(default {DEFAULT_SUGGEST_PRECISION})",
    )
    p.add_argument(
        "--no-smalltalk",
        dest="smalltalk",
        action="store_false",
        help="no small-talk detector: greetings and thanks go to the FAQ matcher like questions",
    )
    p.set_defaults(func=cmd_train)


def _add_ask(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("ask", help="ask a trained model")
    p.add_argument("--model", required=True, help="model directory")
    p.add_argument("question", nargs="?", help="the question (omit with --batch)")
    p.add_argument("--batch", metavar="FILE", help="one question per line ('-' for stdin); JSON lines out")
    p.add_argument("--json", action="store_true", help="print the single answer as JSON")
    p.set_defaults(func=cmd_ask)


def _add_eval(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("eval", help="evaluate a model on labelled questions")
    p.add_argument("--model", required=True, help="model directory")
    p.add_argument("--queries", required=True, help="labelled CSV (question,faq_id)")
    p.add_argument("--json", action="store_true", help="print the report as JSON")
    p.add_argument("--plot", metavar="FILE.png", help="save the precision-coverage curve (matplotlib)")
    p.set_defaults(func=cmd_eval)


def _add_web_commands(sub: argparse._SubParsersAction) -> None:
    """The web service adds serve/users/tokens when its dependencies are installed."""
    try:
        from faqbot.web.app import doctor, instance
        from faqbot.web.app.cli import add_commands
    except ModuleNotFoundError as exc:  # only "the web package is not there", never a bug inside it
        if exc.name not in {"faqbot.web", "faqbot.web.app.cli"}:
            raise
        return
    add_commands(sub)
    instance.add_commands(sub)
    doctor.add_commands(sub)


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("faqbot")
    except PackageNotFoundError:  # run from a checkout that was never installed
        return "(not installed)"


def _refuse_a_missing_instance(args: argparse.Namespace) -> None:
    """A web command run outside an instance stops before touching anything (see instance.py)."""
    if getattr(args, "app_factory", None) is None or args.create_instance:
        return
    from faqbot.web.app.instance import CREATING, require_instance

    if args.command not in CREATING:
        require_instance(args.command)


def _probability(text: str) -> float:
    value = float(text)
    if not 0.0 < value <= 1.0:
        raise argparse.ArgumentTypeError("must be in (0, 1]")
    return value


# ----------------------------------------------------------------- commands
def cmd_train(args: argparse.Namespace) -> int:
    from faqbot.engine.training import fit_model

    corpus = load_corpus(args.corpus)
    labelled = load_labelled(args.calibrate, known_ids=corpus.by_id()) if args.calibrate else None
    for warning in corpus_warnings(corpus, labelled_count=len(labelled) if labelled else 0):
        print(f"warning: {warning}", file=sys.stderr)
    model = fit_model(
        corpus,
        labelled=labelled,
        target_precision=args.target_precision,
        suggest_precision=args.suggest_precision,
        smalltalk=args.smalltalk,
    )
    out = save_model(model, args.out)
    m = model.metrics
    print(
        f"trained {len(model.faqs)} FAQs ({len(model.matcher.phrasings_)} phrasings) "
        f"in {m['training_seconds']:.1f}s -> {out}"
    )
    print(
        f"version {model.manifest['version']}; calibrated on {m['calibration_questions']} "
        f"questions ({m['calibration_source']})"
    )
    print(f"thresholds: answer {model.thresholds['answer']:.3f}, suggest {model.thresholds['suggest']:.3f}")
    return EXIT_OK


def cmd_ask(args: argparse.Namespace) -> int:
    if (args.batch is None) == (args.question is None):
        print("faqbot ask: give either a question or --batch FILE", file=sys.stderr)
        return EXIT_USAGE
    model = load(args.model)
    if args.batch is not None:
        with _open_input(args.batch) as fh:
            _ask_batch(model, fh, sys.stdout)
        return EXIT_OK
    result = model.ask(args.question)
    if args.json:
        print(json.dumps(result, ensure_ascii=False))
    else:
        print(_human_answer(model, result))
    return EXIT_OK


def _open_input(name: str) -> TextIO:
    if name == "-":
        return _NoClose(sys.stdin)
    return open(name, encoding="utf-8")


class _NoClose:
    """Context manager over stdin that leaves it open."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream

    def __enter__(self) -> TextIO:
        return self.stream

    def __exit__(self, *exc: object) -> None:
        return None


def _ask_batch(model, lines: Iterable[str], out: TextIO, chunk: int = 256) -> None:
    """Answer in chunks (fast) while keeping input order and constant memory."""
    buffer: list[str] = []
    for line in lines:
        buffer.append(line.rstrip("\r\n"))
        if len(buffer) >= chunk:
            _write_batch(model, buffer, out)
            buffer = []
    _write_batch(model, buffer, out)


def _write_batch(model, questions: list[str], out: TextIO) -> None:
    for result in model.ask_many(questions):
        line = {k: result[k] for k in BATCH_FIELDS}
        line.update({k: result[k] for k in SMALLTALK_FIELDS if k in result})
        line["suggestions"] = [
            {"faq_id": s["faq_id"], "confidence": s["confidence"]} for s in result["suggestions"]
        ]
        out.write(json.dumps(line, ensure_ascii=False) + "\n")


def _human_answer(model, result: dict) -> str:
    if result["status"] == "smalltalk":
        return f"{result['reply']}\n\n(small talk: {result['smalltalk_intent']})"
    if result["status"] == "answered":
        faq = model.faqs[result["faq_id"]]
        return f"{faq.answer}\n\n(FAQ #{faq.id}: {faq.question}; confidence {result['confidence']:.2f})"
    lines = []
    if result["status"] == "suggested":
        lines.append("Did you mean:")
        for s in result["suggestions"][:3]:
            lines.append(f"  #{s['faq_id']} {s['question']} ({s['confidence']:.2f})")
    else:
        lines.append(
            f"No confident answer (best: #{result['faq_id']}, confidence {result['confidence']:.2f}); "
            "this question would be handed to a person."
        )
    return "\n".join(lines)


def cmd_eval(args: argparse.Namespace) -> int:
    from faqbot.engine.evaluation import evaluate, format_report, plot_curve

    model = load(args.model)
    queries = load_labelled(args.queries, known_ids=model.faqs)
    report = evaluate(model, queries)
    if args.plot:
        plot_curve(report, args.plot)
    print(json.dumps(report, indent=2) if args.json else format_report(report))
    return EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        _refuse_a_missing_instance(args)
        return args.func(args)
    except (CorpusError, ModelError, RuntimeError) as exc:
        print(f"faqbot {args.command}: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except OSError as exc:
        print(
            f"faqbot {args.command}: {exc.strerror or exc}: {exc.filename or ''}".rstrip(": "),
            file=sys.stderr,
        )
        return EXIT_ERROR


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
