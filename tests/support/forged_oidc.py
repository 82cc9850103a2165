"""An OpenID Connect provider for tests whose ID token can be made defective on demand.

oidc-provider-mock only issues good tokens. This one, served on loopback by :func:`forged_provider`,
offers discovery, JWKS, authorize, token and end-session, records what the client sent (state, nonce,
PKCE challenge and verifier) and issues for ``provider.sub`` (``mediatrice`` unless a test changes it) an ID
token that is good, or has the defect the test sets on ``provider.defect`` (one of :data:`DEFECTS`). Each ID
token carries a new session id (``sid``), recorded in ``issued_sids``. :meth:`ForgedProvider.logout_token` signs
a back-channel logout token (OpenID Connect Back-Channel Logout 1.0) with the same key, good or with one of
:data:`LOGOUT_DEFECTS`.
"""

from __future__ import annotations

import base64
import contextlib
import json
import secrets
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from urllib.parse import urlencode

from flask import Flask, jsonify, redirect, request
from joserfc import jwt
from joserfc.jwk import RSAKey

from tests.support.identities import GROUPS
from tests.support.servers import serve

KID = "signing-key"
# Each defect and what it changes in an otherwise good ID token (or its delivery).
DEFECTS = {
    "wrong_issuer": "iss names another provider",
    "wrong_audience": "aud names another client (azp still names ours, so only an audience check refuses it)",
    "expired": "exp passed five minutes ago, beyond any clock leeway",
    "bad_signature": "signed with another key under the provider's key id",
    "alg_none": "header alg none, no signature",
    "wrong_nonce": "nonce is not the one sent at authorize",
    "no_id_token": "the token answer carries no ID token",
}
LOGOUT_EVENT = "http://schemas.openid.net/event/backchannel-logout"
# Each defect of a logout token and what it changes in an otherwise good one.
LOGOUT_DEFECTS = {
    "bad_signature": "signed with another key under the provider's key id",
    "alg_none": "header alg none, no signature",
    "wrong_issuer": "iss names another provider",
    "wrong_audience": "aud names another client",
    "no_events": "no events claim",
    "other_event": "events holds another event only",
    "nonce": "carries a nonce, which a logout token must not",
    "no_sid_nor_sub": "neither sid nor sub",
    "no_jti": "no jti",
    "stale": "issued ten minutes ago",
    "expired": "exp passed five minutes ago",
}


@dataclass
class ForgedProvider:
    """The running provider: its issuer URL, the defect of the next ID token and what clients sent."""

    issuer: str = ""
    client_id: str = "mediateur"
    sub: str = "mediatrice"
    defect: str | None = None
    end_session: bool = True
    signing_algs: tuple[str, ...] = ("RS256",)
    authorize_requests: list[dict] = field(default_factory=list)
    token_requests: list[dict] = field(default_factory=list)
    issued_id_tokens: list[str] = field(default_factory=list)
    issued_sids: list[str] = field(default_factory=list)
    _codes: dict[str, str] = field(default_factory=dict)
    _key: RSAKey | None = None
    _impostor: RSAKey | None = None

    def reset(self) -> None:
        """Good tokens again for ``mediatrice``, nothing recorded."""
        self.defect, self.end_session, self.signing_algs, self.sub = None, True, ("RS256",), "mediatrice"
        for record in (self.authorize_requests, self.token_requests, self.issued_id_tokens, self.issued_sids):
            record.clear()

    def logout_token(self, *, sid: str | None = None, sub: str | None = None, defect: str | None = None) -> str:
        """A back-channel logout token naming ``sid`` and/or ``sub``, good or with ``defect`` (LOGOUT_DEFECTS)."""
        if defect is not None and defect not in LOGOUT_DEFECTS:
            raise ValueError(f"unknown logout defect {defect!r}")
        now = int(time.time())
        claims = {"iss": self.issuer, "aud": self.client_id, "iat": now, "exp": now + 120,
                  "jti": secrets.token_urlsafe(16), "events": {LOGOUT_EVENT: {}}}
        claims.update({name: value for name, value in (("sid", sid), ("sub", sub)) if value is not None})
        changes = {"wrong_issuer": {"iss": "http://127.0.0.1:9/another-provider"},
                   "wrong_audience": {"aud": "another-client"},
                   "other_event": {"events": {"http://schemas.openid.net/event/another": {}}},
                   "nonce": {"nonce": secrets.token_urlsafe(12)},
                   "stale": {"iat": now - 600, "exp": now + 60}, "expired": {"iat": now - 420, "exp": now - 300}}
        claims.update(changes.get(defect, {}))
        for name in {"no_events": ("events",), "no_sid_nor_sub": ("sid", "sub"), "no_jti": ("jti",)}.get(defect, ()):
            claims.pop(name, None)
        header = {"alg": "RS256", "kid": KID, "typ": "logout+jwt"}
        if defect == "alg_none":
            return f"{_b64(json.dumps({**header, 'alg': 'none'}))}.{_b64(json.dumps(claims))}."
        return jwt.encode(header, claims, self._impostor if defect == "bad_signature" else self._key)


