"""What changed in a model version, in a line a person can read: "+2 FAQs, +14 learned
phrasings, thresholds 0.28/0.17".

Each version records what it was trained on (``ModelVersion.contents``, written at
registration); a version is compared with the one its retrain compared it with, else with the
version made before it.  Versions registered before ``contents`` existed fall back to their
manifest on disk (FAQ count and thresholds only).
"""

from __future__ import annotations

import functools
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from faqbot.web.core.tables import ModelVersion
from faqbot.web.models.store import UnknownVersion, version_path

COUNTS = (("faqs", "FAQ"), ("edited_faqs", None), ("phrasings", "phrasing"), ("learned", "learned phrasing"))


@functools.lru_cache(maxsize=256)
def _manifest_contents(path: str) -> dict[str, Any] | None:
    """FAQ count and thresholds from a manifest (immutable once written, so cached)."""
    try:
        manifest = json.loads((Path(path) / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(manifest, dict):
        return None
    return {"faqs": manifest.get("faq_count"), "thresholds": manifest.get("thresholds")}


def contents_of(row: ModelVersion, models_dir: str | Path) -> dict[str, Any]:
    """What ``row`` was trained on, as recorded (or as its manifest says); {} when unknown."""
    if row.contents:
        return dict(row.contents)
    try:
        path = version_path(models_dir, row.version)
    except UnknownVersion:
        return {}
    return dict(_manifest_contents(str(path)) or {})


def effective_thresholds(row: ModelVersion, contents: dict[str, Any]) -> dict[str, float] | None:
    """The thresholds it decides with: the admin's override, else the model's own."""
    chosen = row.thresholds or contents.get("thresholds")
    try:
        return {"answer": float(chosen["answer"]), "suggest": float(chosen["suggest"])}
    except (KeyError, TypeError, ValueError):
        return None


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def _signed(delta: int, noun: str) -> str:
    sign = "+" if delta > 0 else "\u2212"
    return f"{sign}{_plural(abs(delta), noun)}"


def _pair(thresholds: dict[str, float]) -> str:
    return f"{thresholds['answer']:.2f}/{thresholds['suggest']:.2f}"


def describe(now: dict[str, Any], before: dict[str, Any] | None, thresholds, old_thresholds) -> str:
    """The summary line of one version's ``now`` contents against the previous ``before``."""
    parts, compared = [], []
    for key, noun in COUNTS:
        value = now.get(key)
        if not isinstance(value, int):
            continue
        if key == "edited_faqs":
            if value:
                parts.append(f"{_plural(value, 'FAQ')} edited")
            continue
        previous = (before or {}).get(key)
        if before is None:
            parts.append(_plural(value, noun))
        elif isinstance(previous, int):
            compared.append(key)
            if value != previous:
                parts.append(_signed(value - previous, noun))
    if compared and not parts:
        parts.append("same FAQs" if compared == ["faqs"] else "same FAQs and phrasings")
    if thresholds:
        was = f" (were {_pair(old_thresholds)})" if old_thresholds else ""
        moved = old_thresholds and _pair(old_thresholds) != _pair(thresholds)
        parts.append(f"thresholds {_pair(thresholds)}{was if moved else ''}")
    return ", ".join(parts) or "nothing recorded"


def _previous(row: ModelVersion, older: Sequence[ModelVersion], by_name: dict[str, ModelVersion]):
    compared = (row.report or {}).get("compared_with")
    if compared and compared in by_name and compared != row.version:
        return by_name[compared]
    return older[0] if older else None


def summaries(rows: Sequence[ModelVersion], models_dir: str | Path) -> dict[str, dict[str, Any]]:
    """For each version: its ``contents``, the ``previous`` version and the ``summary`` line."""
    ordered = sorted(rows, key=lambda row: (row.created_at, row.version))
    by_name = {row.version: row for row in ordered}
    contents = {row.version: contents_of(row, models_dir) for row in ordered}
    result = {}
    for index, row in enumerate(ordered):
        previous = _previous(row, ordered[:index][::-1], by_name)
        before = contents[previous.version] if previous is not None else None
        result[row.version] = {
            "contents": contents[row.version],
            "previous": previous.version if previous is not None else None,
            "summary": describe(
                contents[row.version],
                before,
                effective_thresholds(row, contents[row.version]),
                effective_thresholds(previous, before) if previous is not None else None,
            ),
        }
    return result
