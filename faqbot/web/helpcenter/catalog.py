"""What the help center lists: published FAQs, their categories and slugs, popular and new ones.

Which FAQs are published (active, public, not in an internal category) and their order (pinned
first, then the most asked; categories in the admin's order) is the knowledge base's rule
(:mod:`faqbot.web.kb.publishing`), shared with the public FAQ API; this module applies it to the
pages.  Learned phrasings, archived or internal FAQs and visitors' questions never leave it.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from faqbot.web.core.tables import Faq
from faqbot.web.kb import categories as kb_categories
from faqbot.web.kb.publishing import (
    OTHER,
    POPULAR_DAYS,
    RESERVED_SLUGS,
    Category,
    asked_counts,
    by_popularity,
    category_name,
    category_slug,
    directory,
    faq_slug,
    last_asked,
    last_modified,
    newest,
    public_faqs,
    published,
    slugify,
)

__all__ = [
    "OTHER",
    "POPULAR_DAYS",
    "RESERVED_SLUGS",
    "Category",
    "asked_counts",
    "by_popularity",
    "categories",
    "category_by_slug",
    "category_name",
    "category_slug",
    "faq_slug",
    "find_by_item",
    "last_asked",
    "last_modified",
    "members",
    "newest",
    "popular",
    "public_faqs",
    "renamed_category",
    "slugify",
]


def find_by_item(session: Session, item: str) -> Faq | None:
    """The published FAQ an ``<id>-<slug>`` path segment names; ids may contain hyphens
    themselves, so each prefix ending before a hyphen is tried, the longest first."""
    candidates = [item] + [item[:i] for i in range(len(item) - 1, 0, -1) if item[i] == "-"]
    candidates = [c for c in candidates if len(c) <= 64]
    if not candidates:
        return None
    rows = session.scalars(select(Faq).where(Faq.id.in_(candidates), *published(session))).all()
    by_id = {faq.id: faq for faq in rows}
    return next((by_id[c] for c in candidates if c in by_id), None)


def categories(session: Session, faqs: list[Faq]) -> list[Category]:
    """The directory: each category with its number of published FAQs, in the admin's order
    (then corpus order), "Other" last."""
    return directory(session, faqs)


def popular(faqs: list[Faq], counts: dict[str, int], limit: int = 8) -> list[Faq]:
    """Pinned FAQs, then the most asked, topped up in corpus order (a new site has no questions)."""
    return by_popularity(faqs, counts)[:limit]


def category_by_slug(session: Session, faqs: list[Faq], slug: str) -> Category | None:
    return next((c for c in categories(session, faqs) if c.slug == slug), None)


def members(faqs: list[Faq], found: Category) -> list[Faq]:
    return [f for f in faqs if category_name(f) == found.name]


def renamed_category(session: Session, faqs: list[Faq], slug: str) -> Category | None:
    """The listed category that the one at ``slug`` was renamed to, if any."""
    name = kb_categories.alias_target(session, slug)
    if name is None:
        return None
    return next((c for c in categories(session, faqs) if c.name == name), None)
