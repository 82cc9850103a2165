"""SSO with OpenID Connect (authorization code + PKCE, state, nonce) and the console session.

The callback refuses a sign-in without an ID token, maps the groups claim to roles (settings ``[roles]``) and
opens a server-side session (:mod:`~mediator_plugin.core.sessions`) whose random id is all the cookie carries,
under the plugin's key of Flask's signed session. Each request reads that session once; it gives no identity
once ended, idle for ``session_idle_minutes`` (to the minute: its last activity is written once a minute) or
older than ``session_lifetime_hours``, after which a new sign-in reads the groups again. Sign-out is a POST.
``/login`` and ``/auth/callback`` are rate-limited per client address (``login_rate_limit``).
"""

from __future__ import annotations

import secrets
from datetime import timedelta

from authlib.integrations.base_client import OAuthError
from flask import Blueprint, abort, current_app, g, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from joserfc.errors import JoseError
from requests import RequestException

from mediator_plugin import state
from mediator_plugin.core import audit, backchannel, oidc, sessions
from mediator_plugin.core.db import autocommit_reads, db, reads_in_autocommit_requested, utcnow
from mediator_plugin.core.permissions import Identity, Role, current_identity, public, roles_from_groups
from mediator_plugin.core.ratelimit import rate_limited
from mediator_plugin.core.staff import remember_login
from mediator_plugin.core.urls import external_url

SESSION_KEY = "mediator_session"
# Clock difference tolerated between the provider and us on the ID token's exp and iat (authlib: 120 s).
ID_TOKEN_LEEWAY_SECONDS = 60
# A session's last activity is written at most once a minute: a write on every request would cost more than
# the lookup, and a minute is precise enough for an idle limit in minutes.
SEEN_EVERY = timedelta(seconds=60)
bp = Blueprint("auth", __name__)
bp.add_url_rule("/auth/backchannel-logout", "backchannel_logout", backchannel.receive, methods=["POST"])


def load_identity() -> None:
    """``before_request``: the identity of the session the cookie names, while that session is alive."""
    g._mediator_identity = g._mediator_session_id = None  # ``g`` can outlive a request (a shared app context)
    token = session.get(SESSION_KEY)
    if not token or request.endpoint == "mediator.static":
        return
    if reads_in_autocommit_requested(current_app.view_functions.get(request.endpoint)):
        autocommit_reads()  # the lookup shares the page's connection and transaction mode
    row = sessions.find(token)
    now = utcnow()
    settings = state().settings
    over = row is None or row.ended_at is not None
    reason = None if over else sessions.lapse(row, now, timedelta(minutes=settings["session_idle_minutes"]))
    if over or reason:
        session.pop(SESSION_KEY, None)
        if reason:
            db.session.commit()  # out of the lookup's transaction: the end and its audit entry are one
            sessions.expire(row, reason, now)
            db.session.commit()
        return
    if now - row.last_seen_at >= SEEN_EVERY:
        db.session.commit()
        sessions.touch(row.id, now)
        db.session.commit()
    g._mediator_session_id = row.id
    g._mediator_identity = Identity(
        sub=row.sub, name=row.name, email=row.email, roles=frozenset(Role(r) for r in row.roles),
        departments=frozenset(row.departments))


@bp.route("/login")
@public
@rate_limited("login_rate_limit")
def login():
    """Start the authorization-code flow."""
    redirect_uri = external_url("mediator.auth.callback")
    try:
        return oidc.client().authorize_redirect(redirect_uri, nonce=secrets.token_urlsafe(24))
    except RequestException as exc:
        oidc.provider_unreachable(exc)


@bp.route("/auth/callback")
@public
@rate_limited("login_rate_limit")
def callback():
    """Finish the flow: validate the ID token, map roles, open a new session (rotation)."""
    client = oidc.client()
    try:
        token = client.authorize_access_token(claims_options=oidc.id_token_rules(client),
                                              leeway=ID_TOKEN_LEEWAY_SECONDS)
    except RequestException as exc:
        oidc.provider_unreachable(exc)
    except (OAuthError, JoseError, ValueError, KeyError) as exc:
        current_app.logger.warning("SSO callback refused: %s", exc)
        abort(401, _("The sign-in could not be verified. Please try again."))
    if not token.get("userinfo") or not token["userinfo"].get("sub"):
        current_app.logger.warning("SSO callback refused: the provider returned no ID token")
        abort(401, _("The sign-in could not be verified. Please try again."))
    settings = state().settings
    try:
        claims = oidc.person_claims(client, token, settings["oidc"]["groups_claim"])
    except (RequestException, OAuthError, ValueError) as exc:
        oidc.provider_unreachable(exc)
    roles, departments = roles_from_groups(claims.get(settings["oidc"]["groups_claim"], []), settings["roles"])
    name = claims.get("name") or claims.get("preferred_username") or claims["sub"]
    next_url, previous = session.get("mediator_next"), session.get(SESSION_KEY)
    session.clear()  # rotation: nothing from before the login survives
    now = utcnow()
    replaced = sessions.end_by_token(previous, sessions.EndReason.REPLACED, now) if previous else None
    session_id, session_token = sessions.open_session(
        sub=claims["sub"], name=name, email=claims.get("email", ""), roles=roles, departments=departments,
        provider_sid=claims.get("sid"), id_token=token.get("id_token", ""), now=now,
        lifetime=timedelta(hours=settings["session_lifetime_hours"]))
    remember_login(claims["sub"], name, claims.get("email", ""), roles, departments)
    audit.record("login", actor=claims["sub"], roles=roles, target=f"session:{session_id}",
                 detail={"roles": sorted(roles), **({"replaced_session": replaced} if replaced else {})})
    db.session.commit()
    session[SESSION_KEY] = session_token
    if next_url and next_url.startswith("/") and not next_url.startswith("//"):
        return redirect(next_url)
    return redirect(_landing(roles))


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
    """GET: a page with the sign-out button (a link or a prefetch must not sign anyone out). POST: end the
    server-side session first, then the cookie, then, where the provider offers it, the provider's session."""
    identity, session_id = current_identity(), g.get("_mediator_session_id")
    if request.method == "GET":
        return render_template("mediator/logout.html", signed_in=identity is not None)
    home = external_url("mediator.public.home")
    id_token = sessions.end(session_id, sessions.EndReason.SIGNED_OUT, utcnow()) if session_id else None
    if id_token is not None:
        audit.record("logout", actor=identity.sub, roles=identity.roles, target=f"session:{session_id}")
    db.session.commit()
    session.clear()
    if id_token is not None and oidc.configured():
        client = oidc.client()
        try:
            metadata = client.load_server_metadata()
        except (OSError, ValueError):
            metadata = {}
        if metadata.get("end_session_endpoint"):
            return client.logout_redirect(post_logout_redirect_uri=home, id_token_hint=id_token or None)
    return redirect(home, code=303)
