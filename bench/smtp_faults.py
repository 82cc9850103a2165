"""SMTP down, then back: nothing lost, nothing sent twice, with two job hosts working at once.

N mails wait in the outbox of a fresh database (PostgreSQL by default: a throwaway cluster). The
SMTP port refuses connections; two ``mediator jobs`` processes are started together, for several
rounds. Between rounds the backoff delay is made to elapse (``next_attempt_at`` moved to now — the
bench does not wait the real minutes). Then an aiosmtpd server listens on the port, and two more
``mediator jobs`` processes start together, then two again. The server counts what it received and
the distinct Message-IDs. Prints a markdown table.
Usage: python bench/smtp_faults.py [--mails 200] [--rounds 3] [--database postgresql|sqlite]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from mediator_plugin import create_app  # noqa: E402
from mediator_plugin.core.db import db, utcnow  # noqa: E402
from mediator_plugin.core.outbox import OutboxKind, OutboxMessage, enqueue  # noqa: E402
from mediator_plugin.core.schema import upgrade_schema  # noqa: E402
from tests.support.postgres import postgres_bin, throwaway_postgres  # noqa: E402
from tests.support.smtp import Inbox, free_port, smtp_server  # noqa: E402


@contextlib.contextmanager
def _database(kind: str, tmp: str):
    if kind == "sqlite":
        yield f"sqlite:///{tmp}/mediator.db"
    else:
        if postgres_bin() is None:
            sys.exit("PostgreSQL binaries not found: apt-get install postgresql, or --database sqlite")
        with throwaway_postgres() as url:
            yield url


def _two_hosts(env: dict) -> tuple[list[dict], float]:
    """Start two `mediator jobs` at once; their JSON summaries and the wall time until both end."""
    started = time.perf_counter()
    processes = [subprocess.Popen([str(ROOT / ".venv/bin/mediator"), "jobs"], env=env, stdout=subprocess.PIPE,
                                  stderr=subprocess.DEVNULL, text=True) for _ in range(2)]
    outputs = [process.communicate(timeout=600)[0] for process in processes]
    if any(process.returncode for process in processes):
        sys.exit(f"mediator jobs failed: exit codes {[p.returncode for p in processes]}")
    return [json.loads(out.strip().splitlines()[-1]) for out in outputs], time.perf_counter() - started


def _outbox_state() -> dict:
    rows = db.session.execute(sa.select(OutboxMessage.status, sa.func.count(), sa.func.sum(OutboxMessage.attempts))
                              .group_by(OutboxMessage.status)).all()
    db.session.commit()
    return {status: (count, attempts) for status, count, attempts in rows}


def _time_passes() -> None:
    db.session.execute(sa.update(OutboxMessage).values(next_attempt_at=utcnow()))
    db.session.commit()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mails", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=3, help="pairs of job runs while SMTP is down")
    parser.add_argument("--database", choices=["postgresql", "sqlite"], default="postgresql")
    args = parser.parse_args()
    port = free_port()
    with tempfile.TemporaryDirectory() as tmp, _database(args.database, tmp) as url:
        settings = {"env": "test", "database_url": url, "storage_dir": f"{tmp}/files",
                    "smtp_url": f"smtp://127.0.0.1:{port}", "log_format": "plain"}
        env = {k: v for k, v in os.environ.items() if not k.startswith("MEDIATOR_")}
        env.update({f"MEDIATOR_{key.upper()}": value for key, value in settings.items()})
        app = create_app(settings)
        logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd's line per SMTP command
        with app.app_context():
            upgrade_schema()
            for n in range(args.mails):
                enqueue(OutboxKind.MAIL, f"bench:{n}", {"to": [f"client{n}@example.org"], "subject": f"Courrier {n}",
                                                        "body": "Veuillez trouver ci-joint…", "attachments": []})
            db.session.commit()
            down_retried = 0
            for _ in range(args.rounds):
                summaries, _elapsed = _two_hosts(env)
                down_retried += sum(s["outbox"]["retried"] for s in summaries)
                _time_passes()
            after_outage = _outbox_state()
            with smtp_server(port, Inbox()) as (_, inbox):
                back, drain_seconds = _two_hosts(env)
                again, _elapsed = _two_hosts(env)
                received = list(inbox.messages)
            final = _outbox_state()
        ids = {m["Message-ID"] for m in received}
        rows = [
            ("database", args.database),
            ("mails queued", args.mails),
            (f"job runs while SMTP refused connections ({args.rounds} rounds × 2 hosts at once)", 2 * args.rounds),
            ("attempts that failed and were put back with backoff", down_retried),
            ("pending after the outage", after_outage.get("pending", (0, 0))[0]),
            ("failed for good after the outage", after_outage.get("failed", (0, 0))[0]),
            ("sent by each host in the first pair after recovery", " / ".join(str(s["outbox"]["sent"]) for s in back)),
            ("sent by the next pair", sum(s["outbox"]["sent"] for s in again)),
            ("time for two hosts to drain the backlog", f"{drain_seconds:.1f} s"),
            ("mails received by the SMTP server", len(received)),
            ("lost (queued, never received)", args.mails - len(ids)),
            ("sent twice (received − distinct Message-IDs)", len(received) - len(ids)),
            ("outbox rows sent / pending / failed at the end", " / ".join(
                str(final.get(s, (0, 0))[0]) for s in ("sent", "pending", "failed"))),
        ]
    print("| figure | value |\n|---|---|")
    for label, value in rows:
        print(f"| {label} | {value} |")


if __name__ == "__main__":
    main()
