"""A PostgreSQL cluster of the test's own, migrated, that a test may stop, restart, dump and restore."""

from __future__ import annotations

import pytest

from tests.conftest import _migrate, missing
from tests.support.postgres import postgres_bin, postgres_cluster


@pytest.fixture
def own_postgres(tmp_path):
    """A migrated cluster no other test uses (``Cluster``: url(), pg_ctl(), tool())."""
    if postgres_bin() is None:
        missing("PostgreSQL", "apt-get install postgresql")
    with postgres_cluster() as cluster:
        _migrate(cluster.url(), str(tmp_path / "files"))
        yield cluster
