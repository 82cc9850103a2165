"""What the file page shows, read as plain rows in a few fixed statements.

The file page is the console's most read screen, and it is audited at every read. Loaded as an ORM
graph it cost as much as its template (bench/console_speed.py); here it reads:

1. one statement for the file, its consumer and its company, with the short lists most files have on
   the same row, each as a JSON array (``core.db.json_rows``): the timeline, the requests for
   observations, the current proposal with its answers, the ticket copy and the consumer's other files
   (R-ADM-6). On PostgreSQL each statement less is a round trip less. For each rarer list the row says
   whether it has any row at all (documents, representatives, legal holds, purges, failed mails, a
   declared conflict);
2. one per flagged list: representatives; documents with their share log, expert requests
   (``cases/file_documents.py``); holds, purges and failed mails through their own modules.

Statements are built once, on aliased tables. SQLite has no schemas: at every execution the
``mediation`` schema is translated away by rewriting each schema-qualified name of the SQL text, and
on an alias only the FROM clause names the schema. JSON gives dates and times back as ISO text: they
are parsed here, into the types the page and its deadlines expect.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime

import sqlalchemy as sa

from mediator_plugin.cases.file_documents import FileDocuments, read_documents
from mediator_plugin.cases.models import (
    Case,
    ConflictDeclaration,
    Document,
    ExpertRequest,
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


def _alias(model, name: str):
    return model.__table__.alias(name)


def _any(table, *where) -> sa.Exists:
    """Whether ``table`` has a row for the file (correlated to the file's row)."""
    return sa.exists().where(table.c.case_id == _file.c.id, *where)


_ticket, _rep = _alias(TicketCopy, "t"), _alias(Representative, "r")
_event, _request, _document = _alias(TimelineEvent, "e"), _alias(ObservationRequest, "o"), _alias(Document, "d")
_proposal, _answer = _alias(Proposal, "pr"), _alias(PartyAnswer, "a")
_declaration, _hold, _purge = _alias(ConflictDeclaration, "cd"), _alias(LegalHold, "h"), _alias(PurgeLogEntry, "pl")
_mail, _expert = _alias(OutboxMessage, "m"), _alias(ExpertRequest, "x")
# A file has at most one consumer and one company (unique per role): they are read on the file's row.
_consumer, _company, _other = _alias(Party, "pc"), _alias(Party, "pco"), _alias(Party, "po")
_PARTY_COLUMNS = ("id", "name", "email", "postal_address")
_other_file = _alias(Case, "oc")
_TICKET_COLUMNS = ("vendor", "ticket_id", "subject", "requester_name", "requester_email", "copied_at",
                   "content_sha256", "snapshot")
_PROPOSAL_COLUMNS = ("id", "version", "signed_at", "signed_by", "correction_reason", "acceptance_deadline", *SECTIONS)
_ANSWER_COLUMNS = ("party", "answer", "answered_on", "reason")


def _rows(table, *columns: str):
    """The file's rows of ``table`` as a JSON array of arrays of ``columns`` (None when it has none)."""
    return (sa.select(json_rows(*(table.c[name] for name in columns)))
            .where(table.c.case_id == _file.c.id).scalar_subquery())


# The latest version not superseded, a draft or a signed one: two levels down, correlated to the file's row.
_latest = _alias(Proposal, "prl")
_current_proposal_id = (sa.select(_latest.c.id).where(_latest.c.case_id == _file.c.id, _latest.c.superseded.is_(False))
                        .order_by(_latest.c.version.desc()).limit(1).correlate(_file).scalar_subquery())

_FILE = sa.select(
    *(_file.c[name] for name in (
        "id", "reference", "state", "subject", "channel", "category", "subcategory", "department", "party_type",
        "dispute_domain", "region", "cross_border", "first_written_complaint_on", "last_written_complaint_on",
        "received_at", "complete_at", "notified_at", "ended_at", "closed_at", "rejection_due", "outcome_due",
        "inadmissibility_ground", "outcome", "late_reason", "charter_version", "court_case_declared")),
    *(party.c[name].label(f"{role}_{name}") for role, party in (("consumer", _consumer), ("company", _company))
      for name in _PARTY_COLUMNS),
    _rows(_event, "id", "at", "actor", "kind", "data").label("events"),
    _rows(_request, "id", "department", "question", "due_on", "answered_at", "answer").label("requests"),
    _rows(_ticket, *_TICKET_COLUMNS).label("ticket"),
    sa.select(json_rows(*(_proposal.c[name] for name in _PROPOSAL_COLUMNS),
                        *(_answer.c[name] for name in _ANSWER_COLUMNS)))
    .select_from(_proposal.outerjoin(_answer, _answer.c.proposal_id == _proposal.c.id))
    .where(_proposal.c.id == _current_proposal_id).scalar_subquery().label("proposal"),
    # R-ADM-6: the other files of the same consumer — the e-mail whatever its case, the name without accents, the
    # customer number (cases/duplicates.py) — each through its own index, and whether a court case was declared.
    sa.select(json_rows(_other_file.c.id, _other_file.c.reference, _other_file.c.court_case_declared))
    .select_from(_other.join(_other_file, _other_file.c.id == _other.c.case_id))
    .where(_other.c.role == "consumer", _other.c.case_id != _file.c.id,
           sa.or_(sa.func.lower(_other.c.email) == sa.func.lower(_consumer.c.email),
                  _other.c.name_key == _consumer.c.name_key,
                  _other.c.customer_number == _consumer.c.customer_number)).scalar_subquery().label("duplicates"),
    _any(_document).label("has_documents"),
    _any(_expert).label("has_expert_requests"),
    _any(_declaration, _declaration.c.has_conflict.is_(True)).label("conflict_declared"),
    _any(_hold).label("has_holds"),
    _any(_purge).label("has_purges"),
    _any(_mail, _mail.c.kind == OutboxKind.MAIL, _mail.c.status == OutboxStatus.FAILED).label("has_failed_mail"),
    sa.exists().where(_rep.c.party_id.in_([_consumer.c.id, _company.c.id])).label("has_representatives"),
).select_from(
    _file.outerjoin(_consumer, sa.and_(_consumer.c.case_id == _file.c.id, _consumer.c.role == "consumer"))
    .outerjoin(_company, sa.and_(_company.c.case_id == _file.c.id, _company.c.role == "company"))
).where(_file.c.reference == sa.bindparam("reference"))

_REPRESENTATIVES = (sa.select(_rep.c.party_id, _rep.c.name, _rep.c.kind, _rep.c.mandate)
                    .where(_rep.c.party_id.in_(sa.bindparam("party_ids", expanding=True))).order_by(_rep.c.id))


@dataclass(frozen=True)
class EventView:
    """A line of the file's history."""

    at: datetime
    actor: str
    kind: str
    data: dict


@dataclass(frozen=True)
class RequestView:
    """A request for observations to a department (R-FLOW-2)."""

    id: int
    department: str
    question: str
    due_on: date
    answered_at: datetime | None
    answer: str | None


@dataclass(frozen=True)
class TicketView:
    """The copy of the helpdesk ticket the file was opened from."""

    vendor: str
    ticket_id: str
    subject: str
    requester_name: str
    requester_email: str
    copied_at: datetime
    content_sha256: str
    snapshot: dict


@dataclass(frozen=True)
class ProposalView:
    """The current version of the proposal; ``proposal[section]`` is a section's text (R-FLOW-3)."""

    id: int
    version: int
    signed_at: datetime | None
    signed_by: str | None
    correction_reason: str | None
    acceptance_deadline: date | None
    sections: dict[str, str | None]

    def __getitem__(self, section: str) -> str | None:
        return self.sections[section]


@dataclass(frozen=True)
class Answer:
    """A party's answer to the current proposal."""

    answer: str
    answered_on: date
    reason: str | None


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


@dataclass
class FileView:
    """A file and what its page shows. ``case`` is the file's row; the lists are empty when it has none."""

    case: sa.Row
    parties: list[PartyView]
    events: list[EventView]
    requests: list[RequestView]
    ticket: TicketView | None
    proposal: ProposalView | None
    answers: dict[str, Answer]
    duplicates: list[str]
    court_cases: list[str]
    held: FileDocuments = field(default_factory=FileDocuments)

    @property
    def documents(self) -> list[sa.Row]:
        """The file's documents, in the order they were stored."""
        return self.held.documents

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
    proposal, answers = _proposal_of(case.proposal)
    view = FileView(
        case=case, parties=_parties(connection, case), proposal=proposal, answers=answers,
        # Newest first, as the page shows the history; the others in the order they were recorded.
        events=[EventView(_moment(at), actor, kind, data)
                for _id, at, actor, kind, data in sorted(case.events or (), reverse=True)],
        requests=[RequestView(id_, department, question, _day(due_on), _moment(answered_at), answer)
                  for id_, department, question, due_on, answered_at, answer in sorted(case.requests or ())],
        ticket=_ticket_of(case.ticket),
        duplicates=sorted({reference for _id, reference, _court in case.duplicates or ()}),
        court_cases=sorted({reference for _id, reference, court in case.duplicates or () if court}),
    )
    if case.has_documents or case.has_expert_requests:
        view.held = read_documents(case.id, documents=case.has_documents, experts=case.has_expert_requests)
    return view


def _ticket_of(rows: list | None) -> TicketView | None:
    if not rows:
        return None
    *fields, copied_at, content_sha256, snapshot = rows[0]
    return TicketView(*fields, _moment(copied_at), content_sha256, snapshot)


def _proposal_of(rows: list | None) -> tuple[ProposalView | None, dict[str, Answer]]:
    """The current proposal and the answers to it, from its rows (one per answer, or one without)."""
    if not rows:
        return None, {}
    head = dict(zip(_PROPOSAL_COLUMNS, rows[0][:len(_PROPOSAL_COLUMNS)], strict=True))
    proposal = ProposalView(head["id"], head["version"], _moment(head["signed_at"]), head["signed_by"],
                            head["correction_reason"], _day(head["acceptance_deadline"]),
                            {name: head[name] for name in SECTIONS})
    answers = {}
    for row in rows:
        party, answer, answered_on, reason = row[len(_PROPOSAL_COLUMNS):]
        if party:
            answers[party] = Answer(answer, _day(answered_on), reason)
    return proposal, answers


def _day(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


def _moment(text: str | None) -> datetime | None:
    # Stored naive in UTC (core.db.UTCDateTime).
    return datetime.fromisoformat(text).replace(tzinfo=UTC) if text else None


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
