"""Backup and restore drill (issue 6): ``pg_dump`` of a seeded PostgreSQL database with a published report
and an audit log written by the application, restored into a fresh database; ``mediator audit verify`` must
pass on the restored database and the report's figures must be identical.

Seeds a throwaway cluster with ``mediator seed``, publishes last year's report, and lets the application
write audit entries the way it does in production: gunicorn serves it, ``gestionnaire`` signs in and reads
``--reads`` files through the API (one ``read_case`` entry each). Then ``pg_dump --format=custom``,
``createdb`` + ``pg_restore`` into a new database, ``mediator audit verify`` on it, and a comparison of
both databases: the row count of every table, the published snapshot (its figures as JSON), the figures of
the year computed again from the data, and the public edition rendered from the snapshot (HTML bytes).
Usage: python bench/backup_drill.py [--files 100000] [--reads 300]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import requests  # noqa: E402
import sqlalchemy as sa  # noqa: E402
from _support import app_env, free_port, login, mediator, seed, serving  # noqa: E402

from tests.support.postgres import postgres_cluster  # noqa: E402


def fingerprint(url: str, year: int, storage: Path) -> dict:
    """What must survive the restore, read from the database at ``url``."""
    from mediator_plugin import create_app
    from mediator_plugin.core.db import db
    from mediator_plugin.reports import snapshots
    from mediator_plugin.reports.figures import compute
    from mediator_plugin.reports.publication import render

    app = create_app({"env": "test", "database_url": url, "storage_dir": str(storage)})
    with app.app_context():
        counts = {table.name: db.session.execute(sa.select(sa.func.count()).select_from(table)).scalar()
                  for table in db.metadata.sorted_tables}
        snapshot = snapshots.latest(year)
        started = time.perf_counter()
        live = snapshots.figures_sha256(compute(year))
        figures_seconds = time.perf_counter() - started
        html = render(snapshot.as_report(), "public", "html")
        result = {"counts": counts, "live_figures_sha256": live, "snapshot_data_sha256": snapshot.data_sha256,
                  "snapshot_figures": json.dumps(snapshot.figures, sort_keys=True),
                  "public_html_sha256": hashlib.sha256(html).hexdigest(), "figures_seconds": figures_seconds}
        db.session.rollback()
        db.engine.dispose()
    return result


def audit_reads(env: dict, tmp: Path, url: str, reads: int) -> None:
    """Serve the app and read ``reads`` random files through the API as gestionnaire (each read is audited)."""
    engine = sa.create_engine(url)
    with engine.connect() as connection:
        references = connection.execute(sa.text("SELECT reference FROM mediation.cases")).scalars().all()
    engine.dispose()
    with serving(env, tmp) as base:
        session = requests.Session()
        session.cookies.set("session", login(base))
        for reference in random.Random(4).sample(references, reads):
            answer = session.get(f"{base}/api/v1/files/{reference}", timeout=30)
            if answer.status_code != 200:
                raise RuntimeError(f"reading {reference}: {answer.status_code}")


def timed(action) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=100_000)
    parser.add_argument("--reads", type=int, default=300)
    args = parser.parse_args()
    year = date.today().year - 1  # the seed's first year, complete
    with tempfile.TemporaryDirectory() as tmp, postgres_cluster() as cluster:
        env = app_env(cluster.url(), Path(tmp), app_port=free_port(), oidc_port=free_port())
        seed(env, args.files)
        mediator(env, "publish", "--year", str(year))
        audit_reads(env, Path(tmp), cluster.url(), args.reads)
        before = fingerprint(cluster.url(), year, Path(tmp) / "files")

        dump = cluster.home / "mediator.dump"  # written by the postgres user, in the cluster's directory
        dump_seconds = timed(lambda: cluster.tool("pg_dump", "--format=custom", f"--file={dump}", "mediator"))
        restore_seconds = timed(lambda: (cluster.tool("createdb", "restored"), cluster.tool(
            "pg_restore", "--exit-on-error", "--dbname=restored", str(dump))))
        restored_env = {**env, "MEDIATOR_DATABASE_URL": cluster.url("restored")}
        started = time.perf_counter()
        verified = mediator(restored_env, "audit", "verify").splitlines()[0]  # the chain's line, then the anchor's
        verify_seconds = time.perf_counter() - started
        after = fingerprint(cluster.url("restored"), year, Path(tmp) / "files")
        sizes = {name: cluster.tool("psql", "-At", "-c", "SELECT pg_database_size(current_database())",
                                    name).stdout.strip() for name in ("mediator", "restored")}
        dump_bytes = dump.stat().st_size

    same = {key: before[key] == after[key] for key in before if key != "figures_seconds"}
    print("| files | audit entries | database size | dump (custom format) | pg_dump | createdb + pg_restore "
          "| `mediator audit verify` on the restored database | row counts of all tables | published snapshot "
          "(figures JSON) | figures of the year recomputed | public edition (HTML) | verdict |\n"
          "|---|---|---|---|---|---|---|---|---|---|---|---|")
    print(f"| {args.files:,} | {before['counts']['audit_entries']:,} | {int(sizes['mediator']) / 1e6:,.0f} MB "
          f"| {dump_bytes / 1e6:,.1f} MB | {dump_seconds:.1f} s | {restore_seconds:.1f} s "
          f"| \"{verified}\" ({verify_seconds:.1f} s) "
          f"| {'identical' if same['counts'] else 'DIFFERENT'} ({len(before['counts'])} tables) "
          f"| {'identical' if same['snapshot_figures'] and same['snapshot_data_sha256'] else 'DIFFERENT'} "
          f"| {'identical' if same['live_figures_sha256'] else 'DIFFERENT'} "
          f"({before['figures_seconds']:.1f} s / {after['figures_seconds']:.1f} s) "
          f"| {'identical' if same['public_html_sha256'] else 'DIFFERENT'} "
          f"| {'met' if all(same.values()) and verified.startswith('audit chain intact') else 'MISSED'} |")


if __name__ == "__main__":
    main()
