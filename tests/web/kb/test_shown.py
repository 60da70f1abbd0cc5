"""The per-process copy of the FAQ texts visitors are shown: read once, and an edit, an archive or
a change committed out of id order reaches it within one check interval."""

from __future__ import annotations

import pytest
from sqlalchemy import event, func, select

from faqbot.web.core.db import get_engine, session_scope
from faqbot.web.core.tables import Faq, FaqRevision
from faqbot.web.kb import service as kb
from faqbot.web.kb.query import SHOWN_FAQS
from faqbot.web.kb.shown import ShownFaqs


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def statements(app):
    """The SQL statements the app's engine runs, as they run."""
    seen: list[str] = []

    def record(_conn, _cursor, statement, *_args) -> None:
        seen.append(statement)

    engine = get_engine(app)
    event.listen(engine, "before_cursor_execute", record)
    yield seen
    event.remove(engine, "before_cursor_execute", record)


def _answers(app, shown: ShownFaqs, ids: set[str]) -> dict[str, str]:
    with session_scope(app) as session:
        return {faq_id: row.answer for faq_id, row in shown.active(session, ids).items()}


def test_rows_are_read_once_then_served_from_memory_until_the_interval(app, statements):
    shown = ShownFaqs(interval=1.0, clock=Clock())
    first = _answers(app, shown, {"1", "2"})
    assert set(first) == {"1", "2"} and all(first.values())
    statements.clear()
    assert _answers(app, shown, {"1", "2"}) == first
    assert statements == []  # no check due, nothing missing: no query at all


def test_an_edit_and_an_archive_show_after_the_next_check(app, statements):
    clock = Clock()
    shown = ShownFaqs(interval=1.0, clock=clock)
    before = _answers(app, shown, {"1", "2"})
    with session_scope(app) as session:
        kb.update_faq(session, "2", {"answer": "A new answer."}, base_revision=None, user_id=None, source="t")
        kb.set_archived(session, "1", True, user_id=None, source="t")
    assert _answers(app, shown, {"1", "2"}) == before  # within the interval: the copy
    clock.now += 1.0
    assert _answers(app, shown, {"1", "2"}) == {"2": "A new answer."}


def test_a_change_committed_after_a_later_id_is_still_seen(app):
    """A writer that took a revision id first may commit last: the largest id does not move
    then, but the number of revisions does."""
    clock = Clock()
    shown = ShownFaqs(interval=1.0, clock=clock)
    _answers(app, shown, {"3"})
    with session_scope(app) as session:
        newest = session.scalar(select(func.max(FaqRevision.id)))
        faq = session.get(Faq, "3")
        faq.answer, faq.revision = "Late.", faq.revision + 1
        session.add(FaqRevision(id=0, faq_id="3", revision=faq.revision, action="edited", source="t"))
    with session_scope(app) as session:
        assert session.scalar(select(func.max(FaqRevision.id))) == newest
    clock.now += 1.0
    assert _answers(app, shown, {"3"}) == {"3": "Late."}


def test_an_interval_of_zero_reads_every_time(app, statements):
    shown = ShownFaqs(interval=0.0)
    _answers(app, shown, {"1"})
    statements.clear()
    _answers(app, shown, {"1"})
    assert len(statements) == 1


def test_the_copy_starts_afresh_past_its_size(app, statements):
    shown = ShownFaqs(interval=1.0, max_rows=2, clock=Clock())
    _answers(app, shown, {"1", "2"})
    assert _answers(app, shown, {"3"}).keys() == {"3"}  # a third row: the first two are dropped
    statements.clear()
    _answers(app, shown, {"3"})
    assert statements == []
    _answers(app, shown, {"1"})
    assert len(statements) == 1


def test_the_app_answers_from_its_copy(app, client):
    assert isinstance(app.extensions[SHOWN_FAQS], ShownFaqs)
    body = client.post("/api/v1/ask", json={"question": "How do I know if a product is in stock?"})
    assert body.get_json()["answer"]["faq_id"] == "1"
