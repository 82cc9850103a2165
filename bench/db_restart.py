"""Fault suite: PostgreSQL stopped and started again under load (issue 6). While it is down, every request
must fail cleanly — a French 503 page with Retry-After, never a 500 or a traceback —, and once it is back the
application must serve again by itself, within seconds, without being restarted.

Seeds a throwaway cluster, serves the app with gunicorn (2 sync workers) and the OIDC provider on loopback,
and runs wrk (the load suite's mix of console and public pages) for the whole run. Meanwhile a poller reads
``/rapports`` (a public page that reads the database) every 50 ms. After ``--before`` seconds PostgreSQL is
stopped (``pg_ctl stop -m fast``), ``--down`` seconds later started again. Recovery time: from the moment
``pg_ctl start`` returns to the first answer from which every poll is a 200.
Usage: python bench/db_restart.py [--files 20000] [--seconds 30] [--before 10] [--down 5] [--connections 32]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import requests  # noqa: E402
from _support import app_env, free_port, load_average, login, seed, serving, wrk  # noqa: E402
from load_suite import console_paths, mix_script, statuses  # noqa: E402

from tests.support.postgres import postgres_cluster  # noqa: E402

FRENCH_503 = "Le service est momentanément indisponible"


def poll(base: str, stop: threading.Event, seen: list) -> None:
    """GET /rapports every 50 ms until ``stop``: (time, status, French 503 page and Retry-After) each."""
    session = requests.Session()
    while not stop.is_set():
        at = time.monotonic()
        try:
            answer = session.get(f"{base}/rapports", timeout=5)
            clean = answer.status_code != 503 or (FRENCH_503 in answer.text and "Retry-After" in answer.headers)
            seen.append((at, answer.status_code, clean))
        except requests.RequestException:
            seen.append((at, 0, False))  # no answer at all
        stop.wait(0.05)


def recovery_seconds(seen: list, started_at: float) -> float | None:
    """Seconds from ``started_at`` to the first poll from which every later one is a 200 (None: never)."""
    last_bad = max((at for at, status, _ in seen if status != 200), default=None)
    firsts = [at for at, status, _ in seen if status == 200 and (last_bad is None or at > last_bad)]
    return max(0.0, firsts[0] - started_at) if firsts else None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=20_000)
    parser.add_argument("--seconds", type=int, default=30)
    parser.add_argument("--before", type=float, default=10)
    parser.add_argument("--down", type=float, default=5)
    parser.add_argument("--connections", type=int, default=32)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp, postgres_cluster() as cluster:
        url = cluster.url()
        env = app_env(url, Path(tmp), app_port=free_port(), oidc_port=free_port())
        seed(env, args.files)
        script = Path(tmp) / "mix.lua"
        with serving(env, Path(tmp)) as base:
            script.write_text(mix_script(console_paths(url), login(base)))
            load_before = load_average()
            seen: list = []
            stop = threading.Event()
            poller = threading.Thread(target=poll, args=(base, stop, seen), daemon=True)
            result: dict = {}
            loader = threading.Thread(target=lambda: result.update(
                wrk(base, "/", args.seconds, connections=args.connections, script=script)))
            loader.start()
            poller.start()
            time.sleep(args.before)
            stopped_at = time.monotonic()
            cluster.pg_ctl("-m", "fast", "stop")
            time.sleep(args.down)
            cluster.pg_ctl("start")
            started_at = time.monotonic()
            loader.join()
            stop.set()
            poller.join()
            load_after = load_average()
        log = (Path(tmp) / "gunicorn.log").read_text(errors="replace")
    counts = statuses(result["output"])
    during = [(status, clean) for at, status, clean in seen if stopped_at <= at < started_at]
    after = [status for at, status, _ in seen if at >= started_at]
    recovery = recovery_seconds(seen, started_at)
    unclean = sum(1 for status, clean in during if status not in (200, 503) or not clean)
    met = (not counts.get(500) and unclean == 0 and recovery is not None and recovery <= 5
           and "Traceback" not in log)
    print("| files | connections | outage | wrk answers by status | socket errors | polls while down: 503 French "
          "page / other | recovery after start | polls after start: 200 / other | tracebacks in the log "
          "| load average (2 cores) | verdict |\n|---|---|---|---|---|---|---|---|---|---|---|")
    print(f"| {args.files:,} | {args.connections} | {started_at - stopped_at:.1f} s (stop -m fast, {args.down:g} s, "
          f"start) | {', '.join(f'{s}: {n:,}' for s, n in sorted(counts.items()))} | {result['socket_errors']} "
          f"| {sum(1 for s, c in during if s == 503 and c)} / {unclean} "
          f"| {'never' if recovery is None else f'{recovery:.2f} s'} "
          f"| {sum(1 for s in after if s == 200)} / {sum(1 for s in after if s != 200)} "
          f"| {log.count('Traceback')} | {load_before:.1f} → {load_after:.1f} "
          f"| {'clean 503s, recovered ≤ 5 s: met' if met else 'MISSED'} |")


if __name__ == "__main__":
    main()
