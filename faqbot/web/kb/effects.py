"""What an edit to the knowledge base actually changes for visitors, and when, in words an admin
can trust.

Visitors get an FAQ's text from the database, so an edited answer (or question text, or
category) shows at once, and an archived or deleted FAQ stops being answered at once
(:func:`faqbot.web.kb.query.withhold_retired`): "at once" is within ``MODEL_CHECK_INTERVAL``
(a second), how long a serving process keeps its copy of the rows (:mod:`faqbot.web.kb.shown`).
What the bot *matches* is the trained model:
new FAQs, new question wording and phrasings count only after the next retrain.
"""

from __future__ import annotations

from collections.abc import Iterable

RETRAIN_HINT = "retrain on the Models page, or wait for the scheduled retrain"
_SHOWN_NOW = (
    ("answer", "the new answer"),
    ("question", "the new question text"),
    ("category", "the new category"),
)
_MATCHED_LATER = ("question", "phrasings")


def _join(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def edit_effect(fields: Iterable[str]) -> str:
    """One or two sentences on when the changed ``fields`` reach visitors."""
    changed = set(fields)
    if not changed:
        return "Nothing changed."
    sentences = []
    now = [label for field, label in _SHOWN_NOW if field in changed]
    if now:
        sentences.append(f"Visitors see {_join(now)} at once.")
    if changed & set(_MATCHED_LATER):
        sentences.append(f"The bot matches the new wording after the next retrain ({RETRAIN_HINT}).")
    if changed == {"learned"}:
        sentences.append("Learned phrasings count after the next retrain.")
    return " ".join(sentences) or "Nothing visitors see changed."


def new_faq_effect() -> str:
    return (
        f"The help center lists it at once; the bot answers with it after the next retrain ({RETRAIN_HINT})."
    )


def restored_effect(fields: Iterable[str], recreated: bool) -> str:
    if recreated:
        return (
            "The help center shows it at once; the bot answers with it again at once if the live model "
            "was trained before the FAQ was deleted, otherwise after the next retrain."
        )
    return edit_effect(fields)


def import_effect(result: dict[str, int]) -> str:
    """After an import (``apply_preview``'s counts): changed texts show now, new FAQs and new
    wording are matched later, archived FAQs stop at once."""
    parts = []
    if result.get("updated"):
        parts.append("Changed answers show to visitors at once.")
    if result.get("created") or result.get("updated"):
        parts.append(f"New FAQs and new wording are matched after the next retrain ({RETRAIN_HINT}).")
    if result.get("archived"):
        parts.append("Archived FAQs are no longer answered.")
    return " ".join(parts)
