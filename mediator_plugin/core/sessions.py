"""Console sessions kept on the server: the cookie carries a random id, the database its SHA-256 and the rest.

A session is alive until it is ended (sign-out, the administrator, the identity provider's back-channel logout,
a new sign-in in the same browser), left idle for ``session_idle_minutes`` or older than
``session_lifetime_hours``; then it gives no identity, whatever copy of the cookie is sent. The id itself is
never stored, so reading the table does not give a way in. Every end is written once (the row is updated only
while ``ended_at`` is empty), with its audit entry; the ID token, kept for the provider's sign-out, is erased.
"""

from __future__ import annotations

import enum
import hashlib
import secrets
from collections.abc import Iterable
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from mediator_plugin.core import audit
from mediator_plugin.core.db import UTCDateTime, db

# Who ends sessions that ran out (the audit entry's actor), and how long an ended session's row is kept for the
# administrator's page before the jobs delete it (the audit log keeps the trace).
EXPIRY_ACTOR = "system"
ENDED_ROWS_KEPT = timedelta(days=30)


class EndReason(enum.StrEnum):
    SIGNED_OUT = "signed_out"
    IDLE = "idle"
    EXPIRED = "expired"  # the absolute lifetime passed
    ADMIN = "admin"
    PROVIDER = "provider"  # the identity provider's back-channel logout
    REPLACED = "replaced"  # a new sign-in in the same browser


class ConsoleSession(db.Model):
    """One sign-in to the console, with the identity and roles the provider gave at that moment."""

    __tablename__ = "console_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(sa.String(64), nullable=False, unique=True)
    sub: Mapped[str] = mapped_column(sa.String(200), nullable=False, index=True)
    name: Mapped[str] = mapped_column(sa.String(200), nullable=False)
    email: Mapped[str] = mapped_column(sa.String(254), nullable=False, default="")
    roles: Mapped[list] = mapped_column(sa.JSON, nullable=False, default=list)
    departments: Mapped[list] = mapped_column(sa.JSON, nullable=False, default=list)
    provider_sid: Mapped[str | None] = mapped_column(sa.String(255), index=True)
    id_token: Mapped[str] = mapped_column(sa.Text, nullable=False, default="")
    created_at = mapped_column(UTCDateTime, nullable=False)
    last_seen_at = mapped_column(UTCDateTime, nullable=False)
    expires_at = mapped_column(UTCDateTime, nullable=False)
    ended_at = mapped_column(UTCDateTime)
    end_reason: Mapped[str | None] = mapped_column(sa.String(20))


_sessions = ConsoleSession.__table__
# Read on every request that carries a session: one lookup by the unique hash, a statement built once.
_FIND = sa.select(_sessions.c.id, _sessions.c.sub, _sessions.c.name, _sessions.c.email, _sessions.c.roles,
                  _sessions.c.departments, _sessions.c.last_seen_at, _sessions.c.expires_at, _sessions.c.ended_at,
                  ).where(_sessions.c.token_hash == sa.bindparam("token_hash"))


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def open_session(*, sub: str, name: str, email: str, roles: Iterable[str], departments: Iterable[str],
                 provider_sid: str | None, id_token: str, now: datetime, lifetime: timedelta) -> tuple[int, str]:
    """Store a new session in the current transaction; its id and the token for the cookie (shown only here)."""
    token = secrets.token_urlsafe(32)
    row = ConsoleSession(token_hash=token_hash(token), sub=sub, name=name, email=email, roles=sorted(roles),
                         departments=sorted(departments), provider_sid=provider_sid or None, id_token=id_token,
                         created_at=now, last_seen_at=now, expires_at=now + lifetime)
    db.session.add(row)
    db.session.flush()
    return row.id, token


def find(token: str):
    """The session row the cookie's token names (id, identity, times), or None."""
    return db.session.connection().execute(_FIND, {"token_hash": token_hash(token)}).first()


def lapse(row, now: datetime, idle: timedelta) -> EndReason | None:
    """Why a session not yet ended is over by now (absolute lifetime first), or None while it is alive."""
    if now >= row.expires_at:
        return EndReason.EXPIRED
    if now - row.last_seen_at > idle:
        return EndReason.IDLE
    return None


