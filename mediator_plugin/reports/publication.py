"""Which report an edition is printed from: the latest published snapshot of the year, else the live
figures marked provisional; and an edition in either format."""

from __future__ import annotations

from mediator_plugin.reports import snapshots
from mediator_plugin.reports.figures import compute


def current_report(year: int, version: int | None = None) -> dict:
    """The report of ``year``: version ``version`` (or the latest) if published, else provisional live figures."""
    if version is not None:
        chosen = next((s for s in snapshots.versions(year) if s.version == version), None)
        if chosen is None:
            raise LookupError(f"the report of {year} has no version {version}")
        return chosen.as_report()
    latest = snapshots.latest(year)
    return latest.as_report() if latest else snapshots.live_report(compute(year))


def render(report: dict, edition: str, fmt: str = "pdf") -> bytes:
    """The edition as bytes: PDF, or UTF-8 HTML."""
    if fmt == "html":
        from mediator_plugin.reports.html import render_html

        return render_html(report, edition).encode("utf-8")
    from mediator_plugin.reports.pdf import render_edition

    return render_edition(report, edition)
