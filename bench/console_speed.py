"""The console under load: file list and file page against a one-row route, on 100,000 files (issue 4).

Seeds N files with ``mediator seed`` into a fresh database, starts the OIDC provider and gunicorn
(the project's config: sync workers, 2 on this 2-core machine) on loopback, logs in as
``gestionnaire`` and runs wrk (8 connections, fixed duration) against ``/healthz`` (reads the schema
revision row: the reference), the file list with its default filters (50 rows) and the file page,
cycling through a few thousand real references. Targets: each console route at least 30 % of the
reference's requests per second, p99 ≤ 50 ms. The search by reference and by e-mail is timed on the
server side, in-process: the console's list query with ``q`` set (page and count), over a few hundred values.
Usage: python bench/console_speed.py [--files 100000] [--database sqlite|postgresql|both] [--seconds 10]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402

from mediator_plugin.demo import demo_user_claims  # noqa: E402
from tests.support.postgres import postgres_bin, throwaway_postgres  # noqa: E402

BIN = Path(sys.executable).parent
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


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_for(url: str, process: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{process.args[0]} exited with {process.returncode}")
        with contextlib.suppress(requests.RequestException):  # not listening yet, or still starting
            if requests.get(url, timeout=5).status_code == 200:
                return
        time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer within {seconds} s")


@contextlib.contextmanager
def _process(args: list[str], ready_url: str, env: dict | None = None, log: Path | None = None):
    out = log.open("wb") if log else subprocess.DEVNULL
    process = subprocess.Popen(args, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        _wait_for(ready_url, process)
        yield process
    finally:
        process.terminate()
        process.wait(timeout=30)
        if log:
            out.close()


def _seed(env: dict, files: int) -> float:
    subprocess.run([str(BIN / "mediator"), "init"], env=env, check=True, capture_output=True)
    started = time.perf_counter()
    subprocess.run([str(BIN / "mediator"), "seed", "--cases", str(files)], env=env, check=True, capture_output=True)
    return time.perf_counter() - started


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


def _login(base: str) -> str:
    session = requests.Session()
    form = session.get(f"{base}/login", timeout=10)
    landed = session.post(form.url, data={"sub": "gestionnaire"}, timeout=30)
    if landed.status_code != 200 or "session" not in session.cookies:
        raise RuntimeError(f"login as gestionnaire failed: {landed.status_code} {landed.url}")
    return session.cookies["session"]


def _check(base: str, cookie: str, path: str, expect: str) -> None:
    answer = requests.get(base + path, cookies={"session": cookie}, allow_redirects=False, timeout=30)
    if answer.status_code != 200 or expect not in answer.text:
        raise RuntimeError(f"GET {path}: {answer.status_code}, expected 200 containing {expect!r}")


_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def wrk(base: str, path: str, seconds: int, cookie: str | None = None, script: Path | None = None) -> dict:
    """Run wrk and return req/s, p99 (ms) and the count of errors and non-2xx answers."""
    args = ["wrk", "-t", "2", "-c", str(CONNECTIONS), "-d", f"{seconds}s", "--latency", "--timeout", "5s"]
    if cookie:
        args += ["-H", f"Cookie: session={cookie}"]
    if script:
        args += ["-s", str(script)]
    output = subprocess.run([*args, base + path], check=True, capture_output=True, text=True).stdout
    p99 = re.search(r"^\s*99%\s+([\d.]+)(us|ms|s)\s*$", output, re.M)
    rate = re.search(r"^Requests/sec:\s+([\d.]+)", output, re.M)
    if not (p99 and rate):
        raise RuntimeError(f"unexpected wrk output:\n{output}")
    errors = sum(int(n) for n in re.findall(r"Non-2xx or 3xx responses: (\d+)", output))
    errors += sum(int(n) for n in re.findall(r"(?:connect|read|write|timeout) (\d+)", output))
    return {"rps": float(rate.group(1)), "p99": float(p99.group(1)) * _UNITS[p99.group(2)], "errors": errors}


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


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def measure(name: str, url: str, tmp: Path, files: int, seconds: int) -> list[str]:
    """Seed, serve, load and time on one database; the table rows for it."""
    oidc_port, app_port = _free_port(), _free_port()
    issuer, base = f"http://127.0.0.1:{oidc_port}", f"http://127.0.0.1:{app_port}"
    env = {**os.environ, "MEDIATOR_ENV": "production", "MEDIATOR_DATABASE_URL": url,
           "MEDIATOR_STORAGE_DIR": str(tmp / "files"), "MEDIATOR_SECRET_KEY": "bench-" + os.urandom(8).hex(),
           "MEDIATOR_BASE_URL": base, "MEDIATOR_OIDC_ISSUER": issuer, "MEDIATOR_OIDC_CLIENT_ID": "mediateur-bench",
           "MEDIATOR_OIDC_CLIENT_SECRET": "bench-secret"}
    seed_seconds = _seed(env, files)
    print(f"<!-- {name}: {files} files seeded in {seed_seconds:.0f} s -->", file=sys.stderr)
    refs, search_refs, emails = _samples(url)
    script = tmp / "file_pages.lua"
    script.write_text(PAGE_SCRIPT % ",".join(json.dumps(r) for r in refs))
    claims = [arg for c in demo_user_claims() for arg in ("--user-claims", json.dumps(c))]
    provider = [str(BIN / "python"), "-W", "ignore", "-m", "oidc_provider_mock", "--port", str(oidc_port), *claims]
    server = [str(BIN / "gunicorn"), "-c", "config/gunicorn.conf.py", "--bind", f"127.0.0.1:{app_port}",
              "--workers", "2", "wsgi:app"]
    with _process(provider, f"{issuer}/.well-known/openid-configuration"), \
            _process(server, f"{base}/healthz", env=env, log=tmp / "gunicorn.log"):
        cookie = _login(base)
        _check(base, cookie, "/console/dossiers", "MED-")
        _check(base, cookie, f"/console/dossiers/{refs[0]}", refs[0])
        routes = [("/healthz (one row, reference)", "/healthz", {}),
                  ("file list, default filters (50 rows)", "/console/dossiers", {"cookie": cookie}),
                  (f"file page ({len(refs)} references in turn)", "/console/dossiers/<reference>",
                   {"cookie": cookie, "script": script})]
        results = []
        load_before = os.getloadavg()[0]
        for label, path, options in routes:
            if "cookie" in options:  # fresh, as a browser keeps it (the session is refreshed once a minute)
                options["cookie"] = _login(base)
            wrk(base, path.replace("<reference>", refs[0]), 2, **options)  # warm-up: workers, caches
            results.append((label, wrk(base, path.replace("<reference>", refs[0]), seconds, **options)))
        print(f"<!-- {name}: 1-minute load average {load_before:.2f} before wrk, {os.getloadavg()[0]:.2f} after "
              "(2 cores) -->", file=sys.stderr)
    searches = time_searches(env, search_refs, emails)
    reference = results[0][1]["rps"]
    rows = []
    for index, (label, result) in enumerate(results):
        ratio = result["rps"] / reference
        if index == 0:
            verdict = "reference"
        else:
            met = ratio >= MIN_RATIO and result["p99"] <= MAX_P99_MS and not result["errors"]
            verdict = f"≥ 30 %, p99 ≤ 50 ms: {'met' if met else 'MISSED'}"
        errors = f" ({result['errors']} errors)" if result["errors"] else ""
        rows.append(f"| {name} | {label} | {result['rps']:,.0f}{errors} | {ratio:.0%} | {result['p99']:.1f} ms "
                    f"| {verdict} |")
    for kind, timings in searches.items():
        median, p99 = statistics.median(timings), _percentile(timings, 0.99)
        verdict = "met" if p99 <= MAX_SEARCH_MS else "MISSED"
        rows.append(f"| {name} | search by {kind}, server side ({len(timings)} searches) | — | — | "
                    f"median {median:.1f} ms, p99 {p99:.1f} ms | ≤ 20 ms: {verdict} |")
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=100_000)
    parser.add_argument("--database", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--seconds", type=int, default=10)
    args = parser.parse_args()
    names = ["sqlite", "postgresql"] if args.database == "both" else [args.database]
    if "postgresql" in names and not postgres_bin():
        if args.database == "postgresql":
            sys.exit("PostgreSQL server binaries not found under /usr/lib/postgresql")
        names.remove("postgresql")
    print("| database | route | req/s | ratio to /healthz | p99 | target |\n|---|---|---|---|---|---|", flush=True)
    for name in names:
        with tempfile.TemporaryDirectory() as tmp, \
                (throwaway_postgres() if name == "postgresql" else contextlib.nullcontext(None)) as pg:
            url = pg or f"sqlite:///{tmp}/bench.db"
            for row in measure("SQLite" if name == "sqlite" else "PostgreSQL", url, Path(tmp), args.files,
                               args.seconds):
                print(row, flush=True)


if __name__ == "__main__":
    main()
