"""Reading proposals and answers of a file."""

from __future__ import annotations

import sqlalchemy as sa

from mediator_plugin.core.db import db
from mediator_plugin.proposals.models import PartyAnswer, Proposal


def current_proposal(case) -> Proposal | None:
    """The latest version that has not been superseded (a draft or a signed one)."""
    return db.session.execute(
        sa.select(Proposal).where(Proposal.case_id == case.id, Proposal.superseded.is_(False))
        .order_by(Proposal.version.desc()).limit(1)
    ).scalar_one_or_none()


def all_versions(case) -> list[Proposal]:
    return list(db.session.execute(
        sa.select(Proposal).where(Proposal.case_id == case.id).order_by(Proposal.version)
    ).scalars())


def answers_of(proposal: Proposal) -> dict[str, PartyAnswer]:
    """The answers recorded on ``proposal``, by party."""
    rows = db.session.execute(sa.select(PartyAnswer).where(PartyAnswer.proposal_id == proposal.id)).scalars()
    return {answer.party: answer for answer in rows}
