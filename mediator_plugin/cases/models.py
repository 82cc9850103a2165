"""The mediator's file (``Case``) and everything attached to it.

Every legally meaningful moment has its own column (R-DEADLINE-5), so durations and deadlines
are computed in SQL. ``received_at`` (the seizure) and ``ended_at`` (the end of the mediation: its
outcome, an interruption or a refusal) suspend and restart prescription (R-PRESC-1, R-PRESC-2): once
set, neither changes except through :func:`mediator_plugin.cases.services.correct_receipt_date`, with
its reason in the history. ``closed_at`` is when the team closed the file, after any implementation
follow-up.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy import event, inspect
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from mediator_plugin.core.db import UTCDateTime, db, utcnow
from mediator_plugin.core.text import match_key, number_key


class Case(db.Model):
    """A mediation file, ``MED-YYYY-NNNNN``."""

    __tablename__ = "cases"

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(sa.String(16), nullable=False, unique=True)
    state: Mapped[str] = mapped_column(sa.String(32), nullable=False, index=True)
    charter_version: Mapped[str] = mapped_column(sa.String(16), nullable=False)
    charter_sha256: Mapped[str] = mapped_column(sa.String(64), nullable=False)
    channel: Mapped[str] = mapped_column(sa.String(16), nullable=False)  # helpdesk, online, post
    subject: Mapped[str] = mapped_column(sa.String(300), nullable=False)
    category: Mapped[str | None] = mapped_column(sa.String(64), index=True)  # level 1
    subcategory: Mapped[str | None] = mapped_column(sa.String(64))  # level 2
    department: Mapped[str | None] = mapped_column(sa.String(32), index=True)
    cross_border: Mapped[bool] = mapped_column(sa.Boolean, nullable=False, default=False)
    party_type: Mapped[str] = mapped_column(sa.String(20), nullable=False, default="consumer")
    # R-SCOPE-2: a code of the charter's dispute domains (NULL on files opened before it was recorded).
    dispute_domain: Mapped[str | None] = mapped_column(sa.String(32))
    # R-STATS-2: where the consumer lives, a region code of core.geography, kept current from the consumer's
    # postcode or address and the cross-border flag (cases.parties.locate_consumer).
    region: Mapped[str | None] = mapped_column(sa.String(8))
    first_written_complaint_on = mapped_column(sa.Date)
    last_written_complaint_on = mapped_column(sa.Date)
    court_case_declared: Mapped[bool] = mapped_column(sa.Boolean, nullable=False, default=False)
    assigned_to: Mapped[str | None] = mapped_column(sa.String(200))

    # R-DEADLINE-5: the dates of the procedure.
    received_at = mapped_column(UTCDateTime, nullable=False, index=True)
    complete_at = mapped_column(UTCDateTime)
    admissibility_decided_at = mapped_column(UTCDateTime)
    notified_at = mapped_column(UTCDateTime)
    rejection_due = mapped_column(sa.Date)
    outcome_due = mapped_column(sa.Date, index=True)
    ended_at = mapped_column(UTCDateTime)
    closed_at = mapped_column(UTCDateTime, index=True)

    inadmissibility_ground: Mapped[str | None] = mapped_column(sa.String(48))
    inadmissibility_sub_reason: Mapped[str | None] = mapped_column(sa.String(48))
    outcome: Mapped[str | None] = mapped_column(sa.String(32))
    resolution_mode: Mapped[str | None] = mapped_column(sa.String(16))  # agreement, proposal
    agreement_text: Mapped[str | None] = mapped_column(sa.Text)
    late_reason: Mapped[str | None] = mapped_column(sa.Text)

    # Derived from the columns above and the file's records for the annual report; written only by
    # reports/facts.py, after every flush that touches the file.
    received_year: Mapped[int | None] = mapped_column(sa.SmallInteger)
    ended_year: Mapped[int | None] = mapped_column(sa.SmallInteger)
    consumer_answer: Mapped[str | None] = mapped_column(sa.String(16))
    company_answer: Mapped[str | None] = mapped_column(sa.String(16))
    amicable_implementation: Mapped[str | None] = mapped_column(sa.String(16))
    duration_days: Mapped[float | None] = mapped_column(sa.Float)
    duration_day: Mapped[int | None] = mapped_column(sa.Integer)
    extended: Mapped[bool | None] = mapped_column(sa.Boolean)

    created_at = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    version: Mapped[int] = mapped_column(sa.Integer, nullable=False, default=1)
    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 - two console users never overwrite each other

    parties = relationship("Party", back_populates="case", order_by="Party.id", cascade="all, delete-orphan")
    ticket = relationship("TicketCopy", back_populates="case", uselist=False, cascade="all, delete-orphan")
    events = relationship("TimelineEvent", order_by="TimelineEvent.id", cascade="all, delete-orphan")
    documents = relationship("Document", order_by="Document.id", cascade="all, delete-orphan")
    # Read with the file for its page; written only through their own services.
    observation_requests = relationship("ObservationRequest", order_by="ObservationRequest.id", viewonly=True)
    declarations = relationship("ConflictDeclaration", order_by="ConflictDeclaration.id", viewonly=True)
    extensions = relationship("Extension", order_by="Extension.id", viewonly=True)

    def party(self, role: str) -> Party | None:
        return next((p for p in self.parties if p.role == role), None)


class LegalDateChanged(Exception):
    """The date of seizure or of the end of a mediation was about to change outside its correction service."""


@event.listens_for(Case, "before_update")
def _legal_dates_hold(_mapper, _connection, case: Case) -> None:
    # R-PRESC-1: these dates suspend and restart prescription; a correction goes through its own service.
    changes = inspect(case).attrs
    if any(value is not None for value in changes.ended_at.history.deleted):
        raise LegalDateChanged(f"the end of mediation {case.reference} is recorded and cannot change")
    if any(value is not None for value in changes.received_at.history.deleted) \
            and not case.__dict__.get("_receipt_correction"):
        raise LegalDateChanged(f"the receipt of {case.reference} changes only through correct_receipt_date")


class ReferenceCounter(db.Model):
    """Last sequence number given per year of receipt."""

    __tablename__ = "reference_counters"

    year: Mapped[int] = mapped_column(sa.Integer, primary_key=True, autoincrement=False)
    last: Mapped[int] = mapped_column(sa.Integer, nullable=False)


class Party(db.Model):
    """The consumer or the company, with their contact details."""

    __tablename__ = "parties"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("cases.id"), nullable=False, index=True)
    role: Mapped[str] = mapped_column(sa.String(16), nullable=False)  # consumer, company
    name: Mapped[str] = mapped_column(sa.String(200), nullable=False)
    email: Mapped[str | None] = mapped_column(sa.String(254), index=True)
    phone: Mapped[str | None] = mapped_column(sa.String(40))
    postal_address: Mapped[str | None] = mapped_column(sa.Text)
    postcode: Mapped[str | None] = mapped_column(sa.String(12))
    customer_number: Mapped[str | None] = mapped_column(sa.String(60), index=True)
    # The name without accents, case or extra spaces (core.text.match_key): the duplicate check compares it.
    name_key: Mapped[str | None] = mapped_column(sa.String(200), index=True)
    case = relationship("Case", back_populates="parties")
    representatives = relationship("Representative", cascade="all, delete-orphan")

    @validates("name")
    def _keep_name_key(self, _key, name):
        self.name_key = match_key(name)
        return name

    @validates("customer_number")
    def _normalise_number(self, _key, number):
        return number_key(number)

    # Searches and the duplicate check compare e-mails whatever their case (migration 0003).
    __table_args__ = (sa.UniqueConstraint("case_id", "role"), sa.Index("ix_parties_email_lower", sa.func.lower(email)))


class Representative(db.Model):
    """A lawyer, association or relative acting for a party (R-PROC-2)."""

    __tablename__ = "representatives"

    id: Mapped[int] = mapped_column(primary_key=True)
    party_id: Mapped[int] = mapped_column(sa.ForeignKey("parties.id"), nullable=False, index=True)
    kind: Mapped[str] = mapped_column(sa.String(20), nullable=False)  # avocat, association, proche, autre
    name: Mapped[str] = mapped_column(sa.String(200), nullable=False)
    email: Mapped[str | None] = mapped_column(sa.String(254))
    mandate: Mapped[str] = mapped_column(sa.Text, nullable=False)


class TicketCopy(db.Model):
    """The mediator's own copy of the helpdesk ticket and its conversation, with its content hash."""

    __tablename__ = "ticket_copies"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("cases.id"), nullable=False, unique=True)
    vendor: Mapped[str] = mapped_column(sa.String(16), nullable=False)
    ticket_id: Mapped[str] = mapped_column(sa.String(40), nullable=False, index=True)
    subject: Mapped[str] = mapped_column(sa.String(500), nullable=False)
    requester_name: Mapped[str] = mapped_column(sa.String(200), nullable=False)
    requester_email: Mapped[str] = mapped_column(sa.String(254), nullable=False)
    ticket_created_at = mapped_column(UTCDateTime, nullable=False)
    ticket_closed_at = mapped_column(UTCDateTime)
    complaint_dates: Mapped[list] = mapped_column(sa.JSON, nullable=False)  # ISO dates of written complaints
    snapshot: Mapped[dict] = mapped_column(sa.JSON, nullable=False)
    content_sha256: Mapped[str] = mapped_column(sa.String(64), nullable=False)
    copied_at = mapped_column(UTCDateTime, nullable=False)
    case = relationship("Case", back_populates="ticket")

    __table_args__ = (sa.UniqueConstraint("vendor", "ticket_id"),)


