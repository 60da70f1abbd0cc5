"""The company's look, from settings: site name, logo URL and brand colour.

The help center and the chat widget both use them, so they are checked once, when the app
starts: a colour must be ``#rgb`` or ``#rrggbb`` and a logo an ``https://`` URL or a path on
this site, and anything else stops the service with a message naming the setting (a typo should
not quietly give a page unreadable text or a broken image).

Whether text on the brand colour should be white or dark is computed here with the WCAG
contrast formula, so the header of the help center and the widget's launcher stay readable
whatever colour an admin picks.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

COLOR = re.compile(r"#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})")
MAX_LOGO_URL = 2000
WHITE = "#ffffff"
DARK = "#111827"  # text on a light brand colour
BLACK = "#000000"
DEFAULT_LINK = "#1d5fbf"  # links and buttons when the brand colour is too light for white text
READABLE = 4.5  # WCAG AA for normal text


def parse_color(text: str) -> str:
    """``#rgb`` or ``#rrggbb`` as lower-case ``#rrggbb``; empty stays empty (no brand colour)."""
    value = text.strip()
    if not value:
        return ""
    if not COLOR.fullmatch(value):
        raise ValueError(f"{value[:40]!r} is not a colour; write it as #rgb or #rrggbb, e.g. #1d4ed8")
    digits = value[1:].lower()
    return "#" + ("".join(c * 2 for c in digits) if len(digits) == 3 else digits)


def parse_logo_url(text: str) -> str:
    """An ``https://`` URL or an absolute path on this site (``/static/logo.svg``); empty: no logo."""
    value = text.strip()
    if not value:
        return ""
    problem = None
    if len(value) > MAX_LOGO_URL:
        problem = f"is longer than {MAX_LOGO_URL} characters"
    elif any(c.isspace() or ord(c) < 32 or c in "\"'<>\\" for c in value):
        problem = "contains spaces, quotes or control characters"
    elif value.startswith("/"):
        if value.startswith("//"):
            problem = "starts with '//' (a URL without its scheme): write https://host/..."
    else:
        parts = urlsplit(value)
        if parts.scheme != "https" or not parts.hostname:
            problem = "must be an https:// URL or a path on this site starting with '/'"
    if problem:
        raise ValueError(f"{value[:60]!r} {problem}")
    return value


# (setting name, parser): the values a config.py or test_config holds are checked too, not only
# the environment's.
CHECKED = (("BRAND_COLOR", parse_color), ("SITE_LOGO_URL", parse_logo_url))


def check_settings(config: dict[str, Any]) -> None:
    """Normalise the brand settings in place; :class:`ConfigError` naming the variable if invalid."""
    from faqbot.web.core.config import ConfigError  # config parses its variables with this module

    for name, parse in CHECKED:
        value = config.get(name) or ""
        if not isinstance(value, str):
            raise ConfigError(f"FAQBOT_{name}: expected text, got {type(value).__name__}")
        try:
            config[name] = parse(value)
        except ValueError as error:
            raise ConfigError(f"FAQBOT_{name}: {error}") from None


def _channel(value: int) -> float:
    c = value / 255
    return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4


def luminance(color: str) -> float:
    """WCAG relative luminance of ``#rrggbb``."""
    r, g, b = (int(color[i : i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * _channel(r) + 0.7152 * _channel(g) + 0.0722 * _channel(b)


def contrast(first: str, second: str) -> float:
    """WCAG contrast ratio of two ``#rrggbb`` colours (1 to 21)."""
    a, b = sorted((luminance(first), luminance(second)), reverse=True)
    return (a + 0.05) / (b + 0.05)


def darker(color: str, factor: float = 0.82) -> str:
    """The same hue, darker (for hover states)."""
    return "#" + "".join(f"{int(int(color[i : i + 2], 16) * factor):02x}" for i in (1, 3, 5))


def text_on(color: str) -> str:
    """White when it is readable on ``color``, else the dark ink, else black (which, for any
    colour that white fails on, reaches 4.5:1: a pure red has 4.0 with white, 4.4 with the ink)."""
    for ink in (WHITE, DARK):
        if contrast(color, ink) >= READABLE:
            return ink
    return BLACK


@dataclass(frozen=True)
class Brand:
    """What the pages and the widget need: the colour, the text colour on it, and a colour for
    links and buttons on white (the brand colour when it is dark enough, else a default blue)."""

    site_name: str
    logo_url: str
    color: str  # "" when no brand colour is set
    on_color: str
    link: str

    @property
    def title(self) -> str:
        return f"{self.site_name} Help center" if self.site_name else "Help center"


def brand_of(config: Mapping[str, Any]) -> Brand:
    color = config.get("BRAND_COLOR") or ""
    on_color, link = WHITE, DEFAULT_LINK
    if color:
        on_color = text_on(color)
        link = color if contrast(color, WHITE) >= READABLE else DEFAULT_LINK
    return Brand(
        site_name=config.get("SITE_NAME") or "",
        logo_url=config.get("SITE_LOGO_URL") or "",
        color=color,
        on_color=on_color,
        link=link,
    )


def image_sources(config: Mapping[str, Any]) -> str:
    """The CSP ``img-src`` that lets pages show the logo (its origin when it is on another host)."""
    logo = config.get("SITE_LOGO_URL") or ""
    if logo.startswith("https://"):
        parts = urlsplit(logo)
        return f"'self' https://{parts.netloc}"
    return "'self'"
