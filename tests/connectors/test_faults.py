"""The shared fault injection (connectors.faults): reproducible plans, and every kind played on the wire."""

from __future__ import annotations

from collections import Counter

import pytest
import requests

from connectors.faults import FAULT_KINDS, FaultPlan

SLOW = 0.3  # seconds a slow answer takes, just above the raw client's timeout below
TIMEOUT = 0.2


def test_same_seed_same_faults():
    """Does a seed always draw the same faults, another seed others, at about the asked rate?"""
    first, again, other = FaultPlan(0.3, seed=4), FaultPlan(0.3, seed=4), FaultPlan(0.3, seed=5)
    draws = [[plan.draw() for _ in range(400)] for plan in (first, again, other)]
    assert draws[0] == draws[1]
    assert draws[0] != draws[2]
    assert 80 <= sum(d is not None for d in draws[0]) <= 160
    assert {d for d in draws[0] if d} == set(FAULT_KINDS)
    assert first.played == again.played
    assert sum(first.played.values()) == sum(d is not None for d in draws[0])


def test_plans_check_their_arguments():
    """Are a rate outside 0..1 and an unknown kind refused, and a zero rate never faulty?"""
    with pytest.raises(ValueError, match="fraction"):
        FaultPlan(1.5)
    with pytest.raises(ValueError, match="unknown"):
        FaultPlan(0.1, kinds=("429", "teapot"))
    assert {FaultPlan(0).draw() for _ in range(50)} == {None}


def _outcome(zendesk, path: str) -> str:
    try:
        answer = requests.get(zendesk.base_url + path, auth=("mediateur@example.com/token", "demo-token"),
                              timeout=TIMEOUT)
    except requests.ConnectionError:
        return "drop"
    except requests.Timeout:
        return "slow"
    if answer.status_code != 200:
        return str(answer.status_code)
    try:
        answer.json()
    except ValueError:
        return "bad json"
    return "ok"


def test_simulator_plays_every_kind_reproducibly(start_zendesk):
    """Does --faults 0.3 --seed 35 spoil the same answers with every kind twice over, never the /_sim/ routes?"""
    runs = []
    for _ in range(2):
        zendesk = start_zendesk(rate_limit=0, faults=0.3, seed=35, slow_seconds=SLOW)
        runs.append([_outcome(zendesk, "/api/v2/tickets/1.json") for _ in range(60)])
        assert {_outcome(zendesk, "/_sim/tickets/1") for _ in range(20)} == {"ok"}
    assert runs[0] == runs[1]
    kinds = Counter(runs[0])
    assert 10 <= 60 - kinds["ok"] <= 30
    assert {"429", "500", "502", "503", "slow", "drop", "bad json"} <= set(kinds)
