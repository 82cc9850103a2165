"""The database restarted under the application: clean 503s while it is down, then service again."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from tests.api.conftest import API, error_of


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_requests_fail_cleanly_while_the_database_is_down_and_recover(make_app, own_postgres, login):
    """While PostgreSQL is stopped, is every request a French 503 with Retry-After (HTML or JSON, never a
    500) — the readiness check too, while the liveness check stays 200 —, and once it is back, does the very
    next request succeed without restarting the application?"""
    app = make_app(database_url=own_postgres.url())
    visitor, mediator = app.test_client(), app.test_client()
    login(mediator, "mediatrice")
    assert visitor.get("/rapports").status_code == 200
    assert mediator.get(f"{API}/files").status_code == 200  # the pool now holds live connections

    own_postgres.pg_ctl("-m", "fast", "stop")
    try:
        page = visitor.get("/rapports")
        assert page.status_code == 503 and page.headers["Retry-After"] == "5"
        assert "Le service est momentanément indisponible" in page.get_data(as_text=True)
        answer = mediator.get(f"{API}/files")
        assert answer.status_code == 503 and answer.headers["Retry-After"] == "5"
        assert error_of(answer)["code"] == "unavailable"
        assert visitor.get("/healthz").json["database"] == "unreachable"
        assert visitor.get("/healthz").status_code == 503  # not ready: taken out of the load balancer
        assert visitor.get("/healthz/live").status_code == 200  # alive: not restarted
    finally:
        own_postgres.pg_ctl("start")

    assert visitor.get("/rapports").status_code == 200
    assert mediator.get(f"{API}/files").status_code == 200
    assert visitor.get("/healthz").json["database"] == "ok"


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_a_broken_query_is_a_bug_not_an_outage(app, login):
    """Is an SQLite error that names a missing table (a bug, not an outage) still raised as the error it is,
    rather than hidden behind the 503 meant for an unreachable database?"""
    from mediator_plugin.core.db import db

    client = app.test_client()
    login(client, "gestionnaire")
    with app.app_context():
        db.session.execute(sa.text("ALTER TABLE cases RENAME TO cases_elsewhere"))
        db.session.commit()
    with pytest.raises(sa.exc.OperationalError, match="no such table"):
        client.get("/console/dossiers")  # testing mode lets the 500's exception through
