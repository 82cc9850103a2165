"""The mediator's reasoned proposal (avis), the parties' answers and the implementation.

A signed proposal is frozen: any change raises; a correction is a new version that names the one
it supersedes and gives its reason.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy import event, inspect
from sqlalchemy.orm import Mapped, mapped_column

from mediator_plugin.core.db import UTCDateTime, db

# R-FLOW-3: the sections a proposal is written in.
SECTIONS = ("facts", "consumer_position", "company_position", "contract_and_law", "equity", "solution")


class Proposal(db.Model):
    """One version of the proposal of a file."""

    __tablename__ = "proposals"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("cases.id"), nullable=False, index=True)
    version: Mapped[int] = mapped_column(sa.Integer, nullable=False)
    facts: Mapped[str] = mapped_column(sa.Text, nullable=False, default="")
    consumer_position: Mapped[str] = mapped_column(sa.Text, nullable=False, default="")
    company_position: Mapped[str] = mapped_column(sa.Text, nullable=False, default="")
    contract_and_law: Mapped[str] = mapped_column(sa.Text, nullable=False, default="")
    equity: Mapped[str] = mapped_column(sa.Text, nullable=False, default="")
    solution: Mapped[str] = mapped_column(sa.Text, nullable=False, default="")
    outcome: Mapped[str | None] = mapped_column(sa.String(32))  # R-STATS-3 class of the solution
    acceptance_deadline = mapped_column(sa.Date)
    mentions: Mapped[dict | None] = mapped_column(sa.JSON)  # the mandatory mentions as printed
    drafted_by: Mapped[str] = mapped_column(sa.String(200), nullable=False)
    drafted_at = mapped_column(UTCDateTime, nullable=False)
    signed_by: Mapped[str | None] = mapped_column(sa.String(200))
    signed_at = mapped_column(UTCDateTime)
    content_sha256: Mapped[str | None] = mapped_column(sa.String(64))
    letter_document_id: Mapped[int | None] = mapped_column(sa.ForeignKey("documents.id"))
    supersedes_id: Mapped[int | None] = mapped_column(sa.ForeignKey("proposals.id"))
    correction_reason: Mapped[str | None] = mapped_column(sa.Text)
    superseded: Mapped[bool] = mapped_column(sa.Boolean, nullable=False, default=False)

    __table_args__ = (sa.UniqueConstraint("case_id", "version"),)

    @property
    def is_signed(self) -> bool:
        return self.signed_at is not None


class FrozenProposalError(Exception):
    """A signed proposal was about to change."""


@event.listens_for(Proposal, "before_update")
def _freeze_signed(_mapper, _connection, proposal: Proposal):
    state = inspect(proposal)
    signed_history = state.attrs.signed_at.history
    if signed_history.has_changes():
        if any(value is not None for value in signed_history.deleted):
            raise FrozenProposalError(f"signed proposal {proposal.id} cannot be unsigned or re-signed")
        return  # being signed in this flush
    if proposal.signed_at is None:
        return  # still a draft
    changed = {attr.key for attr in state.attrs if attr.history.has_changes()}
    if changed - {"superseded"}:
        raise FrozenProposalError(f"signed proposal {proposal.id} cannot change ({', '.join(sorted(changed))})")


@event.listens_for(Proposal, "before_delete")
def _no_delete_signed(_mapper, _connection, proposal: Proposal):
    if proposal.signed_at is not None:
        raise FrozenProposalError(f"signed proposal {proposal.id} cannot be deleted")


class PartyAnswer(db.Model):
    """A party's answer to a signed proposal (R-INFO-2, R-STATS-4)."""

    __tablename__ = "party_answers"

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(sa.ForeignKey("proposals.id"), nullable=False, index=True)
    party: Mapped[str] = mapped_column(sa.String(16), nullable=False)  # consumer, company
    answer: Mapped[str] = mapped_column(sa.String(16), nullable=False)  # accepted, refused, no_answer
    answered_on = mapped_column(sa.Date, nullable=False)
    channel: Mapped[str] = mapped_column(sa.String(16), nullable=False)  # email, post, online, phone
    # A company's refusal: a category of the charter's list and its reasons of substance (R-FLOW-4).
    reason_category: Mapped[str | None] = mapped_column(sa.String(40))
    reason: Mapped[str | None] = mapped_column(sa.Text)
    recorded_by: Mapped[str] = mapped_column(sa.String(200), nullable=False)
    recorded_at = mapped_column(UTCDateTime, nullable=False)

    __table_args__ = (sa.UniqueConstraint("proposal_id", "party"),)


class Implementation(db.Model):
    """What became of an accepted solution or agreement (R-STATS-4)."""

    __tablename__ = "implementations"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("cases.id"), nullable=False, index=True)
    status: Mapped[str] = mapped_column(sa.String(16), nullable=False)  # done, partial, not_done, unknown
    done_on = mapped_column(sa.Date)
    note: Mapped[str] = mapped_column(sa.Text, nullable=False, default="")
    evidence_document_id: Mapped[int | None] = mapped_column(sa.ForeignKey("documents.id"))
    recorded_by: Mapped[str] = mapped_column(sa.String(200), nullable=False)
    recorded_at = mapped_column(UTCDateTime, nullable=False)