def touch(session_id: int, now: datetime) -> None:
    """Record activity (the idle limit counts from it)."""
    db.session.execute(sa.update(_sessions).where(_sessions.c.id == session_id).values(last_seen_at=now))


def end(session_id: int, reason: EndReason, now: datetime) -> str | None:
    """End a session still open: its ID token ("" when it had none), or None when it had already ended."""
    id_token = db.session.execute(sa.select(_sessions.c.id_token).where(
        _sessions.c.id == session_id, _sessions.c.ended_at.is_(None))).scalar()
    if id_token is None:
        return None
    ended = db.session.execute(sa.update(_sessions).where(_sessions.c.id == session_id, _sessions.c.ended_at.is_(None))
                               .values(ended_at=now, end_reason=reason.value, id_token=""))
    return id_token if ended.rowcount == 1 else None  # another request may have ended it in between


def end_by_token(token: str, reason: EndReason, now: datetime) -> int | None:
    """End the open session the token names; its id, or None (unknown or already ended)."""
    session_id = db.session.execute(sa.select(_sessions.c.id).where(
        _sessions.c.token_hash == token_hash(token), _sessions.c.ended_at.is_(None))).scalar()
    if session_id is None or end(session_id, reason, now) is None:
        return None
    return session_id


def expire(row, reason: EndReason, now: datetime) -> bool:
    """End a session that ran out (``row``: id and sub; idle or past its lifetime), with its audit entry; False
    if it had already ended."""
    return bool(end_many([row], reason, now, action="session_expired", actor=EXPIRY_ACTOR,
                         detail={"reason": reason.value}))


def end_many(rows, reason: EndReason, now: datetime, *, action: str, actor: str, roles=(), detail: dict) -> list[int]:
    """End each of ``rows`` (id and sub) still open, one audit entry each; the ids ended."""
    ended = []
    for row in rows:
        if end(row.id, reason, now) is not None:
            audit.record(action, actor=actor, roles=roles, target=f"session:{row.id}",
                         detail={"person": row.sub, **detail})
            ended.append(row.id)
    return ended


def open_rows(*conditions):
    """Id, sub, name and end of lifetime of the sessions not yet ended that match ``conditions``."""
    return db.session.execute(sa.select(_sessions.c.id, _sessions.c.sub, _sessions.c.name, _sessions.c.expires_at)
                              .where(_sessions.c.ended_at.is_(None), *conditions).order_by(_sessions.c.id)).all()


def active(now: datetime, idle: timedelta) -> list[ConsoleSession]:
    """The sessions alive now (open, within their lifetime, used within the idle limit: :func:`lapse`'s
    bounds), by person's name then sign-in time."""
    alive = sa.select(ConsoleSession).where(ConsoleSession.ended_at.is_(None), ConsoleSession.expires_at > now,
                                            ConsoleSession.last_seen_at >= now - idle)
    return db.session.execute(alive.order_by(ConsoleSession.name, ConsoleSession.sub, ConsoleSession.created_at)
                              ).scalars().all()


def recently_ended(now: datetime, limit: int = 50) -> list[ConsoleSession]:
    """The latest sessions ended within the last day, newest first."""
    return db.session.execute(sa.select(ConsoleSession).where(ConsoleSession.ended_at >= now - timedelta(days=1))
                              .order_by(ConsoleSession.ended_at.desc()).limit(limit)).scalars().all()


def sweep(now: datetime, idle: timedelta) -> dict:
    """``mediator jobs``: end (and audit) the sessions that ran out unseen, delete rows ended long ago."""
    lapsed = open_rows(sa.or_(_sessions.c.expires_at <= now, _sessions.c.last_seen_at < now - idle))
    expired = sum(expire(row, EndReason.EXPIRED if row.expires_at <= now else EndReason.IDLE, now) for row in lapsed)
    deleted = db.session.execute(sa.delete(_sessions).where(_sessions.c.ended_at < now - ENDED_ROWS_KEPT)).rowcount
    db.session.commit()
    return {"expired": expired, "deleted": deleted}
