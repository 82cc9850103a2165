"""A throwaway PostgreSQL cluster in a temporary directory (about one second to start)."""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path


def postgres_bin() -> Path | None:
    """The newest server binaries installed (Debian layout), or None."""
    root = Path("/usr/lib/postgresql")
    candidates = sorted((p / "bin" for p in root.glob("*") if (p / "bin" / "initdb").exists()),
                        key=lambda p: [int(x) for x in p.parent.name.split(".") if x.isdigit()])
    return candidates[-1] if candidates else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _run(args: list[str], as_postgres: bool) -> None:
    if as_postgres:
        args = ["runuser", "-u", "postgres", "--", *args]
    subprocess.run(args, check=True, capture_output=True, text=True)


@contextlib.contextmanager
def throwaway_postgres(database: str = "mediator") -> Iterator[str]:
    """Start a cluster, create ``database``, yield its SQLAlchemy URL, then stop and delete it."""
    binaries = postgres_bin()
    if binaries is None:
        raise RuntimeError("PostgreSQL server binaries not found under /usr/lib/postgresql")
    as_postgres = os.geteuid() == 0  # initdb refuses to run as root
    tmp = Path(tempfile.mkdtemp(prefix="mediator-pg-"))
    if as_postgres:
        shutil.chown(tmp, "postgres")
    port = _free_port()
    data = tmp / "data"
    try:
        _run([str(binaries / "initdb"), "-D", str(data), "-U", "postgres", "-A", "trust", "-E", "UTF8",
              "--locale=C.UTF-8", "--no-sync"], as_postgres)
        _run([str(binaries / "pg_ctl"), "-D", str(data), "-l", str(tmp / "log"), "-w", "-o",
              f"-p {port} -k {tmp} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off "
              "-c full_page_writes=off -c max_connections=200", "start"], as_postgres)
        _run([str(binaries / "createdb"), "-h", "127.0.0.1", "-p", str(port), "-U", "postgres", database], as_postgres)
        yield f"postgresql+psycopg://postgres@127.0.0.1:{port}/{database}"
    finally:
        with contextlib.suppress(subprocess.CalledProcessError):
            _run([str(binaries / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"], as_postgres)
        shutil.rmtree(tmp, ignore_errors=True)
