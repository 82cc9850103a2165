"""The pages that show files' subjects without being one file's page — the file list, its searches, the
dashboard — are audited with their query (issue 15, low finding), and the access log says each action and role
in French, never as its code."""

from __future__ import annotations

import ast
import threading
from html import unescape
from pathlib import Path

import pytest
import sqlalchemy as sa

import mediator_plugin
from mediator_plugin.cases.audit_labels import action_labels
from mediator_plugin.cases.listing_audit import DASHBOARD, LIST, SEARCH
from mediator_plugin.core.audit import AuditEntry
from mediator_plugin.core.audit_verify import verify_chain
from mediator_plugin.core.db import db
from tests.support.factories import admitted_case, new_case

pytestmark = pytest.mark.requirement("R-CONF-1")


def _entries(actor: str) -> list[tuple[str, str, dict]]:
    return db.session.execute(sa.select(AuditEntry.action, AuditEntry.target, AuditEntry.detail)
                              .where(AuditEntry.actor == actor, AuditEntry.action.in_((LIST, SEARCH, DASHBOARD)))
                              .order_by(AuditEntry.id)).all()


def test_the_file_list_its_searches_and_the_dashboard_are_audited_with_their_query(app, people, client_for):
    """Does each page of the file list (its filters), each search (the words typed) and each view of the dashboard
    write one entry, with the query and how many files it found, in the keyed chain?"""
    admitted_case(people.gestionnaire)
    new_case(people.gestionnaire, name="Paul Martin", email="paul.martin@example.org")
    lisa = client_for("gestionnaire")
    assert lisa.get("/console/dossiers?q=Dupont&state=&category=&page=1").status_code == 200
    assert lisa.get("/console/dossiers?state=open&sort=deadline&page=1").status_code == 200
    assert lisa.get("/console/dossiers").status_code == 200
    assert lisa.get("/console/").status_code == 200
    assert _entries("gestionnaire") == [
        (SEARCH, "cases", {"query": {"q": "Dupont"}, "results": 1, "via": "console"}),
        (LIST, "cases", {"query": {"state": "open", "sort": "deadline"}, "results": 2, "via": "console"}),
        (LIST, "cases", {"query": {}, "results": 2, "via": "console"}),
        (DASHBOARD, "dashboard", {}),
    ]
    assert verify_chain().broken_at is None


def test_a_long_query_is_kept_to_its_beginning(app, people, client_for):
    """Is a search of thousands of characters recorded by its first 200, so that no visitor fills the log?"""
    lisa = client_for("gestionnaire")
    assert lisa.get("/console/dossiers?q=" + "x" * 5000).status_code == 200
    ((_action, _target, detail),) = _entries("gestionnaire")
    assert detail["query"] == {"q": "x" * 200} and detail["results"] == 0


def test_the_access_log_names_actions_and_roles_in_french(app, people, client_for):
    """On a file's access log, are the reads and changes shown by their French label and the roles by their name —
    no action or role code?"""
    case = admitted_case(people.gestionnaire)
    claire = client_for("mediatrice")
    assert claire.get(f"/console/dossiers/{case.reference}").status_code == 200
    page = unescape(claire.get(f"/console/dossiers/{case.reference}/acces").get_data(as_text=True))
    for label in ("Consultation du dossier", "Demande déclarée recevable", "Déclaration d'intérêts",
                  "Gestionnaire de dossiers", "Médiateur"):
        assert label in page, label
    for code in ("read_case", "admitted", "interests_declared", "case_handler", ">mediator<"):
        assert code not in page, code


def _written_actions() -> set[str]:
    """Every action code the code writes: the first argument of ``audit.record`` and ``_audit_read``, an
    ``action=`` keyword, the kind of ``timeline.log`` (audited as such), the examples' ``example_<kind>``."""
    codes = set()
    for path in Path(mediator_plugin.__file__).parent.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "attr", getattr(node.func, "id", ""))
            owner = getattr(getattr(node.func, "value", None), "id", "")
            position = {"record": 0 if owner == "audit" else None, "_audit_read": 0,
                        "log": 2 if owner in ("timeline", "") else None, "_log": 2}.get(name)
            if position is None or len(node.args) <= position:
                continue
            argument = node.args[position]
            if isinstance(argument, ast.Constant) and isinstance(argument.value, str):
                codes.add(f"example_{argument.value}" if name == "_log" else argument.value)
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):  # sessions.end_many(..., action="…")
            if isinstance(node, ast.keyword) and node.arg == "action" and isinstance(node.value, ast.Constant):
                codes.add(node.value.value)
    return codes


def test_every_action_the_code_writes_has_a_french_label(app):
    """Has every action code written to the audit log a label, so that the access log never shows a code?"""
    written = _written_actions()
    assert {"read_case", "admitted", "example_approved", "login"} <= written  # the scan finds them
    with app.test_request_context("/?lang=fr"):
        labels = action_labels()
    assert written | {LIST, SEARCH, DASHBOARD} <= set(labels)
    assert labels["read_case"] == "Consultation du dossier" and labels[SEARCH] == "Recherche dans les dossiers"


def test_pages_read_at_once_by_several_people_are_all_recorded(app, people, client_for):
    """Eight people listing, searching and opening files at the same moment: is every page a 200, and every one of
    their reads in one unbroken chain (no error, no entry lost, no fork)?"""
    references = [new_case(people.gestionnaire, email=f"personne{n}@example.org").reference for n in range(4)]
    before = db.session.execute(sa.select(sa.func.count()).select_from(AuditEntry)).scalar()
    clients = [client_for("gestionnaire" if n % 2 else "mediatrice") for n in range(8)]
    db.session.commit()
    pages = ["/console/dossiers", "/console/dossiers?q=personne", "/console/"] + [
        f"/console/dossiers/{reference}" for reference in references]
    statuses: list[int] = []

    def reader(client) -> None:
        statuses.extend(client.get(pages[n % len(pages)]).status_code for n in range(14))

    threads = [threading.Thread(target=reader, args=(client,)) for client in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert statuses == [200] * 8 * 14
    report = verify_chain()
    assert report.broken_at is None and report.checked == before + 8 * 14 + 8  # the pages, and each sign-in