class Document(db.Model):
    """A stored file: an upload, evidence, or a generated letter (content under the storage dir). Who else has it:
    :class:`DocumentShare` and the department that sent it; why it is kept back (R-CHARTER-2); its redaction."""

    __tablename__ = "documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("cases.id"), nullable=False, index=True)
    kind: Mapped[str] = mapped_column(sa.String(16), nullable=False)  # upload, letter, evidence, observations
    letter_kind: Mapped[str | None] = mapped_column(sa.String(16))
    filename: Mapped[str] = mapped_column(sa.String(255), nullable=False)
    content_type: Mapped[str] = mapped_column(sa.String(100), nullable=False)
    size: Mapped[int] = mapped_column(sa.Integer, nullable=False)
    sha256: Mapped[str] = mapped_column(sa.String(64), nullable=False, index=True)
    uploaded_by: Mapped[str] = mapped_column(sa.String(200), nullable=False)
    uploaded_at = mapped_column(UTCDateTime, nullable=False)
    department: Mapped[str | None] = mapped_column(sa.String(32))  # the department that sent it, if one did
    withheld_reason: Mapped[str | None] = mapped_column(sa.Text)
    withheld_by: Mapped[str | None] = mapped_column(sa.String(200))
    withheld_at = mapped_column(UTCDateTime)
    redacted_by: Mapped[str | None] = mapped_column(sa.String(200))
    redacted_at = mapped_column(UTCDateTime)


