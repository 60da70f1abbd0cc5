"""Import a corpus file into the knowledge base: parse, preview, then apply what was previewed.

Parsing uses the engine's loader (:func:`faqbot.engine.corpus.load_corpus`), so a file the service
accepts is exactly a file ``faqbot train`` accepts, with the same ``FILE:LINE: problem`` errors.
The preview sorts the file's FAQs into

- **new**: the id is not in the database;
- **changed**: the id exists and some field differs (each difference with before and after);
- **unchanged**: nothing differs (an exported file imports as all unchanged);
- **conflicting**: applying it could undo or confuse someone else's work: the FAQ was edited
  (or deleted) in the database after the file was exported (the file's ``revision`` field is
  older than the database's), or the FAQ would gain a question/phrasing that another active
  FAQ already has.  Conflicting FAQs are skipped unless the admin asks to apply them anyway;

plus the database FAQs **missing** from the file, which are left alone unless the admin asks to
archive them.  Learned phrasings (taught by staff through tickets) are never removed by an
import: they are what visitors asked since the file was written.

What the help center shows rides along in optional columns (see :mod:`export`): ``visibility``
and ``pinned`` per FAQ, ``category_visibility`` and ``category_position`` per category (every
row of a category must agree).  A file without them (an older export, a hand-written corpus)
leaves those settings as they are.
"""

from __future__ import annotations

import hashlib
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload
from werkzeug.utils import secure_filename

from faqbot.engine.checks import corpus_warnings
from faqbot.engine.corpus import CorpusError, corpus_from_records, load_corpus, read_records
from faqbot.web.core.errors import ApiError
from faqbot.web.core.tables import Faq, FaqRevision
from faqbot.web.kb import service as kb
from faqbot.web.kb.categories import MAX_POSITION
from faqbot.web.kb.publishing import PUBLIC, VISIBILITIES, category_settings
from faqbot.web.kb.query import changes, learned_by_faq

FORMATS = ("csv", "json", "jsonl")
_TRUE, _FALSE = {"true", "yes", "1"}, {"false", "no", "0"}


class ImportFileError(ApiError):
    """A file that cannot be imported; the message names the file, the line and the problem."""

    def __init__(self, where: str, line: int | None, problem: str) -> None:
        location = where if line is None else f"{where}:{line}"
        super().__init__(400, "invalid_file", f"{location}: {problem}")
        self.line, self.problem = line, problem


@dataclass(frozen=True)
class ParsedFaq:
    """One FAQ of the file after the loader merged its rows; extension fields may be None."""

    id: str
    line: int
    question: str
    answer: str
    category: str | None
    phrasings: list[str]
    archived: bool | None
    revision: int | None
    visibility: str | None = None
    pinned: bool | None = None


@dataclass(frozen=True)
class ParsedCategory:
    """A category's help-center settings as the file gives them; ``given`` names the fields it has."""

    name: str
    line: int
    visibility: str | None
    position: int | None
    given: frozenset[str]


# --- parsing --------------------------------------------------------------------------------


@dataclass
class ParsedFile:
    """A corpus file's FAQs, and the category settings it carries (empty for an older file)."""

    faqs: list[ParsedFaq]
    categories: list[ParsedCategory]


def parse_upload(data: bytes, filename: str | None, fmt: str | None) -> ParsedFile:
    """Parse uploaded bytes; the format comes from ``fmt`` or else the file name's extension."""
    name = secure_filename(filename or "") or "upload"
    fmt = (fmt or Path(name).suffix.lstrip(".")).lower()
    if fmt not in FORMATS:
        raise ApiError(400, "invalid_format", "Say which format the file is: csv, json or jsonl.")
    if Path(name).suffix.lower() != f".{fmt}":
        name = f"{Path(name).stem or 'upload'}.{fmt}"
    with tempfile.TemporaryDirectory(prefix="faqbot-import-") as folder:
        path = Path(folder) / name
        path.write_bytes(data)
        return parse_file(path, display=name)


