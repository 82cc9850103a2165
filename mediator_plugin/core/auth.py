"""SSO with OpenID Connect (authorization code + PKCE, state, nonce) through authlib.

authlib checks the state, the ID token's signature (provider JWKS), expiry and nonce. It checks the
issuer and the audience only when told to (:func:`_id_token_rules`), and accepts whatever algorithm the
provider's discovery lists, ``none`` included, unless :class:`_SignedIdTokensOnly` strikes it out.
We refuse a callback without an ID token, map the groups claim to roles (settings ``[roles]``) and
rotate the session at login. The session ends after ``session_idle_minutes`` without a request (to
the minute: the time of the last request is refreshed once a minute).
``/login`` and ``/auth/callback`` are rate-limited per client address (``login_rate_limit``).
"""

from __future__ import annotations

import secrets
from datetime import timedelta

from authlib.integrations.base_client import OAuthError
from authlib.integrations.flask_client import FlaskOAuth2App, OAuth
from flask import Blueprint, Flask, abort, current_app, g, redirect, session, url_for
from flask_babel import gettext as _
from joserfc.errors import JoseError
from requests import RequestException

from mediator_plugin import state
from mediator_plugin.core import audit
from mediator_plugin.core.db import db, utcnow
from mediator_plugin.core.permissions import Identity, Role, public, roles_from_groups
from mediator_plugin.core.ratelimit import rate_limited
from mediator_plugin.core.staff import remember_login
from mediator_plugin.core.urls import external_url

SESSION_KEY = "mediator_user"
# Clock difference tolerated between the provider and us on the ID token's exp and iat (authlib: 120 s).
ID_TOKEN_LEEWAY_SECONDS = 60
# The last request's time is written back at most once a minute: rewriting the signed cookie on every
# request cost a tenth of a console page, and a minute is precise enough for an idle limit in minutes.
SEEN_EVERY_SECONDS = 60
bp = Blueprint("auth", __name__)


class _SignedIdTokensOnly(FlaskOAuth2App):
    """The provider's client; authlib takes the accepted ID-token algorithms from the provider's
    discovery document, so an unsigned token (``alg: none``) is struck from that list here."""

    def load_server_metadata(self):
        metadata = super().load_server_metadata()
        algorithms = metadata.get("id_token_signing_alg_values_supported") or []
        metadata["id_token_signing_alg_values_supported"] = [a for a in algorithms if str(a).lower() != "none"]
        return metadata


def init_oauth(app: Flask, settings) -> None:
    """Register the OIDC client on a private authlib registry (the host's own registry is untouched)."""
    oidc = settings["oidc"]
    if not oidc["issuer"]:
        app.extensions["mediator_oauth"] = None
        return
    oauth = OAuth()
    oauth.app = app
    oauth.register(
        "mediator_oidc",
        client_id=oidc["client_id"],
        client_secret=oidc["client_secret"],
        server_metadata_url=oidc["issuer"].rstrip("/") + "/.well-known/openid-configuration",
        client_kwargs={"scope": "openid email profile", "code_challenge_method": "S256", "timeout": 10},
        client_cls=_SignedIdTokensOnly,
    )
    app.extensions["mediator_oauth"] = oauth


def _client():
    oauth = current_app.extensions["mediator_oauth"]
    if oauth is None:
        abort(503, _("Single sign-on is not configured."))
    return oauth.create_client("mediator_oidc")


def load_identity() -> None:
    """``before_request``: the identity of the session, unless it has been idle too long."""
    g._mediator_identity = None  # ``g`` can outlive a request (an app context shared by several)
    data = session.get(SESSION_KEY)
    if not data:
        return
    now = utcnow().timestamp()
    idle = timedelta(minutes=state().settings["session_idle_minutes"]).total_seconds()
    if now - data.get("seen", 0) > idle:
        session.pop(SESSION_KEY, None)
        return
    if now - data.get("seen", 0) >= SEEN_EVERY_SECONDS:
        data["seen"] = now
        session[SESSION_KEY] = data
    g._mediator_identity = Identity(
        sub=data["sub"], name=data["name"], email=data["email"],
        roles=frozenset(Role(r) for r in data["roles"]), departments=frozenset(data["departments"]))


