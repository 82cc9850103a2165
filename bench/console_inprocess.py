"""The console's cost per request, in-process: the file list and the file page against ``/healthz``.

No server and no wrk: the Flask test client of the application, signed in as ``gestionnaire`` through the OIDC
provider (in a thread), on a database seeded with ``seed_cases``. Each route is requested ``--requests`` times
in a row (the file pages cycle through random references; each read writes its audit entry, as in
production), the three routes in turn for ``--repeats`` rounds; a route's figure is its best round, in
requests per second, and its ratio is to the best of ``/healthz`` — a one-row route without a session, as in
``bench/console_speed.py``. It weighs what a request costs the application (the session's lookup included),
not the server around it.
Usage: python bench/console_inprocess.py [--files 2000] [--database sqlite|postgresql|both] [--requests 300]
       [--repeats 5]
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import sqlalchemy as sa
from oidc_provider_mock import User, run_server_in_thread

from mediator_plugin import create_app
from mediator_plugin.cases.models import Case
from mediator_plugin.core.db import db
from mediator_plugin.core.schema import upgrade_schema
from mediator_plugin.demo import demo_user_claims
from mediator_plugin.seed import seed_cases
from tests.conftest import oidc_login
from tests.support.postgres import postgres_bin, throwaway_postgres


def _seconds(client, paths: list[str], requests: int) -> float:
    """Seconds taken by ``requests`` GETs cycling through ``paths``, each answered 200."""
    started = time.perf_counter()
    for number in range(requests):
        response = client.get(paths[number % len(paths)])
        if response.status_code != 200:
            raise RuntimeError(f"{paths[number % len(paths)]} answered {response.status_code}")
    return time.perf_counter() - started


def measure(name: str, url: str, tmp: Path, issuer: str, args) -> list[str]:
    """Seed ``url``, sign in, time the three routes; the table rows."""
    app = create_app({"env": "test", "database_url": url, "storage_dir": str(tmp / "files"),
                      "base_url": "http://localhost",
                      "oidc": {"issuer": issuer, "client_id": "mediateur-bench", "client_secret": "bench"}})
    with app.app_context():
        upgrade_schema()
        seed_cases(args.files, first_year=2025, last_year=2026, seed=1, now=datetime(2026, 11, 30, tzinfo=UTC))
        references = db.session.execute(sa.select(Case.reference).order_by(sa.func.random()).limit(300)).scalars()
        pages = [f"/console/dossiers/{reference}" for reference in references]
        db.session.remove()
    signed_in, anonymous = app.test_client(), app.test_client()
    oidc_login(signed_in, "gestionnaire")
    routes = {"/healthz (one row, no session)": (anonymous, ["/healthz"]),
              "file list, default filters": (signed_in, ["/console/dossiers"]),
              "file page": (signed_in, pages)}
    for client, paths in routes.values():
        _seconds(client, paths, 20)  # warm caches, connections and the statement cache
    best = dict.fromkeys(routes, float("inf"))
    for _ in range(args.repeats):  # the routes in turn, so that a slow spell of the machine weighs on each
        for label, (client, paths) in routes.items():
            best[label] = min(best[label], _seconds(client, paths, args.requests))
    rates = {label: args.requests / seconds for label, seconds in best.items()}
    reference = rates["/healthz (one row, no session)"]
    rows = [f"| {name} | {label} | {rate:,.0f} | {rate / reference:.0%} |" for label, rate in rates.items()]
    with app.app_context():
        db.engine.dispose()
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=2000)
    parser.add_argument("--database", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    users = [User(sub=c["sub"], claims={k: v for k, v in c.items() if k != "sub"}) for c in demo_user_claims()]
    rows = []
    with tempfile.TemporaryDirectory() as folder, run_server_in_thread(port=0, user_claims=users) as provider:
        tmp, issuer = Path(folder), f"http://localhost:{provider.server_port}"
        if args.database in ("sqlite", "both"):
            rows += measure("SQLite", f"sqlite:///{tmp / 'bench.db'}", tmp, issuer, args)
        if args.database in ("postgresql", "both"):
            if postgres_bin() is None:
                raise SystemExit("PostgreSQL is not installed (apt-get install postgresql)")
            with contextlib.ExitStack() as stack:
                rows += measure("PostgreSQL", stack.enter_context(throwaway_postgres()), tmp, issuer, args)
    print(f"{args.files} files, best of {args.repeats} rounds of {args.requests} GETs a route; "
          f"load average {os.getloadavg()[0]:.1f}\n")
    print("| database | route | req/s | ratio to /healthz |\n|---|---|---|---|")
    print("\n".join(rows))


if __name__ == "__main__":
    main()
