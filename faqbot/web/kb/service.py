"""The knowledge base as a service: every change to an FAQ goes through here.

Pages, the admin API, the command line, the import and the review queue all call these
functions, so each change is validated the same way, bumps ``Faq.revision`` and leaves a
:class:`FaqRevision` with the full state before and after (who, when, from where).  Nothing
here commits: the caller decides what one change is.

Texts are normalised as the corpus loader does (whitespace collapsed in questions, phrasings and
categories; answers only stripped), so an FAQ exported to a file and loaded again is identical.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from faqbot.web.core.errors import ApiError
from faqbot.web.core.tables import Faq, FaqPhrasing, FaqRevision, LearnedPhrasing, User
from faqbot.web.kb.publishing import PUBLIC, VISIBILITIES

MAX_QUESTION = 1000
MAX_ANSWER = 20000
MAX_CATEGORY = 200
MAX_PHRASINGS = 500
EDITABLE = ("question", "answer", "category", "phrasings", "visibility", "pinned")


def collapse(text: str) -> str:
    """Collapse runs of whitespace, exactly as :mod:`faqbot.engine.corpus` does for phrasings."""
    return " ".join(text.split())


def text_key(text: str) -> str:
    """The key under which two phrasings count as the same one (case and spacing ignored)."""
    return collapse(text).casefold()


# --- states and revisions -------------------------------------------------------------------


def learned_rows(session: Session, faq_id: str) -> list[LearnedPhrasing]:
    return list(
        session.scalars(
            select(LearnedPhrasing).where(LearnedPhrasing.faq_id == faq_id).order_by(LearnedPhrasing.id)
        )
    )


def snapshot(faq: Faq, session: Session | None = None) -> dict[str, Any]:
    """The full state of an FAQ as stored in a revision (JSON-ready).

    ``learned`` holds the phrasings staff taught through tickets, so restoring a deleted FAQ
    can bring them back too.
    """
    session = session or Session.object_session(faq)
    learned = learned_rows(session, faq.id) if session is not None and faq.id else []
    return {
        "question": faq.question,
        "answer": faq.answer,
        "category": faq.category,
        "phrasings": [p.text for p in faq.phrasings],
        "archived": bool(faq.archived),
        "visibility": faq.visibility or PUBLIC,
        "pinned": bool(faq.pinned),
        "learned": [
            {"text": row.text, "ticket_id": row.ticket_id, "created_by": row.created_by} for row in learned
        ],
    }


def record_revision(
    session: Session,
    faq: Faq,
    action: str,
    before: dict | None,
    user_id: int | None,
    source: str,
    *,
    after: dict | None | str = "current",
) -> FaqRevision:
    """Write the history row of one change; ``after`` defaults to the FAQ's current state.

    The revision number is the FAQ's (already bumped) ``revision``, so history and the
    optimistic-concurrency check agree.
    """
    session.flush()
    state = snapshot(faq, session) if after == "current" else after
    row = FaqRevision(
        faq_id=faq.id,
        revision=faq.revision,
        action=action,
        user_id=user_id,
        source=source,
        before=before,
        after=state,  # type: ignore[arg-type]
    )
    session.add(row)
    session.flush()
    return row


# --- validation -----------------------------------------------------------------------------


def _invalid(message: str) -> ApiError:
    return ApiError(400, "invalid_faq", message)


def clean_fields(
    question: str, answer: str, category: str | None, phrasings: list[str], *, dedupe: bool = False
) -> tuple[str, str, str | None, list[str]]:
    """Normalise and validate an FAQ's fields; raises a 400 :class:`ApiError` naming the problem.

    ``dedupe`` drops repeated phrasings instead of refusing them (files differ only in case).
    """
    for name, value in (("question", question), ("answer", answer)):
        if not isinstance(value, str):
            raise _invalid(f"'{name}' must be a string.")
    if category is not None and not isinstance(category, str):
        raise _invalid("'category' must be a string or null.")
    if not isinstance(phrasings, list) or not all(isinstance(p, str) for p in phrasings):
        raise _invalid("'phrasings' must be a list of strings.")
    question, answer = collapse(question), answer.strip()
    category = collapse(category or "") or None
    if not question:
        raise _invalid("The question must not be empty.")
    if not answer:
        raise _invalid("The answer must not be empty.")
    _check_length("question", question, MAX_QUESTION)
    _check_length("answer", answer, MAX_ANSWER)
    if category is not None:
        _check_length("category", category, MAX_CATEGORY)
    return question, answer, category, _clean_phrasings(question, phrasings, dedupe)


def clean_publishing(visibility: object, pinned: object) -> tuple[str, bool]:
    """Validate what the help center may show of an FAQ: its visibility and whether it is pinned."""
    if visibility not in VISIBILITIES:
        raise _invalid("'visibility' must be 'public' (listed in the help center) or 'internal'.")
    if not isinstance(pinned, bool):
        raise _invalid("'pinned' must be true or false.")
    return visibility, pinned  # type: ignore[return-value]


def _check_length(name: str, value: str, limit: int) -> None:
    if len(value) > limit:
        raise _invalid(f"The {name} is {len(value)} characters long; at most {limit} are allowed.")


def _clean_phrasings(question: str, phrasings: list[str], dedupe: bool = False) -> list[str]:
    """Blank lines are dropped; a repeated phrasing (or one repeating the question) is an error."""
    seen = {text_key(question): "the question"}
    cleaned: list[str] = []
    for raw in phrasings:
        text = collapse(raw)
        if not text:
            continue
        _check_length("phrasing", text, MAX_QUESTION)
        if text_key(text) in seen and dedupe:
            continue
        if text_key(text) in seen:
            raise _invalid(f"The phrasing {text!r} repeats {seen[text_key(text)]}.")
        seen[text_key(text)] = f"the phrasing {text!r}"
        cleaned.append(text)
    if len(cleaned) > MAX_PHRASINGS:
        raise _invalid(f"{len(cleaned)} phrasings; at most {MAX_PHRASINGS} are allowed.")
    return cleaned


def check_revision(faq: Faq, expected: int | None) -> None:
    """Refuse an edit based on an older revision than the stored one (optimistic concurrency)."""
    if expected is not None and int(expected) != faq.revision:
        raise ApiError(
            409,
            "stale_revision",
            f"FAQ #{faq.id} was changed by someone else (it is at revision {faq.revision}, "
            f"your edit was based on revision {expected}); reload it and apply your change again.",
        )


# --- creating -------------------------------------------------------------------------------


def next_faq_id(session: Session) -> str:
    """One more than the largest numeric FAQ id, so new FAQs continue the corpus's numbering.

    Ids of deleted FAQs (still in the history) count too: a new FAQ never inherits their history.
    """
    ids = set(session.scalars(select(Faq.id))) | set(session.scalars(select(FaqRevision.faq_id).distinct()))
    numbers = [int(i) for i in ids if i.isdigit()]
    return str(max(numbers, default=0) + 1)


def end_position(session: Session) -> int:
    return (session.scalar(select(func.max(Faq.position))) or 0) + 1


def create_faq(
    session: Session,
    *,
    question: str,
    answer: str,
    category: str | None,
    phrasings: list[str],
    user_id: int | None,
    source: str,
    faq_id: str | None = None,
    archived: bool = False,
    visibility: str = PUBLIC,
    pinned: bool = False,
) -> Faq:
    """Add an FAQ at the end of the list with the next free id and record it as "created".

    ``faq_id`` lets an import keep the ids of its file; it must not be taken.
    """
    question, answer, category, phrasings = clean_fields(question, answer, category, phrasings)
    visibility, pinned = clean_publishing(visibility, pinned)
    if faq_id is None:
        faq_id = next_faq_id(session)
    else:
        faq_id = valid_id(faq_id)
        if session.get(Faq, faq_id) is not None:
            raise ApiError(409, "faq_exists", f"FAQ #{faq_id} already exists.")
    faq = Faq(
        id=faq_id,
        question=question,
        answer=answer,
        category=category,
        position=end_position(session),
        archived=archived,
        visibility=visibility,
        pinned=pinned,
        revision=next_revision(session, faq_id),
    )
    faq.phrasings = [FaqPhrasing(text=text, position=i) for i, text in enumerate(phrasings)]
    session.add(faq)
    record_revision(session, faq, "created", None, user_id, source)
    return faq


def valid_id(faq_id: Any) -> str:
    text = collapse(str(faq_id)) if isinstance(faq_id, (str, int)) else ""
    if not text or len(text) > 64 or "/" in text:
        raise _invalid("An FAQ id must be 1 to 64 characters, without '/'.")
    return text


def next_revision(session: Session, faq_id: str) -> int:
    """1 for a new id; one past its history for an id that existed before (deleted, restored)."""
    last = session.scalar(select(func.max(FaqRevision.revision)).where(FaqRevision.faq_id == faq_id))
    return (last or 0) + 1


def user_email(session: Session, user_id: int | None) -> str | None:
    user = session.get(User, user_id) if user_id is not None else None
    return user.email if user is not None else None


# --- changing -------------------------------------------------------------------------------


def get_faq(session: Session, faq_id: str) -> Faq:
    faq = session.get(Faq, faq_id)
    if faq is None:
        raise ApiError(404, "not_found", f"No FAQ #{faq_id}.")
    return faq


def bump_revision(session: Session, faq: Faq, expected: int | None) -> None:
    """Move the FAQ to its next revision with a compare-and-set, so two concurrent edits based
    on the same revision cannot both succeed (the loser gets the 409 of :func:`check_revision`)."""
    check_revision(faq, expected)
    current = faq.revision
    result = session.execute(
        update(Faq)
        .where(Faq.id == faq.id, Faq.revision == current)
        .values(revision=current + 1)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        raise ApiError(409, "stale_revision", f"FAQ #{faq.id} was changed meanwhile; reload it and retry.")
    faq.revision = current + 1


def set_phrasings(faq: Faq, texts: list[str]) -> None:
    """Replace the own phrasings, reusing rows so unchanged ones keep their ids."""
    by_text = {p.text: p for p in faq.phrasings}
    rows = []
    for position, text in enumerate(texts):
        row = by_text.pop(text, None) or FaqPhrasing(text=text)
        row.position = position
        rows.append(row)
    faq.phrasings = rows


def update_faq(
    session: Session,
    faq_id: str,
    changes: dict[str, Any],
    *,
    base_revision: int | None,
    user_id: int | None,
    source: str,
) -> Faq:
    """Edit some of question/answer/category/phrasings/visibility/pinned; an edit that changes
    nothing is no revision.

    ``base_revision`` is the revision the editor saw (None skips the check, for scripts).
    """
    unknown = sorted(set(changes) - set(EDITABLE))
    if unknown:
        raise _invalid(f"Unknown field(s): {', '.join(unknown)}; editable are {', '.join(EDITABLE)}.")
    faq = get_faq(session, faq_id)
    merged = {
        "question": changes.get("question", faq.question),
        "answer": changes.get("answer", faq.answer),
        "category": changes.get("category", faq.category),
        "phrasings": changes.get("phrasings", [p.text for p in faq.phrasings]),
    }
    question, answer, category, phrasings = clean_fields(**merged)
    visibility, pinned = clean_publishing(
        changes.get("visibility", faq.visibility or PUBLIC), changes.get("pinned", bool(faq.pinned))
    )
    before = snapshot(faq, session)
    new = (question, answer, category, phrasings, visibility, pinned)
    if new == tuple(
        before[name] for name in ("question", "answer", "category", "phrasings", "visibility", "pinned")
    ):
        check_revision(faq, base_revision)
        return faq
    bump_revision(session, faq, base_revision)
    faq.question, faq.answer, faq.category = question, answer, category
    faq.visibility, faq.pinned = visibility, pinned
    set_phrasings(faq, phrasings)
    record_revision(session, faq, "edited", before, user_id, source)
    return faq


def replace_state(
    session: Session,
    faq_id: str,
    state: dict[str, Any],
    *,
    base_revision: int | None,
    user_id: int | None,
    source: str,
) -> Faq:
    """Set all fields (and ``archived``) at once as one revision, e.g. from an import.  A state
    without ``visibility`` or ``pinned`` (an older file or preview) keeps the FAQ's."""
    faq = get_faq(session, faq_id)
    question, answer, category, phrasings = clean_fields(
        state["question"], state["answer"], state.get("category"), list(state.get("phrasings", []))
    )
    archived = bool(state.get("archived", faq.archived))
    visibility, pinned = clean_publishing(
        state.get("visibility", faq.visibility or PUBLIC), state.get("pinned", bool(faq.pinned))
    )
    before = snapshot(faq, session)
    new = (question, answer, category, phrasings, archived, visibility, pinned)
    fields = ("question", "answer", "category", "phrasings", "archived", "visibility", "pinned")
    if new == tuple(before[name] for name in fields):
        check_revision(faq, base_revision)
        return faq
    bump_revision(session, faq, base_revision)
    faq.question, faq.answer, faq.category, faq.archived = question, answer, category, archived
    faq.visibility, faq.pinned = visibility, pinned
    set_phrasings(faq, phrasings)
    record_revision(session, faq, "edited", before, user_id, source)
    return faq


