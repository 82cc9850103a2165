"""Annual report speed: both editions of a year of N files, and how the time grows with N.

    python bench/report_speed.py [--sizes 20000,200000] [--database sqlite|postgresql|both] [--year-before]

For each database and size, a fresh database gets N files received in one year (`mediator seed --cases N
--years 2025-2025`; with --year-before, first N more files received in 2024, whose report is not published,
the dearest case of the comparison with the year before); on PostgreSQL (a throwaway cluster, one database
per size) it is then vacuumed and analysed, as autovacuum does after such a load. A separate process then
computes what a publication of 2025 freezes (`reports.publication.report_figures`: the figures in SQL, the
approved examples, the year before, the mediator's texts) and renders the public and comex editions as PDF
from it, timing that work (wall clock, after start-up) and
reporting its own peak resident memory (`resource.getrusage(RUSAGE_SELF).ru_maxrss`, the whole process:
interpreter, Flask, ReportLab and the work). Nothing is cached between sizes or runs. Target (issue 5):
20,000 files, both editions in ≤ 5 s and ≤ 300 MB; 200,000 files in ≤ 2× the time of 20,000, measured in
the same run. Prints a markdown table, then the time of each SQL statement of the figures per size.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.support.postgres import throwaway_postgres  # noqa: E402

MEDIATOR = Path(sys.executable).parent / "mediator"
MEASURE = """
import json, resource, time
import sqlalchemy as sa
from mediator_plugin import create_app
app = create_app()
with app.app_context():
    from mediator_plugin.core.db import db
    from mediator_plugin.reports.pdf import render_edition
    from mediator_plugin.reports.publication import report_figures
    from mediator_plugin.reports.snapshots import live_report
    render_edition(live_report(report_figures(2019)), "public")  # fonts and templates loaded before timing
    statements = []

    @sa.event.listens_for(db.engine, "before_cursor_execute")
    def _started(conn, cursor, statement, parameters, context, executemany):
        conn.info["started"] = time.perf_counter()

    @sa.event.listens_for(db.engine, "after_cursor_execute")
    def _ended(conn, cursor, statement, parameters, context, executemany):
        statements.append((" ".join(statement.split())[:90], time.perf_counter() - conn.info["started"]))

    start = time.perf_counter()
    figures = report_figures(2025)
    computed = time.perf_counter()
    sa.event.remove(db.engine, "after_cursor_execute", _ended)
    sizes = [len(render_edition(live_report(figures), edition)) for edition in ("public", "comex")]
    done = time.perf_counter()
print(json.dumps({"figures": computed - start, "total": done - start, "bytes": sizes,
                  "saisines": figures["table_a"]["all"]["saisines"]["value"],
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, "statements": statements}))
"""


def measure(url: str, size: int, workdir: Path, year_before: bool) -> dict:
    env = {**os.environ, "MEDIATOR_ENV": "test", "MEDIATOR_DATABASE_URL": url,
           "MEDIATOR_STORAGE_DIR": str(workdir / "files")}
    subprocess.run([MEDIATOR, "init"], env=env, check=True, capture_output=True)
    if year_before:
        subprocess.run([MEDIATOR, "seed", "--cases", str(size), "--years", "2024-2024", "--seed", "2"], env=env,
                       check=True, capture_output=True)
    subprocess.run([MEDIATOR, "seed", "--cases", str(size), "--years", "2025-2025"], env=env, check=True,
                   capture_output=True)
    if url.startswith("postgresql"):
        import sqlalchemy as sa

        engine = sa.create_engine(url, isolation_level="AUTOCOMMIT")
        with engine.connect() as connection:
            connection.execute(sa.text("VACUUM ANALYZE"))
        engine.dispose()
    out = subprocess.run([sys.executable, "-c", MEASURE], env=env, check=True, capture_output=True, text=True,
                         cwd=ROOT)
    return json.loads(out.stdout.strip().splitlines()[-1])


@contextlib.contextmanager
def databases(kind: str, sizes: list[int], workdir: Path):
    """One empty database URL per size."""
    if kind == "sqlite":
        yield {size: f"sqlite:///{workdir}/r{size}.db" for size in sizes}
        return
    with throwaway_postgres() as url:
        import sqlalchemy as sa

        engine = sa.create_engine(url, isolation_level="AUTOCOMMIT")
        with engine.connect() as connection:
            for size in sizes:
                connection.execute(sa.text(f"CREATE DATABASE r{size}"))
        engine.dispose()
        yield {size: url.rsplit("/", 1)[0] + f"/r{size}" for size in sizes}


def report(kind: str, sizes: list[int], results: dict) -> None:
    base = results[sizes[0]]["total"]
    print(f"\n{kind}\n")
    print("| files | saisines 2025 (consumers) | figures in SQL (s) | both PDFs from the figures (s) | "
          f"figures + both PDFs (s) | ratio to {sizes[0]:,} | peak memory (MB) |")
    print("|---|---|---|---|---|---|---|")
    for size, r in results.items():
        print(f"| {size:,} | {r['saisines']:,} | {r['figures']:.2f} | {r['total'] - r['figures']:.2f} "
              f"| {r['total']:.2f} | {r['total'] / base:.2f} | {r['peak_mb']:.0f} |")
    print(f"\nSQL statements of the figures ({kind}), ms: " + " / ".join(f"{s:,} files" for s in sizes))
    per_size = {}
    for size in sizes:  # statements of the same text (the medians of each split) are added up
        per_size[size] = {}
        for statement, seconds in results[size]["statements"]:
            per_size[size][statement] = per_size[size].get(statement, 0) + seconds
    for statement in sorted(per_size[sizes[-1]], key=per_size[sizes[-1]].get, reverse=True):
        print(f"- {' / '.join(f'{per_size[s].get(statement, 0) * 1000:.0f}' for s in sizes)}: `{statement}`")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="20000,200000")
    parser.add_argument("--database", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--year-before", action="store_true",
                        help="Also seed N files in 2024, not published (the comparison computes its figures).")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    kinds = ("sqlite", "postgresql") if args.database == "both" else (args.database,)
    for kind in kinds:
        with tempfile.TemporaryDirectory() as tmp, databases(kind, sizes, Path(tmp)) as urls:
            results = {size: measure(urls[size], size, Path(tmp), args.year_before) for size in sizes}
        report(kind, sizes, results)


if __name__ == "__main__":
    main()
