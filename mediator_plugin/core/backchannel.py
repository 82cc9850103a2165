"""OpenID Connect Back-Channel Logout 1.0: the identity provider tells us that a person signed out there.

The provider POSTs a ``logout_token`` (a JWT it signed) to ``/auth/backchannel-logout``. It is checked as
section 2.6 of the specification says: signature with the provider's keys (its JWKS, read again once if the key
id is unknown, as the sign-in does), ``iss`` our provider, ``aud`` naming our client, ``iat`` recent (and
``exp``, when given, not passed), ``jti`` present and never seen before, ``events`` holding the back-channel
logout event, no ``nonce``, and a ``sid`` or a ``sub``. Then the matching sessions end: the one whose sign-in
carried that ``sid``, else every session of that ``sub``. 200 (nothing to end is no error), or 400 with a JSON
error; never cached. The endpoint is public (the token is the authentication), CSRF-exempt and rate-limited.
"""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from flask import current_app, jsonify, request
from joserfc import jwt
from joserfc.errors import InvalidKeyIdError, JoseError
from joserfc.jwk import KeySet
from requests import RequestException
from sqlalchemy.orm import Mapped, mapped_column

from mediator_plugin.core import oidc, sessions
from mediator_plugin.core.db import UTCDateTime, db, utcnow
from mediator_plugin.core.permissions import csrf_exempt, public
from mediator_plugin.core.ratelimit import rate_limited

LOGOUT_EVENT = "http://schemas.openid.net/event/backchannel-logout"
# A logout token issued longer ago than this is refused (the specification suggests two minutes of validity);
# the ids of accepted tokens are kept that long, plus the leeway, to refuse a replay.
MAX_AGE = timedelta(minutes=5)
LEEWAY = timedelta(seconds=60)
MAX_ID_LENGTH = 255  # jti and sid, as stored
PROVIDER_ACTOR = "identity-provider"
NO_STORE = {"Cache-Control": "no-store"}


class LogoutTokenUse(db.Model):
    """The ``jti`` of a logout token accepted, kept while such a token could still be fresh."""

    __tablename__ = "logout_token_uses"

    jti: Mapped[str] = mapped_column(sa.String(MAX_ID_LENGTH), primary_key=True)
    received_at = mapped_column(UTCDateTime, nullable=False, index=True)


class InvalidLogoutToken(Exception):
    """The token is refused; the message says which check failed (for the provider's logs and ours)."""


def verify(raw: str, provider) -> dict:
    """The claims of a valid logout token, or :class:`InvalidLogoutToken`."""
    if not raw:
        raise InvalidLogoutToken("logout_token is missing")
    algorithms = provider.load_server_metadata().get("id_token_signing_alg_values_supported") or ["RS256"]
    try:
        try:
            token = jwt.decode(raw, KeySet.import_key_set(provider.fetch_jwk_set()), algorithms=algorithms)
        except InvalidKeyIdError:  # the provider may have rotated its keys since we read them
            token = jwt.decode(raw, KeySet.import_key_set(provider.fetch_jwk_set(force=True)), algorithms=algorithms)
        now = utcnow().timestamp()
        jwt.JWTClaimsRegistry(now=int(now), leeway=int(LEEWAY.total_seconds()),
                              iss={"essential": True, "value": oidc.issuer(provider)},
                              aud={"essential": True, "value": provider.client_id},
                              iat={"essential": True}, jti={"essential": True}).validate(token.claims)
    except (JoseError, ValueError) as exc:
        raise InvalidLogoutToken(f"{type(exc).__name__}: {exc}") from None
    claims = token.claims
    _check_logout_claims(claims, now)
    return claims


def _check_logout_claims(claims: dict, now: float) -> None:
    if not isinstance(claims["iat"], int | float) or now - claims["iat"] > (MAX_AGE + LEEWAY).total_seconds():
        raise InvalidLogoutToken("iat is not recent")
    events = claims.get("events")
    if not isinstance(events, dict) or LOGOUT_EVENT not in events:
        raise InvalidLogoutToken("events does not hold the back-channel logout event")
    if "nonce" in claims:
        raise InvalidLogoutToken("a logout token must not carry a nonce")
    sid, sub = claims.get("sid"), claims.get("sub")
    if not sid and not sub:
        raise InvalidLogoutToken("neither sid nor sub")
    for name in ("jti", "sid", "sub"):
        value = claims.get(name)
        if value is not None and not (isinstance(value, str) and 0 < len(value) <= MAX_ID_LENGTH):
            raise InvalidLogoutToken(f"{name} is not a string of at most {MAX_ID_LENGTH} characters")


def remember(jti: str) -> None:
    """Record the token's id, or :class:`InvalidLogoutToken` if it was already used; forget ids too old to
    matter (a token that old is refused for its ``iat``)."""
    now = utcnow()
    db.session.add(LogoutTokenUse(jti=jti, received_at=now))
    try:
        db.session.flush()  # the first write of the request: the caller rolls back on a replay
    except sa.exc.IntegrityError:
        raise InvalidLogoutToken("jti already used (a replay)") from None
    db.session.execute(sa.delete(LogoutTokenUse).where(LogoutTokenUse.received_at < now - MAX_AGE - LEEWAY))


def end_sessions(claims: dict) -> list[int]:
    """End the sessions the token names (by ``sid`` when it has one, else by ``sub``); their ids."""
    table = sessions.ConsoleSession.__table__
    conditions = [table.c.provider_sid == claims["sid"]] if claims.get("sid") else []
    if claims.get("sub"):
        conditions.append(table.c.sub == claims["sub"])
    return sessions.end_many(sessions.open_rows(*conditions), sessions.EndReason.PROVIDER, utcnow(),
                             action="session_ended_by_provider", actor=PROVIDER_ACTOR,
                             detail={"jti": claims["jti"], "by": "sid" if claims.get("sid") else "sub"})


@public
@csrf_exempt
@rate_limited("backchannel_logout_rate_limit")
def receive():
    """``POST /auth/backchannel-logout`` with ``logout_token`` (form-encoded)."""
    provider = oidc.client()
    try:
        claims = verify(request.form.get("logout_token", ""), provider)
        remember(claims["jti"])
    except InvalidLogoutToken as exc:
        db.session.rollback()
        current_app.logger.warning("back-channel logout refused: %s", exc)
        return jsonify(error="invalid_request", error_description=str(exc)), 400, NO_STORE
    except RequestException as exc:  # the provider's keys could not be read: it will send the token again
        db.session.rollback()
        current_app.logger.warning("back-channel logout: provider unreachable: %s", exc)
        return jsonify(error="temporarily_unavailable"), 503, NO_STORE
    ended = end_sessions(claims)
    db.session.commit()
    current_app.logger.info("back-channel logout: %d session(s) ended", len(ended))
    return "", 200, NO_STORE
