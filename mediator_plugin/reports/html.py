"""The HTML edition for the website: the same blocks as the PDF, charts inlined as SVG next to the
table that says the same, no JavaScript. A standalone file (its stylesheet inlined) unless the page
is served by the application, which links ``static/report.css`` instead (CSP forbids inline style).
"""

from __future__ import annotations

from pathlib import Path

from flask import render_template

from mediator_plugin.reports import charts
from mediator_plugin.reports.blocks import Chart, Contents, Cover, Heading, Listing, Prose, Tiles
from mediator_plugin.reports.editions import blocks, metadata
from mediator_plugin.reports.markdown import runs_html

TEMPLATE = "mediator/report/edition.html"
STYLESHEET = Path(__file__).resolve().parent.parent / "static" / "report.css"


def _prepared(items: list) -> tuple[list, list]:
    """The blocks with an anchor for each heading, SVG for each chart and escaped HTML for formatted text;
    and the table of contents."""
    prepared, contents = [], []
    for n, block in enumerate(items):
        entry = {"kind": type(block).__name__.lower(), "block": block}
        if isinstance(block, Heading):
            entry["anchor"] = f"s{n}"
            contents.append({"anchor": entry["anchor"], "text": block.text, "level": block.level})
        elif isinstance(block, Chart):
            entry["svg"] = charts.svg(block.drawing, key=f"c{n}", title=block.title)
        elif isinstance(block, Tiles):
            entry["tiles"] = block.tiles
        elif isinstance(block, Prose):
            entry["html"] = runs_html(block.runs)
        elif isinstance(block, Listing):
            entry["items"] = [runs_html(runs) for runs in block.items]
        prepared.append(entry)
    return prepared, contents


def render_html(report: dict, edition: str, *, stylesheet_url: str | None = None) -> str:
    """The edition ``edition`` of ``report`` as one HTML document."""
    items = blocks(report, edition)
    prepared, contents = _prepared(items)
    cover = next(b for b in items if isinstance(b, Cover))
    title = next(b for b in items if isinstance(b, Contents)).title
    css = None if stylesheet_url else STYLESHEET.read_text("utf-8")
    return render_template(TEMPLATE, meta=metadata(report, edition), cover=cover, blocks=prepared,
                           contents=contents, contents_title=title, css=css, stylesheet_url=stylesheet_url)
