"""The public archive of annual reports (R614-2, R-REPORT-4, R-WEB-2): only what ``mediator publish`` froze.

A year appears once its report is published; its latest version is served, and a correction says
so in the report itself (R-REPORT-5). Nothing here computes figures from live data.
"""

from __future__ import annotations

import sqlalchemy as sa

from mediator_plugin.core.db import db
from mediator_plugin.reports.snapshots import ReportSnapshot, latest


def published_years() -> list[int]:
    """Years with a published report, newest first."""
    return list(db.session.scalars(sa.select(ReportSnapshot.year).distinct().order_by(ReportSnapshot.year.desc())))


def public_report(year: int) -> dict | None:
    """The latest published report of ``year`` (as the editions read it), or None when none was published."""
    snapshot = latest(year)
    return snapshot.as_report() if snapshot else None
