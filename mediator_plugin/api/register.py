"""The recommendations register as the API reads and changes it, through the register's services.

A recommendation's ``version`` is the number of changes its history holds: a change names the
version it was made on, and is refused (409) when someone changed the recommendation meanwhile.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask import abort
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from mediator_plugin.core.db import db
from mediator_plugin.core.errors import MediationError
from mediator_plugin.core.permissions import Identity
from mediator_plugin.recommendations import services
from mediator_plugin.recommendations.models import Recommendation, RecommendationEvent


class RegisterConflict(MediationError):
    """The register changed between the client's read and its write."""

    status = 409


def _versions():
    return (sa.select(RecommendationEvent.recommendation_id, sa.func.count().label("version"))
            .group_by(RecommendationEvent.recommendation_id).subquery())


def page(*, year: int | None, status: str | None, addressee: str | None, page: int, per_page: int):
    """One page of the register (newest first) as ``(recommendation, version)`` pairs, and the total."""
    conditions = []
    if year is not None:
        conditions.append(Recommendation.year == year)
    if status is not None:
        conditions.append(Recommendation.status == status)
    if addressee is not None:
        conditions.append(Recommendation.addressee == addressee)
    total = db.session.execute(sa.select(sa.func.count()).select_from(Recommendation).where(*conditions)).scalar()
    versions = _versions()
    rows = db.session.execute(
        sa.select(Recommendation, sa.func.coalesce(versions.c.version, 0))
        .outerjoin(versions, versions.c.recommendation_id == Recommendation.id).where(*conditions)
        .order_by(Recommendation.issued_on.desc(), Recommendation.id.desc())
        .limit(per_page).offset((page - 1) * per_page)).all()
    return [tuple(row) for row in rows], total


def get_or_404(recommendation_id: int, *, for_update: bool = False) -> Recommendation:
    """The recommendation, locked for the transaction when it is about to change (PostgreSQL)."""
    query = sa.select(Recommendation).where(Recommendation.id == recommendation_id)
    recommendation = db.session.execute(query.with_for_update() if for_update else query).scalar_one_or_none()
    if recommendation is None:
        abort(404)
    return recommendation


def issue(actor: Identity, fields: dict) -> Recommendation:
    """A new recommendation, committed."""
    recommendation = services.issue(actor, **fields)
    _commit()
    return recommendation


def change(recommendation_id: int, actor: Identity, fields: dict) -> Recommendation:
    """Apply a change made on ``fields["version"]``, committed; 409 if the recommendation moved since."""
    fields = dict(fields)
    expected, note = fields.pop("version"), fields.pop("note")
    recommendation = get_or_404(recommendation_id, for_update=True)
    current = len(recommendation.history)
    if expected != current:
        raise RegisterConflict(_("This recommendation changed since you read it (version %(current)s, not "
                                 "%(expected)s): read it again before changing it.", current=current,
                                 expected=expected), field="version")
    services.update(recommendation, actor, note=note, **fields)
    _commit()
    return recommendation


def _commit() -> None:
    try:
        db.session.commit()
    except IntegrityError as exc:  # two recommendations numbered at once: the second one retries
        db.session.rollback()
        raise RegisterConflict(_("Another recommendation was recorded at the same moment: send it again.")) from exc
