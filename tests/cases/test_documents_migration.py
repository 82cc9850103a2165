"""Migration 0012 on each database: what a correspondent could read before the share log stays readable."""

from __future__ import annotations

import uuid
from datetime import datetime

import pytest
import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from mediator_plugin.core.db import db
from mediator_plugin.core.paths import find_data_path

T = [datetime(2026, 3, day, 9) for day in range(2, 12)]  # stored naive in UTC, as UTCDateTime does


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_database(request, tmp_path):
    """A database with no schema at all, of each backend."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path}/empty.db"
        return
    server = request.getfixturevalue("postgres_url")
    name = f"migration_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f"CREATE DATABASE {name}"))
    yield server.rsplit("/", 1)[0] + "/" + name
    with admin.connect() as connection:
        connection.execute(sa.text(f"DROP DATABASE {name}"))
    admin.dispose()


def _table(name: str, schema: str | None, *columns: str, **typed) -> sa.TableClause:
    """The columns of ``name`` a step reads or writes, as they are at that revision."""
    return sa.table(name, sa.column("id", sa.Integer), *(sa.column(c) for c in columns),
                    *(sa.column(c, t) for c, t in typed.items()), schema=schema)


def _insert(table: str, schema: str | None, **values) -> int:
    target = _table(table, schema, *values)
    return db.session.execute(sa.insert(target).values(**values).returning(target.c.id)).scalar()


def _file_at_0010(schema: str | None) -> dict[str, int]:
    """A file whose documents were marked shared with the company before 0012, with requests to two departments."""
    case = _insert("cases", schema, reference="MED-2026-00001", state="AWAITING_COMPANY", charter_version="1",
                   charter_sha256="0" * 64, channel="online", subject="Double prélèvement", department="billing",
                   cross_border=False, party_type="consumer", court_case_declared=False, received_at=T[0],
                   created_at=T[0], version=1)
    request = dict(case_id=case, question="Vos observations ?", sent_by="Lisa", due_on=T[9].date(), reminders_sent=0)
    _insert("observation_requests", schema, department="billing", sent_at=T[2], answered_at=T[4], **request)
    _insert("observation_requests", schema, department="contracts", sent_at=T[6], **request)

    def document(name: str, kind: str, at: datetime, shared: bool) -> int:
        return _insert("documents", schema, case_id=case, kind=kind, filename=name, content_type="text/plain", size=1,
                       sha256=name.ljust(64, "0")[:64], uploaded_by="Lisa", uploaded_at=at, shared_with_company=shared)

    ids = {"upload": document("facture", "upload", T[1], True), "kept": document("sante", "upload", T[1], False),
           "observations": document("avoir", "observations", T[5], True),
           "evidence": document("virement", "evidence", T[8], True)}
    db.session.commit()
    return ids


@pytest.mark.requirement("R-PROC-3")
def test_documents_marked_shared_before_0012_stay_readable_by_the_same_departments(empty_database, tmp_path):
    """Does 0012 give each document once marked shared to every department with a request on its file (from that
    request, its own department aside), attribute a department's answer documents and evidence to it, drop the
    flag, and does the way down restore it?"""
    from mediator_plugin import create_app

    app = create_app({"env": "test", "database_url": empty_database, "storage_dir": str(tmp_path / "files")})
    directory = str(find_data_path("migrations"))
    with app.app_context():
        schema = "mediation" if db.engine.dialect.name == "postgresql" else None
        upgrade(directory=directory, revision="0010")
        ids = _file_at_0010(schema)
        upgrade(directory=directory, revision="0012")

        shares = _table("document_shares", schema, "document_id", "recipient", "department", "requested_by",
                        "shared_by", shared_at=sa.DateTime)
        rows = db.session.execute(sa.select(shares.c.document_id, shares.c.recipient, shares.c.department,
                                            shares.c.requested_by, shares.c.shared_at, shares.c.shared_by)
                                  .order_by(shares.c.document_id, shares.c.department)).all()
        assert [tuple(row) for row in rows] == [
            (ids["upload"], "company", "billing", "mediator", T[2], "Lisa"),
            (ids["upload"], "company", "contracts", "mediator", T[6], "Lisa"),
            (ids["observations"], "company", "contracts", "mediator", T[6], "Lisa"),
            (ids["evidence"], "company", "contracts", "mediator", T[8], "Lisa")]
        documents = _table("documents", schema, "department", "shared_with_company")
        departments = dict(db.session.execute(sa.select(documents.c.id, documents.c.department)).all())
        assert departments == {ids["upload"]: None, ids["kept"]: None, ids["observations"]: "billing",
                               ids["evidence"]: "billing"}
        columns = {c["name"] for c in sa.inspect(db.engine).get_columns("documents", schema=schema)}
        assert "shared_with_company" not in columns and {"withheld_reason", "redacted_at"} <= columns
        db.session.commit()

        downgrade(directory=directory, revision="0010")
        flags = dict(db.session.execute(sa.select(documents.c.id, documents.c.shared_with_company)).all())
        assert {k: bool(v) for k, v in flags.items()} == {ids["upload"]: True, ids["kept"]: False,
                                                          ids["observations"]: True, ids["evidence"]: True}
        db.session.remove()
        db.engine.dispose()
