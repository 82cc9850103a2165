"""Médiateur: the in-house consumer mediator's files, workflow and annual report, as a Flask plugin.

Mount it in a host application with ``MediatorPlugin(app, url_prefix="/mediation")`` or build the
standalone application with :func:`create_app` (``wsgi.py`` does, for gunicorn).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from flask import Flask, current_app

from mediator_plugin.core.charter import Charter, load_charter
from mediator_plugin.core.config import load_settings

__version__ = "0.1.0"
EXTENSION_KEY = "mediator"


@dataclass
class MediatorState:
    """Per-application state, kept in ``app.extensions["mediator"]``."""

    settings: Mapping
    charter: Charter
    storage_dir: Path
    connectors: dict = field(default_factory=dict)
    menus: dict = field(default_factory=dict)  # core.menu: the console menus built, by permissions and language
    audit_key: bytes | None = None  # core.audit.chain_key, resolved at the first entry


class MediatorPlugin:
    """The Flask extension. Settings come from :func:`~mediator_plugin.core.config.load_settings`;
    a host may pass ``settings`` (same shape as the TOML files) which override every other source.
    """

    def __init__(self, app: Flask | None = None, **options):
        if app is not None:
            self.init_app(app, **options)

    def init_app(self, app: Flask, *, url_prefix: str = "", settings: Mapping | None = None,
                 charter: Charter | None = None) -> None:
        if EXTENSION_KEY in app.extensions:
            raise RuntimeError("MediatorPlugin is already initialised on this application")
        from mediator_plugin.blueprint import build_blueprint, register_converters
        from mediator_plugin.core import db as db_module
        from mediator_plugin.core.i18n import init_babel
        from mediator_plugin.core.oidc import init_oauth
        from mediator_plugin.core.ratelimit import init_limiter, trust_proxies
        from mediator_plugin.core.schema import init_migrations

        loaded = load_settings(settings)
        state = MediatorState(
            settings=loaded,
            charter=charter or load_charter(),
            storage_dir=Path(loaded["storage_dir"]).resolve(),
        )
        app.extensions[EXTENSION_KEY] = state
        app.config.setdefault("SQLALCHEMY_DATABASE_URI", loaded["database_url"])
        app.config.setdefault("SQLALCHEMY_ENGINE_OPTIONS", db_module.engine_options(loaded["database_url"]))
        if app.config.get("MAX_CONTENT_LENGTH") is None:  # Flask's default is None (no limit)
            app.config["MAX_CONTENT_LENGTH"] = loaded["upload_max_bytes"] + 64 * 1024
        if loaded["secret_key"] and not app.secret_key:
            app.secret_key = loaded["secret_key"]
        db_module.db.init_app(app)
        _import_models()
        init_migrations(app)
        init_babel(app)
        init_oauth(app, loaded)
        register_converters(app)
        app.register_blueprint(build_blueprint(), url_prefix=url_prefix or None)
        init_limiter(app, loaded)
        trust_proxies(app, loaded["trusted_proxies"])


def _import_models() -> None:
    # Every model must be known to the metadata before the first query or migration.
    from mediator_plugin.cases import documents
    from mediator_plugin.cases import models as _cases  # noqa: F401
    from mediator_plugin.core import audit as _audit  # noqa: F401
    from mediator_plugin.core import backchannel as _backchannel  # noqa: F401
    from mediator_plugin.core import operations as _operations  # noqa: F401
    from mediator_plugin.core import outbox as _outbox  # noqa: F401
    from mediator_plugin.core import sessions as _sessions  # noqa: F401
    from mediator_plugin.core import staff as _staff  # noqa: F401
    from mediator_plugin.core.db import db
    from mediator_plugin.examples import models as _examples  # noqa: F401
    from mediator_plugin.governance import models as _governance  # noqa: F401
    from mediator_plugin.intake import models as _intake  # noqa: F401
    from mediator_plugin.proposals import models as _proposals  # noqa: F401
    from mediator_plugin.recommendations import models as _recommendations  # noqa: F401
    from mediator_plugin.reports import facts
    from mediator_plugin.reports import snapshots as _snapshots  # noqa: F401
    from mediator_plugin.reports import texts as _texts  # noqa: F401
    from mediator_plugin.retention import models as _retention  # noqa: F401

    # The report's derived columns follow every change of a file, whatever writes it.
    facts.listen(db.session)
    documents.listen(db.session)  # a blob a committed change left unused is deleted


def state() -> MediatorState:
    """The plugin state of the current application."""
    return current_app.extensions[EXTENSION_KEY]


def create_app(settings: Mapping | None = None) -> Flask:
    """The standalone application: the plugin mounted at the root, with the ``mediator`` CLI group."""
    from mediator_plugin.blueprint import guard_unmatched_urls
    from mediator_plugin.cli import mediator_group
    from mediator_plugin.core.logs import configure_logging

    app = Flask(__name__, static_folder=None)
    MediatorPlugin(app, settings=settings)
    configure_logging(state_of(app).settings["log_format"])
    demo_or_test = state_of(app).settings["env"] != "production"
    if not app.secret_key and demo_or_test:
        app.secret_key = "not-secret-demo-and-test-only"  # noqa: S105 - refused in production by load_settings
    app.config["SESSION_COOKIE_SECURE"] = state_of(app).settings["base_url"].startswith("https://")
    app.config["SESSION_COOKIE_HTTPONLY"] = True
    app.config["SESSION_COOKIE_SAMESITE"] = "Lax"
    guard_unmatched_urls(app)
    app.cli.add_command(mediator_group)
    return app


def state_of(app: Flask) -> MediatorState:
    """The plugin state of ``app`` (outside a request)."""
    return app.extensions[EXTENSION_KEY]
