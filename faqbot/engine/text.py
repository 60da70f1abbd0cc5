"""Text normalisation shared by training and asking.

Both sides must see text the same way, or a phrasing stored in the model would
never match the identical question typed by a visitor.
"""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"\s+")
_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)|https?://\S+")
_MARKUP = re.compile(r"[*_`#>]+|^\s*[-+] ", re.MULTILINE)
_WORD = re.compile(r"(?u)\b\w\w+\b")  # the token pattern of TfidfVectorizer


def normalize(text: str) -> str:
    """Fold Unicode variants, case and whitespace so equal questions compare equal."""
    text = unicodedata.normalize("NFKC", text)
    return _SPACES.sub(" ", text).strip().lower()


def words(text: str) -> list[str]:
    """Split into the word tokens the word-level TF-IDF uses."""
    return _WORD.findall(text)


def plain_text(markdown: str) -> str:
    """Answer text without link targets and Markdown marks, for matching on its words."""
    text = _LINK.sub(lambda m: m.group(1) or "", markdown)
    return _SPACES.sub(" ", _MARKUP.sub(" ", text)).strip()
