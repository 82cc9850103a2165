"""Serving a WSGI app on loopback from a thread, for tests that go over real HTTP."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from types import MappingProxyType

from werkzeug.serving import make_server

from mediator_plugin import EXTENSION_KEY


@contextlib.contextmanager
def serve(app, host: str = "127.0.0.1") -> Iterator[str]:
    """Yield the base URL of ``app`` served by a threaded werkzeug server.

    The plugin builds its links and its sign-in redirect from ``base_url`` only, never from the request: while
    the plugin's application is served here, its ``base_url`` is the address it is served at, as a deployment
    configures it (the port is known once the server listens)."""
    server = make_server(host, 0, app, threaded=True)
    base = f"http://{host}:{server.server_port}"
    plugin = getattr(app, "extensions", {}).get(EXTENSION_KEY)
    configured = plugin.settings if plugin else None
    if plugin:
        plugin.settings = MappingProxyType({**configured, "base_url": base})
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield base
    finally:
        server.shutdown()
        server.server_close()
        if plugin:
            plugin.settings = configured
