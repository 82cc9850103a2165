"""Expert opinions on the file, and who bears their cost (R-PROC-2, R612-1)."""

from __future__ import annotations

import io
import re
from datetime import date, timedelta
from html import unescape

import pytest
import sqlalchemy as sa
from freezegun import freeze_time

from mediator_plugin.cases import experts
from mediator_plugin.cases.models import Document, ExpertRequest
from mediator_plugin.core.db import db
from mediator_plugin.core.errors import MissingField
from tests.support import samples
from tests.support.clock import paris_today
from tests.support.factories import admitted_case, new_case

_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
TODAY = date(2026, 3, 9)


def _post(client, reference: str, action: str, data: dict):
    token = _CSRF.search(client.get(f"/console/dossiers/{reference}").get_data(as_text=True)).group(1)
    return client.post(f"/console/dossiers/{reference}/actions/{action}", data={"csrf_token": token, **data},
                       content_type="multipart/form-data")


def _text(client, path: str) -> str:
    return re.sub(r"<[^>]+>", "", unescape(client.get(path).get_data(as_text=True)))


def _requests() -> list[ExpertRequest]:
    return db.session.execute(sa.select(ExpertRequest)).scalars().all()


@pytest.mark.requirement("R-PROC-2")
@freeze_time("2026-03-09 10:00:00")
def test_an_expert_request_is_listed_with_its_cost_and_dates(app, people, client_for):
    """Is a joint request at shared cost listed on the file page in French, on the history and in the proposal
    editor, and is the opinion, once received with its report, dated and stored on the file?"""
    case = admitted_case(people.gestionnaire)
    handler = client_for("gestionnaire")
    response = _post(handler, case.reference, "request_expert", {
        "requested_by": "both", "expert": "Cabinet Vérifélec, expertise électrique", "cost_bearer": "shared",
        "requested_on": "2026-03-06", "expected_on": "2026-04-03", "note": "Devis de 450 € accepté par les deux"})
    assert response.status_code == 303

    (request,) = _requests()
    assert (request.requested_by, request.cost_bearer, request.requested_on, request.expected_on) == \
        ("both", "shared", date(2026, 3, 6), date(2026, 4, 3))
    page = _text(handler, f"/console/dossiers/{case.reference}")
    row = page.split("Expertises", 1)[1].split("Cabinet Vérifélec", 1)[1]
    for cell in ("les deux parties, conjointement", "les deux parties, à parts partagées", "6 mars 2026",
                 "3 avril 2026", "pas encore"):
        assert cell in row
    assert ("Expertise demandée par les deux parties, conjointement : Cabinet Vérifélec, expertise électrique ; "
            "prise en charge du coût : les deux parties, à parts partagées.") in page
    editor = _text(handler, f"/console/dossiers/{case.reference}/avis/")
    assert "Cabinet Vérifélec, expertise électrique — demandée par les deux parties, conjointement" in editor

    response = _post(handler, case.reference, "record_expert_opinion", {
        "expert_request_id": str(request.id), "received_on": "2026-03-09",
        "report": (io.BytesIO(samples.pdf("Rapport")), "rapport-verifelec.pdf")})
    assert response.status_code == 303
    db.session.expire_all()
    assert db.session.get(ExpertRequest, request.id).received_on == TODAY
    assert db.session.execute(sa.select(Document.kind).where(Document.filename == "rapport-verifelec.pdf")) \
        .scalar_one() == "upload"
    page = _text(handler, f"/console/dossiers/{case.reference}")
    assert "Avis d'expert reçu le 9 mars 2026 : Cabinet Vérifélec, expertise électrique." in page
    again = _post(handler, case.reference, "record_expert_opinion", {
        "expert_request_id": str(request.id), "received_on": "2026-03-09"})
    assert again.status_code == 409


@pytest.mark.requirement("R-PROC-2")
def test_who_bears_the_cost_follows_who_asked(app, people):
    """R612-1: the asking party's cost, shared when both ask, the company's when it chooses; never the consumer's
    for the mediator's own request. Is each other combination refused, storing nothing?"""
    case = admitted_case(people.gestionnaire)
    allowed = {(who, cost) for who, costs in experts.ALLOWED_COSTS.items() for cost in costs}
    assert allowed == {("consumer", "requesting_party"), ("consumer", "company"), ("company", "requesting_party"),
                       ("company", "company"), ("both", "shared"), ("both", "company"), ("mediator", "company")}
    for who in experts.REQUESTERS:
        for cost in experts.COST_BEARERS:
            if (who, cost) in allowed:
                experts.request_expert(case, people.gestionnaire, requested_by=who, expert="Expert en compteurs",
                                       cost_bearer=cost)
            else:
                with pytest.raises(MissingField) as refused:
                    experts.request_expert(case, people.gestionnaire, requested_by=who, expert="Expert",
                                           cost_bearer=cost)
                assert refused.value.field == "cost_bearer"
    db.session.commit()
    assert sorted((r.requested_by, r.cost_bearer) for r in _requests()) == sorted(allowed)


@pytest.mark.requirement("R-PROC-2")
def test_bad_expert_requests_are_refused_in_french_and_store_nothing(app, people, client_for):
    """No expert, an unknown cost, the consumer paying for the mediator's request, a date to come, an opinion
    expected before it was asked for: a 422 each with its reason; and no request before the file is admitted."""
    case = admitted_case(people.gestionnaire)
    handler = client_for("gestionnaire")
    tomorrow = (paris_today() + timedelta(days=1)).isoformat()
    good = {"requested_by": "consumer", "expert": "Expert automobile", "cost_bearer": "requesting_party"}
    for change, message in (
            ({"expert": " "}, "Nommez l'expert, ou le domaine d'expertise."),
            ({"cost_bearer": "etat"}, "Indiquez qui prend en charge le coût de l'expertise."),
            ({"requested_by": "mediator"}, "n'est jamais à la charge du consommateur"),
            ({"requested_by": "juge"}, "Indiquez qui demande l'expertise."),
            ({"requested_on": tomorrow}, "La date ne peut pas être postérieure à aujourd'hui."),
            ({"requested_on": "2026-03-06", "expected_on": "2026-03-01"},
             "L'avis ne peut pas être attendu avant d'avoir été demandé.")):
        response = _post(handler, case.reference, "request_expert", {**good, **change})
        assert response.status_code == 422, change
        assert message in unescape(response.get_data(as_text=True)), change
    waiting = new_case(people.gestionnaire, email="paul.martin@example.org")
    assert _post(handler, waiting.reference, "request_expert", good).status_code == 409
    assert _requests() == []
