"""`mediator seed --cases 100000`: time on SQLite and PostgreSQL, against a reference in the same run.

Reference: a bare ``executemany`` of the same number of rows into the ``cases`` table alone, on the
same engine — the floor of any bulk load of that many files. The ratio says how much the seed's
realism (parties, ticket copies, proposals, answers, timeline…) costs on top of it.
Usage: python bench/seed_speed.py [--cases 100000]
"""

from __future__ import annotations

import argparse
import contextlib
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import sqlalchemy as sa

from mediator_plugin import create_app
from mediator_plugin.cases.models import Case
from mediator_plugin.core.db import db
from mediator_plugin.core.schema import upgrade_schema
from mediator_plugin.seed import seed_cases
from tests.support.postgres import postgres_bin, throwaway_postgres


def _reference_rows(count: int) -> list[dict]:
    now = datetime(2025, 6, 1, tzinfo=UTC)
    return [{"id": n, "reference": f"REF-{n:011d}", "state": "CLOSED", "charter_version": "2026.1",
             "charter_sha256": "0" * 64, "channel": "online", "subject": "Référence", "cross_border": False,
             "party_type": "consumer", "court_case_declared": False, "received_at": now, "created_at": now,
             "version": 1} for n in range(1, count + 1)]


def measure(url: str, count: int, storage: str) -> dict:
    app = create_app({"env": "test", "database_url": url, "storage_dir": storage})
    with app.app_context():
        upgrade_schema()
        rows = _reference_rows(count)
        started = time.perf_counter()
        for chunk in range(0, count, 5000):
            db.session.execute(sa.insert(Case.__table__), rows[chunk:chunk + 5000])
        db.session.commit()
        reference = time.perf_counter() - started
        db.session.execute(sa.delete(Case.__table__))
        db.session.commit()
        started = time.perf_counter()
        created = seed_cases(count, first_year=2024, last_year=2025, seed=1, now=datetime(2025, 12, 31, tzinfo=UTC))
        seconds = time.perf_counter() - started
        db.engine.dispose()
    return {"files": created, "seconds": seconds, "reference": reference, "ratio": seconds / reference}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=100_000)
    count = parser.parse_args().cases
    backends = {"sqlite": None}
    if postgres_bin():
        backends["postgresql"] = throwaway_postgres
    print(f"| backend | files | seed (s) | reference: bare insert of {count} cases rows (s) | ratio | target |")
    print("|---|---|---|---|---|---|")
    for name, server in backends.items():
        with tempfile.TemporaryDirectory() as tmp, (server() if server else contextlib.nullcontext(None)) as pg:
            url = pg or f"sqlite:///{tmp}/bench.db"
            result = measure(url, count, f"{tmp}/files")
        verdict = "met" if result["seconds"] < 120 else "MISSED"
        print(f"| {name} | {result['files']} | {result['seconds']:.1f} | {result['reference']:.1f} | "
              f"{result['ratio']:.1f}× | < 120 s: {verdict} |")


if __name__ == "__main__":
    main()
