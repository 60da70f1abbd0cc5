"""Text handling for the small-talk detector: normalising, emoji, and the word lists it uses.

Kept apart from the detector so its rules (which words are particles, what asks for a person)
can be read, and changed, in one place.
"""

from __future__ import annotations

import re
import unicodedata

import numpy as np


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Function words that carry no intent of their own.  Question words (what, how, who, where) are
# deliberately absent: "who made you" and "where are you from" differ by them.
STOPWORDS = _words(
    """a an the i me my mine im ive id ill you your youre yours u ur we us our
    it its is are am was were be been being do does did dont didnt doesnt
    to of for in on at by from with about as and or but so if then than just
    this that these those there here thats theres have has had got can could
    would will should shall may might must please pls plz really very also
    too oh ah um uh well still again now any some r ya ye"""
)

# A match means "not small talk" even when the words look like it ("can I talk to a real
# person" is a request; "am I talking to a real person" is small talk).
HANDOFF_PATTERNS = (
    r"\b(talk|speak|chat)\s+(to|with)\s+(a\s+|an\s+|the\s+|your\s+|some\s+)?"
    r"(real\s+|live\s+|actual\s+|human\s+)?"
    r"(human|humans|person|people|someone|somebody|anyone|agent|representative|rep|"
    r"operator|staff|manager|supervisor|advisor|adviser|team)\b",
    r"\b(connect|transfer|put|pass|forward|escalate)\s+me\b",
    r"\b(get|find|give|want|need|like|request|see)\s+(me\s+)?(to\s+)?(a\s+|an\s+|the\s+|some\s+)?"
    r"(real\s+|live\s+|actual\s+)?(human|person|agent|representative|operator|someone|somebody)\b",
    r"\b(human|person|someone|somebody|anyone|agent|number)\s+(i|we)\s+(can|could)\s+"
    r"(call|phone|ring|email|contact|reach|talk|speak|write)\b",
    r"^(a\s+|an\s+)?(real\s+|live\s+|actual\s+)?(human|person|agent|representative|"
    r"operator|someone|somebody)(\s+(please|pls|plz|now))*$",
)

HANDOFF = tuple(re.compile(p) for p in HANDOFF_PATTERNS)

# Vocatives and discourse markers that may wrap any small talk ("thanks mate", "name btw").
FILLERS = _words(
    """bot assistant mate buddy friend pal dude guys folks everyone btw anyway
    actually though then ok okay lol haha yeah hey hi"""
)

# Intents whose one-word phrasings are particles that may wrap other small talk ("ok thanks
# bye").  One-word phrasings of other intents ("age?", "menu") are not universal.
PARTICLE_INTENTS = _words("greeting thanks goodbye affirm negate laughter apology wait")

NEGATORS = _words("no not never dont doesnt didnt wasnt isnt arent cant cannot wont wouldnt nothing")

# Emoticons map to an emoji so ":)" and "🙂" share evidence.
EMOTICONS = {
    ":)": "🙂", ":-)": "🙂", "=)": "🙂", ":]": "🙂", ":o)": "🙂", ":))": "🙂",
    ":d": "😃", ":-d": "😃", "=d": "😃", "xd": "😆",
    ";)": "😉", ";-)": "😉", ":p": "😛", ":-p": "😛",
    ":(": "🙁", ":-(": "🙁", "=(": "🙁", ":((": "🙁", ":/": "😕", ":-/": "😕",
    ":'(": "😢", ":|": "😐", ":-|": "😐", "<3": "❤", "<33": "❤", "(y)": "👍", "(n)": "👎",
}  # fmt: skip
_EMOTICON = re.compile(r"(?<![\w])(?:[:;=8][\-o'^]?[\)\(\]\[dpo/\\|3*]+|<3+|\(y\))(?![\w])", re.I)
_APOSTROPHES = dict.fromkeys(map(ord, "'\u2019\u2018`\u00b4"), None)
_REPEAT = re.compile(r"(.)\1{2,}")
_NONWORD = re.compile(r"[^a-z0-9]+")
_SUFFIXES = ("ing", "ed", "es", "s", "ly", "er")
_EMOJI_NAME_STOP = _words("face with and of the on sign symbol in a hand hands person")


def split_symbols(text: str) -> tuple[str, list[str]]:
    """Return the text without emoji and emoticons, and those symbols (emoticons as emoji)."""
    text = unicodedata.normalize("NFKC", text or "")
    symbols: list[str] = []

    def _emoticon(m: re.Match[str]) -> str:
        symbols.append(EMOTICONS.get(m.group(0).lower(), m.group(0).lower()))
        return " "

    out = []
    for ch in _EMOTICON.sub(_emoticon, text):
        category = unicodedata.category(ch)
        if category == "So":  # emoji and pictographs
            symbols.append(ch)
            out.append(" ")
        elif not (category in ("Sk", "Mn", "Cf") and ord(ch) > 0x2000):  # skin tones, ZWJ
            out.append(ch)
    return "".join(out), symbols


def normalize(text: str) -> str:
    """Lowercase ASCII words: no accents, no apostrophes ("what's" -> "whats"), repeats squeezed."""
    text = unicodedata.normalize("NFKD", text.lower())
    text = "".join(c for c in text if not unicodedata.combining(c)).translate(_APOSTROPHES)
    return _NONWORD.sub(" ", _REPEAT.sub(r"\1\1", text)).strip()


def stem(token: str) -> str:
    """Crude suffix stripping, enough for helping/help and creators/creator."""
    for _ in range(2):
        for suffix in _SUFFIXES:
            if token.endswith(suffix) and len(token) - len(suffix) >= 3:
                token = token[: -len(suffix)]
                break
        else:
            break
    return token


def content_words(norm: str) -> list[str]:
    return [t for t in norm.split() if t not in STOPWORDS]


def emoji_words(symbol: str) -> set[str]:
    name = unicodedata.name(symbol[0], "") if symbol else ""
    return {w for w in re.split(r"[\s\-]+", name.lower()) if w and w not in _EMOJI_NAME_STOP}


def unit_rows(matrix: np.ndarray) -> np.ndarray:
    matrix = np.asarray(matrix, dtype=np.float32)
    return matrix / np.maximum(np.linalg.norm(matrix, axis=1, keepdims=True), 1e-12)
