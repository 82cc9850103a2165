"""Frozen figures of a published annual report (R-REPORT-5).

``mediator publish --year Y`` stores the year's figures, with their definitions and labels, the
charter's version and hash, the generator's version and a hash of the figures, as version 1. A
published snapshot never changes: there is no update path here, the ORM refuses any change or
deletion, and a database trigger does too (migration 0005). A correction is version n+1 with its
reason; every edition of a version is generated from that snapshot alone and states both.

``data_sha256`` is the SHA-256 of the canonical JSON of the figures (keys sorted, no spaces, UTF-8),
without the moment they were computed. The figures, not the raw rows, because they are what a reader
relies on: recomputing them later and comparing hashes shows whether a correction is needed, the
hash is the same on SQLite and PostgreSQL, and it costs nothing for 200,000 files.

The figures include the anonymised case examples approved at publication (``figures["examples"]``,
see :mod:`mediator_plugin.reports.examples`), so the hash covers everything the editions print from
the data: withdrawing an example later changes nothing in the published version, and only a new
version, with its reason, can take it out.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy import event
from sqlalchemy.orm import Mapped, defer, mapped_column

from mediator_plugin.core import audit
from mediator_plugin.core.db import UTCDateTime, db, utcnow
from mediator_plugin.core.errors import MissingField


class ReportSnapshot(db.Model):
    """One published version of a year's report; never updated, never deleted."""

    __tablename__ = "report_snapshots"

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(sa.Integer, nullable=False)
    version: Mapped[int] = mapped_column(sa.Integer, nullable=False)
    published_at = mapped_column(UTCDateTime, nullable=False)
    published_by: Mapped[str] = mapped_column(sa.String(200), nullable=False)
    reason: Mapped[str | None] = mapped_column(sa.Text)
    figures: Mapped[dict] = mapped_column(sa.JSON, nullable=False)
    charter_version: Mapped[str] = mapped_column(sa.String(16), nullable=False)
    charter_sha256: Mapped[str] = mapped_column(sa.String(64), nullable=False)
    generator_version: Mapped[str] = mapped_column(sa.String(32), nullable=False)
    data_sha256: Mapped[str] = mapped_column(sa.String(64), nullable=False)

    __table_args__ = (sa.UniqueConstraint("year", "version"),)

    def as_report(self) -> dict:
        """What an edition is printed from: the figures and the publication's own facts."""
        return {"figures": self.figures, "version": self.version, "reason": self.reason,
                "published_at": self.published_at.isoformat(), "data_sha256": self.data_sha256,
                "provisional": False}


class FrozenSnapshotError(Exception):
    """A published snapshot was about to change."""


@event.listens_for(ReportSnapshot, "before_update")
def _no_update(_mapper, _connection, snapshot: ReportSnapshot):
    raise FrozenSnapshotError(f"report snapshot {snapshot.year} v{snapshot.version} is published and cannot change")


@event.listens_for(ReportSnapshot, "before_delete")
def _no_delete(_mapper, _connection, snapshot: ReportSnapshot):
    raise FrozenSnapshotError(f"report snapshot {snapshot.year} v{snapshot.version} cannot be deleted")


def figures_sha256(figures: dict) -> str:
    """SHA-256 of the canonical JSON of ``figures``, leaving out when they were computed."""
    content = {k: v for k, v in figures.items() if k != "computed_at"}
    canonical = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def latest(year: int) -> ReportSnapshot | None:
    """The newest published version of ``year``'s report, if any."""
    return db.session.scalars(sa.select(ReportSnapshot).where(ReportSnapshot.year == year)
                              .order_by(ReportSnapshot.version.desc()).limit(1)).first()


def versions(year: int) -> list[ReportSnapshot]:
    """Every published version of ``year``, oldest first."""
    return list(db.session.scalars(sa.select(ReportSnapshot).where(ReportSnapshot.year == year)
                                   .order_by(ReportSnapshot.version)))


def history(years: list[int]) -> dict[int, list[ReportSnapshot]]:
    """The published versions of each of ``years``, oldest first, their figures left unread (for a list)."""
    found: dict[int, list[ReportSnapshot]] = {year: [] for year in years}
    query = (sa.select(ReportSnapshot).options(defer(ReportSnapshot.figures)).where(ReportSnapshot.year.in_(years))
             .order_by(ReportSnapshot.year, ReportSnapshot.version))
    for snapshot in db.session.scalars(query):
        found[snapshot.year].append(snapshot)
    return found


def live_report(figures: dict) -> dict:
    """A provisional report computed from live data (nothing published yet)."""
    return {"figures": figures, "version": None, "reason": None, "published_at": None,
            "data_sha256": figures_sha256(figures), "provisional": True}


def publish(year: int, figures: dict, *, published_by: str, reason: str | None = None,
            now: datetime | None = None) -> ReportSnapshot:
    """Freeze ``figures`` as the next version of ``year``'s report.

    The first publication needs no reason; a later one is a correction and needs one, and is refused
    when the figures are the same as the latest version's (nothing would be corrected).
    """
    reason = (reason or "").strip() or None
    previous = latest(year)
    digest = figures_sha256(figures)
    if previous is not None and reason is None:
        raise MissingField(_("The report of %(year)s is already published (version %(version)s): a new version "
                             "corrects it and needs the reason of the correction.", year=year,
                             version=previous.version), field="reason")
    if previous is not None and previous.data_sha256 == digest:
        raise MissingField(_("The figures are the same as in version %(version)s: there is nothing to correct.",
                             version=previous.version), field="reason")
    context = figures["context"]
    snapshot = ReportSnapshot(
        year=year, version=previous.version + 1 if previous else 1, published_at=now or utcnow(),
        published_by=published_by, reason=reason, figures=figures,
        charter_version=context["charter_version"], charter_sha256=context["charter_sha256"],
        generator_version=context["generator_version"], data_sha256=digest)
    db.session.add(snapshot)
    db.session.flush()
    audit.record("publish_report", actor=published_by, target=f"{year}:v{snapshot.version}",
                 detail={"data_sha256": digest, "reason": snapshot.reason})
    return snapshot
