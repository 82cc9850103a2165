"""Fault soak: N tickets, 20 % injected faults, five ``kill -9`` of the sync at random moments.

Two simulator processes serve the same tickets (same seed, same ``--now``): one answers with faults
(429, 5xx, slow, dropped, truncated, malformed), the other without. ``mediator sync`` runs as a real
process against the faulty one and is killed with SIGKILL five times; after each kill the stored
checkpoint must not be ahead of the stored requests (every eligible ticket of the pages up to the
checkpoint, replayed from the fault-free simulator, is in the queue). A last sync runs to the end;
the queue must then equal what a fault-free sync stores, with no duplicate.
Usage: python bench/fault_soak.py [--tickets 20000] [--vendor zendesk|freshdesk|all] [--kills 5]
                                  [--database postgresql|sqlite]
"""

from __future__ import annotations

import argparse
import contextlib
import os
import random
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests
import sqlalchemy as sa

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from mediator_plugin import create_app  # noqa: E402
from mediator_plugin.core.db import db  # noqa: E402
from mediator_plugin.core.helpdesks import configured_connectors  # noqa: E402
from mediator_plugin.core.schema import upgrade_schema  # noqa: E402
from mediator_plugin.intake.models import IntakeItem, SyncCheckpoint  # noqa: E402
from mediator_plugin.intake.sync import sync_helpdesk  # noqa: E402

CREDENTIALS = {"zendesk": {"EMAIL": "mediateur@example.com", "API_TOKEN": "demo-token"},
               "freshdesk": {"API_KEY": "demo-freshdesk-key"}}
TIMEOUT, SLOW = 2, 3  # a slow answer outlasts the client's timeout, without making the soak last an hour


