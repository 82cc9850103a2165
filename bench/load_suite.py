"""Load suite: the console and the public pages together, 32 connections for 60 s, on PostgreSQL with
100,000 seeded files (issue 6). No error allowed; requests/s, p50 and p99 reported.

Seeds a throwaway PostgreSQL cluster with ``mediator seed``, publishes last year's report (so that
``/rapports`` lists it), serves the app with gunicorn (the project's config, 2 sync workers) and the OIDC
provider on loopback, signs in as ``gestionnaire`` and runs wrk with a Lua script that cycles through a
mix of pages: half console (dashboard, file list, file pages of random files, searches by reference and
e-mail) with the session cookie, half public (home, charter, filing form, reports) without it. The
script counts the answers by status.
Usage: python bench/load_suite.py [--files 100000] [--seconds 60] [--connections 32]
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
import tempfile
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402
from _support import app_env, check, free_port, load_average, login, mediator, seed, serving, wrk  # noqa: E402

from tests.support.postgres import throwaway_postgres  # noqa: E402

PUBLIC = ["/", "/charte", "/saisir", "/rapports"]
# Counts the answers by status in every thread and prints them at the end ("status 200 1234").
MIX_SCRIPT = """
local paths = {%s}
local cookie = "session=%s"
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) counts = {} i = math.random(#paths) end
function request()
  i = i %% #paths + 1
  local path = paths[i]
  if path[2] then return wrk.format("GET", path[1], {["Cookie"] = cookie}) end
  return wrk.format("GET", path[1])
end
function response(status, headers, body) counts[status] = (counts[status] or 0) + 1 end
function done(summary, latency, requests)
  local total = {}
  for _, thread in ipairs(threads) do
    for status, n in pairs(thread:get("counts")) do total[status] = (total[status] or 0) + n end
  end
  for status, n in pairs(total) do io.write(string.format("status %%d %%d\\n", status, n)) end
end
"""


def console_paths(url: str, count: int = 400, seed_value: int = 6) -> list[str]:
    """Dashboard, file list, file pages of random files, searches by reference and by e-mail, in turn."""
    engine = sa.create_engine(url)
    cases = sa.table("cases", sa.column("reference"), schema="mediation")
    parties = sa.table("parties", sa.column("email"), sa.column("role"), schema="mediation")
    with engine.connect() as connection:
        refs = connection.execute(sa.select(cases.c.reference).order_by(sa.func.random()).limit(count)).scalars().all()
        emails = connection.execute(sa.select(parties.c.email).where(parties.c.role == "consumer")
                                    .order_by(sa.func.random()).limit(count // 4)).scalars().all()
    engine.dispose()
    rng = random.Random(seed_value)
    paths = []
    for n, reference in enumerate(refs):
        paths += [f"/console/dossiers/{reference}", ["/console/", "/console/dossiers"][n % 2]]
        if n % 2 == 0:
            paths.append(f"/console/dossiers?q={reference.lower()}" if n % 4 == 0 else
                         f"/console/dossiers?q={rng.choice(emails)}")
    return paths


def mix_script(console: list[str], cookie: str) -> str:
    """The Lua script: console and public pages alternating, half of the requests each."""
    mixed = []
    for n, path in enumerate(console):
        mixed += [(path, True), (PUBLIC[n % len(PUBLIC)], False)]
    entries = ",".join(f"{{{json.dumps(path)},{'true' if signed else 'false'}}}" for path, signed in mixed)
    return MIX_SCRIPT % (entries, cookie)


def statuses(output: str) -> dict[int, int]:
    """The answers by status printed by the script's ``done``."""
    return {int(s): int(n) for s, n in re.findall(r"^status (\d+) (\d+)$", output, re.M)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=100_000)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--connections", type=int, default=32)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp, throwaway_postgres() as url:
        env = app_env(url, Path(tmp), app_port=free_port(), oidc_port=free_port())
        seconds = seed(env, args.files)
        year = str(date.today().year - 1)  # the seed's first year, complete
        mediator(env, "publish", "--year", year)
        print(f"<!-- {args.files} files seeded in {seconds:.0f} s; report {year} published -->", file=sys.stderr)
        script = Path(tmp) / "mix.lua"
        with serving(env, Path(tmp)) as base:
            cookie = login(base)
            console = console_paths(url)
            for path in [*console[:3], *PUBLIC]:
                check(base, None if path in PUBLIC else cookie, path, "</html>")
            script.write_text(mix_script(console, login(base)))
            wrk(base, "/", 5, connections=args.connections, script=script)  # warm-up: workers, caches
            load_before = load_average()
            result = wrk(base, "/", args.seconds, connections=args.connections, script=script)
            load_after = load_average()
    counts = statuses(result["output"])
    errors = result["non_2xx"] + result["socket_errors"]
    print("| files | connections | duration | requests | req/s | p50 | p99 | answers by status | non-2xx | socket "
          "errors | load average (2 cores) | verdict |\n|---|---|---|---|---|---|---|---|---|---|---|---|")
    print(f"| {args.files:,} | {args.connections} | {args.seconds} s | {result['requests']:,} | {result['rps']:,.1f} "
          f"| {result['p50']:.0f} ms | {result['p99']:.0f} ms | "
          f"{', '.join(f'{s}: {n:,}' for s, n in sorted(counts.items()))} | {result['non_2xx']} "
          f"| {result['socket_errors']} | {load_before:.1f} → {load_after:.1f} | "
          f"{'no error: met' if not errors else 'ERRORS'} |")


if __name__ == "__main__":
    main()