@bp.route("/login")
@public
@rate_limited("login_rate_limit")
def login():
    """Start the authorization-code flow."""
    redirect_uri = external_url("mediator.auth.callback")
    try:
        return _client().authorize_redirect(redirect_uri, nonce=secrets.token_urlsafe(24))
    except RequestException as exc:
        _provider_unreachable(exc)


@bp.route("/auth/callback")
@public
@rate_limited("login_rate_limit")
def callback():
    """Finish the flow: validate the ID token, map roles, rotate the session."""
    client = _client()
    try:
        token = client.authorize_access_token(claims_options=_id_token_rules(client),
                                              leeway=ID_TOKEN_LEEWAY_SECONDS)
    except RequestException as exc:
        _provider_unreachable(exc)
    except (OAuthError, JoseError, ValueError, KeyError) as exc:
        current_app.logger.warning("SSO callback refused: %s", exc)
        abort(401, _("The sign-in could not be verified. Please try again."))
    claims = token.get("userinfo")
    if not claims or not claims.get("sub"):
        current_app.logger.warning("SSO callback refused: the provider returned no ID token")
        abort(401, _("The sign-in could not be verified. Please try again."))
    settings = state().settings
    roles, departments = roles_from_groups(claims.get(settings["oidc"]["groups_claim"], []), settings["roles"])
    name = claims.get("name") or claims.get("preferred_username") or claims["sub"]
    next_url = session.get("mediator_next")
    session.clear()  # rotation: nothing from before the login survives
    session[SESSION_KEY] = {
        "sub": claims["sub"], "name": name, "email": claims.get("email", ""), "roles": sorted(roles),
        "departments": sorted(departments), "seen": utcnow().timestamp(), "id_token": token.get("id_token", ""),
    }
    remember_login(claims["sub"], name, claims.get("email", ""), roles, departments)
    audit.record("login", actor=claims["sub"], roles=roles, detail={"roles": sorted(roles)})
    db.session.commit()
    if next_url and next_url.startswith("/") and not next_url.startswith("//"):
        return redirect(next_url)
    return redirect(_landing(roles))


def _provider_unreachable(exc: Exception):
    current_app.logger.warning("SSO provider unreachable: %s", exc)
    abort(503, _("The sign-in service does not answer. Try again in a few minutes."))


def _id_token_rules(client) -> dict:
    """The ID token must name our provider as issuer and our client among its audiences."""
    issuer = client.load_server_metadata().get("issuer") or state().settings["oidc"]["issuer"]
    return {"iss": {"essential": True, "value": issuer},
            "aud": {"essential": True, "values": [client.client_id]}}


def _landing(roles) -> str:
    if roles & {Role.MEDIATOR, Role.CASE_HANDLER}:
        return url_for("mediator.cases.dashboard")
    if Role.CORRESPONDENT in roles:
        return url_for("mediator.correspondent.requests")
    if Role.EXECUTIVE in roles:
        return url_for("mediator.dashboard.index")
    if Role.ADMIN in roles:
        return url_for("mediator.admin.health")
    return url_for("mediator.public.home")


@bp.route("/logout", methods=["GET", "POST"])
@public
def logout():
    """End the session here and, where the provider offers it, at the provider."""
    data = session.pop(SESSION_KEY, None)
    session.clear()
    home = external_url("mediator.public.home")
    if data:
        audit.record("logout", actor=data["sub"], roles=data["roles"])
        db.session.commit()
        if current_app.extensions["mediator_oauth"] is not None:
            client = _client()
            try:
                metadata = client.load_server_metadata()
            except (OSError, ValueError):
                metadata = {}
            if metadata.get("end_session_endpoint"):
                return client.logout_redirect(post_logout_redirect_uri=home, id_token_hint=data.get("id_token"))
    return redirect(home, code=303)
