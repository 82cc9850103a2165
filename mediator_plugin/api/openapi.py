"""The OpenAPI 3 description of ``/api/v1``, built with apispec from the URL map and the marshmallow schemas.

Paths come from the blueprint's rules, so a rule without an entry in :data:`OPERATIONS` fails the build
(and the tests) instead of going undocumented. It is written for developers, in English, like the README.
"""

from __future__ import annotations

import copy
import re

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from flask import current_app, url_for

from mediator_plugin import __version__, state
from mediator_plugin.api import schemas
from mediator_plugin.core.db import DBINT_MAX

ENDPOINT_PREFIX = "mediator.api."
UNDOCUMENTED = {"mediator.api.unknown"}  # the JSON 404/405 of any other URL: not a resource
COMPONENTS = {
    "Coded": schemas.CodedSchema, "FileStatus": schemas.FileStatusSchema, "FilePage": schemas.FilePageSchema,
    "Deadline": schemas.DeadlineSchema, "ObservationRequestStatus": schemas.ObservationRequestStatusSchema,
    "Answer": schemas.AnswerSchema, "ProposalStatus": schemas.ProposalStatusSchema,
    "FileDetail": schemas.FileDetailSchema, "RecommendationEvent": schemas.RecommendationEventSchema,
    "RecommendationSummary": schemas.RecommendationSummarySchema,
    "RecommendationPage": schemas.RecommendationPageSchema, "Recommendation": schemas.RecommendationSchema,
    "RecommendationCreate": schemas.RecommendationCreateSchema,
    "RecommendationChange": schemas.RecommendationChangeSchema,
    "ErrorDetail": schemas.ErrorDetailSchema, "Error": schemas.ErrorSchema,
}
ERRORS = {
    "400": ("BadRequest", "Malformed request, or the CSRF token is missing or invalid (`code`: `csrf`)."),
    "401": ("Unauthenticated", "No console session: sign in at `/login` first."),
    "403": ("Forbidden", "The session's role does not allow this."),
    "404": ("NotFound", "No such resource."),
    "409": ("Conflict", "The resource changed since it was read (send the current `version`)."),
    "422": ("Invalid", "A query parameter or a body field is invalid; `fields` names each one."),
}
DESCRIPTION = """File statuses and the register of general recommendations of the in-house consumer mediator.

Authentication is the console's session: sign in through `/login` (single sign-on) and send the session cookie.
The permissions are the console's: file statuses for the mediator and case handlers, the register for them and
the executives; only the mediator changes the register. Every write (POST, PATCH) must carry the session's CSRF
token in the `X-CSRFToken` header: each successful GET returns it in that header.

Every error is JSON, `{"error": {"code", "message", "fields"}}`, with a French `message`; an unknown URL under
the API is a 404 and a wrong method a 405 in that shape. Dates are ISO 8601; times are in UTC."""


def _json(schema: str) -> dict:
    return {"application/json": {"schema": schema}}


def _ok(schema: str, description: str, *, csrf_header: bool = True) -> dict:
    response = {"description": description, "content": _json(schema)}
    if csrf_header:
        response["headers"] = {"X-CSRFToken": {"description": "The session's CSRF token, for the next write.",
                                               "schema": {"type": "string"}}}
    return response


def _errors(*codes: str) -> dict:
    return {code: ERRORS[code][0] for code in codes}


