"""The identity provider's client (authlib), shared by the sign-in, the sign-out and the back-channel logout.

authlib checks the state, the ID token's signature (provider JWKS), expiry and nonce. It checks the issuer and
the audience only when told to (:func:`id_token_rules`), and accepts whatever algorithm the provider's discovery
lists, ``none`` included, unless :class:`_SignedTokensOnly` strikes it out.
"""

from __future__ import annotations

from authlib.integrations.flask_client import FlaskOAuth2App, OAuth
from flask import Flask, abort, current_app
from flask_babel import gettext as _

from mediator_plugin import state


class _SignedTokensOnly(FlaskOAuth2App):
    """The provider's client; authlib takes the accepted ID-token algorithms from the provider's discovery
    document, so an unsigned token (``alg: none``) is struck from that list here (logout tokens use it too)."""

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
        client_cls=_SignedTokensOnly,
    )
    app.extensions["mediator_oauth"] = oauth


def configured() -> bool:
    return current_app.extensions["mediator_oauth"] is not None


def client():
    """The provider's client; 503 when single sign-on is not configured."""
    oauth = current_app.extensions["mediator_oauth"]
    if oauth is None:
        abort(503, _("Single sign-on is not configured."))
    return oauth.create_client("mediator_oidc")


def provider_unreachable(exc: Exception):
    current_app.logger.warning("SSO provider unreachable: %s", exc)
    abort(503, _("The sign-in service does not answer. Try again in a few minutes."))


def issuer(provider) -> str:
    """Our provider's issuer, as its discovery document names it (else as the settings do)."""
    return provider.load_server_metadata().get("issuer") or state().settings["oidc"]["issuer"]


def id_token_rules(provider) -> dict:
    """The ID token must name our provider as issuer and our client among its audiences."""
    return {"iss": {"essential": True, "value": issuer(provider)},
            "aud": {"essential": True, "values": [provider.client_id]}}


def person_claims(provider, token: dict, groups_claim: str) -> dict:
    """The person's claims: the verified ID token's, completed from the userinfo endpoint when it lacks the
    name, the e-mail or the groups (many providers, oidc-provider's defaults among them, put only ``sub`` in
    the ID token). The ID token's own claims win, and userinfo is ignored unless it names the same ``sub``
    (OpenID Connect Core 5.3.2: else it may be another person's answer)."""
    claims = dict(token["userinfo"])
    wanted = ("email", groups_claim) if claims.get("name") or claims.get("preferred_username") \
        else ("name", "email", groups_claim)
    if all(key in claims for key in wanted) or not provider.load_server_metadata().get("userinfo_endpoint"):
        return claims
    extra = provider.userinfo(token=token)
    if extra.get("sub") != claims["sub"]:
        current_app.logger.warning("SSO userinfo ignored: it names another subject than the ID token")
        return claims
    return {**extra, **claims}
