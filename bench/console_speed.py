"""The console under load: file list and file page against a one-row route, on 100,000 files (issue 4).

Seeds N files with ``mediator seed`` into a fresh database, starts the OIDC provider and gunicorn
(the project's config: sync workers, 2 on this 2-core machine) on loopback, logs in as
``gestionnaire`` and runs wrk (8 connections, fixed duration) against ``/healthz`` (reads the schema
revision row: the reference), the file list with its default filters (50 rows) and the file page,
cycling through a few thousand real references: the three routes in turn, for a few rounds. Each
figure is the median of the rounds, each ratio the median of the rounds' ratios. Targets: each console
route at least 30 % of the reference's requests per second, p99 ≤ 50 ms. The search by reference and
by e-mail is timed on the server side, in-process: the console's list query with ``q`` set (page and
count), over a few hundred values.
Usage: python bench/console_speed.py [--files 100000] [--database sqlite|postgresql|both] [--seconds 10]
       [--rounds 3]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402
from _support import app_env, check, free_port, load_average, login, percentile, seed, serving, wrk  # noqa: E402

from tests.support.postgres import postgres_bin, throwaway_postgres  # noqa: E402

CONNECTIONS = 8
SAMPLE_REFERENCES = 3000
SEARCHES = 300
MIN_RATIO, MAX_P99_MS, MAX_SEARCH_MS = 0.30, 50.0, 20.0
PAGE_SCRIPT = """
local refs = {%s}
i = 0
function setup(thread) thread:set("i", math.random(#refs)) end
function request()
  i = i + 1
  return wrk.format("GET", "/console/dossiers/" .. refs[i %% #refs + 1])
end
"""


def _samples(url: str) -> tuple[list[str], list[str], list[str]]:
    """Random references for the page script, and references and e-mails to search for."""
    engine = sa.create_engine(url)
    cases, parties = (sa.table(name, sa.column("reference"), sa.column("email"), sa.column("role"),
                               schema="mediation" if url.startswith("postgresql") else None)
                      for name in ("cases", "parties"))
    with engine.connect() as connection:
        refs = connection.execute(sa.select(cases.c.reference).order_by(sa.func.random())
                                  .limit(SAMPLE_REFERENCES)).scalars().all()
        emails = connection.execute(sa.select(parties.c.email).where(parties.c.role == "consumer",
                                                                     parties.c.email.is_not(None))
                                    .order_by(sa.func.random()).limit(SEARCHES)).scalars().all()
    engine.dispose()
    return refs, refs[:SEARCHES], emails


def time_searches(env: dict, refs: list[str], emails: list[str]) -> dict[str, list[float]]:
    """Server-side time (ms) of the console's list query with ``q`` set (page and count), in an app context."""
    from mediator_plugin import create_app
    from mediator_plugin.cases.queries import FileFilters, file_page
    from mediator_plugin.core.db import db

    app = create_app({"env": "test", "database_url": env["MEDIATOR_DATABASE_URL"],
                      "storage_dir": env["MEDIATOR_STORAGE_DIR"]})
    timings: dict[str, list[float]] = {}
    with app.app_context():
        for kind, values in (("reference", refs), ("e-mail", emails)):
            file_page(FileFilters(q=values[0]))  # warm the connection and the statement cache
            timings[kind] = []
            for value in values:
                # Typed as people do: any case.
                typed = value.lower() if kind == "reference" else value.upper()
                started = time.perf_counter()
                page = file_page(FileFilters(q=typed))
                timings[kind].append((time.perf_counter() - started) * 1000)
                if not page.rows:
                    raise RuntimeError(f"search for {typed!r} found nothing")
            db.session.rollback()
        db.engine.dispose()
    return timings


def _span(values: list[float], form: str) -> str:
    """The lowest and highest of ``values``, formatted."""
    return f"{form.format(min(values))}–{form.format(max(values))}"


def measure(name: str, url: str, tmp: Path, files: int, seconds: int, rounds: int) -> list[str]:
    """Seed, serve, load and time on one database; the table rows for it (medians of the rounds, and their range)."""
    env = app_env(url, tmp, app_port=free_port(), oidc_port=free_port())
    seed_seconds = seed(env, files)
    print(f"<!-- {name}: {files} files seeded in {seed_seconds:.0f} s -->", file=sys.stderr)
    refs, search_refs, emails = _samples(url)
    script = tmp / "file_pages.lua"
    script.write_text(PAGE_SCRIPT % ",".join(json.dumps(r) for r in refs))
    with serving(env, tmp) as base:
        cookie = login(base)
        check(base, cookie, "/console/dossiers", "MED-")
        check(base, cookie, f"/console/dossiers/{refs[0]}", refs[0])
        routes = [("/healthz (one row, reference)", "/healthz", {}),
                  ("file list, default filters (50 rows)", "/console/dossiers", {"cookie": cookie}),
                  (f"file page ({len(refs)} references in turn)", "/console/dossiers/<reference>",
                   {"cookie": cookie, "script": script})]
        for _label, path, options in routes:
            wrk(base, path.replace("<reference>", refs[0]), 2, connections=CONNECTIONS, **options)  # warm-up
        results: dict[str, list[dict]] = {label: [] for label, _path, _options in routes}
        load_before = load_average()
        # Rounds of the three routes in turn: a slow spell of the machine then weighs on every route of its
        # round, and each round's ratios are to its own reference.
        for _round in range(rounds):
            for label, path, options in routes:
                if "cookie" in options:  # fresh, as a browser keeps it (the session is refreshed once a minute)
                    options["cookie"] = login(base)
                result = wrk(base, path.replace("<reference>", refs[0]), seconds, connections=CONNECTIONS,
                             **options)
                results[label].append({**result, "errors": result["non_2xx"] + result["socket_errors"]})
        print(f"<!-- {name}: 1-minute load average {load_before:.2f} before wrk, {load_average():.2f} after "
              "(2 cores) -->", file=sys.stderr)
    searches = time_searches(env, search_refs, emails)
    references = [r["rps"] for r in results[routes[0][0]]]
    rows = []
    for index, (label, runs) in enumerate(results.items()):
        rates = [r["rps"] for r in runs]
        rps = statistics.median(rates)
        ratios = [r["rps"] / reference for r, reference in zip(runs, references, strict=True)]
        p99s = [r["p99"] for r in runs]
        ratio, p99, errors = statistics.median(ratios), statistics.median(p99s), sum(r["errors"] for r in runs)
        if index == 0:
            verdict = "reference"
        else:
            met = ratio >= MIN_RATIO and p99 <= MAX_P99_MS and not errors
            verdict = f"≥ 30 %, p99 ≤ 50 ms: {'met' if met else 'MISSED'}"
        shown_errors = f" ({errors} errors)" if errors else ""
        rows.append(f"| {name} | {label} | {rps:,.0f}{shown_errors} ({_span(rates, '{:,.0f}')}) "
                    f"| {ratio:.0%} ({_span(ratios, '{:.0%}')}) | {p99:.1f} ms ({_span(p99s, '{:.1f}')}) "
                    f"| {verdict} |")
    for kind, timings in searches.items():
        median, p99 = statistics.median(timings), percentile(timings, 0.99)
        verdict = "met" if p99 <= MAX_SEARCH_MS else "MISSED"
        rows.append(f"| {name} | search by {kind}, server side ({len(timings)} searches) | — | — | "
                    f"median {median:.1f} ms, p99 {p99:.1f} ms | ≤ 20 ms: {verdict} |")
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=100_000)
    parser.add_argument("--database", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    names = ["sqlite", "postgresql"] if args.database == "both" else [args.database]
    if "postgresql" in names and not postgres_bin():
        if args.database == "postgresql":
            sys.exit("PostgreSQL server binaries not found under /usr/lib/postgresql")
        names.remove("postgresql")
    print(f"Medians of {args.rounds} rounds of {args.seconds} s per route (lowest–highest in brackets).\n\n"
          "| database | route | req/s | ratio to /healthz | p99 | target |\n|---|---|---|---|---|---|", flush=True)
    for name in names:
        with tempfile.TemporaryDirectory() as tmp, \
                (throwaway_postgres() if name == "postgresql" else contextlib.nullcontext(None)) as pg:
            url = pg or f"sqlite:///{tmp}/bench.db"
            for row in measure("SQLite" if name == "sqlite" else "PostgreSQL", url, Path(tmp), args.files,
                               args.seconds, args.rounds):
                print(row, flush=True)


if __name__ == "__main__":
    main()
