"""Migration 0013 on a database that already holds requests: ``intake_items.requester_email`` becomes nullable
without losing a row or a foreign key (SQLite cannot rebuild a table others point at), and goes back."""

from __future__ import annotations

from datetime import datetime

import pytest
import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from mediator_plugin import create_app
from mediator_plugin.core.db import db
from mediator_plugin.core.paths import find_data_path

BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]
AT = datetime(2026, 3, 12, 9)


def _tables(schema: str | None) -> tuple[sa.TableClause, sa.TableClause]:
    """The two tables as the migration finds them, without the models (which are at the newest revision)."""
    items = sa.table("intake_items", *(sa.column(name) for name in (
        "id", "source", "external_id", "subject", "requester_name", "requester_email", "asked_at", "first_seen_at",
        "last_seen_at", "snapshot", "content_sha256", "state", "withdrawn")), schema=schema)
    filings = sa.table("online_filings", *(sa.column(name) for name in (
        "id", "intake_item_id", "reference", "code_sha256", "filed_at")), schema=schema)
    return items, filings


def _item(item_id: int, source: str, email: str | None) -> dict:
    return {"id": item_id, "source": source, "external_id": f"MED-2026-{item_id:05d}", "subject": "Résiliation",
            "requester_name": "Marcel Lefèvre", "requester_email": email, "asked_at": AT, "first_seen_at": AT,
            "last_seen_at": AT, "snapshot": "{}", "content_sha256": str(item_id) * 64, "state": "pending",
            "withdrawn": False}


def _fresh_database(request, tmp_path, backend: str) -> str:
    if backend == "sqlite":
        return f"sqlite:///{tmp_path / 'mediator.db'}"
    url = request.getfixturevalue("postgres_url")
    engine = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(sa.text('DROP DATABASE IF EXISTS "migration_0013"'))
        connection.execute(sa.text('CREATE DATABASE "migration_0013"'))
    engine.dispose()
    return url.rsplit("/", 1)[0] + "/migration_0013"


@pytest.mark.requirement("R-PROC-1")
@pytest.mark.parametrize("backend", BACKENDS)
def test_requester_email_becomes_nullable_on_a_database_in_use(request, tmp_path, backend):
    """At 0012 with an online filing pointing at its request: upgrade keeps both and accepts a request without an
    e-mail address, foreign keys still enforced; downgrade gives that request an empty address."""
    app = create_app({"env": "test", "database_url": _fresh_database(request, tmp_path, backend),
                      "storage_dir": str(tmp_path / "files")})
    migrations = str(find_data_path("migrations"))
    items, filings = _tables("mediation" if backend == "postgresql" else None)
    emails = sa.select(items.c.id, items.c.requester_email).order_by(items.c.id)
    with app.app_context():
        upgrade(directory=migrations, revision="0012")
        with db.engine.begin() as connection:
            connection.execute(sa.insert(items).values(_item(1, "online", "marcel@example.net")))
            connection.execute(sa.insert(filings).values(id=1, intake_item_id=1, reference="MED-2026-00001",
                                                         code_sha256="x", filed_at=AT))
        upgrade(directory=migrations)
        with db.engine.begin() as connection:
            connection.execute(sa.insert(items).values(_item(2, "offline", None)))
            assert [tuple(r) for r in connection.execute(emails)] == [(1, "marcel@example.net"), (2, None)]
            assert connection.execute(sa.select(filings.c.intake_item_id)).scalar() == 1
        with pytest.raises(sa.exc.IntegrityError), db.engine.begin() as connection:
            connection.execute(sa.insert(filings).values(id=2, intake_item_id=99, reference="MED-2026-00099",
                                                         code_sha256="x", filed_at=AT))
        downgrade(directory=migrations, revision="0012")
        with db.engine.begin() as connection:
            assert [tuple(r) for r in connection.execute(emails)] == [(1, "marcel@example.net"), (2, "")]
            with pytest.raises(sa.exc.IntegrityError):
                connection.execute(sa.insert(items).values(_item(3, "offline", None)))
        db.session.remove()
        db.engine.dispose()
