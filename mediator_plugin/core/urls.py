"""Addresses: every absolute URL the plugin writes comes from ``base_url``, never from the request.

``base_url`` is where the application is reached from outside: scheme, host, port and, where a reverse
proxy serves it under a path (the WSGI script root), that path. The plugin's own ``url_prefix`` comes from
the URL map, so a link reads the same in a page, a mail sent by ``mediator jobs`` and a letter.

A request whose ``Host`` names another host is refused on the plugin's pages (400): a forged header can then
neither reach a page nor steer a link (issue 15). The hosts accepted are ``base_url``'s, those of
``allowed_hosts`` (a leading dot accepts the subdomains) and, when ``base_url`` is on this machine, the
loopback names. The health checks answer whatever the host: probes call them by address and they tell
nothing.
"""

from __future__ import annotations

from functools import lru_cache
from urllib.parse import urlsplit

from flask import abort, current_app, request
from werkzeug.sansio.utils import host_is_trusted

from mediator_plugin import state
from mediator_plugin.core.i18n import gettext as _

LOOPBACK_NAMES = ("localhost", "127.0.0.1")
ANY_HOST_ENDPOINTS = frozenset({"mediator.public.healthz", "mediator.public.liveness", "mediator.static"})


def external_url(endpoint: str, **values) -> str:
    """The absolute URL of ``endpoint`` under ``base_url``, inside or outside a request (mails, jobs, letters)."""
    path = current_app.url_map.bind("localhost").build(endpoint, values)
    return state().settings["base_url"].rstrip("/") + path


@lru_cache(maxsize=8)
def trusted_hosts(base_url: str, allowed_hosts: tuple[str, ...]) -> tuple[str, ...]:
    """The host names a request may name: ``base_url``'s, the allowed ones, the loopback names for a local one
    (``allowed_hosts`` as the settings hold it, a tuple)."""
    host = urlsplit(base_url).hostname or ""
    names = [host, *allowed_hosts]
    if host in LOOPBACK_NAMES:
        names.extend(LOOPBACK_NAMES)
    return tuple(dict.fromkeys(names))  # werkzeug compares the names without their port


def refuse_other_hosts() -> None:
    """``before_request`` of the plugin's pages: 400 when ``Host`` names a host ``base_url`` does not."""
    if request.endpoint in ANY_HOST_ENDPOINTS:
        return
    settings = state().settings
    if not host_is_trusted(request.host, trusted_hosts(settings["base_url"], settings["allowed_hosts"])):
        current_app.logger.warning("request refused: Host %r is not the service's address", request.host[:100])
        abort(400, _("This address is not the mediation service's address. Use the link you were given."))