READ = [{"session": []}]
WRITE = [{"session": [], "csrfToken": []}]
OPERATIONS = {
    "list_files": {"get": {
        "summary": "File statuses", "tags": ["files"], "security": READ,
        "description": "Filtered like the console's file list, newest first. Permission `case:read`.",
        "parameters": [{"in": "query", "schema": schemas.FileQuerySchema}],
        "responses": {"200": _ok("FilePage", "One page of file statuses."), **_errors("401", "403", "422")}}},
    "show_file": {"get": {
        "summary": "One file's status", "tags": ["files"], "security": READ,
        "description": "Deadlines with their legal basis, open requests for observations, the proposal's progress. "
                       "No party data, no conversation, no text. The read is audited. Permission `case:read`.",
        "responses": {"200": _ok("FileDetail", "The file's status."), **_errors("401", "403", "404")}}},
    "list_recommendations": {"get": {
        "summary": "The recommendations register", "tags": ["recommendations"], "security": READ,
        "description": "Newest first. Permission `recommendation:read`.",
        "parameters": [{"in": "query", "schema": schemas.RecommendationQuerySchema}],
        "responses": {"200": _ok("RecommendationPage", "One page of the register."),
                      **_errors("401", "403", "422")}}},
    "create_recommendation": {"post": {
        "summary": "Issue a recommendation", "tags": ["recommendations"], "security": WRITE,
        "description": "Numbered `YYYY-NN` by year of issue, status `ISSUED`. Permission `recommendation:manage`.",
        "requestBody": {"required": True, "content": _json("RecommendationCreate")},
        "responses": {"201": {**_ok("Recommendation", "The recommendation issued.", csrf_header=False),
                              "headers": {"Location": {"description": "Its URL.", "schema": {"type": "string"}}}},
                      **_errors("400", "401", "403", "409", "422")}}},
    "show_recommendation": {"get": {
        "summary": "One recommendation with its history", "tags": ["recommendations"], "security": READ,
        "description": "Permission `recommendation:read`.",
        "responses": {"200": _ok("Recommendation", "The recommendation."), **_errors("401", "403", "404")}}},
    "change_recommendation": {"patch": {
        "summary": "Change a recommendation's follow-up", "tags": ["recommendations"], "security": WRITE,
        "description": "Only the fields sent change; a change of `status` needs its reason in `note`. The history "
                       "keeps each field before and after. Permission `recommendation:manage`.",
        "requestBody": {"required": True, "content": _json("RecommendationChange")},
        "responses": {"200": _ok("Recommendation", "The recommendation after the change.", csrf_header=False),
                      **_errors("400", "401", "403", "404", "409", "422")}}},
    "openapi": {"get": {
        "summary": "This description", "tags": ["meta"], "security": [],
        "responses": {"200": {"description": "The OpenAPI document.",
                              "content": {"application/json": {"schema": {"type": "object"}}}}}}},
}
_PARAMETER = re.compile(r"<(?:(?P<converter>[^:<>]+):)?(?P<name>[^<>]+)>")
_PATH_SCHEMAS = {"int": {"type": "integer"}, "dbint": {"type": "integer", "minimum": 0, "maximum": DBINT_MAX}}


def build_document() -> dict:
    """The OpenAPI document of the API as mounted in this application (its prefix included)."""
    spec = APISpec(title="Médiateur API", version=__version__, openapi_version="3.0.3",
                   plugins=[MarshmallowPlugin()], info={"description": DESCRIPTION},
                   servers=[{"url": url_for("mediator.api.openapi").removesuffix("/openapi.json")}],
                   security=READ)
    spec.components.security_scheme("session", {
        "type": "apiKey", "in": "cookie", "name": current_app.config["SESSION_COOKIE_NAME"],
        "description": "The console's session cookie, set by signing in at /login."})
    spec.components.security_scheme("csrfToken", {
        "type": "apiKey", "in": "header", "name": "X-CSRFToken",
        "description": "The session's CSRF token (each successful GET returns it in this header)."})
    for name, schema in COMPONENTS.items():
        spec.components.schema(name, schema=schema)
    for name, description in ERRORS.values():
        spec.components.response(name, {"description": description, "content": _json("Error")})
    for path, (operations, parameters) in _paths().items():
        spec.path(path=path, operations=operations, parameters=parameters)
    return _with_configured_codes(spec.to_dict())


def _with_configured_codes(document: dict) -> dict:
    """Enumerate the codes the settings and the charter define, which the static schemas cannot know."""
    departments = list(state().settings["departments"])
    enums = {"category": [c["code"] for c in state().charter.rules["categories"]], "department": departments,
             "addressee": departments}
    for item in document["paths"].values():
        operations = [operation for key, operation in item.items() if key != "parameters"]
        for parameter in (p for operation in operations for p in operation.get("parameters", [])):
            if parameter["in"] == "query" and parameter["name"] in enums:
                parameter["schema"]["enum"] = enums[parameter["name"]]
    for name in ("RecommendationCreate", "RecommendationChange"):  # inputs only: old answers may name old codes
        document["components"]["schemas"][name]["properties"]["addressee"]["enum"] = departments
    return document


def _paths() -> dict[str, tuple[dict, list]]:
    """OpenAPI paths (relative to the server URL) with their operations and path parameters."""
    base = next(current_app.url_map.iter_rules("mediator.api.openapi")).rule.removesuffix("/openapi.json")
    paths: dict[str, tuple[dict, list]] = {}
    for rule in current_app.url_map.iter_rules():
        if not rule.endpoint.startswith(ENDPOINT_PREFIX) or rule.endpoint in UNDOCUMENTED:
            continue
        # A KeyError here is a rule nobody described; copied because apispec resolves references in place.
        operations = copy.deepcopy(OPERATIONS[rule.endpoint.removeprefix(ENDPOINT_PREFIX)])
        path = _PARAMETER.sub(lambda m: "{" + m["name"] + "}", rule.rule.removeprefix(base))
        parameters = [{"in": "path", "name": m["name"], "required": True,
                       "schema": _PATH_SCHEMAS.get(m["converter"], {"type": "string"})}
                      for m in _PARAMETER.finditer(rule.rule)]
        known, _ = paths.setdefault(path, ({}, parameters))
        known.update(operations)
    return paths
