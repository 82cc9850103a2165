"""``/api/v1/openapi.json``: a valid OpenAPI 3 document that describes every rule and every real answer."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from openapi_schema_validator import OAS30Validator, oas30_format_checker
from openapi_spec_validator import validate
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

from mediator_plugin import MediatorPlugin
from mediator_plugin.api.openapi import COMPONENTS
from mediator_plugin.cases import instruction
from mediator_plugin.core.db import db
from mediator_plugin.proposals import services as proposals
from tests.api.conftest import API, csrf_token
from tests.api.test_recommendations_api import BODY
from tests.conftest import TEST_DEPARTMENTS, TEST_ROLES
from tests.support.factories import SECTIONS, admitted_case

DOCUMENTED = re.compile(r"^mediator\.api\.(?!unknown$)")


@pytest.fixture
def document(app, api):
    response = api().get(f"{API}/openapi.json")
    assert response.status_code == 200
    return response.json


def _path(rule) -> str:
    return re.sub(r"<(?:[^:>]+:)?([^>]+)>", r"{\1}", rule.rule.removeprefix(API))


def _declared(document: dict, path: str, method: str, status: int) -> str:
    """The name of the component schema declared for this answer (following a shared response)."""
    response = document["paths"][path][method.lower()]["responses"][str(status)]
    if "$ref" in response:
        response = document["components"]["responses"][response["$ref"].rsplit("/", 1)[1]]
    return response["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]


def test_document_is_public_and_valid(document):
    """Can anyone read the description, and is it a valid OpenAPI 3.0 document with both security schemes?"""
    validate(document)
    assert document["openapi"].startswith("3.0") and document["servers"] == [{"url": "/api/v1"}]
    schemes = document["components"]["securitySchemes"]
    assert schemes["session"] == {**schemes["session"], "type": "apiKey", "in": "cookie", "name": "session"}
    assert schemes["csrfToken"] == {**schemes["csrfToken"], "type": "apiKey", "in": "header", "name": "X-CSRFToken"}
    error = document["components"]["schemas"]["ErrorDetail"]
    assert set(error["required"]) == {"code", "message", "fields"}


def test_every_rule_is_described_with_its_answers(app, document):
    """Is every /api/v1 rule of the URL map in the document, with its path parameters, security and the error
    answers it can give?"""
    rules = [rule for rule in app.url_map.iter_rules() if DOCUMENTED.match(rule.endpoint)]
    assert len(rules) == 7
    for rule in rules:
        path = _path(rule)
        declared = document["paths"][path]
        params = {p["name"] for p in declared.get("parameters", []) if p["in"] == "path"}
        assert params == set(rule.arguments), path
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            operation = declared[method.lower()]
            codes = set(operation["responses"])
            if rule.endpoint == "mediator.api.openapi":
                assert operation["security"] == [] and codes == {"200"}
                continue
            assert {"401", "403"} <= codes and codes & {"200", "201"}, (method, path)
            if params:
                assert "404" in codes, (method, path)
            if method == "GET":
                assert operation["security"] == [{"session": []}]
            else:
                assert operation["security"] == [{"session": [], "csrfToken": []}]
                assert {"400", "409", "422"} <= codes and operation["requestBody"]["required"], (method, path)
            if any(p["in"] == "query" for p in operation.get("parameters", [])):
                assert "422" in codes
    parameters = {p["name"]: p for p in document["paths"]["/files"]["get"]["parameters"]}
    assert set(parameters) == {"page", "per_page", "state", "category", "department", "year", "due_within", "q"}
    assert parameters["department"]["schema"]["enum"] == ["billing", "contracts"]
    assert "facturation" in parameters["category"]["schema"]["enum"]
    assert parameters["per_page"]["schema"]["maximum"] == 100


def test_real_answers_match_their_declared_schema(app, people, api, document):
    """Does each real answer, success or error, validate against the document and load with its marshmallow
    schema?"""
    case = admitted_case(people.gestionnaire)
    instruction.request_observations(case, people.gestionnaire, department="billing", question="Vos observations ?")
    proposals.save_proposal(case, people.gestionnaire, **SECTIONS)
    db.session.commit()
    mediator = api("mediatrice")
    headers = {"X-CSRFToken": csrf_token(mediator)}
    created = mediator.post(f"{API}/recommendations", json=BODY, headers=headers)
    rid = created.json["id"]
    answers = [
        ("/recommendations", "POST", created),
        ("/files", "GET", mediator.get(f"{API}/files")),
        ("/files/{reference}", "GET", mediator.get(f"{API}/files/{case.reference}")),
        ("/files/{reference}", "GET", mediator.get(f"{API}/files/MED-2000-00001")),
        ("/files", "GET", mediator.get(f"{API}/files?page=0")),
        ("/files", "GET", api().get(f"{API}/files")),
        ("/files", "GET", api("comex").get(f"{API}/files")),
        ("/recommendations", "GET", mediator.get(f"{API}/recommendations")),
        ("/recommendations/{recommendation_id}", "GET", mediator.get(f"{API}/recommendations/{rid}")),
        ("/recommendations/{recommendation_id}", "PATCH", mediator.patch(
            f"{API}/recommendations/{rid}", json={"version": 1, "status": "ACCEPTED", "note": "Accord"},
            headers=headers)),
        ("/recommendations/{recommendation_id}", "PATCH", mediator.patch(
            f"{API}/recommendations/{rid}", json={"version": 1, "owner": "X"}, headers=headers)),
        ("/recommendations", "POST", mediator.post(f"{API}/recommendations", json=BODY)),
    ]
    registry = Registry().with_resource("urn:api", Resource.from_contents(document, default_specification=DRAFT4))
    statuses = set()
    for path, method, response in answers:
        name = _declared(document, path, method, response.status_code)
        validator = OAS30Validator({"$ref": f"urn:api#/components/schemas/{name}"}, registry=registry,
                                   format_checker=oas30_format_checker)
        validator.validate(response.json)
        COMPONENTS[name]().load(response.json)
        statuses.add(response.status_code)
    assert statuses == {200, 201, 400, 401, 403, 404, 409, 422}


def test_description_follows_the_mount_prefix(database_url, tmp_path, oidc_issuer):
    """Mounted under /mediation, is the API's server URL prefixed and an anonymous call a JSON 401?"""
    host = Flask("host")
    host.secret_key = "host-secret"
    MediatorPlugin(host, url_prefix="/mediation", settings={
        "env": "test", "database_url": database_url, "storage_dir": str(tmp_path / "files"),
        "oidc": {"issuer": oidc_issuer, "client_id": "mediateur", "client_secret": "x"},
        "roles": TEST_ROLES, "departments": TEST_DEPARTMENTS})
    client = host.test_client()
    document = client.get("/mediation/api/v1/openapi.json").json
    assert document["servers"] == [{"url": "/mediation/api/v1"}] and "/files/{reference}" in document["paths"]
    anonymous = client.get("/mediation/api/v1/files")
    assert anonymous.status_code == 401 and anonymous.json["error"]["code"] == "unauthenticated"
    with host.app_context():
        db.session.remove()
        db.engine.dispose()
