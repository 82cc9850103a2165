"""What the file page shows, read as plain rows in a few fixed statements.

The file page is the console's most read screen, and it is audited at every read. Loaded as an ORM
graph it cost as much as its template (bench/console_speed.py); here it reads:

1. one statement for the file, its consumer and its company, and for each of its other lists whether
   it has any row at all (most files have no ticket copy, document, representative, legal hold, purge,
   failed mail, conflict or duplicate);
   The timeline comes along on that row, as a JSON array (``core.db.json_rows``): on PostgreSQL a
   statement less is a round trip less;
2. one per flagged list: ticket copy, representatives, requests for observations, the current proposal
   with its answers, documents; holds, purges, failed mails and duplicates through their own modules.

Statements are built once, on aliased tables. SQLite has no schemas: at every execution the
``mediation`` schema is translated away by rewriting each schema-qualified name of the SQL text, and
on an alias only the FROM clause names the schema.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

import sqlalchemy as sa

from mediator_plugin.cases.models import (
    Case,
    ConflictDeclaration,
    Document,
    ObservationRequest,
    Party,
    Representative,
    TicketCopy,
    TimelineEvent,
)
from mediator_plugin.core.db import db, json_rows
from mediator_plugin.core.outbox import OutboxKind, OutboxMessage, OutboxStatus
from mediator_plugin.proposals.models import SECTIONS, PartyAnswer, Proposal
from mediator_plugin.retention.models import LegalHold, PurgeLogEntry

_file = Case.__table__.alias("c")
_case_id = sa.bindparam("case_id")


def _alias(model, name: str):
    return model.__table__.alias(name)


def _any(table, *where) -> sa.Exists:
    """Whether ``table`` has a row for the file (correlated to the file's row)."""
    return sa.exists().where(table.c.case_id == _file.c.id, *where)


_ticket, _rep = _alias(TicketCopy, "t"), _alias(Representative, "r")
_event, _request, _document = _alias(TimelineEvent, "e"), _alias(ObservationRequest, "o"), _alias(Document, "d")
_proposal, _answer = _alias(Proposal, "pr"), _alias(PartyAnswer, "a")
_declaration, _hold, _purge = _alias(ConflictDeclaration, "cd"), _alias(LegalHold, "h"), _alias(PurgeLogEntry, "pl")
_mail = _alias(OutboxMessage, "m")
# A file has at most one consumer and one company (unique per role): they are read on the file's row.
_consumer, _company, _other = _alias(Party, "pc"), _alias(Party, "pco"), _alias(Party, "po")
_PARTY_COLUMNS = ("id", "name", "email", "postal_address")

_FILE = sa.select(
    *(_file.c[name] for name in (
        "id", "reference", "state", "subject", "channel", "category", "subcategory", "department", "party_type",
        "cross_border", "first_written_complaint_on", "received_at", "notified_at", "closed_at", "rejection_due",
        "outcome_due", "inadmissibility_ground", "outcome", "late_reason", "charter_version")),
    *(party.c[name].label(f"{role}_{name}") for role, party in (("consumer", _consumer), ("company", _company))
      for name in _PARTY_COLUMNS),
    sa.select(json_rows(_event.c.id, _event.c.at, _event.c.actor, _event.c.kind, _event.c.data))
    .where(_event.c.case_id == _file.c.id).scalar_subquery().label("events"),
    _any(_ticket).label("has_ticket"),
    _any(_request).label("has_requests"),
    _any(_proposal, _proposal.c.superseded.is_(False)).label("has_proposal"),
    _any(_document).label("has_documents"),
    _any(_declaration, _declaration.c.has_conflict.is_(True)).label("conflict_declared"),
    _any(_hold).label("has_holds"),
    _any(_purge).label("has_purges"),
    _any(_mail, _mail.c.kind == OutboxKind.MAIL, _mail.c.status == OutboxStatus.FAILED).label("has_failed_mail"),
    sa.exists().where(_rep.c.party_id.in_([_consumer.c.id, _company.c.id])).label("has_representatives"),
    # R-ADM-6: another file of the same consumer, the e-mail compared whatever its case (as the index is).
    sa.exists().where(_other.c.role == "consumer", _other.c.case_id != _file.c.id,
                      sa.func.lower(_other.c.email) == sa.func.lower(_consumer.c.email)).label("has_duplicates"),
).select_from(
    _file.outerjoin(_consumer, sa.and_(_consumer.c.case_id == _file.c.id, _consumer.c.role == "consumer"))
    .outerjoin(_company, sa.and_(_company.c.case_id == _file.c.id, _company.c.role == "company"))
).where(_file.c.reference == sa.bindparam("reference"))

_REPRESENTATIVES = (sa.select(_rep.c.party_id, _rep.c.name, _rep.c.kind, _rep.c.mandate)
                    .where(_rep.c.party_id.in_(sa.bindparam("party_ids", expanding=True))).order_by(_rep.c.id))
_TICKET = sa.select(
    *(_ticket.c[name] for name in ("vendor", "ticket_id", "subject", "requester_name", "requester_email",
                                   "copied_at", "content_sha256", "snapshot"))
).where(_ticket.c.case_id == _case_id)
_REQUESTS = (sa.select(_request.c.id, _request.c.department, _request.c.question, _request.c.due_on,
                       _request.c.answered_at, _request.c.answer)
             .where(_request.c.case_id == _case_id).order_by(_request.c.id))
# The latest version not superseded, a draft or a signed one, with the answers recorded on it.
_current_proposal_id = (sa.select(_proposal.c.id).where(_proposal.c.case_id == _case_id,
                                                         _proposal.c.superseded.is_(False))
                        .order_by(_proposal.c.version.desc()).limit(1).scalar_subquery())
_PROPOSAL = (sa.select(*(_proposal.c[name] for name in ("id", "version", "signed_at", "signed_by",
                                                        "correction_reason", "acceptance_deadline", *SECTIONS)),
                       _answer.c.party.label("answer_party"), _answer.c.answer.label("answer"),
                       _answer.c.answered_on.label("answered_on"), _answer.c.reason.label("answer_reason"))
             .outerjoin(_answer, _answer.c.proposal_id == _proposal.c.id)
             .where(_proposal.c.id == _current_proposal_id))
_DOCUMENTS = (sa.select(_document.c.id, _document.c.filename, _document.c.content_type, _document.c.size,
                        _document.c.uploaded_at)
              .where(_document.c.case_id == _case_id).order_by(_document.c.id))


@dataclass(frozen=True)
class EventView:
    """A line of the file's history."""

    at: datetime
    actor: str
    kind: str
    data: dict


@dataclass(frozen=True)
class RepresentativeView:
    """A lawyer, association or relative acting for a party."""

    name: str
    kind: str
    mandate: str


@dataclass
class PartyView:
    """A party as the page shows it, with the people who represent it."""

    role: str
    name: str
    email: str | None
    postal_address: str | None
    representatives: list[RepresentativeView] = field(default_factory=list)


@dataclass(frozen=True)
class Answer:
    """A party's answer to the current proposal."""

    answer: str
    answered_on: object
    reason: str | None


@dataclass
class FileView:
    """A file and what its page shows. ``case`` is the file's row; the lists are empty when it has none."""

    case: sa.Row
    parties: list[PartyView]
    events: list[EventView]
    ticket: sa.Row | None = None
    requests: list[sa.Row] = field(default_factory=list)
    proposal: sa.Row | None = None
    answers: dict[str, Answer] = field(default_factory=dict)
    documents: list[sa.Row] = field(default_factory=list)

    def party(self, role: str) -> PartyView | None:
        return next((p for p in self.parties if p.role == role), None)

    @property
    def conversation(self) -> list[dict]:
        """The messages of the copied ticket, oldest first."""
        return self.ticket.snapshot.get("comments", []) if self.ticket else []


def read_file(reference: str) -> FileView | None:
    """The file ``reference`` and everything its page shows, or None when there is no such file."""
    connection = db.session.connection()
    case = connection.execute(_FILE, {"reference": reference}).first()
    if case is None:
        return None
    by_id = {"case_id": case.id}
    view = FileView(case=case, parties=_parties(connection, case), events=_events(case.events))
    if case.has_ticket:
        view.ticket = connection.execute(_TICKET, by_id).first()
    if case.has_requests:
        view.requests = connection.execute(_REQUESTS, by_id).all()
    if case.has_proposal:
        rows = connection.execute(_PROPOSAL, by_id).all()
        view.proposal = rows[0] if rows else None
        view.answers = {row.answer_party: Answer(row.answer, row.answered_on, row.answer_reason)
                        for row in rows if row.answer_party}
    if case.has_documents:
        view.documents = connection.execute(_DOCUMENTS, by_id).all()
    return view


def _parties(connection, case) -> list[PartyView]:
    """The file's consumer and company from its row, in the order they were recorded, with their representatives."""
    parties = {}
    for role in ("consumer", "company"):
        party_id = getattr(case, f"{role}_id")
        if party_id is not None:
            parties[party_id] = PartyView(role, *(getattr(case, f"{role}_{name}") for name in _PARTY_COLUMNS[1:]))
    if case.has_representatives:
        for row in connection.execute(_REPRESENTATIVES, {"party_ids": list(parties)}):
            parties[row.party_id].representatives.append(RepresentativeView(row.name, row.kind, row.mandate))
    return [parties[party_id] for party_id in sorted(parties)]


def _events(rows: list | None) -> list[EventView]:
    """The timeline from its JSON rows (id, at, actor, kind, data), newest first as the page shows it."""
    return [EventView(datetime.fromisoformat(at).replace(tzinfo=UTC), actor, kind, data)
            for _id, at, actor, kind, data in sorted(rows or (), reverse=True)]
