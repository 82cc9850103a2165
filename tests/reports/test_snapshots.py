"""Published reports never change (R-REPORT-5): versions, reasons, database guards, and the command line."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from mediator_plugin.cases.models import Case
from mediator_plugin.core.db import db, is_postgres
from mediator_plugin.core.errors import MissingField
from mediator_plugin.reports import snapshots
from mediator_plugin.reports.figures import compute
from mediator_plugin.reports.pdf import render_edition
from tests.reports.conftest import pdf_text


def _run(app, *args):
    return app.test_cli_runner().invoke(args=["mediator", *args])


@pytest.mark.requirement("R-REPORT-5")
def test_republishing_needs_a_reason_and_leaves_version_one_intact(app, known_year):
    """Is a second publication without reason refused, one with a reason version 2, and version 1's PDF the
    same bytes afterwards, its figures unchanged?"""
    first = snapshots.publish(2025, compute(2025), published_by="claire", now=datetime(2026, 3, 2, tzinfo=UTC))
    db.session.commit()
    before = render_edition(first.as_report(), "public")
    with pytest.raises(MissingField):
        snapshots.publish(2025, compute(2025), published_by="claire")
    with pytest.raises(MissingField, match="identiques"):
        snapshots.publish(2025, compute(2025), published_by="claire", reason="Rien")
    late = db.session.scalars(sa.select(Case).where(Case.state == "INSTRUCTION")).first()
    late.cross_border = True  # a file's country corrected after publication
    db.session.commit()
    second = snapshots.publish(2025, compute(2025), published_by="claire", reason="Pays d'un dossier corrigé",
                               now=datetime(2026, 4, 1, tzinfo=UTC))
    db.session.commit()
    assert (second.version, snapshots.latest(2025).version) == (2, 2)
    reread = snapshots.versions(2025)[0]
    assert render_edition(reread.as_report(), "public") == before
    assert reread.figures["table_a"]["cross_border"]["saisines"]["value"] == 4
    assert second.figures["table_a"]["cross_border"]["saisines"]["value"] == 5
    text = pdf_text(render_edition(second.as_report(), "comex"))
    assert "Version 2, publiée le 1er avril 2026" in text
    assert "Cette version corrige la version 1. Motif : Pays d'un dossier corrigé" in text


@pytest.mark.requirement("R-REPORT-5")
def test_the_database_refuses_to_change_a_snapshot(app, known_year):
    """Do the ORM and the database (trigger) refuse an UPDATE or DELETE of a published snapshot?"""
    snapshot = snapshots.publish(2025, compute(2025), published_by="claire")
    db.session.commit()
    snapshot.reason = "retouche"
    with pytest.raises(snapshots.FrozenSnapshotError):
        db.session.flush()
    db.session.rollback()
    table = "mediation.report_snapshots" if is_postgres() else "report_snapshots"
    for statement in (f"UPDATE {table} SET data_sha256 = 'x'", f"DELETE FROM {table}"):  # noqa: S608
        with pytest.raises(sa.exc.DatabaseError, match="append-only"), db.engine.begin() as connection:
            connection.execute(sa.text(statement))
    assert snapshots.latest(2025).data_sha256 == snapshot.data_sha256


@pytest.mark.requirement("R-REPORT-4", "R-REPORT-5")
def test_publish_and_report_commands(app, known_year, tmp_path):
    """Do `mediator report` (provisional, then from the snapshot) and `mediator publish` write both editions,
    and does a republication without reason exit 1 saying why?"""
    draft = tmp_path / "draft.pdf"
    result = _run(app, "report", "--year", "2025", "--edition", "comex", "--out", str(draft))
    assert result.exit_code == 0, result.output
    assert "Provisoire" in pdf_text(draft.read_bytes())
    result = _run(app, "publish", "--year", "2025", "--by", "claire", "--out-dir", str(tmp_path / "pub"))
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (tmp_path / "pub").iterdir()) == [
        "rapport-2025-v1-comex.html", "rapport-2025-v1-comex.pdf", "rapport-2025-v1-public.html",
        "rapport-2025-v1-public.pdf"]
    again = _run(app, "publish", "--year", "2025")
    assert again.exit_code == 1 and "motif de la correction" in again.output
    html = tmp_path / "public.html"
    result = _run(app, "report", "--year", "2025", "--edition", "public", "--format", "html", "--out", str(html))
    assert result.exit_code == 0 and "Version 1, publiée le" in html.read_text()
    missing = _run(app, "report", "--year", "2025", "--edition", "public", "--version", "7", "--out", str(html))
    assert missing.exit_code == 1 and "no version 7" in missing.output


def test_an_empty_year_reads_not_available(app):
    """Does a year without any file give a report saying "non disponible", and is an unknown edition refused?"""
    report = snapshots.live_report(compute(2019))
    text = pdf_text(render_edition(report, "public"))
    assert "Durée moyenne non disponible" in text and "Saisines reçues 0 0 0" in text
    with pytest.raises(ValueError, match="edition"):
        render_edition(report, "press")
