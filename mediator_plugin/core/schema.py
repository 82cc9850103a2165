"""Creating and upgrading the database schema with Alembic (through Flask-Migrate)."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Flask
from flask_migrate import Migrate, upgrade

from mediator_plugin.core.db import SCHEMA, db
from mediator_plugin.core.paths import find_data_path

# Alembic's own one-row table, kept out of the models' metadata (Alembic manages it, not us).
_alembic_version = sa.Table("alembic_version", sa.MetaData(schema=SCHEMA), sa.Column("version_num", sa.String(32)))


def init_migrations(app: Flask) -> None:
    """Make ``flask db …`` and :func:`upgrade_schema` use our migrations folder."""
    Migrate(app, db, directory=str(find_data_path("migrations")))


def upgrade_schema() -> None:
    """Bring the schema to the latest revision (idempotent)."""
    upgrade(directory=str(find_data_path("migrations")))


def schema_revision() -> str | None:
    """The Alembic revision the database is at (one row read), or None before the first migration ran."""
    return db.session.execute(sa.select(_alembic_version.c.version_num).limit(1)).scalar()
