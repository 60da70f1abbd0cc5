"""Small server-rendered SVG charts for the admin pages (no JavaScript, no chart library).

The pages' content security policy (``default-src 'self'``) blocks inline ``<style>`` and ``style=""``,
so the charts use SVG presentation attributes (``fill``, ``stroke``, ...) and CSS classes only.
Every piece of text goes through :func:`markupsafe.escape`: labels can be visitors' words.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

WIDTH, HEIGHT = 640, 280
MARGIN_LEFT, MARGIN_RIGHT, MARGIN_TOP, MARGIN_BOTTOM = 56, 16, 28, 48
PALETTE = ("#1f6f43", "#c58a00", "#b03a2e", "#1f3b57", "#7a4ea3")
FONT = 'font-family="system-ui, sans-serif" font-size="11"'


@dataclass(frozen=True)
class Series:
    """A named sequence of values (y for line charts, bar heights for bar charts)."""

    name: str
    values: Sequence[float]
    colour: str = PALETTE[0]


@dataclass(frozen=True)
class Marker:
    """A vertical line at ``x`` with a label, e.g. a threshold on a curve."""

    x: float
    label: str
    colour: str = "#555"


@dataclass(frozen=True)
class PointLink:
    """A clickable point of a line chart: a plain SVG link (no script), e.g. "preview this
    threshold"; ``label`` is its tooltip and accessible name."""

    x: float
    y: float
    href: str
    label: str
    colour: str = PALETTE[0]


@dataclass(frozen=True)
class _Frame:
    """The plotting area inside the margins, and the value ranges it maps."""

    width: int
    height: int
    x_min: float
    x_max: float
    y_max: float

    @property
    def plot_width(self) -> float:
        return self.width - MARGIN_LEFT - MARGIN_RIGHT

    @property
    def plot_height(self) -> float:
        return self.height - MARGIN_TOP - MARGIN_BOTTOM

    def x(self, value: float) -> float:
        span = (self.x_max - self.x_min) or 1.0
        return MARGIN_LEFT + (value - self.x_min) / span * self.plot_width

    def y(self, value: float) -> float:
        return MARGIN_TOP + self.plot_height * (1 - value / (self.y_max or 1.0))


def nice_ticks(top: float, count: int = 5) -> list[float]:
    """Round tick values from 0 to at least ``top`` (1, 2, 5 times a power of ten apart)."""
    if top <= 0:
        return [0.0, 1.0]
    raw = top / count
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    return [round(i * step, 10) for i in range(int(math.ceil(top / step - 1e-9)) + 1)]


def _fmt(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".") if value != int(value) else str(int(value))


def _text(x: float, y: float, content: str, anchor: str = "middle", extra: str = "") -> str:
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" fill="#333" {FONT}{extra}>'
        f"{escape(content)}</text>"
    )


def _open(frame: _Frame, title: str, description: str, role: str = "img") -> list[str]:
    """The ``<svg>`` opening; a chart with links is a ``group`` (an image's children are not
    interactive to assistive technology)."""
    return [
        f'<svg class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {frame.width} {frame.height}"'
        f' width="100%" role="{role}" aria-label="{escape(title)}">',
        f"<title>{escape(title)}</title><desc>{escape(description)}</desc>",
        _text(frame.width / 2, 16, title, extra=' font-weight="600"'),
    ]


def _y_axis(frame: _Frame, ticks: Sequence[float], label: str, percent: bool = False) -> list[str]:
    parts = []
    for tick in ticks:
        y = frame.y(tick)
        parts.append(
            f'<line x1="{MARGIN_LEFT}" x2="{frame.width - MARGIN_RIGHT}" y1="{y:.1f}" y2="{y:.1f}"'
            ' stroke="#e3e3e3"/>'
        )
        shown = f"{tick * 100:.0f}%" if percent else _fmt(tick)
        parts.append(_text(MARGIN_LEFT - 6, y + 4, shown, anchor="end"))
    middle = MARGIN_TOP + frame.plot_height / 2
    parts.append(_text(14, middle, label, extra=f' transform="rotate(-90 14 {middle:.1f})"'))
    bottom = frame.height - MARGIN_BOTTOM
    parts.append(
        f'<line x1="{MARGIN_LEFT}" x2="{MARGIN_LEFT}" y1="{MARGIN_TOP}" y2="{bottom}" stroke="#888"/>'
    )
    return parts


def _legend(frame: _Frame, entries: Sequence[tuple[str, str]]) -> list[str]:
    parts, x = [], MARGIN_LEFT
    y = frame.height - 10
    for name, colour in entries:
        parts.append(f'<rect x="{x}" y="{y - 9}" width="10" height="10" fill="{escape(colour)}"/>')
        parts.append(_text(x + 14, y, name, anchor="start"))
        x += 24 + 7 * len(name)
    return parts


