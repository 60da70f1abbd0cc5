"""Load an FAQ corpus from CSV, JSON or JSONL into one immutable, validated shape.

Everything downstream (training, serving, the admin import) trusts a :class:`Corpus`, so every
problem in a file is caught here and reported as ``PATH:LINE: PROBLEM``: an admin fixing a
spreadsheet needs to know which row to look at, not a traceback.  The merge rules live in
:func:`corpus_from_records`, so a corpus built from the database obeys exactly the same rules
as one read from a file.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import json
import math
import os
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["Corpus", "CorpusError", "Faq", "corpus_from_records", "load_corpus"]

CORPUS_FIELDS = ("id", "question", "answer", "category", "alternates")
_REQUIRED_COLUMNS = ("id", "question", "answer")
_JSON_WHITESPACE = re.compile(r"[ \t\n\r]*")
_NEWLINE_BYTES = re.compile(rb"\r\n|\r|\n")


@dataclass(frozen=True)
class Faq:
    """One FAQ after merging all of its rows; ``phrasings[0]`` is always ``question``."""

    id: str
    question: str
    answer: str
    category: str | None
    phrasings: tuple[str, ...]


@dataclass(frozen=True)
class Corpus:
    """An ordered, immutable set of FAQs, with where it came from so a model can cite it."""

    faqs: tuple[Faq, ...]
    source: str | None = None
    sha256: str | None = None

    def __post_init__(self) -> None:
        # Callers may build a Corpus by hand; a duplicate id would silently vanish in by_id().
        object.__setattr__(self, "faqs", tuple(self.faqs))
        ids = [faq.id for faq in self.faqs]
        if len(set(ids)) != len(ids):
            raise ValueError("a Corpus cannot hold two FAQs with the same id")

    def by_id(self) -> dict[str, Faq]:
        """Map id -> FAQ, for looking up the answer to a predicted id."""
        return {faq.id: faq for faq in self.faqs}

    def training_pairs(self) -> tuple[list[str], list[str]]:
        """Return ``(phrasings, faq_ids)``: one sample per phrasing, the shape a fit() wants."""
        texts = [text for faq in self.faqs for text in faq.phrasings]
        ids = [faq.id for faq in self.faqs for _ in faq.phrasings]
        return texts, ids

    def __len__(self) -> int:
        return len(self.faqs)


class CorpusError(ValueError):
    """A corpus or query file that cannot be used; says where (``path``, ``line``) and why."""

    def __init__(self, path: str | os.PathLike[str], line: int | None, problem: str) -> None:
        # Keep all three in args so the exception pickles (e.g. across a worker process).
        super().__init__(os.fspath(path), line, problem)
        self.path = os.fspath(path)
        self.line = line
        self.problem = problem

    def __str__(self) -> str:
        where = self.path if self.line is None else f"{self.path}:{self.line}"
        return f"{where}: {self.problem}"


class _FieldError(Exception):
    """A bad value in one record; the caller knows the line and turns it into a CorpusError."""


@dataclass(frozen=True)
class _Row:
    id: str
    question: str
    answer: str | None
    category: str | None
    alternates: tuple[str, ...]


def load_corpus(path: str | os.PathLike[str]) -> Corpus:
    """Read a corpus file, choosing the format by its extension (.csv, .json or .jsonl)."""
    source = os.fspath(path)
    reader = _reader(source)
    text, data = _read_text(source)
    faqs = _merge(reader(text, source), source)
    return Corpus(faqs, source=source, sha256=hashlib.sha256(data).hexdigest())


def read_records(
    path: str | os.PathLike[str], display: str | None = None
) -> Iterator[tuple[int, str, Mapping]]:
    """Yield ``(line, faq id, record)`` for every row of a corpus file, before merging.

    For tools that read fields beyond the corpus format (e.g. the knowledge base's ``archived``
    and ``revision``) with the loader's line numbers; errors name ``display`` (default: path).
    """
    source = os.fspath(path)
    display = display or source
    reader = _reader(source)
    text, _ = _read_text(source)
    for line, record in reader(text, display):
        if not isinstance(record, Mapping):
            raise CorpusError(display, line, f"expected an FAQ object, got {_type_name(record)}")
        try:
            faq_id = _faq_id(record)
        except _FieldError as error:
            raise CorpusError(display, line, str(error)) from None
        yield line, faq_id, record


def _reader(source: str) -> Callable[[str, str], Iterator[tuple[int, object]]]:
    readers = {".csv": _csv_corpus_rows, ".json": _json_rows, ".jsonl": _jsonl_rows}
    reader = readers.get(Path(source).suffix.lower())
    if reader is None:
        problem = f"unknown file extension {Path(source).suffix!r}; use .csv, .json or .jsonl"
        raise CorpusError(source, None, problem)
    return reader


def corpus_from_records(records: Iterable[Mapping], source: str = "<records>") -> Corpus:
    """Build a corpus from mappings with the file fields, e.g. rows from the database.

    Errors are reported as ``SOURCE:N`` where N is the 1-based position of the record.
    """
    return Corpus(_merge(enumerate(records, 1), source), source=source)


# --- reading and decoding -------------------------------------------------------------------


def _read_text(path: str) -> tuple[str, bytes]:
    """Return the decoded text and the raw bytes (the bytes are what the checksum is of)."""
    try:
        data = Path(path).read_bytes()
    except FileNotFoundError:
        raise CorpusError(path, None, "file not found") from None
    except IsADirectoryError:
        raise CorpusError(path, None, "is a directory, not a file") from None
    except OSError as error:
        raise CorpusError(path, None, f"cannot read file: {error.strerror}") from None
    text = _decode(data, path)
    if not text.strip():
        raise CorpusError(path, None, "file is empty")
    return text, data


def _decode(data: bytes, path: str) -> str:
    """Decode UTF-8 (spreadsheets often add a BOM); point at the line of a bad byte."""
    body = data[len(codecs.BOM_UTF8) :] if data.startswith(codecs.BOM_UTF8) else data
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as error:
        line = len(_NEWLINE_BYTES.findall(body, 0, error.start)) + 1
        bad = body[error.start]
        problem = f"not valid UTF-8 (byte 0x{bad:02x}); save the file as UTF-8"
        raise CorpusError(path, line, problem) from None


def _csv_records(
    text: str, path: str, required: Iterable[str], known: Iterable[str]
) -> Iterator[tuple[int, dict[str, str]]]:
    """Yield ``(line, fields)`` per CSV record; ``line`` is the physical line it starts on.

    Header names are matched case-insensitively; a short row is padded with empty values, but
    a long one is an error because it usually means an unquoted comma split a field.
    """
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    header: list[str] | None = None
    next_line = 1
    try:
        for row in reader:
            line, next_line = next_line, reader.line_num + 1
            if not any(value.strip() for value in row):
                continue
            if header is None:
                header = _csv_header(row, path, line, required, known)
            else:
                yield line, _csv_fields(header, row, path, line)
    except csv.Error as error:
        problem = f"malformed CSV: {error}"
        if reader.line_num != next_line:
            problem += f" (the record runs to line {reader.line_num})"
        raise CorpusError(path, next_line, problem) from None


def _csv_fields(header: list[str], row: list[str], path: str, line: int) -> dict[str, str]:
    if len(row) > len(header):
        problem = f"{len(row)} fields but the header has {len(header)}; quote fields with commas"
        raise CorpusError(path, line, problem)
    return dict(zip(header, row + [""] * (len(header) - len(row)), strict=True))


def _csv_header(
    row: list[str], path: str, line: int, required: Iterable[str], known: Iterable[str]
) -> list[str]:
    names = [name.strip().lower() for name in row]
    for name in known:
        if names.count(name) > 1:
            raise CorpusError(path, line, f"column {name!r} appears more than once in the header")
    missing = [name for name in required if name not in names]
    if missing:
        listed = ", ".join(repr(name) for name in missing)
        plural = "s" if len(missing) > 1 else ""
        problem = f"missing required column{plural} {listed} in the header"
        raise CorpusError(path, line, problem)
    return names


def _csv_corpus_rows(text: str, path: str) -> Iterator[tuple[int, dict[str, str]]]:
    return _csv_records(text, path, _REQUIRED_COLUMNS, CORPUS_FIELDS)


def _json_rows(text: str, path: str) -> Iterator[tuple[int, object]]:
    """Yield ``(line, element)`` for a top-level list, or the list under a "faqs" key."""
    document = _parse_json(text, path, 1)
    start = _skip_json_whitespace(text, 0)
    if isinstance(document, dict) and isinstance(document.get("faqs"), list):
        start = _json_member_start(text, start, "faqs")
    elif not isinstance(document, list):
        problem = 'expected a list of FAQ objects, or an object with a "faqs" list'
        raise CorpusError(path, text.count("\n", 0, start) + 1, problem)
    return _json_array_elements(text, start)


def _jsonl_rows(text: str, path: str) -> Iterator[tuple[int, object]]:
    # Split on "\n" only: str.splitlines() would also split on U+2028 inside a JSON string.
    for number, raw in enumerate(text.split("\n"), 1):
        if raw.strip():
            yield number, _parse_json(raw, path, number)


def _parse_json(text: str, path: str, first_line: int) -> object:
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        line = first_line + error.lineno - 1
        raise CorpusError(path, line, f"invalid JSON: {error.msg} (column {error.colno})") from None
    except RecursionError:
        raise CorpusError(path, first_line, "invalid JSON: nested too deeply") from None


def _skip_json_whitespace(text: str, pos: int) -> int:
    match = _JSON_WHITESPACE.match(text, pos)
    assert match is not None  # the pattern matches the empty string
    return match.end()


def _json_member_start(text: str, pos: int, key: str) -> int:
    """Offset of the value of ``key`` in the object at ``pos`` (already known to be valid)."""
    decoder = json.JSONDecoder()
    found = pos
    pos = _skip_json_whitespace(text, pos + 1)
    while text[pos] != "}":
        name, pos = decoder.raw_decode(text, pos)
        value_start = _skip_json_whitespace(text, _skip_json_whitespace(text, pos) + 1)
        _, pos = decoder.raw_decode(text, value_start)
        if name == key:
            found = value_start  # the last duplicate wins, as in json.loads
        pos = _skip_json_whitespace(text, pos)
        if text[pos] == ",":
            pos = _skip_json_whitespace(text, pos + 1)
    return found


def _json_array_elements(text: str, pos: int) -> Iterator[tuple[int, object]]:
    """Yield ``(line, element)`` for the (already validated) array at ``pos``."""
    decoder = json.JSONDecoder()
    line, counted = 1, 0
    pos = _skip_json_whitespace(text, pos + 1)
    while text[pos] != "]":
        line, counted = line + text.count("\n", counted, pos), pos
        value, pos = decoder.raw_decode(text, pos)
        yield line, value
        pos = _skip_json_whitespace(text, pos)
        if text[pos] == ",":
            pos = _skip_json_whitespace(text, pos + 1)


# --- validating and merging -----------------------------------------------------------------


@dataclass
class _Draft:
    """An FAQ while its rows are still arriving; answer/category remember their first line."""

    id: str
    line: int
    question: str
    phrasings: dict[str, None] = field(default_factory=dict)  # an ordered set
    answer: tuple[str, int] | None = None
    category: tuple[str, int] | None = None

    def add(self, row: _Row, line: int, path: str) -> None:
        for phrasing in (row.question, *row.alternates):
            self.phrasings.setdefault(phrasing)
        self.answer = _agree(self.answer, row.answer, line, f"id {self.id!r}: answer", path)
        self.category = _agree(self.category, row.category, line, f"id {self.id!r}: category", path)

    def finish(self, path: str) -> Faq:
        if self.answer is None:
            raise CorpusError(path, self.line, f"id {self.id!r} has no answer on any row")
        category = None if self.category is None else self.category[0]
        return Faq(self.id, self.question, self.answer[0], category, tuple(self.phrasings))


def _agree(
    current: tuple[str, int] | None, value: str | None, line: int, what: str, path: str
) -> tuple[str, int] | None:
    """Keep the first non-empty value; a different one later is a contradiction, not an update."""
    if value is None:
        return current
    if current is None:
        return value, line
    if current[0] != value:
        raise CorpusError(path, line, f"{what} differs from the one on line {current[1]}")
    return current


def _merge(numbered: Iterable[tuple[int, object]], path: str) -> tuple[Faq, ...]:
    """Merge rows sharing an id into one FAQ each, in order of first appearance."""
    drafts: dict[str, _Draft] = {}
    for line, record in numbered:
        row = _parse_row(record, path, line)
        draft = drafts.setdefault(row.id, _Draft(row.id, line, row.question))
        draft.add(row, line, path)
    if not drafts:
        raise CorpusError(path, None, "no FAQ rows")
    return tuple(draft.finish(path) for draft in drafts.values())


def _parse_row(record: object, path: str, line: int) -> _Row:
    if not isinstance(record, Mapping):
        raise CorpusError(path, line, f"expected an FAQ object, got {_type_name(record)}")
    try:
        question = _collapse(_string(record, "question", required=True) or "")
        if not question:
            raise _FieldError("empty question")
        category = _collapse(_string(record, "category") or "") or None
        alternates = _alternates(record.get("alternates"))
        return _Row(_faq_id(record), question, _string(record, "answer"), category, alternates)
    except _FieldError as error:
        raise CorpusError(path, line, str(error)) from None


def _string(record: Mapping, name: str, required: bool = False) -> str | None:
    """The stripped string value of a field; None when it is absent or blank."""
    value = record.get(name)
    if value is None:
        if required and name not in record:
            raise _FieldError(f"missing field {name!r}")
        return None
    if not isinstance(value, str):
        raise _FieldError(f"{name!r} must be a string, got {_type_name(value)}")
    return value.strip() or None


def _faq_id(record: Mapping) -> str:
    """Ids are strings; JSON numbers are accepted so that 1 and "1" name the same FAQ."""
    if "id" not in record:
        raise _FieldError("missing field 'id'")
    value = record["id"]
    if isinstance(value, float) and math.isfinite(value) and value.is_integer():
        value = int(value)  # 1.0 is the same id as 1
    valid = isinstance(value, (str, int, float, type(None))) and not isinstance(value, bool)
    if not valid or (isinstance(value, float) and not math.isfinite(value)):
        raise _FieldError(f"'id' must be a string or a number, got {_type_name(value)}")
    text = "" if value is None else str(value).strip()
    if not text:
        raise _FieldError("empty id")
    return text


def _alternates(value: object) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        items: Iterable[object] = value.split("|")
    elif isinstance(value, (list, tuple)) and all(isinstance(item, str) for item in value):
        items = value
    else:
        problem = "'alternates' must be a list of strings or a '|'-separated string"
        raise _FieldError(f"{problem}, got {_describe_alternates(value)}")
    return tuple(text for text in (_collapse(str(item)) for item in items) if text)


def _describe_alternates(value: object) -> str:
    if isinstance(value, (list, tuple)):
        bad = next(item for item in value if not isinstance(item, str))
        return f"a list containing a {_type_name(bad)}"
    return _type_name(value)


def _collapse(text: str) -> str:
    """Collapse runs of whitespace, so "How  do I" and "How do I" are the same phrasing."""
    return " ".join(text.split())


def _type_name(value: object) -> str:
    """Name a value's type the way a JSON author would."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, (list, tuple)):
        return "list"
    if isinstance(value, Mapping):
        return "object"
    return type(value).__name__
