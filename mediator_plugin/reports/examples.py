"""The anonymised case examples ("cas concrets", §2.4, R-CASE-1, R-CASE-2) a report prints.

At publication the year's approved examples are copied into the snapshot's figures, under
``figures["examples"]``, so that a published report never changes when an example is later edited
or withdrawn: the editions read that copy and nothing else (R-REPORT-5). A provisional report
carries the examples approved today. Each one is a plain dict of :class:`PublishedExample`'s fields —
year, category and sub-category (code and label), title and the seven fields — with nothing of the
file it came from.
"""

from __future__ import annotations

import dataclasses

from mediator_plugin.examples.queries import published_examples

KEY = "examples"


def approved_examples(year: int) -> list[dict]:
    """The examples of ``year`` the mediator has approved, as the report freezes them."""
    return [dataclasses.asdict(example) for example in published_examples(year)]


def with_examples(figures: dict, year: int) -> dict:
    """``figures`` with the approved examples of ``year`` added (they then count in the data hash)."""
    return {**figures, KEY: approved_examples(year)}


def examples_of(figures: dict) -> list[dict]:
    """The examples a report prints: none for figures that carry no examples (snapshots published before
    the examples were frozen with them printed none, and still print none)."""
    return figures.get(KEY, [])
