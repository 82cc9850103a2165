"""The console session: refreshed at most once a minute, ended after the idle limit."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from freezegun import freeze_time


def test_session_is_rewritten_once_a_minute_and_ends_when_idle(make_app, login):
    """Is the session cookie left alone within a minute, refreshed after, and the session over after 30 idle min?"""
    client = make_app().test_client()
    login(client, "gestionnaire")
    start = datetime.now(UTC)
    with freeze_time(start + timedelta(seconds=10)):
        assert client.get("/console/dossiers").status_code == 200  # the first page adds its CSRF token
    with freeze_time(start + timedelta(seconds=20)):
        quick = client.get("/console/dossiers")
        assert quick.status_code == 200 and "Set-Cookie" not in quick.headers
    with freeze_time(start + timedelta(minutes=29)):
        later = client.get("/console/dossiers")
        assert later.status_code == 200 and "Set-Cookie" in later.headers
    with freeze_time(start + timedelta(minutes=29 + 29)):
        assert client.get("/console/dossiers").status_code == 200  # 29 min after the refresh: still in
    with freeze_time(start + timedelta(minutes=29 + 29 + 31)):
        idle = client.get("/console/dossiers")
        assert idle.status_code == 302 and idle.headers["Location"].endswith("/login")
