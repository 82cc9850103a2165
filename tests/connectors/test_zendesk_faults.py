"""The Zendesk connector survives every fault the simulator injects (connectors.faults) without losing or
duplicating a ticket: the same eligible set, snapshot for snapshot, as a fault-free run.
"""

from __future__ import annotations

import pytest

from connectors.base import MediationLabel
from connectors.faults import FAULT_KINDS

# A slow answer comes just after the client has given up waiting for it.
TIMEOUT, SLOW = 0.25, 0.35


def drained(connector) -> list[dict]:
    """Every eligible snapshot of a full export, in stream order."""
    return [s.to_json() for page in connector.iter_closed_tickets(None) for s in page.eligible]


@pytest.fixture
def reference(start_zendesk, clock) -> tuple[int, list[dict]]:
    """The seeding time of the account, and the eligible snapshots of a fault-free export of it."""
    now = int(clock.now)
    return now, drained(start_zendesk(now=now).connector(per_page=25))


@pytest.mark.parametrize("kind", FAULT_KINDS)
def test_export_survives_each_fault_kind(start_zendesk, reference, kind):
    """With 20 % of answers spoiled by one fault kind, is the drained export identical to a fault-free one?"""
    now, expected = reference
    zendesk = start_zendesk(now=now, faults=0.2, fault_kinds=(kind,), slow_seconds=SLOW)
    snapshots = drained(zendesk.connector(per_page=25, timeout=TIMEOUT))
    ids = [s["ticket_id"] for s in snapshots]
    assert len(ids) == len(set(ids))
    assert snapshots == expected
    assert zendesk.sim.fault_plan.played.get(kind, 0) >= 2


def test_reads_and_writes_survive_mixed_faults(start_zendesk, reference):
    """With 25 % of answers spoiled by any kind, do export, ticket reads and a label write all come through?"""
    now, expected = reference
    zendesk = start_zendesk(now=now, faults=0.25, slow_seconds=SLOW)
    connector = zendesk.connector(per_page=25, timeout=TIMEOUT)
    snapshots = drained(connector)
    assert snapshots == expected
    first = snapshots[0]["ticket_id"]
    assert connector.fetch_ticket(first).comments
    connector.write_label(first, MediationLabel.IN_PROGRESS)
    assert MediationLabel.IN_PROGRESS.value in zendesk.state(first)["ticket"]["tags"]
    assert len(zendesk.sim.fault_plan.played) >= 5
