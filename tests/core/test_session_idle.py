"""The console session: its activity written at most once a minute, ended after the idle limit."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from freezegun import freeze_time

from tests.support.console_session import session_rows


@pytest.mark.requirement("R-CONF-1")
def test_activity_is_written_once_a_minute_and_the_session_ends_when_idle(make_app, login):
    """Is the session's last activity left alone within a minute and written after (never the cookie), and is
    the session over, and recorded so, after 30 idle minutes?"""
    app = make_app()
    client = app.test_client()
    start = datetime.now(UTC)
    with freeze_time(start):
        login(client, "gestionnaire")
    with freeze_time(start + timedelta(seconds=10)):
        assert client.get("/console/dossiers").status_code == 200  # the first page adds its CSRF token
    with freeze_time(start + timedelta(seconds=20)):
        quick = client.get("/console/dossiers")
        assert quick.status_code == 200 and "Set-Cookie" not in quick.headers
    assert session_rows(app)[0].last_seen_at == start  # not written within the minute
    with freeze_time(start + timedelta(minutes=29)):
        later = client.get("/console/dossiers")
        assert later.status_code == 200 and "Set-Cookie" not in later.headers  # the id stays, the row moves
    assert session_rows(app)[0].last_seen_at == start + timedelta(minutes=29)
    with freeze_time(start + timedelta(minutes=29 + 29)):
        assert client.get("/console/dossiers").status_code == 200  # 29 min after the last activity: still in
    with freeze_time(start + timedelta(minutes=29 + 29 + 31)):
        idle = client.get("/console/dossiers")
        assert idle.status_code == 302 and idle.headers["Location"].endswith("/login")
    row = session_rows(app)[0]
    assert row.end_reason == "idle" and row.ended_at == start + timedelta(minutes=29 + 29 + 31)
