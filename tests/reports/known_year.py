"""A year (2025) of files written row by row, so that every figure of the report is known by hand.

Consumer saisines received in 2025: 40 (4 cross-border), plus 3 from professionals (outside the figures).
- 12 refused: no prior complaint 6, unfounded 2, examined elsewhere 2, over one year 1, out of scope 1
  → refused 30,0 % (12 sur 40); ground shares 50,0 % (6 sur 12), 16,7 % (2 sur 12), 8,3 % (1 sur 12).
- 28 admitted: 20 closed with an outcome, 5 interrupted (withdrawn 3, company declined 2), 3 under way
  → interrupted 20,0 % (5 sur 25).
- The 20 closed: 8 agreements lasting 20, 30 … 90 days; 12 proposals lasting 35, 45 … 145 days
  → mean 1 520 / 20 = 76,0 days, median (70 + 75) / 2 = 72,5, within 90 days 70,0 % (14 sur 20),
  extended (the 105, 125 and 145-day ones) 15,0 % (3 sur 20).
- Proposals: fully favourable 5 and partly 2 accepted by both; unfavourable 3 refused by the consumer;
  partly 1 refused by the company; neutral 1 without the consumer's answer
  → in favour of the consumer 40,0 % (8 sur 20), of the professional 15,0 % (3 sur 20),
  amicable (8 agreements + 7 accepted by both) 75,0 % (15 sur 20);
  company followed 91,7 % (11 sur 12), consumer accepted 66,7 % (8 sur 12).
- Implementation of the 15 amicable files: done 9, partial 2, not done 1, "unknown" 1, no record 2
  → carried out 60,0 % (9 sur 15), unknown 20,0 % (3 sur 15).
- Channels: online 30, helpdesk 7, post 3. Departments: billing 34, contracts 6 (both proposals of
  contracts; the company refused one of them).
- Requests for observations in 2025: 10 files, 6 reminders → 0,60 per file.
- Outside the team: a correspondent acted 4 times on 3 files; the team's own reads do not count.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from mediator_plugin import state
from mediator_plugin.cases.models import Case, Extension, ObservationRequest, Party, TicketCopy
from mediator_plugin.core import audit
from mediator_plugin.core.db import db
from mediator_plugin.proposals.models import Implementation, PartyAnswer, Proposal

GROUNDS = ["NO_PRIOR_WRITTEN_COMPLAINT"] * 6 + ["MANIFESTLY_UNFOUNDED_OR_ABUSIVE"] * 2 + \
    ["ALREADY_EXAMINED_OR_PENDING_ELSEWHERE"] * 2 + ["OVER_ONE_YEAR", "OUT_OF_SCOPE"]
AGREEMENT_DAYS = [20, 30, 40, 50, 60, 70, 80, 90]
# (days, outcome, consumer answer, company answer, department)
PROPOSALS = [(35, "FULLY_FAVOURABLE_CONSUMER", "accepted", "accepted", "billing"),
             (45, "FULLY_FAVOURABLE_CONSUMER", "accepted", "accepted", "billing"),
             (55, "FULLY_FAVOURABLE_CONSUMER", "accepted", "accepted", "billing"),
             (65, "FULLY_FAVOURABLE_CONSUMER", "accepted", "accepted", "billing"),
             (75, "FULLY_FAVOURABLE_CONSUMER", "accepted", "accepted", "billing"),
             (85, "PARTLY_FAVOURABLE", "accepted", "accepted", "contracts"),
             (95, "PARTLY_FAVOURABLE", "accepted", "accepted", "billing"),
             (105, "UNFAVOURABLE_CONSUMER", "refused", "accepted", "billing"),
             (115, "UNFAVOURABLE_CONSUMER", "refused", "accepted", "billing"),
             (125, "UNFAVOURABLE_CONSUMER", "refused", "accepted", "billing"),
             (135, "PARTLY_FAVOURABLE", "accepted", "refused", "contracts"),
             (145, "NEUTRAL_INFORMATIVE", "no_answer", "accepted", "billing")]
EXTENDED_DAYS = (105, 125, 145)
IMPLEMENTATIONS = ["done"] * 9 + ["partial"] * 2 + ["not_done", "unknown", None, None]
CHANNELS = ["online"] * 30 + ["helpdesk"] * 7 + ["post"] * 3
CROSS_BORDER = {3, 14, 20, 33}  # positions among the 40


class KnownYear:
    """Builds the files and remembers every personal detail and exact date written, for the scan."""

    def __init__(self):
        self.n, self.names, self.emails, self.phones, self.tickets, self.references = 0, [], [], [], [], []
        self.moments: list[datetime] = []
        charter = state().charter
        self.charter = (charter.version, charter.sha256)

    def case(self, *, state_: str, received: datetime, party_type="consumer", **fields) -> Case:
        # Every file written here ended the day it was closed: its mediation's end (R612-5) is that day.
        fields.setdefault("ended_at", fields.get("closed_at"))
        i, self.n = self.n, self.n + 1
        reference = f"MED-2025-{i + 1:05d}"
        name, email, phone = f"Hortense Vasseur{i:02d}", f"hortense.vasseur{i:02d}@exemple.fr", f"06 12 34 {i:02d} 77"
        case = Case(reference=reference, state=state_, charter_version=self.charter[0],
                    charter_sha256=self.charter[1], channel=CHANNELS[i % 40], subject=f"Litige {reference}",
                    category="facturation" if i % 4 else "resiliation",
                    subcategory="facturation.contestation" if i % 4 else "resiliation.frais",
                    cross_border=(i in CROSS_BORDER), party_type=party_type, received_at=received,
                    **{"department": "billing", **fields})
        case.parties = [Party(role="consumer", name=name, email=email, phone=phone),
                        Party(role="company", name="Société Exemple SA")]
        ticket = f"ZD-77{i:03d}"
        case.ticket = TicketCopy(vendor="zendesk", ticket_id=ticket, subject=case.subject, requester_name=name,
                                 requester_email=email, ticket_created_at=received - timedelta(days=40),
                                 complaint_dates=[], snapshot={}, content_sha256="0" * 64, copied_at=received)
        db.session.add(case)
        db.session.flush()
        self.names.append(name), self.emails.append(email), self.phones.append(phone)
        self.tickets.append(ticket), self.references.append(reference)
        self.moments += [m for m in (received, fields.get("notified_at"), fields.get("closed_at")) if m]
        return case


def at(month: int, day: int) -> datetime:
    return datetime(2025, month, day, 10, 30, tzinfo=UTC)


def build(monkeypatch) -> KnownYear:
    """Write the year; returns what was written (for the privacy scan). The audit log's clock is set to
    June 2025 while the correspondents' actions are recorded, so that they fall in the year."""
    k = KnownYear()
    for n, ground in enumerate(GROUNDS):
        received = at(1 + n % 12, 7)
        k.case(state_="INADMISSIBLE", received=received, inadmissibility_ground=ground,
               admissibility_decided_at=received + timedelta(days=9), closed_at=received + timedelta(days=9),
               department="contracts" if n < 2 else "billing")
    for n, cause in enumerate(["WITHDRAWN_BY_CONSUMER"] * 3 + ["COMPANY_DECLINED"] * 2):
        received = at(2 + n, 11)
        k.case(state_=cause, received=received, notified_at=received + timedelta(days=8),
               closed_at=received + timedelta(days=40), department="contracts" if n < 2 else "billing")
    amicable = []
    for days in AGREEMENT_DAYS:
        notified = at(1, 20)
        amicable.append(k.case(state_="CLOSED", received=at(1, 9), notified_at=notified,
                               closed_at=notified + timedelta(days=days), outcome="AMICABLE_AGREEMENT",
                               resolution_mode="agreement"))
    for days, outcome, consumer, company, department in PROPOSALS:
        notified = at(2, 17)
        case = k.case(state_="CLOSED", received=at(2, 3), notified_at=notified, department=department,
                      closed_at=notified + timedelta(days=days), outcome=outcome, resolution_mode="proposal")
        proposal = Proposal(case_id=case.id, version=1, drafted_by="Claire Martin", drafted_at=notified,
                            signed_by="Claire Martin", signed_at=notified + timedelta(days=days - 20),
                            outcome=outcome, superseded=False)
        db.session.add(proposal)
        db.session.flush()
        for party, answer in (("consumer", consumer), ("company", company)):
            db.session.add(PartyAnswer(proposal_id=proposal.id, party=party, answer=answer,
                                       answered_on=date(2025, 9, 1), channel="email", recorded_by="lisa",
                                       recorded_at=notified + timedelta(days=days - 5)))
        if days in EXTENDED_DAYS:
            db.session.add(Extension(case_id=case.id, decided_at=notified + timedelta(days=80), decided_by="Claire",
                                     reason_category="expertise", justification="Expertise",
                                     previous_due=date(2025, 5, 18), new_due=date(2025, 7, 18)))
        if consumer == company == "accepted":
            amicable.append(case)
    for case, status in zip(amicable, IMPLEMENTATIONS, strict=True):
        if status:
            db.session.add(Implementation(case_id=case.id, status=status, recorded_by="corr",
                                          recorded_at=case.closed_at - timedelta(days=1)))
    under_way = [k.case(state_="INSTRUCTION", received=at(11, 4), notified_at=at(11, 14)) for _ in range(3)]
    for i, reminders in enumerate([0, 1, 2, 0, 1, 0, 2, 0, 0, 0]):
        db.session.add(ObservationRequest(case_id=amicable[i].id, department="billing", question="?",
                                          sent_at=at(1, 22), sent_by="lisa", due_on=date(2025, 2, 20),
                                          reminders_sent=reminders))
    for _ in range(3):
        k.case(state_="INADMISSIBLE", received=at(6, 2), party_type="professional",
               inadmissibility_ground="OUT_OF_SCOPE", closed_at=at(6, 12))
    monkeypatch.setattr(audit, "utcnow", lambda: at(6, 1))
    for case in (amicable[0], amicable[0], amicable[1], under_way[0]):
        audit.record("read_request", actor="corr-billing", roles=("correspondent",), target=case.reference,
                     case_id=case.id)
    audit.record("read_case", actor="lisa", roles=("case_handler",), target=amicable[0].reference,
                 case_id=amicable[0].id)
    monkeypatch.undo()
    db.session.commit()
    return k
