"""The walking skeleton end to end over HTTP, on SQLite and PostgreSQL (issue: item 7).

Zendesk simulator → `mediator sync` → intake → file → admissibility → proposal signed by the
mediator → both answers → closure → `mediator jobs` → label in the helpdesk → report PDF.
"""

from __future__ import annotations

import io
import json
import re

import pytest
from pypdf import PdfReader

from tests.support.clock import paris_today
from tests.support.factories import SECTIONS
from tests.support.helpdesk import ticket_state, zendesk_with_request
from tests.support.servers import serve
from tests.support.web import ConsoleUser


@pytest.fixture
def helpdesk():
    with zendesk_with_request() as running:
        yield running


def _cli(app, *args):
    result = app.test_cli_runner().invoke(args=["mediator", *args])
    assert result.exit_code == 0, result.output
    return result.output


@pytest.mark.requirement("R-SCOPE-1", "R-HELPDESK-2", "R-CONF-4")
def test_closed_ticket_to_closed_file_and_report(make_app, helpdesk, smtp, tmp_path):
    """Can the team take a closed ticket through the whole procedure, the agent see only the label?"""
    app = make_app(zendesk=helpdesk["settings"])
    before = ticket_state(helpdesk)
    first = json.loads(_cli(app, "sync"))
    assert first["new"] >= 1 and first["seen"] >= 61
    assert json.loads(_cli(app, "sync"))["new"] == 0  # a second sync stores nothing twice

    with serve(app) as base:
        lisa, claire, agent = ConsoleUser(base), ConsoleUser(base), ConsoleUser(base)
        assert lisa.login("gestionnaire").status_code == 200
        queue = lisa.get("/console/arrivees/")
        assert "Frais de résiliation facturés deux fois" in queue.text
        item_id = re.search(rf"zendesk #{helpdesk['ticket_id']}\b.*?/console/arrivees/(\d+)/ouvrir", queue.text,
                            re.DOTALL).group(1)
        page = lisa.post(f"/console/arrivees/{item_id}/ouvrir",
                         {"subcategory": "resiliation.frais", "department": "billing"})
        reference = re.search(r"MED-\d{4}-\d{5}", page.url).group(0)
        assert "On m&#39;a facturé deux fois" in page.text or "On m'a facturé deux fois" in page.text

        _cli(app, "jobs")
        opened = ticket_state(helpdesk)["ticket"]
        assert "mediation_en_cours" in opened["tags"]

        for action, data in [("mark_complete", {}), ("declare_interests", {"has_conflict": "no"}),
                             ("declare_admissible", {})]:
            response = lisa.post(f"/console/dossiers/{reference}/actions/{action}", data)
            assert response.status_code == 200 and reference in response.url, (action, response.status_code)
        lisa.get(f"/console/dossiers/{reference}/avis/")
        assert lisa.post(f"/console/dossiers/{reference}/avis/enregistrer", SECTIONS).status_code == 200
        refused = lisa.post(f"/console/dossiers/{reference}/avis/signer", {"outcome": "PARTLY_FAVOURABLE"})
        assert refused.status_code == 403  # only the mediator signs

        assert claire.login("mediatrice").status_code == 200
        claire.get(f"/console/dossiers/{reference}/avis/")
        signed = claire.post(f"/console/dossiers/{reference}/avis/signer", {"outcome": "PARTLY_FAVOURABLE"})
        assert signed.status_code == 200 and reference in signed.url

        lisa.get(f"/console/dossiers/{reference}")
        today = paris_today().isoformat()
        for party in ("consumer", "company"):
            answered = lisa.post(f"/console/dossiers/{reference}/actions/record_answer",
                                 {"party": party, "answer": "accepted", "answered_on": today, "channel": "email"})
            assert answered.status_code == 200, answered.text[:400]
        closed = lisa.post(f"/console/dossiers/{reference}/actions/close", {"note": ""})
        assert closed.status_code == 200

        agent.login("agent-sav")
        assert agent.get(f"/console/dossiers/{reference}").status_code == 403
        assert agent.get("/console/arrivees/").status_code == 403

        report = claire.get(f"/console/rapports/{paris_today().year}.pdf?edition=public")
        assert report.status_code == 200 and report.headers["Content-Type"] == "application/pdf"

    output = _cli(app, "jobs")
    assert '"failed": 0' in output
    after = ticket_state(helpdesk)
    assert "mediation_terminee" in after["ticket"]["tags"] and "mediation_en_cours" not in after["ticket"]["tags"]
    # Nothing of the file leaves for the helpdesk: same comments, same fields, only the label tag added.
    assert after["comments"] == before["comments"]
    assert after["ticket"]["custom_fields"] == before["ticket"]["custom_fields"]
    assert set(after["ticket"]["tags"]) - set(before["ticket"]["tags"]) == {"mediation_terminee"}
    recipients = {m["To"] for m in smtp.inbox.messages}
    assert "jeanne.dupont@example.org" in recipients

    out = tmp_path / "rapport.pdf"
    _cli(app, "report", "--year", str(paris_today().year), "--edition", "public", "--out", str(out))
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(out.read_bytes())).pages)
    assert "Rapport annuel" in text and "saisine" in text.lower()
