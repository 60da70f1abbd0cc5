"""Tests for faqbot.engine.labelled: labelled query files for calibration and evaluation."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from faqbot.engine.corpus import CorpusError
from faqbot.engine.labelled import LabelledQuery, load_labelled

Write = Callable[[str | bytes], Path]


@pytest.fixture
def write(tmp_path: Path) -> Write:
    """Write a labelled.csv with exactly these bytes and return its path."""

    def _write(content: str | bytes) -> Path:
        path = tmp_path / "labelled.csv"
        path.write_bytes(content.encode() if isinstance(content, str) else content)
        return path

    return _write


def test_loads_questions_out_of_scope_and_lines(write: Write) -> None:
    content = (
        "\ufeffQuestion,faq_id,note\r\n"
        "  How do I reset my password? , pw ,typo\r\n"
        "\r\n"
        "What is the meaning of life?,,\r\n"
        '"Two\nlines",hours\r\n'
        "Opening hours?,hours,extra\r\n"
    )
    assert load_labelled(write(content), known_ids={"pw", "hours"}) == [
        LabelledQuery("How do I reset my password?", "pw", 2),
        LabelledQuery("What is the meaning of life?", None, 4),
        LabelledQuery("Two\nlines", "hours", 5),
        LabelledQuery("Opening hours?", "hours", 7),
    ]


def test_any_faq_id_is_accepted_without_known_ids(write: Write) -> None:
    queries = load_labelled(write("question,faq_id\nQ,whatever\n"))
    assert queries == [LabelledQuery("Q", "whatever", 2)]


@pytest.mark.parametrize(
    ("content", "known_ids", "line", "problem"),
    [
        pytest.param("question,id\nQ,1\n", None, 1, "missing required column 'faq_id'", id="col"),
        pytest.param("faq_id\n1\n", None, 1, "missing required column 'question'", id="col2"),
        pytest.param("question,faq_id\nQ,1\n , 2\n", None, 3, "empty question", id="empty-q"),
        pytest.param("", None, None, "file is empty", id="empty-file"),
        pytest.param("question,faq_id\n\n", None, None, "no labelled queries", id="header-only"),
        pytest.param(
            b"question,faq_id\nQ,1\n\nCaf\xe9,2\n",
            None,
            4,
            "not valid UTF-8 (byte 0xe9)",
            id="bytes",
        ),
        pytest.param(
            "question,faq_id\nQ,pw\nQ2,\nQ3,pq\n",
            ["pw", "hours"],
            4,
            "unknown faq_id 'pq': no FAQ in the corpus has it",
            id="unknown-id",
        ),
        pytest.param(
            "question,faq_id\nWhere, when?,1\n",
            None,
            2,
            "3 fields but the header has 2",
            id="comma",
        ),
    ],
)
def test_errors(
    write: Write, content: str | bytes, known_ids: list[str] | None, line: int | None, problem: str
) -> None:
    path = write(content)
    with pytest.raises(CorpusError) as info:
        load_labelled(path, known_ids=known_ids)
    error = info.value
    assert (error.path, error.line) == (str(path), line)
    assert problem in error.problem
    where = str(path) if line is None else f"{path}:{line}"
    assert str(error) == f"{where}: {error.problem}"


def test_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "nope.csv"
    with pytest.raises(CorpusError, match="nope.csv: file not found$"):
        load_labelled(path)