def set_archived(
    session: Session,
    faq_id: str,
    archived: bool,
    *,
    base_revision: int | None = None,
    user_id: int | None,
    source: str,
) -> Faq:
    """Archive (the bot stops answering with it, the history stays) or bring it back."""
    faq = get_faq(session, faq_id)
    if faq.archived == archived:
        check_revision(faq, base_revision)
        return faq
    before = snapshot(faq, session)
    bump_revision(session, faq, base_revision)
    faq.archived = archived
    record_revision(session, faq, "archived" if archived else "unarchived", before, user_id, source)
    return faq


def delete_faq(
    session: Session,
    faq_id: str,
    *,
    base_revision: int | None = None,
    user_id: int | None,
    source: str,
) -> FaqRevision:
    """Delete an FAQ with its phrasings; the "deleted" revision keeps everything for a restore."""
    faq = get_faq(session, faq_id)
    before = snapshot(faq, session)
    bump_revision(session, faq, base_revision)
    revision = record_revision(session, faq, "deleted", before, user_id, source, after=None)
    for row in learned_rows(session, faq.id):
        session.delete(row)
    session.delete(faq)
    session.flush()
    return revision


def remove_learned(
    session: Session,
    faq_id: str,
    learned_id: int,
    *,
    base_revision: int | None = None,
    user_id: int | None,
    source: str,
) -> Faq:
    """Remove one phrasing staff taught through a ticket (e.g. a wrong link), recorded."""
    faq = get_faq(session, faq_id)
    row = session.get(LearnedPhrasing, learned_id)
    if row is None or row.faq_id != faq.id:
        raise ApiError(404, "not_found", f"FAQ #{faq.id} has no learned phrasing {learned_id}.")
    before = snapshot(faq, session)
    bump_revision(session, faq, base_revision)
    session.delete(row)
    record_revision(session, faq, "learned_removed", before, user_id, source)
    return faq
