"""Alembic environment: every table in the schema ``mediation`` (default schema on SQLite)."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import context

from mediator_plugin.core.db import SCHEMA, db


def run_migrations_online() -> None:
    engine = db.engine
    with engine.connect() as connection:
        postgres = connection.dialect.name == "postgresql"
        if postgres:
            connection.execute(sa.text(f"CREATE SCHEMA IF NOT EXISTS {SCHEMA}"))
            connection.commit()
        context.configure(
            connection=connection,
            target_metadata=db.metadata,
            version_table_schema=SCHEMA if postgres else None,
            include_schemas=True,
            include_name=lambda name, type_, _parent: type_ != "schema" or name == SCHEMA,
            render_as_batch=not postgres,
            compare_type=True,
        )
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    raise SystemExit("offline migrations are not supported: run `mediator init` against the database")
run_migrations_online()
