"""Structured logs: one JSON line per request with its request id, and one per run of the jobs."""

from __future__ import annotations

import json
import logging

import pytest
from flask import Flask

from mediator_plugin import MediatorPlugin
from mediator_plugin.core.jobs import run_jobs
from tests.conftest import TEST_DEPARTMENTS, TEST_ROLES

pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


def _lines(capsys, logger: str) -> list[dict]:
    lines = [json.loads(line) for line in capsys.readouterr().err.splitlines() if line.startswith("{")]
    return [line for line in lines if line["logger"] == logger]


def test_each_request_logs_one_json_line_with_the_proxy_request_id(make_app, capsys):
    """Is the proxy's X-Request-Id echoed and logged with method, path (no query), status and duration?"""
    client = make_app().test_client()
    response = client.get("/charte?q=jeanne.dupont@example.org", headers={"X-Request-Id": "edge-7f3a.42"})
    assert response.headers["X-Request-Id"] == "edge-7f3a.42"
    (line,) = _lines(capsys, "mediator.request")
    assert {k: line[k] for k in ("request_id", "method", "path", "status", "user")} == {
        "request_id": "edge-7f3a.42", "method": "GET", "path": "/charte", "status": 200, "user": None}
    assert line["duration_ms"] >= 0 and line["level"] == "INFO" and "jeanne" not in json.dumps(line)


def test_a_strange_request_id_is_replaced_and_unmatched_urls_are_logged(make_app, capsys):
    """A request id that is not a sane token is not trusted: a fresh one is made, also for a 404."""
    response = make_app().test_client().get("/nulle-part", headers={"X-Request-Id": "<script>alert(1)</script>"})
    request_id = response.headers["X-Request-Id"]
    assert response.status_code == 404 and len(request_id) == 32 and request_id.isalnum()
    (line,) = _lines(capsys, "mediator.request")
    assert (line["request_id"], line["status"], line["path"]) == (request_id, 404, "/nulle-part")


def test_a_signed_in_user_is_logged_by_subject_only(make_app, login, capsys):
    """The request line names the user by subject, never by name or e-mail."""
    client = make_app().test_client()
    login(client, "gestionnaire")
    capsys.readouterr()
    assert client.get("/console/").status_code == 200
    (line,) = _lines(capsys, "mediator.request")
    assert line["user"] == "gestionnaire" and "@" not in json.dumps(line)


def test_a_job_run_writes_one_json_line(app, capsys):
    """Does a run of the jobs log its host, duration and what it did, as JSON?"""
    capsys.readouterr()
    run_jobs()
    (line,) = _lines(capsys, "mediator.jobs")
    assert line["message"] == "jobs run" and line["host"] and line["duration_ms"] >= 0
    assert line["outbox"] == {"sent": 0, "retried": 0, "failed": 0} and line["errors"] == []


def test_plain_text_logs_on_request(make_app, capsys):
    """With log_format = "plain" the same fields come as key=value text."""
    make_app(log_format="plain").test_client().get("/charte", headers={"X-Request-Id": "abc"})
    err = capsys.readouterr().err
    assert 'mediator.request: request method="GET" path="/charte" status=200' in err
    assert 'request_id="abc"' in err


def test_a_host_application_keeps_its_logging_but_gets_request_ids(database_url, tmp_path, oidc_issuer):
    """Mounted in a host app, the plugin adds no log handler, yet its responses carry a request id."""
    handlers = list(logging.getLogger().handlers)
    host = Flask("host")
    host.secret_key = "host-secret"
    MediatorPlugin(host, url_prefix="/mediation", settings={
        "env": "test", "database_url": database_url, "storage_dir": str(tmp_path / "files"),
        "oidc": {"issuer": oidc_issuer, "client_id": "mediateur", "client_secret": "x"},
        "roles": TEST_ROLES, "departments": TEST_DEPARTMENTS,
    })
    assert logging.getLogger().handlers == handlers
    response = host.test_client().get("/mediation/charte", headers={"X-Request-Id": "host-1"})
    assert response.headers["X-Request-Id"] == "host-1"
