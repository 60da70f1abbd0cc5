"""Markdown as safe HTML and as readable plain text, for answers and staff replies.

markdown-it-py renders CommonMark with raw HTML turned off (a ``<script>`` in the text shows as
text) and its link check on (no ``javascript:`` links).  Like the chat widget, a line after a
list starts a new paragraph and single line breaks are kept.  The plain-text form is the one a
mail's text part carries: no markup characters, links as "label (address)", list items kept.
"""

from __future__ import annotations

import re
from functools import lru_cache

from markdown_it import MarkdownIt
from markdown_it.token import Token
from markupsafe import Markup

_LIST_ITEM = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+")


@lru_cache(maxsize=1)
def _markdown() -> MarkdownIt:
    return MarkdownIt("commonmark", {"html": False, "breaks": True, "linkify": False})


def _separate_lists(text: str) -> str:
    """End a list at the first line that is not an item, as the widget does (CommonMark would
    make it a lazy continuation of the last item)."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    out: list[str] = []
    for line in lines:
        if out and line.strip() and _LIST_ITEM.match(out[-1]) and not _LIST_ITEM.match(line):
            out.append("")
        out.append(line)
    return "\n".join(out)


def render_markdown(text: str) -> Markup:
    """The text as HTML; raw HTML in it is escaped, unsafe link schemes are not linked."""
    return Markup(_markdown().render(_separate_lists(text or "")))


def markdown_text(text: str) -> str:
    """The text as a mail's plain-text part would show it: paragraphs apart, "- " and "1. " list
    items, links as "label (address)", emphasis and code marks dropped."""
    tokens = _markdown().parse(_separate_lists(text or ""))
    out: list[str] = []
    lists: list[list[int]] = []  # per open list: [next number] (0 for bullets)
    for token in tokens:
        _block(token, out, lists)
    return re.sub(r"\n{3,}", "\n\n", "".join(out)).strip() + "\n"


def _block(token: Token, out: list[str], lists: list[list[int]]) -> None:
    kind = token.type
    if kind == "bullet_list_open":
        lists.append([0])
    elif kind == "ordered_list_open":
        lists.append([int(token.attrGet("start") or 1)])
    elif kind in ("bullet_list_close", "ordered_list_close"):
        lists.pop()
        out.append("\n")
    elif kind == "list_item_open":
        number = lists[-1] if lists else [0]
        marker = f"{number[0]}. " if number[0] else "- "
        if number[0]:
            number[0] += 1
        out.append("  " * (len(lists) - 1) + marker)
    elif kind == "inline":
        out.append(_inline(token.children or []))
    elif kind in ("paragraph_close", "heading_close"):
        out.append("\n" if lists else "\n\n")
    elif kind in ("fence", "code_block"):
        out.append(token.content.rstrip("\n") + "\n\n")
    elif kind == "hr":
        out.append("----\n\n")


def _inline(children: list[Token]) -> str:
    parts: list[str] = []
    links: list[str] = []
    for child in children:
        kind = child.type
        if kind in ("text", "code_inline"):
            parts.append(child.content)
        elif kind in ("softbreak", "hardbreak"):
            parts.append("\n")
        elif kind == "link_open":
            links.append(str(child.attrGet("href") or ""))
            parts.append("\0")  # where the label starts, to tell "label" from a bare address
        elif kind == "link_close" and links:
            href = links.pop()
            start = len(parts) - 1 - parts[::-1].index("\0")
            label = "".join(parts[start + 1 :])
            parts[start:] = [label if label == href or not href else f"{label} ({href})"]
        elif kind == "image":
            parts.append(child.content)
    return "".join(parts)
