"""Rate limits on the plugin's exposed endpoints (Flask-Limiter), counted per client address.

A view asks for a limit by naming the setting that holds its rate::

    @bp.route("/login")
    @public
    @rate_limited("login_rate_limit")
    def login(): ...

:func:`init_limiter` gives the plugin its own :class:`~flask_limiter.Limiter` (kept in
``app.extensions["mediator_limiter"]``) and wraps every view so marked. A host's own limiter, its limits and
its storage are untouched, and the plugin's limiter looks at nothing but the plugin's marked endpoints. Counts live
in ``ratelimit_storage_uri``: with ``memory://`` each worker process counts alone; a shared storage
(``redis://…``, ``memcached://…``) makes a limit global across workers and hosts.

The client address is ``request.remote_addr``: behind reverse proxies, :func:`trust_proxies` makes it the
address the nearest trusted proxy saw (setting ``trusted_proxies``).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Mapping

from flask import Flask, current_app, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from werkzeug.middleware.proxy_fix import ProxyFix

LIMITER_KEY = "mediator_limiter"
_MARK = "_mediator_rate_limit"


def rate_limited(setting: str) -> Callable:
    """Mark a view as limited by the rate in ``setting`` (a key of the settings, e.g. ``"login_rate_limit"``)."""

    def decorate(view):
        setattr(view, _MARK, setting)
        return view

    return decorate


def init_limiter(app: Flask, settings: Mapping) -> Limiter:
    """Create the plugin's limiter on ``app`` and apply it to the marked views (call after the blueprint)."""
    limiter = Limiter(
        key_func=get_remote_address,
        storage_uri=settings["ratelimit_storage_uri"],
        strategy="fixed-window",  # the one strategy every storage (memory, redis, memcached) offers
        key_prefix="mediator",
        swallow_errors=True,  # a shared storage that does not answer must not lock everyone out (logged)
        headers_enabled=False,  # Retry-After is set on the 429 page only (blueprint error handler)
        # A host's RATELIMIT_DEFAULT / RATELIMIT_APPLICATION settings are meant for its own limiter.
        default_limits_exempt_when=lambda: True,
        application_limits_exempt_when=lambda: True,
    )
    limiter.init_app(app)
    limited: set[str] = set()
    for endpoint, view in list(app.view_functions.items()):
        setting = getattr(view, _MARK, None)
        if setting and endpoint.startswith("mediator."):
            app.view_functions[endpoint] = limiter.limit(settings[setting])(view)
            limited.add(endpoint)
    # Every other request, the host's and the console's, skips the limiter's work (a few lookups per request).
    limiter.request_filter(lambda: request.endpoint not in limited)
    app.extensions[LIMITER_KEY] = limiter
    return limiter


def retry_after_seconds() -> int:
    """Seconds until the limit breached by the current request lets the client in again (at least 1)."""
    limit = current_app.extensions[LIMITER_KEY].current_limit
    if limit is None:
        return 60
    # reset_at is rounded up by a second: never announce more than the window itself.
    return max(1, min(limit.limit.get_expiry(), math.ceil(limit.reset_at - time.time())))


def trust_proxies(app: Flask, count: int) -> None:
    """Take the client address and scheme from ``X-Forwarded-For`` / ``-Proto`` set by ``count`` proxies.

    With 0, the headers are ignored: a client could otherwise choose its address (and escape a rate limit).
    A host that already applies :class:`~werkzeug.middleware.proxy_fix.ProxyFix` keeps ``trusted_proxies = 0``.
    """
    if count > 0:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count)


