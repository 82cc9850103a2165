"""The executive dashboard over 100,000 files: its figures and its page, on SQLite and PostgreSQL.

Reference: one indexed ``count(*)`` of the files received in the year, on the same engine — the
cheapest question one can ask of that year. The dashboard asks eight such GROUP BY questions and
draws its charts, so its time should stay a small multiple of the reference, whatever the number
of files. Each time is the median of five runs after one warm-up.
Usage: python bench/dashboard_speed.py [--cases 100000]
"""

from __future__ import annotations

import argparse
import contextlib
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import sqlalchemy as sa
from flask import render_template

from mediator_plugin import create_app
from mediator_plugin.cases.models import Case
from mediator_plugin.core.db import db
from mediator_plugin.core.schema import upgrade_schema
from mediator_plugin.reports import dashboard
from mediator_plugin.reports.dashboard_panels import build
from mediator_plugin.reports.figures import year_bounds
from mediator_plugin.seed import seed_cases
from tests.support.postgres import postgres_bin, throwaway_postgres

YEAR = 2025


def _median_seconds(work, runs: int = 5) -> float:
    work()
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        work()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def measure(url: str, count: int, storage: str) -> dict:
    app = create_app({"env": "test", "database_url": url, "storage_dir": storage})
    with app.app_context():
        upgrade_schema()
        seed_cases(count, first_year=YEAR - 1, last_year=YEAR, seed=1, now=datetime(YEAR, 12, 31, tzinfo=UTC))
        start, end = year_bounds(YEAR)
        in_year = db.session.execute(sa.select(sa.func.count()).select_from(Case)
                                     .where(Case.received_at >= start, Case.received_at < end)).scalar()
        reference = _median_seconds(lambda: db.session.execute(
            sa.select(sa.func.count()).select_from(Case).where(Case.received_at >= start, Case.received_at < end)
        ).scalar())
        figures = _median_seconds(lambda: dashboard.compute(YEAR))
        with app.test_request_context(f"/console/pilotage/?year={YEAR}"):
            page = _median_seconds(lambda: render_template(
                "reports/dashboard.html", year=YEAR, years=[YEAR], panels=build(dashboard.compute(YEAR))))
        db.engine.dispose()
    return {"files": count, "in_year": in_year, "reference": reference, "figures": figures, "page": page}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=100_000)
    count = parser.parse_args().cases
    backends = {"sqlite": None}
    if postgres_bin():
        backends["postgresql"] = throwaway_postgres
    print(f"| backend | files | files in {YEAR} | reference: count of the year (ms) | figures (ms) | page (ms) "
          "| page / reference |")
    print("|---|---|---|---|---|---|---|")
    for name, server in backends.items():
        with tempfile.TemporaryDirectory() as tmp, (server() if server else contextlib.nullcontext(None)) as pg:
            r = measure(pg or f"sqlite:///{tmp}/bench.db", count, f"{tmp}/files")
        print(f"| {name} | {r['files']} | {r['in_year']} | {r['reference'] * 1000:.1f} | {r['figures'] * 1000:.1f} "
              f"| {r['page'] * 1000:.1f} | {r['page'] / r['reference']:.1f}× |")


if __name__ == "__main__":
    main()
