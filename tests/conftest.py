"""Fixtures with real components: SQLite and PostgreSQL, the OIDC providers over HTTP, SMTP on loopback.

``MEDIATOR_TEST_STRICT=1`` (set by .ci/run) turns a missing PostgreSQL, Chromium or Node.js into a failure.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from types import SimpleNamespace
from urllib.parse import urlsplit

import pytest
import requests
import sqlalchemy as sa

from tests.support.certified_oidc import certified_provider, install, node_problem
from tests.support.identities import GROUPS, user_claims
from tests.support.postgres import empty_tables, postgres_bin, throwaway_postgres
from tests.support.smtp import smtp_server

STRICT = os.environ.get("MEDIATOR_TEST_STRICT") == "1"

TEST_ROLES = {
    "mediator": ["mediation-mediators"],
    "case_handler": ["mediation-handlers"],
    "executive": ["comex"],
    "admin": ["it-admins"],
    "correspondent": {"billing": ["dept-billing"], "contracts": ["dept-contracts"]},
}
# The test app's client at the certified provider: the Flask test client's host is http://localhost.
CERTIFIED_CLIENT = {"client_id": "mediateur", "client_secret": "s3cret",
                    "redirect_uris": ["http://localhost/auth/callback"],
                    "post_logout_redirect_uris": ["http://localhost/"]}
TEST_DEPARTMENTS = {
    "billing": {"label": "Facturation", "email": "facturation@example.com"},
    "contracts": {"label": "Contrats", "email": "contrats@example.com"},
}


def missing(what: str, how: str):
    """Skip with the reason, or fail under MEDIATOR_TEST_STRICT=1."""
    message = f"{what} is not available ({how})"
    if STRICT:
        pytest.fail(message + " and MEDIATOR_TEST_STRICT=1 forbids skipping")
    pytest.skip(message)


@pytest.fixture(scope="session")
def postgres_url():
    if postgres_bin() is None:
        missing("PostgreSQL", "apt-get install postgresql")
    with throwaway_postgres() as url:
        yield url


@pytest.fixture(scope="session")
def oidc_issuer():
    from oidc_provider_mock import User, run_server_in_thread

    users = [User(sub=c["sub"], claims={k: v for k, v in c.items() if k != "sub"}) for c in user_claims()]
    with run_server_in_thread(port=0, user_claims=users) as server:
        yield f"http://localhost:{server.server_port}"


@pytest.fixture(scope="session")
def certified_oidc(tmp_path_factory):
    """The certified OpenID provider (oidc-provider on Node.js, tests/support/certified_oidc.py), one process for
    the session, knowing the client of :data:`CERTIFIED_CLIENT` and the test identities. An app signs in through
    it with ``make_app(oidc=certified_settings(certified_oidc))`` and ``certified_oidc.sign_in(client, sub)``."""
    problem = node_problem()
    if problem:
        missing("Node.js for the certified OpenID provider",
                f"{problem}; Debian 12's nodejs is too old, .ci/run shows a way")
    try:
        install()
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as error:
        missing("The oidc-provider package", f"npm ci failed: {(error.stderr or '')[-500:]}")
    log = tmp_path_factory.mktemp("certified-oidc") / "provider.log"
    with certified_provider([CERTIFIED_CLIENT], user_claims(), log) as provider:
        yield provider


def certified_settings(provider) -> dict:
    """The ``oidc`` settings of an app signing in through the certified ``provider`` as CERTIFIED_CLIENT."""
    return {"issuer": provider.issuer, "client_id": CERTIFIED_CLIENT["client_id"],
            "client_secret": CERTIFIED_CLIENT["client_secret"]}


@pytest.fixture(scope="session")
def smtp():
    with smtp_server() as (url, inbox):
        yield SimpleNamespace(url=url, inbox=inbox)


def _migrate(url: str, storage: str) -> None:
    from mediator_plugin import create_app
    from mediator_plugin.core.db import db
    from mediator_plugin.core.schema import upgrade_schema

    app = create_app({"env": "test", "database_url": url, "storage_dir": storage})
    with app.app_context():
        upgrade_schema()
        db.engine.dispose()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory):
    path = tmp_path_factory.mktemp("template") / "mediator.db"
    _migrate(f"sqlite:///{path}", str(path.parent / "files"))
    return path


@pytest.fixture(scope="session")
def postgres_migrated(postgres_url, tmp_path_factory):
    _migrate(postgres_url, str(tmp_path_factory.mktemp("pgfiles")))
    engine = sa.create_engine(postgres_url)
    with engine.connect() as connection:
        tables = connection.execute(sa.text(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'mediation' AND tablename <> 'alembic_version'"
        )).scalars().all()
    yield SimpleNamespace(url=postgres_url, engine=engine, tables=tables)
    engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path):
    """A freshly migrated, empty database of each backend."""
    if request.param == "sqlite":
        target = tmp_path / "mediator.db"
        shutil.copy(request.getfixturevalue("sqlite_template"), target)
        return f"sqlite:///{target}"
    pg = request.getfixturevalue("postgres_migrated")
    empty_tables(pg.engine, pg.tables)
    return pg.url


@pytest.fixture
def make_app(database_url, tmp_path, oidc_issuer, smtp):
    """Build the standalone app on the test database; extra settings override the defaults."""
    from mediator_plugin import create_app
    from mediator_plugin.core.db import db

    built = []

    def factory(**settings):
        merged = {
            "env": "test", "database_url": database_url, "storage_dir": str(tmp_path / "files"),
            "smtp_url": smtp.url, "base_url": "http://localhost",
            "oidc": {"issuer": oidc_issuer, "client_id": "mediateur", "client_secret": "s3cret"},
            "roles": TEST_ROLES, "departments": TEST_DEPARTMENTS,
        }
        merged.update(settings)
        app = create_app(merged)
        app.config["TESTING"] = True
        built.append(app)
        return app

    yield factory
    for app in built:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


@pytest.fixture
def app(make_app):
    """The app with an application context pushed (for service-level tests)."""
    application = make_app()
    with application.app_context():
        yield application


@pytest.fixture
def people(app):
    """Identities of the demo users, as the SSO would build them."""
    from mediator_plugin import state
    from mediator_plugin.core.permissions import Identity, roles_from_groups

    def identity(sub):
        roles, departments = roles_from_groups(GROUPS[sub], state().settings["roles"])
        return Identity(sub=sub, name=sub.capitalize(), email=f"{sub}@example.com", roles=roles,
                        departments=departments)

    return SimpleNamespace(**{sub.replace("-", "_"): identity(sub) for sub in GROUPS})


def oidc_login(client, sub: str):
    """Log the Flask test client in as ``sub`` through the real OIDC provider."""
    started = client.get("/login")
    assert started.status_code == 302, started.status_code
    provider = requests.Session()
    form = provider.get(started.headers["Location"], timeout=10)
    back = provider.post(form.url, data={"sub": sub}, allow_redirects=False, timeout=10)
    callback = urlsplit(back.headers["Location"])
    finished = client.get(f"{callback.path}?{callback.query}")
    assert finished.status_code == 302, finished.get_data(as_text=True)[:500]
    return finished


@pytest.fixture
def login():
    return oidc_login


@pytest.fixture
def client_for(app):
    """``client_for(sub)``: a test client of ``app`` signed in as ``sub`` through the real OIDC provider, at the
    moment of the call (so that a test freezing time signs in at the frozen moment)."""
    from flask import g

    def signed_in(sub: str):
        g.pop("csrf_token", None)  # each person gets their own token (see tests/public/conftest.py)
        client = app.test_client()
        oidc_login(client, sub)
        return client

    return signed_in


@pytest.fixture(autouse=True)
def _reset_environment():
    """Tests never leak environment variables into each other."""
    saved = dict(os.environ)
    yield
    os.environ.clear()
    os.environ.update(saved)
