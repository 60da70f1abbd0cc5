"""The brand colour as a small style sheet: CSS custom properties that help.css reads.

Served from ``/help/brand.css?v=<hash>`` rather than inline, since the content security policy
allows no inline styles.  Text on the brand colour is white or dark, whichever is readable
(:mod:`faqbot.web.core.branding`), and links and buttons keep a readable default blue when the
brand colour is too light for them.
"""

from __future__ import annotations

import hashlib

from faqbot.web.core.branding import Brand, darker


def css(brand: Brand) -> str:
    if not brand.color:
        return ":root {}\n"
    return (
        ":root {\n"
        f"  --brand: {brand.color};\n"
        f"  --on-brand: {brand.on_color};\n"
        f"  --primary: {brand.link};\n"
        f"  --primary-dark: {darker(brand.link)};\n"
        "}\n"
    )


def version(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:12]
