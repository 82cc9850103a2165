"""The PDFs are built inside the application, where Flask-Babel gives their French text."""

from __future__ import annotations

import pytest

from mediator_plugin import create_app


@pytest.fixture(autouse=True)
def french_app_context(tmp_path):
    app = create_app({"env": "test", "database_url": f"sqlite:///{tmp_path}/unused.db",
                      "storage_dir": str(tmp_path / "files")})
    with app.app_context():
        yield app
