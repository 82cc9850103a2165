"""2024, the year before the known year (tests/reports/known_year.py), small enough to count by hand.

Consumer saisines received in 2024: 32.
- 8 refused (no prior complaint) → refused 25,0 % (8 sur 32); 2025: 30,0 % → +5,0 pts.
- 4 closed by an agreement after 60 days each → mean 60,0 jours (sur 4 médiations); 2025: 76,0 → +16,0 jours.
- 20 still under way.
Saisines 32; 2025: 40 → +25,0 %.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from mediator_plugin import state
from mediator_plugin.cases.models import Case, Party
from mediator_plugin.core.db import db

SAISINES, REFUSED, CLOSED, MEAN_DAYS = 32, 8, 4, 60


def add_case(n: int, state_: str, received: datetime, **fields) -> Case:
    """A consumer's file of billing, ``MED-2024-n``, in ``state_`` (not committed)."""
    charter = state().charter
    case = Case(reference=f"MED-2024-{n:05d}", state=state_, charter_version=charter.version,
                charter_sha256=charter.sha256, channel="online", subject="Litige", category="facturation",
                subcategory="facturation.contestation", cross_border=False, party_type="consumer",
                department="billing", received_at=received, **fields)
    case.parties = [Party(role="consumer", name=f"Client numéro {n}"), Party(role="company", name="Société Exemple")]
    db.session.add(case)
    return case


def build_2024(first: int = 1) -> None:
    """Write the files of 2024 (references from ``first``), then commit."""
    n = first
    for _ in range(REFUSED):
        received = datetime(2024, 3, 5, 10, tzinfo=UTC)
        add_case(n, "INADMISSIBLE", received, inadmissibility_ground="NO_PRIOR_WRITTEN_COMPLAINT",
              admissibility_decided_at=received + timedelta(days=9), ended_at=received + timedelta(days=9),
              closed_at=received + timedelta(days=9))
        n += 1
    for _ in range(CLOSED):
        notified = datetime(2024, 2, 10, 10, tzinfo=UTC)
        # The mediation ends at the agreement (R612-5); the file is closed after its follow-up.
        add_case(n, "CLOSED", datetime(2024, 2, 1, 10, tzinfo=UTC), notified_at=notified,
              ended_at=notified + timedelta(days=MEAN_DAYS), closed_at=notified + timedelta(days=MEAN_DAYS + 20),
              outcome="AMICABLE_AGREEMENT",
              resolution_mode="agreement")
        n += 1
    for _ in range(SAISINES - REFUSED - CLOSED):
        add_case(n, "INSTRUCTION", datetime(2024, 10, 1, 10, tzinfo=UTC),
              notified_at=datetime(2024, 10, 10, 10, tzinfo=UTC))
        n += 1
    db.session.commit()
