"""Tests for faqbot.engine.corpus: the three file formats, the merge rules and every error path."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import pickle
from collections.abc import Callable
from pathlib import Path

import pytest

from faqbot.engine.corpus import Corpus, CorpusError, Faq, corpus_from_records, load_corpus, read_records

Write = Callable[[str, str | bytes], Path]
HEADER = "id,question,answer\n"


@pytest.fixture
def write(tmp_path: Path) -> Write:
    """Write bytes exactly as given (no newline translation) and return the path."""

    def _write(name: str, content: str | bytes) -> Path:
        path = tmp_path / name
        path.write_bytes(content.encode() if isinstance(content, str) else content)
        return path

    return _write


def assert_corpus_error(error: CorpusError, path: Path | str, line: int | None, problem: str):
    assert error.path == str(path)
    assert error.line == line
    assert problem in error.problem
    where = f"{path}:{line}" if line is not None else f"{path}"
    assert str(error) == f"{where}: {error.problem}"


# --- happy paths ----------------------------------------------------------------------------


def test_csv_merges_rows_alternates_and_categories(write: Write) -> None:
    content = (
        "\ufeffID , Question,Answer,Category,Alternates,Owner\r\n"
        '1,How do I  reset my password?,"Go to Settings,\r\nthen Reset.",Account,'
        "reset password| forgot password |How do I reset my password?|,alice\r\n"
        "2,Opening hours?,  9 to 5  ,,,bob\r\n"
        "\r\n"
        "1,I forgot my password,,Account,reset   password,carol\r\n"
        "1,  How do I reset my password?  ,,,,\r\n"
    )
    corpus = load_corpus(write("faqs.CSV", content))
    assert corpus.faqs == (
        Faq(
            id="1",
            question="How do I reset my password?",
            answer="Go to Settings,\r\nthen Reset.",
            category="Account",
            phrasings=(
                "How do I reset my password?",
                "reset password",
                "forgot password",
                "I forgot my password",
            ),
        ),
        Faq(
            id="2",
            question="Opening hours?",
            answer="9 to 5",
            category=None,
            phrasings=("Opening hours?",),
        ),
    )


def test_load_records_source_and_checksum(write: Write) -> None:
    content = HEADER + "a,Q,A\n"
    path = write("faqs.csv", content)
    corpus = load_corpus(path)
    assert corpus.source == str(path)
    assert corpus.sha256 == hashlib.sha256(content.encode()).hexdigest()


def test_json_number_ids_merge_with_string_ids(write: Write) -> None:
    content = json.dumps(
        [
            {
                "id": 1,
                "question": "Refund?",
                "answer": "Within 30 days.",
                "alternates": ["money back"],
            },
            {"id": "7", "question": "Shipping?", "answer": "Free.", "category": " Orders "},
            {
                "id": " 1 ",
                "question": "Can I get a refund",
                "alternates": "refund please|money back",
            },
            {"id": 7.0, "question": "Do you ship abroad?", "category": "Orders", "extra": [1, 2]},
        ],
        indent=2,
    )
    corpus = load_corpus(write("faqs.json", content))
    assert corpus.faqs == (
        Faq(
            "1",
            "Refund?",
            "Within 30 days.",
            None,
            ("Refund?", "money back", "Can I get a refund", "refund please"),
        ),
        Faq("7", "Shipping?", "Free.", "Orders", ("Shipping?", "Do you ship abroad?")),
    )


def test_json_object_with_faqs_list(write: Write) -> None:
    content = '{"version": 2, "faqs": [{"id": "a", "question": "Q", "answer": "A", "alternates": null}]}'
    corpus = load_corpus(write("faqs.json", content))
    assert corpus.faqs == (Faq("a", "Q", "A", None, ("Q",)),)


def test_read_records_keeps_lines_ids_and_extra_fields(write: Write) -> None:
    content = 'id,question,answer,archived\n1,Q1,A1,true\n\n"2",Q2,A2,\n1,Q1 again,,\n'
    rows = list(read_records(write("faqs.csv", content), display="upload.csv"))
    assert [(line, faq_id, record.get("archived")) for line, faq_id, record in rows] == [
        (2, "1", "true"),
        (4, "2", ""),
        (5, "1", ""),
    ]
    jsonl = '{"id": 7, "question": "Q", "answer": "A", "revision": 3}\n[1]\n'
    records = read_records(write("faqs.jsonl", jsonl), display="upload.jsonl")
    assert next(records)[1:] == ("7", {"id": 7, "question": "Q", "answer": "A", "revision": 3})
    with pytest.raises(CorpusError) as caught:
        next(records)
    assert_corpus_error(caught.value, "upload.jsonl", 2, "expected an FAQ object, got list")


def test_jsonl_skips_blank_lines(write: Write) -> None:
    content = (
        '{"id": "a", "question": "Q1", "answer": "A"}\n'
        "\n"
        "   \n"
        '{"id": "b", "question": "Q2", "answer": "B", "category": "C"}\n'
        '{"id": "a", "question": "Q1 again", "alternates": ["Q1", "Q1 once more"]}\n'
    )
    corpus = load_corpus(write("faqs.jsonl", content))
    assert corpus.faqs == (
        Faq("a", "Q1", "A", None, ("Q1", "Q1 again", "Q1 once more")),
        Faq("b", "Q2", "B", "C", ("Q2",)),
    )


ROUND_TRIP_ROWS = [
    {
        "id": "pw",
        "question": "How do I reset my password?",
        "answer": 'Click "Forgot",\nthen check mail.',
        "category": "Account",
        "alternates": ["forgot password", "reset, please"],
    },
    {
        "id": "hours",
        "question": "When are you open?",
        "answer": "9–5, Mon–Fri ☕",
        "category": "",
        "alternates": [],
    },
    {
        "id": "pw",
        "question": "I can't log in",
        "answer": "",
        "category": "Account",
        "alternates": ["forgot password"],
    },
]
ROUND_TRIP_FAQS = (
    Faq(
        "pw",
        "How do I reset my password?",
        'Click "Forgot",\nthen check mail.',
        "Account",
        ("How do I reset my password?", "forgot password", "reset, please", "I can't log in"),
    ),
    Faq("hours", "When are you open?", "9–5, Mon–Fri ☕", None, ("When are you open?",)),
)


def _as_csv(rows: list[dict]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows({**row, "alternates": "|".join(row["alternates"])} for row in rows)
    return out.getvalue()


@pytest.mark.parametrize(
    ("name", "serialise"),
    [
        ("faqs.csv", _as_csv),
        ("faqs.json", lambda rows: json.dumps(rows, ensure_ascii=False, indent=2)),
        ("faqs.jsonl", lambda rows: "\n".join(json.dumps(row) for row in rows) + "\n"),
    ],
)
def test_round_trip_formats_load_to_the_same_faqs(write: Write, name: str, serialise) -> None:
    assert load_corpus(write(name, serialise(ROUND_TRIP_ROWS))).faqs == ROUND_TRIP_FAQS


def test_corpus_from_records_matches_file_loading() -> None:
    corpus = corpus_from_records(ROUND_TRIP_ROWS, source="db")
    assert corpus == Corpus(ROUND_TRIP_FAQS, source="db")


# --- Corpus and CorpusError -----------------------------------------------------------------


def test_corpus_accessors() -> None:
    corpus = Corpus(ROUND_TRIP_FAQS)
    assert len(corpus) == 2
    assert corpus.by_id() == {"pw": ROUND_TRIP_FAQS[0], "hours": ROUND_TRIP_FAQS[1]}
    assert corpus.training_pairs() == (
        [
            "How do I reset my password?",
            "forgot password",
            "reset, please",
            "I can't log in",
            "When are you open?",
        ],
        ["pw", "pw", "pw", "pw", "hours"],
    )


def test_corpus_rejects_duplicate_ids() -> None:
    with pytest.raises(ValueError, match="same id"):
        Corpus((ROUND_TRIP_FAQS[0], ROUND_TRIP_FAQS[0]))


def test_corpus_error_pickles_and_formats() -> None:
    error = pickle.loads(pickle.dumps(CorpusError("f.csv", 3, "empty question")))
    assert (error.path, error.line, error.problem) == ("f.csv", 3, "empty question")
    assert str(error) == "f.csv:3: empty question"
    assert str(CorpusError(Path("f.csv"), None, "file is empty")) == "f.csv: file is empty"
    assert isinstance(error, ValueError)


# --- errors ---------------------------------------------------------------------------------

CSV_ERRORS = [
    pytest.param("id,question\n1,Q\n", 1, "missing required column 'answer'", id="missing-column"),
    pytest.param("question\nQ\n", 1, "missing required columns 'id', 'answer'", id="missing-columns"),
    pytest.param(
        "id,question,answer,Question\n",
        1,
        "column 'question' appears more than once",
        id="duplicate-column",
    ),
    pytest.param(HEADER + "1,Q,A\n2,  ,A\n", 3, "empty question", id="empty-question"),
    pytest.param(HEADER + "1,Q,A\n ,Q2,A\n", 3, "empty id", id="empty-id"),
    pytest.param(
        HEADER + "1,Q1,A1\n2,Q2,\n3,Q3,A3\n2,Q2b, \n",
        3,
        "id '2' has no answer on any row",
        id="no-answer",
    ),
    pytest.param(
        HEADER + "1,Q1,A1\n2,Q2,A2\n1,Q1b,Other\n",
        4,
        "id '1': answer differs from the one on line 2",
        id="two-answers",
    ),
    pytest.param(
        "id,question,answer,category\n1,Q,A,Billing\n1,Q2,,Account\n",
        3,
        "id '1': category differs from the one on line 2",
        id="two-categories",
    ),
    pytest.param(
        HEADER + '1,Q,"Line one\nline two\nline three"\n2,,A\n',
        5,
        "empty question",
        id="line-after-multiline-field",
    ),
    pytest.param(HEADER + "1,Where, when?,A\n", 2, "4 fields but the header has 3", id="too-many-fields"),
    pytest.param(
        HEADER + '1,"Q,A\n2,Q2,A2\n',
        2,
        "malformed CSV: unexpected end of data (the record runs to line 3)",
        id="open-quote",
    ),
    pytest.param(HEADER + '1,"Q"x,A\n', 2, "malformed CSV: ',' expected after '\"'", id="bad-quote"),
    pytest.param(
        b"id,question,answer\n1,Q,A\n2,Caf\xe9?,A\n",
        3,
        "not valid UTF-8 (byte 0xe9)",
        id="bad-byte",
    ),
    pytest.param(
        HEADER.encode() + b'1,Q,"one\r\ntw\xff"\r\n',
        3,
        "not valid UTF-8 (byte 0xff)",
        id="bad-byte-in-multiline-field",
    ),
    pytest.param("", None, "file is empty", id="empty-file"),
    pytest.param("\ufeff \n\n", None, "file is empty", id="blank-file"),
    pytest.param(HEADER + "\n", None, "no FAQ rows", id="header-only"),
]

JSON_ERRORS = [
    pytest.param(
        '[\n  {"id": 1,\n   "question": "Q"\n   "answer": "A"}\n]',
        4,
        "invalid JSON: Expecting ',' delimiter (column 4)",
        id="invalid",
    ),
    pytest.param(
        '[\n  {"id": 1, "question": "Q", "answer": "A"},\n  ["not", "an", "object"]\n]',
        3,
        "expected an FAQ object, got list",
        id="not-an-object",
    ),
    pytest.param(
        '[{"id": 1, "question": "Q", "answer": "A"},\n\n  {\n    "id": 2,\n    "question": 42,'
        '\n    "answer": "A"\n  }\n]',
        3,
        "'question' must be a string, got number",
        id="question-not-string",
    ),
    pytest.param(
        '[{"id": "a", "question": "Why [x], {y}?\\n", "answer": "A"},\n'
        '{"id": "b", "question": "", "answer": "B"}]',
        2,
        "empty question",
        id="element-after-brackets-in-strings",
    ),
    pytest.param(
        '[{"id": "a", "question": "Q", "answer": "A", "alternates": 5}]',
        1,
        "'alternates' must be a list of strings or a '|'-separated string, got number",
        id="alternates-number",
    ),
    pytest.param(
        '[\n{"id": "a", "question": "Q", "answer": "A", "alternates": ["x", 2]}]',
        2,
        "got a list containing a number",
        id="alternates-list-of-numbers",
    ),
    pytest.param(
        '[{"id": "a", "question": "Q", "answer": 12}]',
        1,
        "'answer' must be a string, got number",
        id="answer-not-string",
    ),
    pytest.param('[{"id": "a", "answer": "A"}]', 1, "missing field 'question'", id="missing-question"),
    pytest.param('[{"question": "Q", "answer": "A"}]', 1, "missing field 'id'", id="missing-id"),
    pytest.param(
        '[{"id": true, "question": "Q", "answer": "A"}]',
        1,
        "'id' must be a string or a number, got boolean",
        id="id-boolean",
    ),
    pytest.param('\n\n{"items": []}', 3, 'an object with a "faqs" list', id="no-faqs-key"),
    pytest.param('{"faqs": {"id": 1}}', 1, 'an object with a "faqs" list', id="faqs-not-a-list"),
    pytest.param("[]", None, "no FAQ rows", id="empty-list"),
    pytest.param("[" * 100_000, 1, "invalid JSON: nested too deeply", id="deep-nesting"),
    pytest.param(
        '{"faqs": [],\n "version": 1,\n "faqs": [\n  {"id": 1, "question": "Q", "answer": "A"},'
        '\n  {"id": "1", "question": "Q2", "answer": "B"}\n]}',
        5,
        "id '1': answer differs from the one on line 4",
        id="faqs-object-lines",
    ),
    pytest.param(
        b'[\n{"id": "a", "question": "\xc3(", "answer": "A"}]',
        2,
        "not valid UTF-8 (byte 0xc3)",
        id="bad-byte",
    ),
]

JSONL_ERRORS = [
    pytest.param(
        '{"id": 1, "question": "Q", "answer": "A"}\n\n{"id": 2, "question": "Q2", answer: 1}\n',
        3,
        "invalid JSON: Expecting property name enclosed in double quotes (column 29)",
        id="invalid",
    ),
    pytest.param(
        '{"id": 1, "question": "Q", "answer": "A"}\n"just a string"\n',
        2,
        "expected an FAQ object, got string",
        id="not-an-object",
    ),
    pytest.param(
        '{"id": 1, "question": "Q", "answer": "A", "category": "x"}\n\n\n'
        '{"id": 1, "question": "Q2", "category": "y"}\n',
        4,
        "id '1': category differs from the one on line 1",
        id="two-categories",
    ),
    pytest.param(
        '\n{"id": 1, "question": "Q"}\n{"id": 1, "question": "Q2", "answer": null}\n',
        2,
        "id '1' has no answer on any row",
        id="no-answer",
    ),
    pytest.param(
        '{"id": 1, "question": "Q\u2028still line one", "answer": "A"}\n{"id": 2}\n',
        2,
        "missing field 'question'",
        id="u2028-is-not-a-line-break",
    ),
]


@pytest.mark.parametrize(("content", "line", "problem"), CSV_ERRORS)
def test_csv_errors(write: Write, content: str | bytes, line: int | None, problem: str) -> None:
    path = write("faqs.csv", content)
    with pytest.raises(CorpusError) as info:
        load_corpus(path)
    assert_corpus_error(info.value, path, line, problem)


@pytest.mark.parametrize(("content", "line", "problem"), JSON_ERRORS)
def test_json_errors(write: Write, content: str | bytes, line: int | None, problem: str) -> None:
    path = write("faqs.json", content)
    with pytest.raises(CorpusError) as info:
        load_corpus(path)
    assert_corpus_error(info.value, path, line, problem)


@pytest.mark.parametrize(("content", "line", "problem"), JSONL_ERRORS)
def test_jsonl_errors(write: Write, content: str | bytes, line: int | None, problem: str) -> None:
    path = write("faqs.jsonl", content)
    with pytest.raises(CorpusError) as info:
        load_corpus(path)
    assert_corpus_error(info.value, path, line, problem)


@pytest.mark.parametrize(
    ("name", "problem"),
    [
        ("faqs.txt", "unknown file extension '.txt'; use .csv, .json or .jsonl"),
        ("faqs", "unknown file extension ''"),
    ],
)
def test_unknown_extension(write: Write, name: str, problem: str) -> None:
    path = write(name, HEADER + "1,Q,A\n")
    with pytest.raises(CorpusError) as info:
        load_corpus(path)
    assert_corpus_error(info.value, path, None, problem)


def test_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "nope.csv"
    with pytest.raises(CorpusError) as info:
        load_corpus(path)
    assert_corpus_error(info.value, path, None, "file not found")


def test_directory_is_not_a_corpus(tmp_path: Path) -> None:
    path = tmp_path / "dir.json"
    path.mkdir()
    with pytest.raises(CorpusError) as info:
        load_corpus(path)
    assert_corpus_error(info.value, path, None, "is a directory")


def test_corpus_from_records_reports_record_numbers() -> None:
    records = [
        {"id": "a", "question": "Q", "answer": "A"},
        {"id": "b", "question": "Q2", "answer": "B"},
        {"id": "a", "question": "Q3", "answer": "C"},
    ]
    with pytest.raises(CorpusError) as info:
        corpus_from_records(records, source="database")
    assert_corpus_error(info.value, "database", 3, "id 'a': answer differs from the one on line 1")