def line_chart(
    x_values: Sequence[float],
    series: Sequence[Series],
    *,
    title: str,
    x_label: str,
    y_label: str,
    markers: Sequence[Marker] = (),
    percent: bool = True,
    links: Sequence[PointLink] = (),
) -> Markup:
    """Lines over a numeric x axis (0..1 by default for the precision-coverage curve), with
    optional clickable points."""
    if not x_values:
        return Markup("")
    top = max([1.0] if percent else [max((max(s.values, default=0) for s in series), default=1)])
    frame = _Frame(WIDTH, HEIGHT, min(x_values), max(x_values), nice_ticks(top)[-1])
    parts = _open(frame, title, f"{y_label} against {x_label}", "group" if links else "img")
    parts += _y_axis(frame, nice_ticks(top), y_label, percent)
    for tick in nice_ticks(frame.x_max - frame.x_min, 10):
        x = frame.x(frame.x_min + tick)
        parts.append(_text(x, frame.height - MARGIN_BOTTOM + 14, _fmt(frame.x_min + tick)))
    parts.append(_text(MARGIN_LEFT + frame.plot_width / 2, frame.height - MARGIN_BOTTOM + 30, x_label))
    for line in series:
        points = " ".join(f"{frame.x(x):.1f},{frame.y(y):.1f}" for x, y in zip(x_values, line.values))
        parts.append(
            f'<polyline points="{points}" fill="none" stroke="{escape(line.colour)}" stroke-width="2"/>'
        )
    for i, marker in enumerate(markers):
        x = frame.x(marker.x)
        colour = escape(marker.colour)
        parts.append(
            f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{MARGIN_TOP}" y2="{frame.height - MARGIN_BOTTOM}"'
            f' stroke="{colour}" stroke-dasharray="4 3" stroke-width="1.5"/>'
        )
        parts.append(_text(x + 3, MARGIN_TOP + 12 + 13 * i, marker.label, anchor="start"))
    for link in links:
        parts.append(
            f'<a href="{escape(link.href)}" class="chart-point" aria-label="{escape(link.label)}">'
            f'<circle cx="{frame.x(link.x):.1f}" cy="{frame.y(link.y):.1f}" r="5" fill="#fff"'
            f' stroke="{escape(link.colour)}" stroke-width="2">'
            f"<title>{escape(link.label)}</title></circle></a>"
        )
    parts += _legend(frame, [(s.name, s.colour) for s in series])
    parts.append("</svg>")
    return Markup("".join(parts))


def stacked_bar_chart(
    categories: Sequence[str], stacks: Sequence[Series], *, title: str, y_label: str
) -> Markup:
    """One bar per category (e.g. per day), its height split between the stacks."""
    if not categories:
        return Markup("")
    totals = [sum(s.values[i] for s in stacks) for i in range(len(categories))]
    ticks = nice_ticks(max(totals, default=0) or 1)
    frame = _Frame(WIDTH, HEIGHT, 0, len(categories), ticks[-1])
    parts = _open(frame, title, f"{y_label} per category, split by " + ", ".join(s.name for s in stacks))
    parts += _y_axis(frame, ticks, y_label)
    slot = frame.plot_width / len(categories)
    bar = max(slot * 0.8, 1.0)
    label_every = max(1, math.ceil(len(categories) / 10))
    for i, category in enumerate(categories):
        x, base = frame.x(i) + (slot - bar) / 2, 0.0
        for stack in stacks:
            value = stack.values[i]
            if value:
                top, bottom = frame.y(base + value), frame.y(base)
                parts.append(
                    f'<rect x="{x:.1f}" y="{top:.1f}" width="{bar:.1f}" height="{bottom - top:.1f}"'
                    f' fill="{escape(stack.colour)}"><title>{escape(category)}: {escape(stack.name)}'
                    f" {_fmt(value)}</title></rect>"
                )
            base += value
        if i % label_every == 0:
            parts.append(_text(x + bar / 2, frame.height - MARGIN_BOTTOM + 14, category))
    parts += _legend(frame, [(s.name, s.colour) for s in stacks])
    parts.append("</svg>")
    return Markup("".join(parts))


def horizontal_bar_chart(
    labels: Sequence[str], values: Sequence[float], *, title: str, x_label: str, label_chars: int = 48
) -> Markup:
    """Ranked items (e.g. top FAQs) as bars with their labels, longest first as given."""
    if not labels:
        return Markup("")
    row, left = 22, 300
    height = MARGIN_TOP + row * len(labels) + 36
    ticks = nice_ticks(max(values, default=0) or 1)
    width = WIDTH
    span = width - left - MARGIN_RIGHT - 40
    parts = _open(_Frame(width, height, 0, 1, 1), title, f"{x_label} per item")
    for i, (label, value) in enumerate(zip(labels, values)):
        y = MARGIN_TOP + i * row
        shown = label if len(label) <= label_chars else label[: label_chars - 1] + "…"
        length = span * value / ticks[-1]
        parts.append(_text(left - 6, y + 14, shown, anchor="end", extra=""))
        parts.append(
            f'<rect x="{left}" y="{y + 3}" width="{length:.1f}" height="{row - 6}" fill="{PALETTE[3]}">'
            f"<title>{escape(label)}: {_fmt(value)}</title></rect>"
        )
        parts.append(_text(left + length + 4, y + 14, _fmt(value), anchor="start"))
    parts.append(_text(left + span / 2, height - 10, x_label))
    parts.append("</svg>")
    return Markup("".join(parts))
