"""The backup and restore drill on PostgreSQL: ``pg_dump`` of a seeded database with a published report,
restored into a fresh database, gives back an intact audit chain and the very same figures."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from mediator_plugin.core import audit
from mediator_plugin.core.db import db
from mediator_plugin.reports import snapshots
from mediator_plugin.reports.figures import compute
from mediator_plugin.reports.publication import publish
from mediator_plugin.seed import seed_cases

NOW = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)


def _state(app) -> dict:
    """What the drill compares: the row count of every table, the live figures of 2025, the published snapshot."""
    with app.app_context():
        counts = {table.name: db.session.execute(sa.select(sa.func.count()).select_from(table)).scalar()
                  for table in db.metadata.sorted_tables}
        snapshot = snapshots.latest(2025)
        state = {"counts": counts, "live": snapshots.figures_sha256(compute(2025)),
                 "snapshot": (snapshot.version, snapshot.data_sha256, snapshot.figures)}
        db.session.rollback()
        return state


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_a_restored_dump_verifies_and_gives_the_same_figures(make_app, own_postgres, tmp_path):
    """After pg_dump and pg_restore into a new database, does `mediator audit verify` pass on it, and are every
    table's row count, the live figures of the year and the published snapshot identical to the original's?"""
    original = make_app(database_url=own_postgres.url(), storage_dir=str(tmp_path / "files"))
    with original.app_context():
        seed_cases(300, first_year=2025, last_year=2025, seed=11, now=NOW)
        for n in range(20):
            audit.record("read_case", actor="gestionnaire", target=f"MED-2025-{n:05d}")
        publish(2025, published_by="mediatrice")
        db.session.commit()
        db.engine.dispose()  # pg_dump sees every committed row; no session holds a lock
    before = _state(original)

    dump = own_postgres.home / "mediator.dump"  # the cluster's own directory: written as the postgres user
    own_postgres.tool("pg_dump", "--format=custom", f"--file={dump}", "mediator")
    own_postgres.tool("createdb", "restored")
    own_postgres.tool("pg_restore", "--exit-on-error", "--dbname=restored", str(dump))

    restored = make_app(database_url=own_postgres.url("restored"), storage_dir=str(tmp_path / "files"))
    verified = restored.test_cli_runner().invoke(args=["mediator", "audit", "verify"])
    assert verified.exit_code == 0, verified.output
    assert verified.stdout.splitlines()[0] == f"audit chain intact: {before['counts']['audit_entries']} entries"
    after = _state(restored)
    assert after == before
    assert before["counts"]["cases"] == 300 and before["snapshot"][0] == 1
