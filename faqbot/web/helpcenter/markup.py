"""Answers as HTML, and search words highlighted, both safe for any text.

Answers are Markdown rendered by markdown-it-py with raw HTML turned off (a ``<script>`` in an
answer shows as text) and its link check on (no ``javascript:`` links).  The widget renders the
same subset in the browser; like it, a line after a list starts a new paragraph and single line
breaks are kept.  Highlighting escapes the text first and only then adds ``<mark>``.
"""

from __future__ import annotations

import re
from html import unescape

from markupsafe import Markup, escape
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

from faqbot.engine.text import normalize
from faqbot.web.core.markdown import render_markdown

_WORD = re.compile(r"\w\w+")
_SUFFIXES = ("ing", "ed", "es", "s")
_BLOCK_END = re.compile(r"</(?:p|li|h[1-6]|blockquote|pre)>|<br\s*/?>")
_TAG = re.compile(r"<[^>]+>")


def render_answer(text: str) -> Markup:
    """The answer as HTML (:func:`faqbot.web.core.markdown.render_markdown`)."""
    return render_markdown(text)


def _stem(word: str) -> str:
    for suffix in _SUFFIXES:
        if len(word) > len(suffix) + 2 and word.endswith(suffix):
            return word[: -len(suffix)]
    return word


def query_stems(query: str) -> frozenset[str]:
    """The telling words of a search, folded (stop words leave nothing worth marking)."""
    found = (w for w in _WORD.findall(normalize(query)) if w not in ENGLISH_STOP_WORDS)
    return frozenset(_stem(w) for w in found)


def highlight(text: str, stems: frozenset[str]) -> Markup:
    """``text`` escaped, with each word whose stem the search used wrapped in ``<mark>``."""
    parts: list[str] = []
    last = 0
    for match in _WORD.finditer(text):
        if _stem(normalize(match.group())) in stems:
            parts.append(str(escape(text[last : match.start()])))
            parts.append(f"<mark>{escape(match.group())}</mark>")
            last = match.end()
    parts.append(str(escape(text[last:])))
    return Markup("".join(parts))


def plain(answer: str) -> str:
    """The rendered answer's text, without its tags (link labels kept, link targets not)."""
    html = _BLOCK_END.sub(" ", render_answer(answer or ""))
    return " ".join(unescape(_TAG.sub("", html)).split())


def summary(answer: str, length: int = 180) -> str:
    """The answer's opening as plain text, cut at a word, for lists and meta descriptions."""
    text = plain(answer)
    if len(text) <= length:
        return text
    return text[:length].rsplit(" ", 1)[0].rstrip(",;:.") + "…"
