"""The same seeded files give the same annual report on SQLite and PostgreSQL."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime

from mediator_plugin import create_app
from mediator_plugin.core.db import db
from mediator_plugin.reports.figures import compute
from mediator_plugin.seed import seed_cases
from tests.support.postgres import empty_tables

NOW = datetime(2026, 3, 1, tzinfo=UTC)


def _figures(url: str, storage: str) -> dict:
    app = create_app({"env": "test", "database_url": url, "storage_dir": storage})
    with app.app_context():
        seed_cases(1500, first_year=2021, last_year=2025, seed=5, now=NOW)
        figures = compute(2025)
        db.session.remove()
        db.engine.dispose()
    figures.pop("computed_at")
    return figures


def test_seeded_year_gives_identical_figures_on_both_databases(sqlite_template, postgres_migrated, tmp_path):
    """Do 1,500 seeded files over five years give exactly the same figures of 2025 — Table A for each split,
    medians, bands, trend, breakdowns — on SQLite and on PostgreSQL?"""
    shutil.copy(sqlite_template, tmp_path / "mediator.db")
    empty_tables(postgres_migrated.engine, postgres_migrated.tables)
    on_sqlite = _figures(f"sqlite:///{tmp_path / 'mediator.db'}", str(tmp_path / "files"))
    on_postgresql = _figures(postgres_migrated.url, str(tmp_path / "pgfiles"))

    table_a = on_sqlite["table_a"]
    assert table_a["all"]["saisines"]["value"] > 200
    assert table_a["cross_border"]["saisines"]["value"] > 0
    assert table_a["all"]["durations"]["median"]["value"] is not None
    assert table_a["all"]["implementation"]["implemented"]["denominator"] > 0
    assert [year["saisines"] > 0 for year in on_sqlite["trend"]] == [True] * 5
    assert on_sqlite == on_postgresql
