"""What the benchmarks and evidence suites share: a seeded database, the OIDC provider and gunicorn on
loopback, a signed-in session cookie, and wrk with its figures read back.

Everything listens on 127.0.0.1 and stops when its ``with`` block ends.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import secrets
import socket
import subprocess
import sys
import time
from pathlib import Path

import requests
import sqlalchemy as sa

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from mediator_plugin.demo import demo_user_claims  # noqa: E402

BIN = Path(sys.executable).parent
_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def free_port() -> int:
    """A TCP port free on loopback right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(url: str, process: subprocess.Popen, seconds: float = 60) -> None:
    """Poll ``url`` until it answers 200; fail if ``process`` exits first or time runs out."""
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
def running(args: list[str], ready_url: str, env: dict | None = None, log: Path | None = None):
    """Start ``args`` from the repository root, wait until ``ready_url`` answers, terminate it at the end."""
    out = log.open("wb") if log else subprocess.DEVNULL
    process = subprocess.Popen(args, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        wait_for(ready_url, process)
        yield process
    finally:
        process.terminate()
        process.wait(timeout=30)
        if log:
            out.close()


def app_env(url: str, tmp: Path, *, app_port: int, oidc_port: int) -> dict:
    """The environment of a production-configured app on ``url``, its files in ``tmp``."""
    return {**os.environ, "MEDIATOR_ENV": "production", "MEDIATOR_DATABASE_URL": url,
            "MEDIATOR_STORAGE_DIR": str(tmp / "files"), "MEDIATOR_SECRET_KEY": secrets.token_urlsafe(32),
            "MEDIATOR_AUDIT_KEY": secrets.token_urlsafe(32),
            "MEDIATOR_BASE_URL": f"http://127.0.0.1:{app_port}",
            "MEDIATOR_OIDC_ISSUER": f"http://127.0.0.1:{oidc_port}", "MEDIATOR_OIDC_CLIENT_ID": "mediateur-bench",
            "MEDIATOR_OIDC_CLIENT_SECRET": "bench-secret"}


def mediator(env: dict, *args: str) -> str:
    """Run the ``mediator`` command on the app of ``env``; its standard output."""
    done = subprocess.run([str(BIN / "mediator"), *args], env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"mediator {' '.join(args)} exited with {done.returncode}: {done.stderr[-2000:]}")
    return done.stdout


def seed(env: dict, files: int, years: str | None = None) -> float:
    """Create the schema and seed ``files`` files; the seconds the seed took.

    On PostgreSQL the tables are then vacuumed and analysed, as after any bulk load: otherwise autovacuum
    does it during the measurement, on the same two cores, and the planner works from no statistics."""
    mediator(env, "init")
    started = time.perf_counter()
    mediator(env, "seed", "--cases", str(files), *(["--years", years] if years else []))
    seconds = time.perf_counter() - started
    url = env["MEDIATOR_DATABASE_URL"]
    if url.startswith("postgresql"):
        engine = sa.create_engine(url, isolation_level="AUTOCOMMIT")  # VACUUM runs outside a transaction
        with engine.connect() as connection:
            connection.execute(sa.text("VACUUM (ANALYZE)"))
        engine.dispose()
    return seconds


@contextlib.contextmanager
def serving(env: dict, tmp: Path, *, workers: int = 2):
    """The OIDC provider (demo identities) and gunicorn (the project's config) for the app of ``env``;
    yields the app's base URL."""
    base, issuer = env["MEDIATOR_BASE_URL"], env["MEDIATOR_OIDC_ISSUER"]
    claims = [arg for c in demo_user_claims() for arg in ("--user-claims", json.dumps(c))]
    provider = [str(BIN / "python"), "-W", "ignore", "-m", "oidc_provider_mock", "--port",
                issuer.rsplit(":", 1)[1], *claims]
    server = [str(BIN / "gunicorn"), "-c", "config/gunicorn.conf.py", "--bind", base.removeprefix("http://"),
              "--workers", str(workers), "wsgi:app"]
    with running(provider, f"{issuer}/.well-known/openid-configuration"), \
            running(server, f"{base}/healthz", env=env, log=tmp / "gunicorn.log"):
        yield base


def login(base: str, sub: str = "gestionnaire") -> str:
    """Sign in as ``sub`` through the OIDC provider; the session cookie's value."""
    session = requests.Session()
    form = session.get(f"{base}/login", timeout=10)
    landed = session.post(form.url, data={"sub": sub}, timeout=30)
    if landed.status_code != 200 or "session" not in session.cookies:
        raise RuntimeError(f"login as {sub} failed: {landed.status_code} {landed.url}")
    return session.cookies["session"]


def check(base: str, cookie: str | None, path: str, expect: str) -> None:
    """Fail unless GET ``path`` answers 200 with ``expect`` in the page."""
    answer = requests.get(base + path, cookies={"session": cookie} if cookie else {}, allow_redirects=False,
                          timeout=30)
    if answer.status_code != 200 or expect not in answer.text:
        raise RuntimeError(f"GET {path}: {answer.status_code}, expected 200 containing {expect!r}")


def _ms(match: re.Match | None) -> float | None:
    return float(match.group(1)) * _UNITS[match.group(2)] if match else None


def wrk(base: str, path: str, seconds: int, *, connections: int = 8, threads: int = 2, cookie: str | None = None,
        script: Path | None = None) -> dict:
    """Run wrk; requests/s, p50 and p99 (ms), requests, non-2xx/3xx answers and socket errors, and its output."""
    args = ["wrk", "-t", str(threads), "-c", str(connections), "-d", f"{seconds}s", "--latency", "--timeout", "5s"]
    if cookie:
        args += ["-H", f"Cookie: session={cookie}"]
    if script:
        args += ["-s", str(script)]
    output = subprocess.run([*args, base + path], check=True, capture_output=True, text=True).stdout
    rate = re.search(r"^Requests/sec:\s+([\d.]+)", output, re.M)
    p99 = _ms(re.search(r"^\s*99%\s+([\d.]+)(us|ms|s)\s*$", output, re.M))
    if not (rate and p99 is not None):
        raise RuntimeError(f"unexpected wrk output:\n{output}")
    total = re.search(r"^\s*(\d+) requests in", output, re.M)
    return {"rps": float(rate.group(1)), "p99": p99,
            "p50": _ms(re.search(r"^\s*50%\s+([\d.]+)(us|ms|s)\s*$", output, re.M)),
            "requests": int(total.group(1)) if total else 0,
            "non_2xx": sum(int(n) for n in re.findall(r"Non-2xx or 3xx responses: (\d+)", output)),
            "socket_errors": sum(int(n) for n in re.findall(r"(?:connect|read|write|timeout) (\d+)", output)),
            "output": output}


def percentile(values: list[float], share: float) -> float:
    """The value at ``share`` (0..1) of the sorted ``values`` (nearest rank)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def load_average() -> float:
    """The 1-minute load average (the machine is shared: quoted next to every figure)."""
    return os.getloadavg()[0]
