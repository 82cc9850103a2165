"""A throwaway PostgreSQL cluster in a temporary directory (about one second to start)."""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa


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


def _run(args: list[str], as_postgres: bool) -> subprocess.CompletedProcess:
    if as_postgres:
        args = ["runuser", "-u", "postgres", "--", *args]
    return subprocess.run(args, check=True, capture_output=True, text=True)


@dataclass
class Cluster:
    """A running throwaway cluster: its binaries, data directory and port, and the tools to drive it."""

    binaries: Path
    home: Path
    port: int
    as_postgres: bool

    def url(self, database: str = "mediator") -> str:
        """The SQLAlchemy URL of ``database`` on this cluster."""
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{database}"

    def tool(self, name: str, *args: str) -> subprocess.CompletedProcess:
        """Run a client or server program of this cluster's version (``createdb``, ``pg_dump``…), as postgres."""
        connection = ["-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres"]
        return _run([str(self.binaries / name), *(connection if name != "pg_ctl" else []), *args], self.as_postgres)

    def pg_ctl(self, *args: str) -> None:
        """``pg_ctl`` on this cluster's data directory (start with the throwaway settings, stop, restart)."""
        options = (f"-p {self.port} -k {self.home} -c listen_addresses=127.0.0.1 -c fsync=off "
                   "-c synchronous_commit=off -c full_page_writes=off -c max_connections=200")
        self.tool("pg_ctl", "-D", str(self.home / "data"), "-l", str(self.home / "log"), "-w", "-o", options, *args)


@contextlib.contextmanager
def postgres_cluster(database: str = "mediator") -> Iterator[Cluster]:
    """Start a cluster, create ``database``, yield the :class:`Cluster`, then stop and delete it."""
    binaries = postgres_bin()
    if binaries is None:
        raise RuntimeError("PostgreSQL server binaries not found under /usr/lib/postgresql")
    as_postgres = os.geteuid() == 0  # initdb refuses to run as root
    home = Path(tempfile.mkdtemp(prefix="mediator-pg-"))
    if as_postgres:
        shutil.chown(home, "postgres")
    cluster = Cluster(binaries, home, _free_port(), as_postgres)
    try:
        _run([str(binaries / "initdb"), "-D", str(home / "data"), "-U", "postgres", "-A", "trust", "-E", "UTF8",
              "--locale=C.UTF-8", "--no-sync"], as_postgres)
        cluster.pg_ctl("start")
        cluster.tool("createdb", database)
        yield cluster
    finally:
        with contextlib.suppress(subprocess.CalledProcessError):
            cluster.pg_ctl("-m", "immediate", "stop")
        shutil.rmtree(home, ignore_errors=True)


@contextlib.contextmanager
def throwaway_postgres(database: str = "mediator") -> Iterator[str]:
    """Start a cluster, create ``database``, yield its SQLAlchemy URL, then stop and delete it."""
    with postgres_cluster(database) as cluster:
        yield cluster.url(database)


def empty_tables(engine: sa.Engine, tables: list[str]) -> None:
    """TRUNCATE ``tables`` of the schema ``mediation`` and restart their ids: a test's fresh start. The audit log
    refuses TRUNCATE by trigger; the owner may switch triggers off for the transaction, as done here."""
    with engine.begin() as connection:
        connection.execute(sa.text("SET LOCAL session_replication_role = replica"))
        connection.execute(sa.text("TRUNCATE " + ", ".join(f"mediation.{t}" for t in tables)
                                   + " RESTART IDENTITY CASCADE"))
