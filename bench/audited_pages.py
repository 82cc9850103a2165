"""What a console page's audit entry costs, in-process: the file page, the file list, a search and the dashboard
with their entry and with it switched off, request by request in alternation (issue 15, finding 2 and the
audited lists).

Seeds N files with ``mediator seed`` into a fresh database (an SQLite file, or a throwaway PostgreSQL cluster
vacuumed and analysed), signs ``gestionnaire`` in by writing the session the sign-in writes, then times each
route with Flask's test client, no server nor network between: ``--requests`` GETs, every other one with the
page's audit entry switched off, so that a slow spell of this shared machine weighs on both halves alike. Each
figure is a median; the cost is the difference, also as a share of the page without its entry. /healthz (one
row read) is timed beside them for scale.
Usage: python bench/audited_pages.py [--files 20000] [--database sqlite|postgresql|both] [--requests 1200]
"""

from __future__ import annotations

import argparse
import contextlib
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402

from mediator_plugin import create_app  # noqa: E402
from mediator_plugin.cases import views  # noqa: E402
from mediator_plugin.cases.models import Case  # noqa: E402
from mediator_plugin.core import audit, sessions  # noqa: E402
from mediator_plugin.core.auth import SESSION_KEY  # noqa: E402
from mediator_plugin.core.db import db, utcnow  # noqa: E402
from mediator_plugin.core.schema import upgrade_schema  # noqa: E402
from mediator_plugin.seed import seed_cases  # noqa: E402
from tests.support.postgres import throwaway_postgres  # noqa: E402

SESSION = {"sub": "gestionnaire", "name": "Lisa", "email": "", "roles": ["case_handler"], "departments": [],
           "provider_sid": None, "id_token": ""}


def _off(*_args, **_kwargs) -> None:
    """The audit entry, switched off."""


# Route → where the function that writes its entry is looked up when the page runs (cases/views.py, or core/audit.py
# for the file page), and its name: for every other request it is replaced by one that writes nothing.
SWITCHES = {"file page": (audit, "record"), "file list": (views, "record_listing"),
            "search": (views, "record_listing"), "dashboard": (views, "record_dashboard")}


def _seed(url: str, files: int, storage: Path):
    app = create_app({"env": "test", "database_url": url, "storage_dir": str(storage)})
    with app.app_context():
        upgrade_schema()
        this_year = utcnow().year
        seed_cases(files, first_year=this_year - 1, last_year=this_year, seed=1)
        db.session.commit()
        if url.startswith("postgresql"):
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
                connection.execute(sa.text("VACUUM (ANALYZE)"))
        refs = db.session.execute(sa.select(Case.reference).order_by(Case.reference)).scalars().all()
        db.session.remove()
    return app, refs


def measure(url: str, files: int, requests: int, storage: Path) -> dict[str, tuple[float, float]]:
    """Per route, the median milliseconds of a request with its audit entry and without it."""
    app, refs = _seed(url, files, storage)
    sample = refs[:: max(1, len(refs) // 600)]
    routes = {"/healthz": ["/healthz"], "file page": [f"/console/dossiers/{ref}" for ref in sample],
              "file list": ["/console/dossiers"], "search": [f"/console/dossiers?q={ref.lower()}" for ref in sample],
              "dashboard": ["/console/"]}
    client = app.test_client()
    with app.app_context():  # a console session on the server, as a sign-in opens it
        _id, token = sessions.open_session(**SESSION, now=utcnow(), lifetime=timedelta(hours=10))
        db.session.commit()
    with client.session_transaction() as session:
        session[SESSION_KEY] = token

    def timed(path: str) -> float:
        started = time.perf_counter()
        answer = client.get(path)
        if answer.status_code != 200:
            raise RuntimeError(f"GET {path}: {answer.status_code}")
        return (time.perf_counter() - started) * 1000

    results = {}
    for name, paths in routes.items():
        owner, attribute = SWITCHES.get(name, (None, None))
        real = getattr(owner, attribute) if owner else None
        for path in paths[:30]:  # warm-up: templates compiled, statements prepared, pool filled
            timed(path)
        halves: tuple[list[float], list[float]] = ([], [])
        for n in range(requests):
            audited = n % 2 == 0
            if owner:
                setattr(owner, attribute, real if audited else _off)
            halves[0 if audited else 1].append(timed(paths[n % len(paths)]))
        if owner:
            setattr(owner, attribute, real)
        results[name] = (statistics.median(halves[0]), statistics.median(halves[1]))
    with app.app_context():
        db.engine.dispose()
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=20000)
    parser.add_argument("--database", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--requests", type=int, default=1200)
    args = parser.parse_args()
    print("| database | route | with its audit entry | without | the entry's cost |\n|---|---|---|---|---|")
    for database in (["sqlite", "postgresql"] if args.database == "both" else [args.database]):
        with tempfile.TemporaryDirectory() as tmp, contextlib.ExitStack() as stack:
            url = (f"sqlite:///{tmp}/mediator.db" if database == "sqlite"
                   else stack.enter_context(throwaway_postgres()))
            results = measure(url, args.files, args.requests, Path(tmp) / "files")
        for name, (audited, unaudited) in results.items():
            cost = "—" if name == "/healthz" else f"{audited - unaudited:+.2f} ms ({audited / unaudited - 1:+.0%})"
            print(f"| {database} | {name} | {audited:.2f} ms | {unaudited:.2f} ms | {cost} |", flush=True)


if __name__ == "__main__":
    main()
