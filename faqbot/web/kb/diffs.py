"""Word-level differences between two versions of an FAQ field, for the history and the import
preview: one added sentence shows as that sentence inserted, not as two whole paragraphs.

Texts are split into words, single punctuation marks and runs of whitespace, and compared with
:class:`difflib.SequenceMatcher`; an unchanged piece shorter than the changes around it is folded
into them, so "the quick fox" to "a slow fox" reads as one replacement, not two, and a rewritten
paragraph as one removal and one addition.  Lists (phrasings)
are compared item by item.  Everything is escaped before it is wrapped in ``<del>``/``<ins>``.
"""

from __future__ import annotations

import re
from difflib import SequenceMatcher
from typing import Any

from markupsafe import Markup, escape

_TOKEN = re.compile(r"\s+|\w+|[^\w\s]", re.UNICODE)
EQUAL, DELETE, INSERT = "equal", "delete", "insert"


def word_ops(before: str, after: str) -> list[tuple[str, str]]:
    """``(op, text)`` pieces that turn ``before`` into ``after``; equal pieces appear once."""
    old, new = _TOKEN.findall(before), _TOKEN.findall(after)
    blocks = []  # (equal?, old text, new text)
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        blocks.append((tag == "equal", "".join(old[i1:i2]), "".join(new[j1:j2])))
    blocks = _absorb_small_equalities(blocks)
    ops: list[tuple[str, str]] = []
    removed = added = ""
    for same, old_text, new_text in blocks:
        if not same:
            removed, added = removed + old_text, added + new_text
            continue
        ops += _change(removed, added)
        removed = added = ""
        ops.append((EQUAL, old_text))
    return ops + _change(removed, added)


def _absorb_small_equalities(blocks: list[tuple[bool, str, str]]) -> list[tuple[bool, str, str]]:
    """Fold into the changes around it any unchanged piece no longer than the change on either
    side (the semantic clean-up of diff-match-patch), until none is left: a rewritten sentence
    reads as one removal and one addition, not as words kept at random ("so", "the")."""
    changed = True
    while changed:
        changed = False
        for index in range(1, len(blocks) - 1):
            same, text, _ = blocks[index]
            left, right = blocks[index - 1], blocks[index + 1]
            if not same or left[0] or right[0]:
                continue
            if len(text) <= max(len(left[1]), len(left[2])) and len(text) <= max(
                len(right[1]), len(right[2])
            ):
                merged = (False, left[1] + text + right[1], left[2] + text + right[2])
                blocks = blocks[: index - 1] + [merged] + blocks[index + 2 :]
                changed = True
                break
    return blocks


def _change(removed: str, added: str) -> list[tuple[str, str]]:
    return [(op, text) for op, text in ((DELETE, removed), (INSERT, added)) if text]


def _render(ops: list[tuple[str, str]]) -> Markup:
    tags = {DELETE: "del", INSERT: "ins"}
    parts = [
        escape(text) if op == EQUAL else Markup(f"<{tags[op]}>{escape(text)}</{tags[op]}>")
        for op, text in ops
    ]
    return Markup("").join(parts)


def _shown(value: Any) -> str:
    if value is None:
        return "none"
    if value is True or value is False:
        return "yes" if value else "no"
    return str(value)


def _list_diff(before: list, after: list) -> Markup:
    """Items kept, removed and added; an item edited in place shows its words' changes."""
    old, new = [str(item) for item in before], [str(item) for item in after]
    items: list[Markup] = []
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        if tag == "equal":
            items += [escape(item) for item in old[i1:i2]]
        elif tag == "replace" and i2 - i1 == j2 - j1:
            items += [_render(word_ops(a, b)) for a, b in zip(old[i1:i2], new[j1:j2])]
        else:
            items += [Markup(f"<del>{escape(item)}</del>") for item in old[i1:i2]]
            items += [Markup(f"<ins>{escape(item)}</ins>") for item in new[j1:j2]]
    if not items:
        return Markup("<em>none</em>")
    rows = Markup("").join(Markup("<li>") + item + Markup("</li>") for item in items)
    return Markup("<ul>") + rows + Markup("</ul>")


def diff(before: Any, after: Any) -> Markup:
    """HTML showing how a field went from ``before`` to ``after`` (either may be None)."""
    if isinstance(before, list) or isinstance(after, list):
        return _list_diff(before or [], after or [])
    texts = all(value is None or isinstance(value, str) for value in (before, after))
    if texts and (before or after):  # None is no text: a new category is only inserted text
        shown = _render(word_ops(before or "", after or ""))
        return Markup('<span class="text">') + shown + Markup("</span>")
    if before == after:
        return escape(_shown(after)) if after is not None else Markup("<em>none</em>")
    removed = "" if before is None else _shown(before)  # no state (created, deleted): one side only
    added = "" if after is None else _shown(after)
    return _render(_change(removed, added))
