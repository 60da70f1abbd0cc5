"""The FAQ texts visitors are shown, kept per process instead of read for every question.

An answer shows the FAQ as it is now in the database (answers are edited and FAQs archived
between retrains), so every question used to cost a query for the FAQs its verdict names.  Each
process now keeps the rows it has read and, at most once per ``MODEL_CHECK_INTERVAL`` (the bound
the live model already has), asks the database whether any FAQ changed.  Every change of an FAQ
records a :class:`~faqbot.web.core.tables.FaqRevision` and that table is append-only, so its row
count moves exactly when a change commits, whatever order concurrent writers commit in (the
largest id alone would miss a transaction that took its id first and committed last).  An edit
or an archive therefore reaches every worker within the interval; with an interval of 0 (the
tests) nothing is kept and every question reads the rows, as before.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable

from sqlalchemy import bindparam, func, select
from sqlalchemy.engine import Row
from sqlalchemy.orm import Session

from faqbot.web.core.tables import Faq, FaqRevision

MAX_ROWS = 20_000  # about 20 MB of answers at most; past it the copy starts afresh

# Built once (every question runs the first, every interval the second).
_ACTIVE_FAQS = select(Faq.id, Faq.question, Faq.answer, Faq.category).where(
    Faq.id.in_(bindparam("ids", expanding=True)), Faq.archived.is_(False)
)
_CHANGES = select(func.count(FaqRevision.id), func.max(FaqRevision.id))


def read_active(session: Session, ids: Iterable[str]) -> dict[str, Row]:
    """The FAQs among ``ids`` that exist and are not archived, read now."""
    return {row.id: row for row in session.execute(_ACTIVE_FAQS, {"ids": sorted(ids)})}


class ShownFaqs:
    """This process's copy of the shown FAQ rows (None for an archived or missing id)."""

    def __init__(
        self, interval: float, max_rows: int = MAX_ROWS, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._interval = interval
        self._clock = clock
        self._max_rows = max_rows
        self._rows: dict[str, Row | None] = {}
        self._mark: tuple[int, int | None] | None = None
        self._next_check = 0.0
        self._lock = threading.Lock()

    def active(self, session: Session, ids: set[str]) -> dict[str, Row]:
        """The active FAQs among ``ids``, as they were at most one interval ago."""
        if self._interval <= 0:
            return read_active(session, ids)
        if self._clock() >= self._next_check and self._lock.acquire(blocking=False):
            try:
                self._check(session)
            finally:
                self._lock.release()
        # A change found by another thread replaces the dict: what this thread read before it
        # lands in the old one and is dropped with it.
        rows = self._rows
        missing = ids.difference(rows)
        if missing:
            found = read_active(session, missing)
            if len(rows) + len(missing) > self._max_rows:
                rows = self._rows = {}
            rows.update({faq_id: found.get(faq_id) for faq_id in missing})
        return {faq_id: rows[faq_id] for faq_id in ids if rows.get(faq_id) is not None}

    def _check(self, session: Session) -> None:
        self._next_check = self._clock() + self._interval
        count, newest = session.execute(_CHANGES).one()
        mark = (int(count), newest)
        if mark != self._mark:
            self._rows, self._mark = {}, mark
