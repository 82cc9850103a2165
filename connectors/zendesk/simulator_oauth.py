"""OAuth for the simulated Zendesk account: ``POST /oauth/tokens`` with the client-credentials and
refresh-token grants (helpdesk-apis.md §1.1), expiring access tokens and rotating refresh tokens.

As documented, the body is JSON; a refresh returns a new access token and a new refresh token and
invalidates the previous pair. Errors use the OAuth 2.0 shapes (``invalid_client`` is a 401,
``invalid_grant`` a 400).
"""

from __future__ import annotations

import secrets
from collections.abc import Callable

from werkzeug.wrappers import Request, Response

from connectors.zendesk.simulator_state import ApiError, json_response

# The simulator's public demo OAuth client (interfaces.md `mediator simulate`), not a secret.
DEMO_OAUTH_CLIENT_ID = "mediateur_integration"
DEMO_OAUTH_CLIENT_SECRET = "demo-oauth-secret"  # noqa: S105
ACCESS_LIFETIME = 1800  # 30 min, the default of expiring tokens (§1.1)
REFRESH_LIFETIME = 30 * 86_400
_INVALID_CLIENT = {
    "error": "invalid_client",
    "error_description": "Client authentication failed due to unknown client, no client authentication "
    "included, or unsupported authentication method.",
}
_INVALID_GRANT = {
    "error": "invalid_grant",
    "error_description": "The provided authorization grant is invalid, expired, revoked, does not match the "
    "redirection URI used in the authorization request, or was issued to another client.",
}


def _oauth_error(status: int, error: str, description: str) -> ApiError:
    return ApiError(status, {"error": error, "error_description": description})


class OAuthServer:
    """Access and refresh tokens of the account's admin, issued to its registered OAuth clients."""

    def __init__(
        self,
        clock: Callable[[], float],
        admin_id: int,
        clients: dict[str, str],
        static_token: str | None = None,
        access_lifetime: int = ACCESS_LIFETIME,
    ):
        self.clock, self.admin_id, self.clients = clock, admin_id, clients
        self.access_lifetime = access_lifetime
        # token → (user id, expiry or None for a non-expiring token)
        self._access: dict[str, tuple[int, float | None]] = {}
        if static_token:
            self._access[static_token] = (admin_id, None)
        self._refresh: dict[str, tuple[int, float, str, str]] = {}  # → (user, expiry, client, access token)
        self.grants: list[str] = []  # grant types served, in order (tests read it)
        self.issued: list[str] = []  # every token handed out (tests check that none is logged)

    def user_of(self, token: str) -> int | None:
        """The user a bearer token authenticates, or None when it is unknown, revoked or expired."""
        uid, expires_at = self._access.get(token, (None, None))
        if uid is None or (expires_at is not None and self.clock() >= expires_at):
            return None
        return uid

    def expire_access_tokens(self) -> None:
        """Let every expiring access token lapse now, as if the client had slept past its lifetime."""
        now = self.clock()
        self._access = {t: (u, e if e is None else min(e, now)) for t, (u, e) in self._access.items()}

    def token_endpoint(self, request: Request) -> Response:
        """POST /oauth/tokens (JSON): ``client_credentials`` or ``refresh_token``."""
        data = request.get_json(silent=True)
        if not isinstance(data, dict):
            raise _oauth_error(400, "invalid_request", "The request body must be a JSON object.")
        client = data.get("client_id")
        if client not in self.clients or not secrets.compare_digest(
            str(data.get("client_secret", "")), self.clients[client]
        ):
            raise ApiError(401, _INVALID_CLIENT)
        grant = data.get("grant_type")
        if grant == "client_credentials":
            uid = self.admin_id
        elif grant == "refresh_token":
            uid, expires_at, owner, access = self._refresh.get(str(data.get("refresh_token")), (None, 0, "", ""))
            if uid is None or owner != client or self.clock() >= expires_at:
                raise ApiError(400, _INVALID_GRANT)
            # Rotation: the refresh token and the access token it came with are both invalidated.
            del self._refresh[data["refresh_token"]]
            self._access.pop(access, None)
        else:
            raise _oauth_error(400, "unsupported_grant_type", "The authorization grant type is not supported.")
        self.grants.append(grant)
        return json_response(200, self._issue(uid, client, data.get("scope") or "read write"))

    def _issue(self, uid: int, client: str, scope: str) -> dict:
        now = self.clock()
        access, refresh = secrets.token_hex(32), secrets.token_hex(32)
        self.issued += [access, refresh]
        self._access[access] = (uid, now + self.access_lifetime)
        self._refresh[refresh] = (uid, now + REFRESH_LIFETIME, client, access)
        return {
            "access_token": access,
            "token_type": "bearer",
            "scope": scope,
            "expires_in": self.access_lifetime,
            "refresh_token": refresh,
            "refresh_token_expires_in": REFRESH_LIFETIME,
        }