@contextlib.contextmanager
def forged_provider() -> Iterator[ForgedProvider]:
    """Serve a :class:`ForgedProvider` on 127.0.0.1 for the duration of the block."""
    key = RSAKey.generate_key(2048, parameters={"kid": KID})
    impostor = RSAKey.generate_key(2048, parameters={"kid": KID})
    provider = ForgedProvider(_key=key, _impostor=impostor)
    with serve(_build_app(provider, key, impostor)) as base_url:
        provider.issuer = base_url
        yield provider


def _build_app(provider: ForgedProvider, key: RSAKey, impostor: RSAKey) -> Flask:
    app = Flask("forged_oidc")

    @app.get("/.well-known/openid-configuration")
    def discovery():
        metadata = {
            "issuer": provider.issuer,
            "authorization_endpoint": provider.issuer + "/authorize",
            "token_endpoint": provider.issuer + "/token",
            "jwks_uri": provider.issuer + "/jwks",
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": list(provider.signing_algs),
            "code_challenge_methods_supported": ["S256"],
        }
        if provider.end_session:
            metadata["end_session_endpoint"] = provider.issuer + "/end-session"
        return jsonify(metadata)

    @app.get("/jwks")
    def jwks():
        return jsonify({"keys": [key.as_dict(private=False)]})

    @app.get("/authorize")
    def authorize():
        provider.authorize_requests.append(request.args.to_dict())
        code = secrets.token_urlsafe(16)
        provider._codes[code] = request.args.get("nonce", "")
        query = urlencode({"code": code, "state": request.args.get("state", "")})
        return redirect(f"{request.args['redirect_uri']}?{query}")

    @app.post("/token")
    def token():
        provider.token_requests.append(request.form.to_dict())
        nonce = provider._codes.pop(request.form.get("code", ""), None)
        if nonce is None:
            return jsonify({"error": "invalid_grant"}), 400
        answer = {"access_token": secrets.token_urlsafe(16), "token_type": "Bearer", "expires_in": 300}
        if provider.defect != "no_id_token":
            answer["id_token"] = _id_token(provider, key, impostor, nonce)
            provider.issued_id_tokens.append(answer["id_token"])
        return jsonify(answer)

    @app.get("/end-session")
    def end_session():
        return "signed out"

    return app


def _id_token(provider: ForgedProvider, key: RSAKey, impostor: RSAKey, nonce: str) -> str:
    now = int(time.time())
    sid = secrets.token_urlsafe(12)
    provider.issued_sids.append(sid)
    claims = {"iss": provider.issuer, "sub": provider.sub, "aud": provider.client_id, "iat": now, "exp": now + 300,
              "nonce": nonce, "name": provider.sub.capitalize(), "email": f"{provider.sub}@example.com",
              "groups": GROUPS[provider.sub], "sid": sid}
    defect = provider.defect
    if defect is not None and defect not in DEFECTS:
        raise ValueError(f"unknown defect {defect!r}")
    if defect == "wrong_issuer":
        claims["iss"] = "http://127.0.0.1:9/another-provider"
    elif defect == "wrong_audience":
        claims["aud"], claims["azp"] = "another-client", provider.client_id
    elif defect == "expired":
        claims["iat"], claims["exp"] = now - 900, now - 300
    elif defect == "wrong_nonce":
        claims["nonce"] = secrets.token_urlsafe(24)
    if defect == "alg_none":
        return f"{_b64(json.dumps({'alg': 'none', 'kid': KID}))}.{_b64(json.dumps(claims))}."
    signer = impostor if defect == "bad_signature" else key
    return jwt.encode({"alg": "RS256", "kid": KID}, claims, signer)


def _b64(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).rstrip(b"=").decode()
