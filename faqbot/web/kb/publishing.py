"""What visitors may browse of the knowledge base, and in which order.

The bot answers with every active FAQ.  The help center, the public FAQ API and the widget's
Browse view list only *published* ones: active, public themselves, and not in a category an
admin made internal.  Their order is an admin's too: pinned FAQs first, then the most asked of
the last 30 days; categories in the position an admin gave them, then the others.

Only an FAQ's question, answer and category are public.  Phrasings (the corpus's and the learned
ones) and visitors' questions never leave the knowledge base through here; "asked" counts
questions without showing any.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.orm import Session

from faqbot.web.core.tables import Faq, FaqCategory, Query, as_utc, utcnow

PUBLIC, INTERNAL = "public", "internal"
VISIBILITIES = (PUBLIC, INTERNAL)
POPULAR_DAYS = 30
OTHER = "Other"  # how FAQs without a category are listed
RESERVED_SLUGS = frozenset({"search", "contact", "static", "feedback", "tickets"})
MAX_SLUG = 80
_NON_WORD = re.compile(r"[^a-z0-9]+")


# --- slugs: readable, stable URLs ------------------------------------------------------------


def slugify(text: str, max_length: int = MAX_SLUG) -> str:
    """A readable ASCII slug: "Can I pay later?" -> "can-i-pay-later", cut at a word boundary."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    slug = _NON_WORD.sub("-", ascii_text).strip("-")
    if len(slug) > max_length:
        slug = slug[:max_length].rsplit("-", 1)[0] or slug[:max_length]
    return slug


def category_name(faq: Faq) -> str:
    return faq.category or OTHER


def category_slug(name: str) -> str:
    slug = slugify(name) or "topic"
    return f"{slug}-faqs" if slug in RESERVED_SLUGS else slug


def faq_slug(faq: Faq) -> str:
    """``<id>-<question-slug>``: the id keeps the URL stable when the question is reworded."""
    slug = slugify(faq.question)
    return f"{faq.id}-{slug}" if slug else str(faq.id)


# --- which FAQs are published ----------------------------------------------------------------


def category_settings(session: Session) -> dict[str, FaqCategory]:
    return {row.name: row for row in session.scalars(select(FaqCategory))}


def hidden_categories(session: Session) -> set[str]:
    return set(session.scalars(select(FaqCategory.name).where(FaqCategory.visibility == INTERNAL)))


def published(session: Session) -> list[ColumnElement[bool]]:
    """SQL conditions that select the published FAQs."""
    conditions = [Faq.archived.is_(False), Faq.visibility == PUBLIC]
    hidden = hidden_categories(session)
    if hidden:
        conditions.append(or_(Faq.category.is_(None), Faq.category.not_in(hidden)))
    return conditions


def public_faqs(session: Session) -> list[Faq]:
    """Every published FAQ in corpus order."""
    return list(session.scalars(select(Faq).where(*published(session)).order_by(Faq.position, Faq.id)))


def public_ids(session: Session, ids: Iterable[str]) -> set[str]:
    """Which of ``ids`` are published."""
    wanted = list(dict.fromkeys(ids))
    if not wanted:
        return set()
    return set(session.scalars(select(Faq.id).where(Faq.id.in_(wanted), *published(session))))


def in_order(session: Session, ids: list[str]) -> list[Faq]:
    """The published FAQs among ``ids``, in that order (e.g. the engine's ranking)."""
    if not ids:
        return []
    rows = session.scalars(select(Faq).where(Faq.id.in_(ids), *published(session)))
    found = {faq.id: faq for faq in rows}
    return [found[i] for i in dict.fromkeys(ids) if i in found]


def is_public(session: Session, faq: Faq) -> bool:
    return bool(public_ids(session, [faq.id]))


# --- popularity and order ------------------------------------------------------------------------


def asked_counts(session: Session, days: int = POPULAR_DAYS, now: datetime | None = None) -> dict[str, int]:
    """How many questions each FAQ answered in the last ``days`` days (a help-center search that
    the engine answered counts too: it is a question asked)."""
    since = (now or utcnow()) - timedelta(days=days)
    rows = session.execute(
        select(Query.faq_id, func.count())
        .where(Query.decision == "answered", Query.created_at >= since, Query.faq_id.is_not(None))
        .group_by(Query.faq_id)
    )
    return {faq_id: int(n) for faq_id, n in rows}


def last_asked(session: Session, days: int = POPULAR_DAYS) -> datetime | None:
    """When the popular counts last changed (the newest answered question)."""
    since = utcnow() - timedelta(days=days)
    moment = session.scalar(
        select(func.max(Query.created_at)).where(Query.decision == "answered", Query.created_at >= since)
    )
    return as_utc(moment) if moment else None


def by_popularity(faqs: Iterable[Faq], counts: dict[str, int]) -> list[Faq]:
    """Pinned first, then the most asked; FAQs asked equally often keep the corpus order."""
    return sorted(faqs, key=lambda f: (not f.pinned, -counts.get(f.id, 0), f.position, f.id))


def newest(faqs: Iterable[Faq], limit: int = 5) -> list[Faq]:
    """Recently added or updated FAQs."""
    return sorted(faqs, key=lambda f: (as_utc(f.updated_at), f.id), reverse=True)[:limit]


def last_modified(faqs: Iterable[Faq]) -> datetime | None:
    return max((as_utc(f.updated_at) for f in faqs), default=None)


@dataclass(frozen=True)
class Category:
    """A category as the directory lists it."""

    name: str
    slug: str
    count: int  # published FAQs
    position: int  # of its first FAQ in the corpus
    order: int | None  # the admin's position, if any
    asked: int = 0  # questions its FAQs answered in the last 30 days

    def key(self, by_asked: bool = False) -> tuple:
        """Admin-ordered categories first, in their order; then by corpus order (or most asked);
        "Other" last."""
        then = (-self.asked, self.position) if by_asked else (self.position,)
        return (self.name == OTHER, self.order is None, self.order or 0, *then, self.name)


def directory(
    session: Session, faqs: Iterable[Faq], counts: dict[str, int] | None = None, *, by_asked: bool = False
) -> list[Category]:
    """The categories of ``faqs`` with their counts, in the admin's order (then corpus order, or
    the most asked first with ``by_asked``)."""
    counts = counts or {}
    seen: dict[str, list[int]] = {}
    for faq in faqs:
        entry = seen.setdefault(category_name(faq), [0, faq.position, 0])
        entry[0] += 1
        entry[2] += counts.get(faq.id, 0)
    orders = {name: row.position for name, row in category_settings(session).items()}
    rows = [
        Category(name, category_slug(name), n, first, orders.get(name), asked)
        for name, (n, first, asked) in seen.items()
    ]
    return sorted(rows, key=lambda c: c.key(by_asked))
