"""Creating and upgrading the database schema with Alembic (through Flask-Migrate)."""

from __future__ import annotations

from flask import Flask
from flask_migrate import Migrate, upgrade

from mediator_plugin.core.db import db
from mediator_plugin.core.paths import find_data_path


def init_migrations(app: Flask) -> None:
    """Make ``flask db …`` and :func:`upgrade_schema` use our migrations folder."""
    Migrate(app, db, directory=str(find_data_path("migrations")))


def upgrade_schema() -> None:
    """Bring the schema to the latest revision (idempotent)."""
    upgrade(directory=str(find_data_path("migrations")))