def parse_file(path: Path, display: str | None = None) -> ParsedFile:
    """Load a corpus file with the engine's loader and pick up the extension fields."""
    display = display or str(path)
    try:
        corpus = load_corpus(path)
        extensions, categories = _extensions(path, display)
    except CorpusError as error:
        raise ImportFileError(display, error.line, error.problem) from None
    parsed = []
    for faq in corpus.faqs:
        found = extensions[faq.id]
        phrasings = list(faq.phrasings[1:])
        parsed.append(
            ParsedFaq(
                faq.id,
                found["line"],
                faq.question,
                faq.answer,
                faq.category,
                phrasings,
                found.get("archived"),
                found.get("revision"),
                found.get("visibility"),
                found.get("pinned"),
            )
        )
    return ParsedFile(parsed, categories)


# Per-FAQ extension fields: name -> parser of one row's value (None when the row leaves it empty).
def _faq_fields() -> dict:
    return {"archived": _flag, "revision": _revision, "visibility": _visibility, "pinned": _flag}


def _extensions(path: Path, display: str) -> tuple[dict[str, dict], list[ParsedCategory]]:
    """Per id: the line of its first row and its extension values; and the category settings.

    Reads the already validated file again with the loader's record reader (which keeps line
    numbers).  Rows of one id must agree on each value, and rows of one category on its settings.
    """
    found: dict[str, dict] = {}
    categories: dict[str, dict] = {}
    for line, faq_id, record in read_records(path, display):
        entry = found.setdefault(faq_id, {"line": line})
        for name, parse in _faq_fields().items():
            value = parse(record.get(name), display, line, name)
            entry[name] = _agree(entry.get(name), value, f"id {faq_id!r}", name, line, display)
        _category_fields(categories, record, display, line)
    settings = [
        ParsedCategory(
            name, entry["line"], entry.get("visibility"), entry.get("position"), frozenset(entry["given"])
        )
        for name, entry in categories.items()
        if entry["given"]
    ]
    return found, settings


def _category_fields(categories: dict[str, dict], record, display: str, line: int) -> None:
    """Collect ``category_visibility``/``category_position`` of a row that names its category."""
    name = kb.collapse(str(record.get("category") or ""))
    if not name:
        return
    entry = categories.setdefault(name, {"line": line, "given": set()})
    for field, parse in (("visibility", _visibility), ("position", _position)):
        column = f"category_{field}"
        if column not in record:
            continue
        value = parse(record.get(column), display, line, column)
        if field == "visibility" and value is None:
            continue  # an empty visibility says nothing; an empty position clears it
        if field in entry["given"] and entry.get(field) != value:
            raise CorpusError(
                display, line, f"category {name!r}: {column} differs from an earlier row of this category"
            )
        entry["given"].add(field)
        entry[field] = value


def _agree(current, value, owner: str, name: str, line: int, display: str):
    if value is None or current is None or current == value:
        return current if value is None else value
    raise CorpusError(display, line, f"{owner}: {name} differs from an earlier row of this id")


