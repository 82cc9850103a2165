"""The application's own PostgreSQL role, under the grants the README gives ("Database grants"), owns nothing
it could drop: it appends to the audit log and reads it, and nothing else it tries on the log is allowed
(issue 15, finding 2)."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from mediator_plugin.core import audit
from mediator_plugin.core.audit_verify import verify_chain
from mediator_plugin.core.db import db
from mediator_plugin.core.paths import PROJECT_ROOT

APP_ROLE = "mediator_app_test"


def readme_grants() -> str:
    """The grants of the README, for this test's roles: the migrations' owner here is ``postgres``."""
    readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"```sql\n(GRANT USAGE ON SCHEMA mediation.*?)```", readme, re.S).group(1)
    return block.replace("mediator_owner", "postgres").replace("mediator_app", APP_ROLE)


@pytest.fixture
def app_role_url(database_url):
    """The test database's URL for a role holding the README's grants, dropped afterwards."""
    owner = sa.create_engine(database_url)
    with owner.begin() as connection:
        connection.execute(sa.text(f"CREATE ROLE {APP_ROLE} LOGIN"))
        connection.execute(sa.text(readme_grants()))
    yield sa.make_url(database_url).set(username=APP_ROLE).render_as_string(hide_password=False)
    with owner.begin() as connection:
        connection.execute(sa.text(f"DROP OWNED BY {APP_ROLE}"))
        connection.execute(sa.text(f"DROP ROLE {APP_ROLE}"))
    owner.dispose()


@pytest.mark.requirement("R-CONF-1")
@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
@pytest.mark.parametrize("statement", [
    "TRUNCATE mediation.audit_entries",
    "DELETE FROM mediation.audit_entries",
    "UPDATE mediation.audit_entries SET actor = 'intrus'",
    "DROP TABLE mediation.audit_entries",
    "ALTER TABLE mediation.audit_entries DISABLE TRIGGER USER",
])
def test_the_application_role_appends_to_the_log_and_can_do_nothing_else_to_it(make_app, app_role_url, statement):
    """Running as the application's role, does the app write and verify its audit entries, while TRUNCATE,
    DELETE, UPDATE, DROP TABLE and switching the triggers off are each refused to it by PostgreSQL itself?"""
    app = make_app(database_url=app_role_url)
    with app.app_context():
        assert db.session.execute(sa.text("SELECT current_user")).scalar() == APP_ROLE
        for n in range(3):
            audit.record("read_case", actor="gestionnaire", target=f"MED-2026-0000{n}")
        db.session.commit()
        with pytest.raises(sa.exc.ProgrammingError, match=r"permission denied|must be owner"), \
                db.engine.begin() as connection:
            connection.execute(sa.text(statement))
        report = verify_chain()
        assert report.broken_at is None and report.checked == 3
        db.session.remove()
        db.engine.dispose()
