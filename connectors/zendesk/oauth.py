"""Zendesk OAuth bearer tokens: the client-credentials grant and the refresh-token grant at
``POST /oauth/tokens`` (helpdesk-apis.md §1.1, §4.5), renewed before they lapse.

Tokens and the client secret never reach a log line or an error message: the token answers are read
here and nowhere else, and :mod:`connectors.http` masks token fields in the bodies it quotes.
"""

from __future__ import annotations

import logging

import requests

from connectors.base import HelpdeskAuthError, HelpdeskProtocolError, HelpdeskRejected
from connectors.http import HttpClient

log = logging.getLogger(__name__)

TOKEN_PATH = "/oauth/tokens"  # noqa: S105 (a path, not a secret)
# Renew this long before the announced expiry, so that no call leaves with a token about to lapse.
RENEW_EARLY = 60.0


class ZendeskOAuth(requests.auth.AuthBase):
    """The bearer token of one Zendesk account, as a requests auth object that also renews it.

    Start from a token the caller holds (``access_token``, with ``refresh_token`` when it has one)
    or from nothing: the first call then asks for one with the client-credentials grant. Renewal
    uses the refresh token when there is one (Zendesk rotates it: each answer brings the next one),
    otherwise the client credentials again; both need ``client_id`` and ``client_secret``.
    """

    def __init__(
        self,
        http: HttpClient,
        *,
        client_id: str | None = None,
        client_secret: str | None = None,
        access_token: str | None = None,
        refresh_token: str | None = None,
        scope: str = "read write",
    ):
        if not access_token and not (client_id and client_secret):
            raise ValueError("an OAuth token, or an OAuth client id and secret to obtain one, is required")
        if refresh_token and not (client_id and client_secret):
            raise ValueError("refreshing a token needs the OAuth client id and secret")
        # The token endpoint takes the client's secret, never a bearer token: a client of its own,
        # on the same connection pool, clock and timeouts, not paced against the API's budget.
        self._tokens = HttpClient(
            http.base_url, session=http.session, sleep=http.sleep, clock=http.clock,
            timeout=http.timeout, max_attempts=http.max_attempts,
        )
        self._clock = http.clock
        self.client_id, self._secret, self.scope = client_id, client_secret, scope
        self._access, self._refresh = access_token, refresh_token
        self.expires_at: float | None = None  # unknown for a token given by the caller

    @property
    def renewable(self) -> bool:
        """Whether a new token can be asked for (the client id and secret are known)."""
        return bool(self.client_id and self._secret)

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        request.headers["Authorization"] = f"Bearer {self._access}"
        return request

    def ensure_fresh(self) -> bool:
        """Obtain or renew the token when there is none or it lapses within a minute; True if it did."""
        if self._access and (self.expires_at is None or self._clock() < self.expires_at - RENEW_EARLY):
            return False
        self.renew()
        return True

    def renew(self) -> None:
        """A new access token: by the refresh token if there is one, else by the client credentials.

        Raises :class:`HelpdeskAuthError` when Zendesk refuses the client (a wrong secret), at once.
        """
        if not self.renewable:
            raise HelpdeskAuthError("the OAuth access token was refused and no OAuth client is configured to renew it",
                                    status=401)
        if self._refresh:
            try:
                self._grant("refresh_token", refresh_token=self._refresh)
                return
            except HelpdeskRejected:
                # invalid_grant: expired, or rotated by a refresh whose answer we never received.
                log.info("Zendesk refused the refresh token; asking for a token with the client credentials")
                self._refresh = None
        self._grant("client_credentials")

    def _grant(self, grant_type: str, **fields: str) -> None:
        body = {"grant_type": grant_type, "client_id": self.client_id, "client_secret": self._secret,
                "scope": self.scope, **fields}
        _, _, answer = self._tokens.request("POST", TOKEN_PATH, json=body)
        if not isinstance(answer, dict) or not isinstance(answer.get("access_token"), str):
            raise HelpdeskProtocolError(f"{TOKEN_PATH} answered without an access_token", status=200)
        self._access = answer["access_token"]
        if grant_type == "refresh_token" or answer.get("refresh_token"):
            self._refresh = answer.get("refresh_token")  # the old one was invalidated by the rotation
        expires_in = answer.get("expires_in")
        self.expires_at = self._clock() + float(expires_in) if isinstance(expires_in, int | float) else None
        log.info("obtained a Zendesk OAuth access token (%s grant, expires in %ss)", grant_type, expires_in)
