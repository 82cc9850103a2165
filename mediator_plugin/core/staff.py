"""People who logged in to the console: names for the timeline and "who accessed this file"."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from mediator_plugin.core.db import UTCDateTime, db, utcnow


class StaffUser(db.Model):
    """An identity-provider subject seen at login, with the roles it had then."""

    __tablename__ = "staff_users"

    id: Mapped[int] = mapped_column(primary_key=True)
    sub: Mapped[str] = mapped_column(sa.String(200), nullable=False, unique=True)
    name: Mapped[str] = mapped_column(sa.String(200), nullable=False)
    email: Mapped[str] = mapped_column(sa.String(254), nullable=False, default="")
    roles: Mapped[list] = mapped_column(sa.JSON, nullable=False, default=list)
    departments: Mapped[list] = mapped_column(sa.JSON, nullable=False, default=list)
    last_login_at = mapped_column(UTCDateTime, nullable=False, default=utcnow)


def remember_login(sub: str, name: str, email: str, roles, departments) -> StaffUser:
    """Create or refresh the row of ``sub`` in the current transaction."""
    user = db.session.execute(sa.select(StaffUser).where(StaffUser.sub == sub)).scalar_one_or_none()
    if user is None:
        user = StaffUser(sub=sub)
        db.session.add(user)
    user.name, user.email = name, email
    user.roles, user.departments = sorted(roles), sorted(departments)
    user.last_login_at = utcnow()
    return user
