"""The whole sync against a bare loop of ``requests.get`` over the same URLs (issue 3 benchmark).

A simulator with N tickets and no rate limit runs in its own process (as a helpdesk would). A first
sync records every URL it asks for; the reference then fetches exactly those URLs with a plain
``requests.Session`` (no parsing, no storing); a second sync on a fresh database is timed. The ratio
says what fetching + parsing + filtering + storing costs over the bare HTTP. Target: ≤ 1.25.
Usage: python bench/sync_speed.py [--tickets 100000] [--vendor zendesk|freshdesk|all]
"""

from __future__ import annotations

import argparse
import contextlib
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from mediator_plugin import create_app  # noqa: E402
from mediator_plugin.core.db import db  # noqa: E402
from mediator_plugin.core.helpdesks import configured_connectors  # noqa: E402
from mediator_plugin.core.schema import upgrade_schema  # noqa: E402
from mediator_plugin.intake.sync import sync_helpdesk  # noqa: E402
from tests.support.postgres import postgres_bin, throwaway_postgres  # noqa: E402

CREDENTIALS = {"zendesk": {"email": "mediateur@example.com", "api_token": "demo-token"},
               "freshdesk": {"api_key": "demo-freshdesk-key"}}


@contextlib.contextmanager
def simulator(vendor: str, tickets: int):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = subprocess.Popen([str(ROOT / ".venv/bin/mediator"), "simulate", vendor, "--port", str(port),
                                "--tickets", str(tickets), "--rate-limit", "0"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(600):
            with contextlib.suppress(requests.ConnectionError):
                requests.get(f"{base}/_sim/tickets/1", timeout=1)
                break
            time.sleep(0.2)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=10)


def timed_sync(vendor: str, base: str, database_url: str, storage: str, urls: list | None = None):
    app = create_app({"env": "test", "database_url": database_url, "storage_dir": storage,
                      vendor: {"url": base, **CREDENTIALS[vendor]}})
    with app.app_context():
        upgrade_schema()
        connector = configured_connectors()[vendor]
        if urls is not None:
            connector.http.session.hooks["response"].append(lambda response, *_, **__: urls.append(response.url))
        started = time.perf_counter()
        summary = sync_helpdesk(connector, full=True)
        seconds = time.perf_counter() - started
        db.engine.dispose()
    return seconds, summary, connector.http.auth


def bare_loop(urls: list[str], auth) -> float:
    session = requests.Session()
    started = time.perf_counter()
    for url in urls:
        session.get(url, auth=auth, timeout=60).content  # noqa: B018 - the body is read, nothing more
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=100_000)
    parser.add_argument("--vendor", choices=["zendesk", "freshdesk", "all"], default="all")
    args = parser.parse_args()
    vendors = ["zendesk", "freshdesk"] if args.vendor == "all" else [args.vendor]
    print("| helpdesk | database | tickets read | requests queued | URLs | bare loop (s) | sync (s) | ratio | target |")
    print("|---|---|---|---|---|---|---|---|---|")
    pg = throwaway_postgres() if postgres_bin() else contextlib.nullcontext(None)
    with pg as pg_url, tempfile.TemporaryDirectory() as tmp:
        for vendor in vendors:
            with simulator(vendor, args.tickets) as base:
                urls: list[str] = []
                _, _, auth = timed_sync(vendor, base, f"sqlite:///{tmp}/warmup-{vendor}.db", f"{tmp}/files", urls)
                reference = bare_loop(urls, auth)
                databases = {"SQLite": f"sqlite:///{tmp}/{vendor}.db"}
                if pg_url:
                    databases["PostgreSQL"] = pg_url
                for name, url in databases.items():
                    seconds, summary, _ = timed_sync(vendor, base, url, f"{tmp}/files")
                    ratio = seconds / reference
                    print(f"| {vendor} | {name} | {summary.seen} | {summary.new} | {len(urls)} | {reference:.1f} | "
                          f"{seconds:.1f} | {ratio:.2f} | ≤ 1.25: {'met' if ratio <= 1.25 else 'MISSED'} |")
                    if pg_url and name == "PostgreSQL":
                        _reset_postgres(pg_url)


def _reset_postgres(url: str) -> None:
    import sqlalchemy as sa

    engine = sa.create_engine(url)
    with engine.begin() as connection:
        connection.execute(sa.text("DROP SCHEMA mediation CASCADE"))
    engine.dispose()


if __name__ == "__main__":
    main()
