"""The command line: exit codes 0 / 1 / 2 and messages that say what to do (interfaces.md)."""

from __future__ import annotations

import sqlalchemy as sa

from mediator_plugin.core import audit
from mediator_plugin.core.db import db
from tests.support.audit import tamper
from tests.support.helpdesk import zendesk_with_request


def _run(app, *args):
    return app.test_cli_runner().invoke(args=["mediator", *args])


def test_init_is_idempotent_and_validates_the_charter(app):
    """Does `mediator init` succeed twice in a row and name the charter version?"""
    for _ in range(2):
        result = _run(app, "init")
        assert result.exit_code == 0 and "charter 2026.1" in result.output


def test_audit_verify_exit_codes(app):
    """Does `mediator audit verify` exit 0 on an intact chain and 1 naming the broken entry?"""
    for n in range(3):
        audit.record("read_case", actor="gestionnaire", target=f"MED-2026-0000{n}")
    db.session.commit()
    ok = _run(app, "audit", "verify")
    assert ok.exit_code == 0 and "3 entries" in ok.output
    tamper("UPDATE audit_entries SET target = 'MED-2026-99999' WHERE id = 2")
    broken = _run(app, "audit", "verify")
    assert broken.exit_code == 1 and "broken at entry 2" in broken.output


def test_bad_usage_exits_2(app):
    """Is an unknown edition a usage error (exit 2)?"""
    result = _run(app, "report", "--year", "2025", "--edition", "secret", "--out", "/tmp/x.pdf")
    assert result.exit_code == 2


def test_sync_without_a_helpdesk_says_what_to_set(app):
    """Does `mediator sync` with no helpdesk configured exit 1 naming the setting?"""
    result = _run(app, "sync")
    assert result.exit_code == 1 and "MEDIATOR_ZENDESK_URL" in result.output


def test_refused_credentials_keep_the_checkpoint(make_app):
    """Does a helpdesk refusing our token give exit 1, a clear message and nothing stored?"""
    with zendesk_with_request() as helpdesk:
        app = make_app(zendesk={**helpdesk["settings"], "api_token": "revoked-token"})
        with app.app_context():
            result = _run(app, "sync")
    assert result.exit_code == 1 and "401" in result.output and "checkpoint is kept" in result.output
    with app.app_context():
        from mediator_plugin.intake.models import IntakeItem, SyncCheckpoint

        assert db.session.execute(sa.select(sa.func.count()).select_from(IntakeItem)).scalar() == 0
        assert db.session.get(SyncCheckpoint, "zendesk") is None


def test_seed_command_default_years_and_bad_years(app):
    """Does `mediator seed` create files (default years) and refuse reversed years with exit 2?"""
    result = _run(app, "seed", "--cases", "250")
    assert result.exit_code == 0 and '"cases": 250' in result.output
    assert _run(app, "seed", "--cases", "5", "--years", "2026-2024").exit_code == 2
