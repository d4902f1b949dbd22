"""Charts drawn on the server as SVG: no script, nothing from a CDN, and they print.

Each chart is an image with a title (role="img", <title>); the figures themselves are in the data
table the page puts beside every chart, which is what screen readers and tests read. A value of
None (too few people to show) leaves a gap rather than a zero.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe


def _n(value: float) -> str:
    """A coordinate as SVG text (format_html escapes its arguments into strings first)."""
    return f"{value:.1f}"


WIDTH, HEIGHT = 560, 220
LEFT, RIGHT, TOP, BOTTOM = 44, 12, 12, 36
# Colour-blind safe (Okabe-Ito), each series also has its own dash pattern or marker.
COLOURS = ("#0072B2", "#D55E00", "#009E73", "#CC79A7")
DASHES = ("", "6 3", "2 3", "8 3 2 3")


@dataclass(frozen=True)
class Series:
    name: str
    values: list[float | None]


def _y(value: float, top: float) -> float:
    return TOP + (HEIGHT - TOP - BOTTOM) * (1 - value / top)


def _frame(title: str, labels: list[str], top: float, unit: str, x_of) -> list[str]:
    parts = [
        format_html(
            '<svg class="chart" viewBox="0 0 {} {}" role="img" aria-label="{}" '
            'xmlns="http://www.w3.org/2000/svg" preserveAspectRatio="xMidYMid meet"><title>{}</title>',
            WIDTH,
            HEIGHT,
            title,
            title,
        )
    ]
    for step in range(5):
        value = top * step / 4
        y = _y(value, top)
        parts.append(
            format_html(
                '<line x1="{}" x2="{}" y1="{}" y2="{}" stroke="#ddd"/>'
                '<text x="{}" y="{}" font-size="10" text-anchor="end" fill="#555">{}{}</text>',
                LEFT,
                WIDTH - RIGHT,
                _n(y),
                _n(y),
                LEFT - 4,
                _n(y + 3),
                f"{value:g}",
                unit,
            )
        )
    # As many axis labels as fit side by side (every second or third month when they would touch).
    room = (WIDTH - LEFT - RIGHT) / max(1, len(labels))
    widest = max((_text_width(label) for label in labels), default=0) + 6
    every = max(1, math.ceil(widest / room))
    for i, label in enumerate(labels):
        if i % every == 0:
            parts.append(
                format_html(
                    '<text x="{}" y="{}" font-size="10" text-anchor="middle" fill="#555">{}</text>',
                    _n(x_of(i)),
                    HEIGHT - BOTTOM + 14,
                    label,
                )
            )
    return parts


def _text_width(text: str) -> float:
    """Roughly how wide `text` is at font-size 10 (an average glyph is about 5.5 px)."""
    return 5.5 * len(str(text))


def _legend(series: list[Series]) -> list[str]:
    parts = []
    x = LEFT
    for i, s in enumerate(series):
        parts.append(
            format_html(
                '<line x1="{}" x2="{}" y1="{}" y2="{}" stroke="{}" stroke-width="2" stroke-dasharray="{}"/>'
                '<text x="{}" y="{}" font-size="10" fill="#333">{}</text>',
                x,
                x + 16,
                HEIGHT - 8,
                HEIGHT - 8,
                COLOURS[i % 4],
                DASHES[i % 4],
                x + 20,
                HEIGHT - 4,
                s.name,
            )
        )
        x += 20 + _text_width(s.name) + 14
    return parts


def line_chart(
    title: str, labels: list[str], series: list[Series], *, top: float, unit: str = ""
) -> SafeString:
    """One line per series over `labels`; a None breaks the line."""
    span = (WIDTH - LEFT - RIGHT) / max(1, len(labels) - 1)

    def x_of(i):
        return LEFT + i * span

    parts = _frame(title, labels, top, unit, x_of)
    for n, s in enumerate(series):
        runs, run = [], []
        for i, value in enumerate(s.values):
            if value is None:
                if run:
                    runs.append(run)
                run = []
            else:
                run.append((x_of(i), _y(min(value, top), top)))
        if run:
            runs.append(run)
        for run in runs:
            points = " ".join(f"{x:.1f},{y:.1f}" for x, y in run)
            parts.append(
                format_html(
                    '<polyline fill="none" stroke="{}" stroke-width="2" stroke-dasharray="{}" points="{}"/>',
                    COLOURS[n % 4],
                    DASHES[n % 4],
                    points,
                )
            )
            for x, y in run:
                parts.append(
                    format_html('<circle cx="{}" cy="{}" r="2.5" fill="{}"/>', _n(x), _n(y), COLOURS[n % 4])
                )
    parts.extend(_legend(series))
    parts.append("</svg>")
    return mark_safe("".join(str(p) for p in parts))  # noqa: S308 - every part went through format_html


def bar_chart(
    title: str, labels: list[str], series: list[Series], *, top: float, unit: str = ""
) -> SafeString:
    """Grouped bars: one group per label, one bar per series; a None draws no bar."""
    group = (WIDTH - LEFT - RIGHT) / max(1, len(labels))
    bar = group * 0.8 / max(1, len(series))

    def x_of(i):
        return LEFT + group * (i + 0.5)

    parts = _frame(title, labels, top, unit, x_of)
    for n, s in enumerate(series):
        for i, value in enumerate(s.values):
            if value is None:
                continue
            y = _y(min(value, top), top)
            parts.append(
                format_html(
                    '<rect x="{}" y="{}" width="{}" height="{}" fill="{}"/>',
                    _n(LEFT + group * i + group * 0.1 + n * bar),
                    _n(y),
                    _n(bar),
                    _n(HEIGHT - BOTTOM - y),
                    COLOURS[n % 4],
                )
            )
    if len(series) > 1:
        parts.extend(_legend(series))
    parts.append("</svg>")
    return mark_safe("".join(str(p) for p in parts))  # noqa: S308 - every part went through format_html


def nice_top(values, floor: float = 1) -> float:
    """A round upper bound for the y axis: 1, 2, 5 or 10 times a power of ten."""
    peak = max([v for v in values if v is not None] + [floor])
    scale = 1.0
    while scale * 10 < peak:
        scale *= 10
    for step in (1, 2, 5, 10):
        if step * scale >= peak:
            return step * scale
    return 10 * scale


__all__ = ["Series", "bar_chart", "escape", "line_chart", "nice_top"]
