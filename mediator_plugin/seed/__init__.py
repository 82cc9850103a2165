"""Realistic synthetic files for the demo and the benchmarks (``mediator seed``).

Each file is a story drawn from :mod:`mediator_plugin.seed.data`: its path (refused, interrupted, agreement, or
proposal and answers) and the moment of each step, cut at ``now``: old files are ended, recent ones sit in the state
they have reached, with the rows the services would have written. Story moments are naive Europe/Paris datetimes;
rows hold values as the database stores them (naive UTC timestamps, ISO dates).
"""

from __future__ import annotations

import random
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import date, datetime, time, timedelta
from itertools import accumulate

from mediator_plugin.cases.workflow import State
from mediator_plugin.core import audit
from mediator_plugin.core.calendar import PARIS
from mediator_plugin.core.db import db, utcnow
from mediator_plugin.seed import data
from mediator_plugin.seed.store import store_chunk
from mediator_plugin.seed.story import Story
from mediator_plugin.seed.writer import Writer

CHUNK = 2000


def _receipts(rng: random.Random, n: int, start: date, stop: date) -> list[datetime]:
    """``n`` receipt moments on the days of [start, stop), weighted by month and weekday."""
    days = [start + timedelta(days=i) for i in range((stop - start).days)]
    weights = tuple(accumulate(data.MONTHS[d.month - 1] * data.WEEKDAYS[d.weekday()] for d in days))
    return [datetime.combine(d, time()) + timedelta(minutes=int(rng.triangular(420, 1410, 780)))
            for d in rng.choices(days, cum_weights=weights, k=n)]


def _drain(futures: list, keep: int, progress: Callable[[int], None] | None) -> None:
    """Wait for the chunks being stored but the last ``keep``, reporting each (or raising its error)."""
    while len(futures) > keep:
        future, size = futures.pop(0)
        future.result()
        if progress:
            progress(size)


def seed_cases(count: int, *, first_year: int, last_year: int, seed: int = 1,
               progress: Callable[[int], None] | None = None, now: datetime | None = None) -> int:
    """Create ``count`` synthetic files received from ``first_year`` to ``last_year``, never after ``now``.

    The same ``seed`` and ``now`` give the same files on an empty database. From 200 files on, every state of the
    workflow is present when ``now`` falls within the years seeded. Runs in an application context, commits per
    chunk of files and calls ``progress`` with each chunk's size. Returns the number of files created.
    """
    now = now or utcnow()
    local_now = now.astimezone(PARIS).replace(tzinfo=None)
    start = datetime(first_year, 1, 1)
    stop = min(datetime(last_year + 1, 1, 1), datetime.combine(local_now.date(), time()))
    if count < 1 or stop <= start:
        raise ValueError("nothing to seed: give a positive count and years that began before now")
    rng = random.Random(seed)
    writer = Writer(rng, local_now)
    forced = [story for target in State if count >= 200 and (story := writer.forced(seed, target, start, stop))]
    items = [(received, None) for received in _receipts(rng, count - len(forced), start.date(), stop.date())]
    items = sorted(items + [(story.received, story) for story in forced], key=lambda item: item[0])
    engine, stored_years, futures = db.engine, set(writer.counters), []
    db.session.commit()  # the chunks are written on their own connections
    # One thread stores chunk n while chunk n+1 is drawn, so that the database works on the other core.
    with ThreadPoolExecutor(max_workers=1) as pool:
        for begin in range(0, count, CHUNK):
            chunk = items[begin:begin + CHUNK]
            for received, story in chunk:
                writer.write(story or Story(rng, received, None, writer))
            stored = pool.submit(store_chunk, engine, writer.take(), dict(writer.counters), stored_years)
            futures.append((stored, len(chunk)))
            _drain(futures, 1, progress)
        _drain(futures, 0, progress)
    audit.record("seed", actor="cli", detail={
        "cases": count, "years": f"{first_year}-{last_year}", "seed": seed, "now": now.isoformat(),
        "states": dict(sorted(writer.states.items())), "rows": dict(sorted(writer.totals.items()))})
    db.session.commit()
    return count
