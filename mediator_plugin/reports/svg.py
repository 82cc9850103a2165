"""Bar charts as inline SVG, drawn on the server from figures already computed.

No script and no ``style`` attribute (the console's Content-Security-Policy forbids both): colours and
fonts come from classes in ``static/mediator.css``. Each chart is an image with a ``<title>`` and a
``<desc>`` listing every value, and the page shows the same figures as a table next to it.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

from markupsafe import Markup

WIDTH = 640
FONT = 13
Formatter = Callable[[float], str]


def _scale(largest: float, *, ratio: bool) -> tuple[float, float]:
    """(top of the axis, step between ticks): 0–100 % by quarters for ratios; otherwise about four
    round steps (1, 2 or 5 × 10ⁿ, at least 1 since counts are whole)."""
    if ratio:
        return 1.0, 0.25
    raw = max(largest, 1) / 4
    power = 10 ** math.floor(math.log10(raw))
    step = max(1, next(m * power for m in (1, 2, 5, 10) if m * power >= raw))
    return step * max(1, math.ceil(largest / step)), step


def _ticks(top: float, step: float) -> list[float]:
    return [i * step for i in range(round(top / step) + 1)]


def _frame(chart_id: str, title: str, height: int, items: Sequence[tuple[str, float]], fmt: Formatter,
           body: list[Markup]) -> Markup:
    described = "; ".join(f"{label} : {fmt(value)}" for label, value in items)
    return Markup(
        '<svg class="chart" id="{id}" viewBox="0 0 {width} {height}" role="img" aria-labelledby="{id}-title {id}-desc" '
        'xmlns="http://www.w3.org/2000/svg"><title id="{id}-title">{title}</title><desc id="{id}-desc">{desc}</desc>'
        '{body}</svg>').format(id=chart_id, width=WIDTH, height=height, title=title, desc=described,
                                body=Markup("").join(body))


def _text(x: float, y: float, content: str, css: str = "", anchor: str = "start", rotate: bool = False) -> Markup:
    return Markup('<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" class="{css}"{rotate}>{content}</text>').format(
        x=x, y=y, anchor=anchor, css=css, content=content,
        rotate=Markup(' transform="rotate(-90)"') if rotate else "")


def _line(css: str, x1: float, y1: float, x2: float, y2: float) -> Markup:
    return Markup('<line class="{css}" x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}"/>').format(
        css=css, x1=x1, y1=y1, x2=x2, y2=y2)


def _bar(x: float, y: float, width: float, height: float, label: str, shown: str) -> Markup:
    """A bar with its own tooltip (label and value)."""
    return Markup('<rect class="bar" x="{x:.1f}" y="{y:.1f}" width="{w:.1f}" height="{h:.1f}">'
                  '<title>{label} : {shown}</title></rect>').format(x=x, y=y, w=width, h=height, label=label,
                                                                  shown=shown)


def _shorten(label: str, limit: int = 78) -> str:
    return label if len(label) <= limit else label[:limit - 1].rstrip() + "…"


def bar_chart(chart_id: str, title: str, items: Sequence[tuple[str, float]], *, fmt: Formatter, axis_title: str,
              ratio: bool = False) -> Markup:
    """Horizontal bars, one (label, value) per row, the label above its bar (legal wordings are long),
    the value after it, and a value axis at the bottom titled ``axis_title``; ``ratio`` values are 0..1."""
    row, plot = 38, WIDTH - 70
    top, step = _scale(max((value for _, value in items), default=0), ratio=ratio)
    height = row * len(items) + 52
    body = []
    for tick in _ticks(top, step):
        x = plot * tick / top
        body.append(_line("gridline", x, 0, x, row * len(items)))
        body.append(_text(x, row * len(items) + 18, fmt(tick), "tick", "middle" if tick else "start"))
    for i, (label, value) in enumerate(items):
        y = i * row
        length = plot * value / top if top else 0
        body.append(_text(0, y + FONT + 2, _shorten(label), "label"))
        body.append(_bar(0, y + 20, length, 12, label, fmt(value)))
        body.append(_text(length + 6, y + 31, fmt(value), "value"))
    body.append(_line("axis", 0, row * len(items), plot, row * len(items)))
    body.append(_text(plot / 2, height - 6, axis_title, "axis-title", "middle"))
    return _frame(chart_id, title, height, items, fmt, body)


def column_chart(chart_id: str, title: str, items: Sequence[tuple[str, float]], *, fmt: Formatter,
                 axis_title: str) -> Markup:
    """Vertical columns over short labels (months), with a value axis on the left titled ``axis_title``."""
    height, left, bottom, top_pad = 280, 64, 40, 18
    plot_w, plot_h = WIDTH - left - 8, height - bottom - top_pad
    top, step = _scale(max((value for _, value in items), default=0), ratio=False)
    slot = plot_w / max(len(items), 1)
    body = []
    for tick in _ticks(top, step):
        y = top_pad + plot_h - plot_h * tick / top
        body.append(_line("gridline", left, y, WIDTH - 8, y))
        body.append(_text(left - 6, y + 4, fmt(tick), "tick", "end"))
    for i, (label, value) in enumerate(items):
        bar_h = plot_h * value / top
        x = left + i * slot + slot * 0.2
        y = top_pad + plot_h - bar_h
        body.append(_bar(x, y, slot * 0.6, bar_h, label, fmt(value)))
        if value:
            body.append(_text(x + slot * 0.3, y - 4, fmt(value), "value", "middle"))
        body.append(_text(x + slot * 0.3, top_pad + plot_h + 18, label, "tick", "middle"))
    body.append(_line("axis", left, top_pad + plot_h, WIDTH - 8, top_pad + plot_h))
    body.append(_line("axis", left, top_pad, left, top_pad + plot_h))
    body.append(_text(-(top_pad + plot_h / 2), 16, axis_title, "axis-title", "middle", rotate=True))
    return _frame(chart_id, title, height, items, fmt, body)