class DocumentShare(db.Model):
    """One document given to one party (R-PROC-3): to the consumer by mail, to a department's correspondents."""

    __tablename__ = "document_shares"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("cases.id"), nullable=False, index=True)
    document_id: Mapped[int] = mapped_column(sa.ForeignKey("documents.id"), nullable=False, index=True)
    recipient: Mapped[str] = mapped_column(sa.String(16), nullable=False)  # consumer, company
    department: Mapped[str | None] = mapped_column(sa.String(32), index=True)  # for the company
    requested_by: Mapped[str] = mapped_column(sa.String(16), nullable=False)  # consumer, company, mediator
    note: Mapped[str] = mapped_column(sa.Text, nullable=False, default="")
    shared_at = mapped_column(UTCDateTime, nullable=False)
    shared_by: Mapped[str] = mapped_column(sa.String(200), nullable=False)
    # The mail that carries it (to the consumer) or announces it (to the department): its status is shown.
    outbox_id: Mapped[int | None] = mapped_column(sa.ForeignKey("outbox.id"))


class TimelineEvent(db.Model):
    """One line of a file's history, as the team reads it."""

    __tablename__ = "timeline_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("cases.id"), nullable=False, index=True)
    at = mapped_column(UTCDateTime, nullable=False)
    actor: Mapped[str] = mapped_column(sa.String(200), nullable=False)
    kind: Mapped[str] = mapped_column(sa.String(40), nullable=False)
    data: Mapped[dict] = mapped_column(sa.JSON, nullable=False, default=dict)