def _empty(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _flag(value: object, display: str, line: int, name: str = "archived") -> bool | None:
    if _empty(value):
        return None
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in _TRUE or text in _FALSE:
        return text in _TRUE
    raise CorpusError(display, line, f"'{name}' must be true or false, got {str(value)[:40]!r}")


def _visibility(value: object, display: str, line: int, name: str = "visibility") -> str | None:
    if _empty(value):
        return None
    text = str(value).strip().lower()
    if text not in VISIBILITIES:
        raise CorpusError(display, line, f"'{name}' must be public or internal, got {str(value)[:40]!r}")
    return text


def _position(value: object, display: str, line: int, name: str = "category_position") -> int | None:
    if _empty(value):
        return None
    number = _revision(value, display, line, name)
    if number is None or number > MAX_POSITION:
        raise CorpusError(display, line, f"'{name}' must be a whole number 1..{MAX_POSITION}, got {value!r}")
    return number


def _revision(value: object, display: str, line: int, name: str = "revision") -> int | None:
    if _empty(value):
        return None
    if isinstance(value, int) and not isinstance(value, bool) and value > 0:
        return value
    if isinstance(value, str) and value.strip().isdigit() and int(value) > 0:
        return int(value)
    raise CorpusError(display, line, f"'{name}' must be a positive whole number, got {str(value)[:40]!r}")


# --- the preview ----------------------------------------------------------------------------


def fingerprint(session: Session) -> str:
    """A digest of every FAQ's id and revision and of the category settings: any change to the
    knowledge base changes it."""
    pairs = sorted((row[0], row[1]) for row in session.execute(select(Faq.id, Faq.revision)))
    lines = [f"{i}\t{r}" for i, r in pairs]
    lines += [
        f"category\t{n}\t{c.visibility}\t{c.position}" for n, c in sorted(category_settings(session).items())
    ]
    return hashlib.sha256("\n".join(lines).encode()).hexdigest()


def build_preview(session: Session, parsed_file: ParsedFile, filename: str) -> dict[str, Any]:
    """Classify every FAQ of the file against the database; nothing is written."""
    parsed, categories = parsed_file.faqs, parsed_file.categories
    faqs = {f.id: f for f in session.scalars(select(Faq).options(selectinload(Faq.phrasings)))}
    learned = {i: [row.text for row in rows] for i, rows in learned_by_faq(session, list(faqs)).items()}
    deleted = set(session.scalars(select(FaqRevision.faq_id).where(FaqRevision.action == "deleted")))
    items = [_item(entry, faqs.get(entry.id), learned.get(entry.id, []), filename) for entry in parsed]
    in_file = {entry.id for entry in parsed}
    _mark_duplicates(items, faqs, learned, in_file)
    for item, entry in zip(items, parsed, strict=True):
        _mark_stale(item, entry, faqs.get(entry.id), entry.id in deleted)
    missing = [
        {"id": f.id, "question": f.question, "archived": bool(f.archived), "revision": f.revision}
        for f in sorted(faqs.values(), key=lambda f: (f.position, f.id))
        if f.id not in in_file
    ]
    counts = {status: sum(1 for i in items if i["status"] == status) for status in STATUSES}
    counts["missing"] = len(missing)
    category_changes = _category_changes(session, categories)
    counts["categories_changed"] = len(category_changes)
    return {
        "filename": filename,
        "fingerprint": fingerprint(session),
        "counts": counts,
        "items": items,
        "missing": missing,
        "categories": category_changes,
        "warnings": _warnings(parsed, [f for f in faqs.values() if f.id not in in_file and not f.archived]),
    }


def _warnings(parsed: list[ParsedFaq], kept: list[Faq]) -> list[str]:
    """What would stop the knowledge base working once imported (the file's FAQs plus the ones it
    leaves in place), as ``faqbot train`` says it; nothing when the file itself is in error."""
    records = [
        {"id": e.id, "question": e.question, "answer": e.answer, "alternates": e.phrasings} for e in parsed
    ]
    records += [
        {"id": f.id, "question": f.question, "answer": f.answer, "alternates": [p.text for p in f.phrasings]}
        for f in kept
    ]
    try:
        return corpus_warnings(corpus_from_records(records, source="import preview"))
    except CorpusError:
        return []  # the preview shows what is wrong with each FAQ


STATUSES = ("new", "changed", "unchanged", "conflicting")


def _category_changes(session: Session, categories: list[ParsedCategory]) -> list[dict[str, Any]]:
    """The category settings the file would change, field by field."""
    stored = category_settings(session)
    result = []
    for entry in categories:
        row = stored.get(entry.name)
        before = {"visibility": row.visibility if row else PUBLIC, "position": row.position if row else None}
        after = dict(before)
        after.update({field: getattr(entry, field) for field in entry.given})
        diff = [{"field": f, "before": before[f], "after": after[f]} for f in before if before[f] != after[f]]
        if diff:
            result.append({"name": entry.name, "line": entry.line, "state": after, "changes": diff})
    return result


def _state(
    question: str,
    answer: str,
    category: str | None,
    phrasings: list[str],
    archived: bool,
    visibility: str = PUBLIC,
    pinned: bool = False,
) -> dict:
    return {
        "question": question,
        "answer": answer,
        "category": category,
        "phrasings": phrasings,
        "archived": archived,
        "visibility": visibility,
        "pinned": pinned,
    }


def _item(entry: ParsedFaq, faq: Faq | None, learned: list[str], filename: str) -> dict[str, Any]:
    try:
        faq_id = kb.valid_id(entry.id)
        if faq is None:
            own = entry.phrasings
        else:  # learned phrasings come back in the alternates; they stay learned
            own_keys = {kb.text_key(p.text) for p in faq.phrasings}
            learned_keys = {kb.text_key(text) for text in learned} - own_keys
            own = [text for text in entry.phrasings if kb.text_key(text) not in learned_keys]
        question, answer, category, phrasings = kb.clean_fields(
            entry.question, entry.answer, entry.category, own, dedupe=True
        )
    except ApiError as error:
        raise ImportFileError(filename, entry.line, f"id {entry.id!r}: {error.message}") from None
    archived = entry.archived if entry.archived is not None else bool(faq and faq.archived)
    visibility = entry.visibility or (faq.visibility if faq is not None and faq.visibility else PUBLIC)
    pinned = entry.pinned if entry.pinned is not None else bool(faq and faq.pinned)
    after = _state(question, answer, category, phrasings, archived, visibility, pinned)
    item: dict[str, Any] = {"id": faq_id, "line": entry.line, "question": question, "state": after}
    if faq is None:
        return {
            **item,
            "status": "new",
            "action": "create",
            "base_revision": None,
            "changes": [],
            "conflicts": [],
        }
    before = _db_state(faq)
    diff = changes(before, after)
    status = "changed" if diff else "unchanged"
    action = "update" if diff else None
    return {
        **item,
        "status": status,
        "action": action,
        "base_revision": faq.revision,
        "changes": diff,
        "conflicts": [],
    }


def _db_state(faq: Faq) -> dict[str, Any]:
    """The stored FAQ normalised as the loader would read it back."""
    phrasings = [kb.collapse(p.text) for p in faq.phrasings]
    try:
        question, answer, category, phrasings = kb.clean_fields(
            faq.question, faq.answer, faq.category, phrasings, dedupe=True
        )
    except ApiError:  # a legacy row that no longer validates: compare it as stored
        question, answer, category = faq.question, faq.answer, faq.category
    return _state(
        question, answer, category, phrasings, bool(faq.archived), faq.visibility or PUBLIC, bool(faq.pinned)
    )


def _keys(state: dict[str, Any], learned: list[str]) -> set[str]:
    return {kb.text_key(t) for t in [state["question"], *state["phrasings"], *learned]}


def _mark_duplicates(
    items: list[dict], faqs: dict[str, Faq], learned: dict[str, list[str]], in_file: set
) -> None:
    """Flag new or changed FAQs that bring in a text another active FAQ already has."""
    owners: dict[str, set[str]] = {}
    resulting = {f.id: (_db_state(f), learned.get(f.id, [])) for f in faqs.values() if f.id not in in_file}
    resulting.update({i["id"]: (i["state"], learned.get(i["id"], [])) for i in items})
    for faq_id, (state, taught) in resulting.items():
        if not state["archived"]:
            for key in _keys(state, taught):
                owners.setdefault(key, set()).add(faq_id)
    for item in items:
        if item["status"] not in ("new", "changed"):
            continue
        faq = faqs.get(item["id"])
        old = _keys(_db_state(faq), learned.get(faq.id, [])) if faq is not None else set()
        texts = [item["state"]["question"], *item["state"]["phrasings"]]
        for text in texts:
            others = owners.get(kb.text_key(text), set()) - {item["id"]}
            if kb.text_key(text) not in old and others:
                listed = ", ".join(f"#{o}" for o in sorted(others))
                item["conflicts"].append(f"{text!r} is already a question or phrasing of FAQ {listed}")
        if item["conflicts"]:
            item["status"] = "conflicting"


def _mark_stale(item: dict, entry: ParsedFaq, faq: Faq | None, was_deleted: bool) -> None:
    """Flag FAQs the database changed (or deleted) after the file was exported."""
    if entry.revision is None:
        return
    if faq is not None and item["action"] == "update" and entry.revision != faq.revision:
        item["conflicts"].append(
            f"FAQ #{faq.id} was edited in the database (now revision {faq.revision}) "
            f"after this file was exported (revision {entry.revision})"
        )
    elif faq is None and was_deleted:
        item["conflicts"].append(
            f"FAQ #{item['id']} was deleted from the database after this file was exported"
        )
    if item["conflicts"]:
        item["status"] = "conflicting"


def as_public(preview: dict[str, Any]) -> dict[str, Any]:
    """The preview as shown to the admin, without the internal fingerprint and owner."""
    return {key: value for key, value in preview.items() if key not in ("fingerprint", "user_id")}