def _port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def simulator(vendor: str, tickets: int, now: int, faults: float):
    port = _port()
    process = subprocess.Popen(
        [str(ROOT / ".venv/bin/mediator"), "simulate", vendor, "--port", str(port), "--tickets", str(tickets),
         "--seed", "7", "--now", str(now), "--rate-limit", "0", "--faults", str(faults),
         "--slow-seconds", str(SLOW)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
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


def _environment(vendor: str, base: str, database_url: str, storage: str) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MEDIATOR_")}
    env.update({"MEDIATOR_ENV": "demo", "MEDIATOR_DATABASE_URL": database_url, "MEDIATOR_STORAGE_DIR": storage,
                "MEDIATOR_HELPDESK_TIMEOUT_SECONDS": str(TIMEOUT), f"MEDIATOR_{vendor.upper()}_URL": base})
    env.update({f"MEDIATOR_{vendor.upper()}_{key}": value for key, value in CREDENTIALS[vendor].items()})
    return env


def _app(vendor: str, base: str, database_url: str, storage: str):
    settings = {"env": "test", "database_url": database_url, "storage_dir": storage,
                vendor: {"url": base, **{k.lower(): v for k, v in CREDENTIALS[vendor].items()}}}
    return create_app(settings)


def _stored(app, vendor: str) -> tuple[list[str], str | None]:
    with app.app_context():
        ids = db.session.execute(sa.select(IntakeItem.external_id).where(IntakeItem.source == vendor)).scalars().all()
        row = db.session.get(SyncCheckpoint, vendor)
        checkpoint = row.checkpoint if row else None
        db.session.remove()
    return list(ids), checkpoint


def _eligible_up_to(app, vendor: str, checkpoint: str | None) -> set[str]:
    """Eligible tickets of the pages up to ``checkpoint``, replayed from the fault-free simulator."""
    if checkpoint is None:
        return set()
    with app.app_context():
        wanted: set[str] = set()
        for page in configured_connectors()[vendor].iter_closed_tickets(None):
            wanted |= {t.ticket_id for t in page.eligible}
            if page.checkpoint == checkpoint:
                return wanted
    raise AssertionError(f"checkpoint {checkpoint[:60]}… never met in the fault-free stream")


def soak(vendor: str, tickets: int, kills: int, database_url: str, tmp: str) -> dict:
    now = int(time.time()) - 3600
    rng = random.Random(11)
    with simulator(vendor, tickets, now, 0.2) as faulty, simulator(vendor, tickets, now, 0.0) as clean:
        reference_app = _app(vendor, clean, f"sqlite:///{tmp}/{vendor}-reference.db", f"{tmp}/files")
        with reference_app.app_context():
            upgrade_schema()
            sync_helpdesk(configured_connectors()[vendor], full=True)
        reference, _ = _stored(reference_app, vendor)
        soak_app = _app(vendor, faulty, database_url, f"{tmp}/files")
        with soak_app.app_context():
            upgrade_schema()
            db.session.remove()
        env = _environment(vendor, faulty, database_url, f"{tmp}/files")
        checks, started = [], time.perf_counter()
        for _ in range(kills):
            process = subprocess.Popen([str(ROOT / ".venv/bin/mediator"), "sync", "--helpdesk", vendor],
                                       env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            time.sleep(rng.uniform(2, 12))
            process.send_signal(signal.SIGKILL)
            process.wait()
            stored, checkpoint = _stored(soak_app, vendor)
            behind = _eligible_up_to(_app(vendor, clean, f"sqlite:///{tmp}/{vendor}-replay.db", f"{tmp}/files"),
                                     vendor, checkpoint)
            checks.append(behind <= set(stored))
        # Then sync as cron would: again until a run ends well (a request can fail all its retries).
        final_runs = 0
        while final_runs < 5:
            final_runs += 1
            final = subprocess.run([str(ROOT / ".venv/bin/mediator"), "sync", "--helpdesk", vendor], env=env,
                                   capture_output=True, text=True, timeout=3600)
            if final.returncode == 0:
                break
        seconds = time.perf_counter() - started
        stored, _ = _stored(soak_app, vendor)
    return {"reference": len(reference), "stored": len(stored), "unique": len(set(stored)),
            "same_set": set(stored) == set(reference), "checkpoints_ok": all(checks), "kills": len(checks),
            "exit": final.returncode, "final_runs": final_runs, "seconds": seconds}


def main() -> None:
    from tests.support.postgres import postgres_bin, throwaway_postgres

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=20_000)
    parser.add_argument("--kills", type=int, default=5)
    parser.add_argument("--vendor", choices=["zendesk", "freshdesk", "all"], default="all")
    parser.add_argument("--database", choices=["postgresql", "sqlite"], default="postgresql")
    args = parser.parse_args()
    vendors = ["zendesk", "freshdesk"] if args.vendor == "all" else [args.vendor]
    print("| helpdesk | database | kill -9 | checkpoint never ahead | requests stored | fault-free run | "
          "duplicates | same set | syncs after the kills (last exit) | time (s) |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    pg = throwaway_postgres() if postgres_bin() and args.database == "postgresql" else contextlib.nullcontext(None)
    with pg as pg_url, tempfile.TemporaryDirectory() as tmp:
        for vendor in vendors:
            database_url = pg_url or f"sqlite:///{tmp}/{vendor}-soak.db"
            r = soak(vendor, args.tickets, args.kills, database_url, tmp)
            print(f"| {vendor} | {'PostgreSQL' if pg_url else 'SQLite'} | {r['kills']} | "
                  f"{'yes' if r['checkpoints_ok'] else 'NO'} | {r['stored']} | {r['reference']} | "
                  f"{r['stored'] - r['unique']} | {'yes' if r['same_set'] else 'NO'} | "
                  f"{r['final_runs']} ({r['exit']}) | {r['seconds']:.0f} |")
            if pg_url:
                engine = sa.create_engine(pg_url)
                with engine.begin() as connection:
                    connection.execute(sa.text("DROP SCHEMA mediation CASCADE"))
                engine.dispose()


if __name__ == "__main__":
    main()