class ObservationRequest(db.Model):
    """A request for observations to a company department, with its deadline and reminders (R-FLOW-2)."""

    __tablename__ = "observation_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("cases.id"), nullable=False, index=True)
    department: Mapped[str] = mapped_column(sa.String(32), nullable=False, index=True)
    question: Mapped[str] = mapped_column(sa.Text, nullable=False)
    sent_at = mapped_column(UTCDateTime, nullable=False)
    sent_by: Mapped[str] = mapped_column(sa.String(200), nullable=False)
    due_on = mapped_column(sa.Date, nullable=False, index=True)
    reminders_sent: Mapped[int] = mapped_column(sa.Integer, nullable=False, default=0)
    last_reminder_at = mapped_column(UTCDateTime)
    escalated_at = mapped_column(UTCDateTime)
    answered_at = mapped_column(UTCDateTime)
    answered_by: Mapped[str | None] = mapped_column(sa.String(200))
    answer: Mapped[str | None] = mapped_column(sa.Text)


class ConflictDeclaration(db.Model):
    """A per-file declaration of interests (R-INFO-3, R-IND-3)."""

    __tablename__ = "conflict_declarations"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("cases.id"), nullable=False, index=True)
    declared_by: Mapped[str] = mapped_column(sa.String(200), nullable=False)
    declared_at = mapped_column(UTCDateTime, nullable=False)
    has_conflict: Mapped[bool] = mapped_column(sa.Boolean, nullable=False)
    circumstances: Mapped[str] = mapped_column(sa.Text, nullable=False, default="")
    objection_until = mapped_column(sa.Date)
    objected_by: Mapped[str | None] = mapped_column(sa.String(16))  # consumer, company
    objected_at = mapped_column(UTCDateTime)


class Extension(db.Model):
    """A prolongation of the 90-day deadline for a complex dispute (R-DEADLINE-4)."""

    __tablename__ = "extensions"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("cases.id"), nullable=False, index=True)
    decided_at = mapped_column(UTCDateTime, nullable=False)
    decided_by: Mapped[str] = mapped_column(sa.String(200), nullable=False)
    reason_category: Mapped[str] = mapped_column(sa.String(40), nullable=False)
    justification: Mapped[str] = mapped_column(sa.Text, nullable=False)
    previous_due = mapped_column(sa.Date, nullable=False)
    new_due = mapped_column(sa.Date, nullable=False)


class ExpertRequest(db.Model):
    """An expert opinion asked for on the file, and who bears its cost (R-PROC-2, R612-1)."""

    __tablename__ = "expert_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("cases.id"), nullable=False, index=True)
    requested_by: Mapped[str] = mapped_column(sa.String(16), nullable=False)  # consumer, company, both, mediator
    expert: Mapped[str] = mapped_column(sa.String(300), nullable=False)  # a name or a field of expertise
    cost_bearer: Mapped[str] = mapped_column(sa.String(20), nullable=False)  # requesting_party, shared, company
    requested_on = mapped_column(sa.Date, nullable=False)
    expected_on = mapped_column(sa.Date)
    received_on = mapped_column(sa.Date)
    note: Mapped[str] = mapped_column(sa.Text, nullable=False, default="")
    recorded_by: Mapped[str] = mapped_column(sa.String(200), nullable=False)
    recorded_at = mapped_column(UTCDateTime, nullable=False)
