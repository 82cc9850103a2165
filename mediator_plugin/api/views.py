"""The API's endpoints: load the request with its schema, call the queries and services, dump the answer."""

from __future__ import annotations

import sqlalchemy as sa
from flask import current_app, jsonify, request, url_for
from werkzeug.exceptions import MethodNotAllowed, NotFound

from mediator_plugin.api import presenters, register
from mediator_plugin.api.openapi import build_document
from mediator_plugin.api.schemas import (
    FileDetailSchema,
    FilePageSchema,
    FileQuerySchema,
    RecommendationChangeSchema,
    RecommendationCreateSchema,
    RecommendationPageSchema,
    RecommendationQuerySchema,
    RecommendationSchema,
)
from mediator_plugin.cases import queries
from mediator_plugin.cases.listing_audit import record_listing
from mediator_plugin.cases.models import Case
from mediator_plugin.core import audit
from mediator_plugin.core.db import db
from mediator_plugin.core.permissions import Permission, csrf_exempt, current_identity, public, requires


def _page(schema, items: list, query: dict, total: int):
    return jsonify(schema().dump({"items": items, "page": query["page"], "per_page": query["per_page"],
                                  "total": total}))


@requires(Permission.CASE_READ)
def list_files():
    """File statuses, filtered as the console's file list, newest first; audited as the console's list is."""
    query = FileQuerySchema().load(request.args)
    filters = queries.FileFilters(
        state=query.get("state", ""), category=query.get("category", ""), department=query.get("department", ""),
        year=str(query.get("year", "")), due_within=str(query.get("due_within", "")), q=query.get("q", ""),
        page=query["page"])
    rows, total = queries.list_files(filters, columns=presenters.FILE_COLUMNS, per_page=query["per_page"])
    response = _page(FilePageSchema, [presenters.file_status(row) for row in rows], query, total)
    record_listing(filters, total, via="api")  # a search by name or e-mail tells who has a file: audited
    return response


@requires(Permission.CASE_READ)
def show_file(reference: str):
    """One file's status; the read is audited as the console's file page is."""
    case = db.session.execute(sa.select(Case).where(Case.reference == reference)).scalar_one_or_none()
    if case is None:
        raise NotFound()
    identity = current_identity()
    audit.record("read_case", actor=identity.sub, roles=identity.roles, target=case.reference, case_id=case.id,
                 detail={"via": "api"})
    db.session.commit()
    return jsonify(FileDetailSchema().dump(presenters.file_detail(case)))


@requires(Permission.RECOMMENDATION_READ)
def list_recommendations():
    """The register, newest first."""
    query = RecommendationQuerySchema().load(request.args)
    rows, total = register.page(year=query.get("year"), status=query.get("status"),
                                addressee=query.get("addressee"), page=query["page"], per_page=query["per_page"])
    return _page(RecommendationPageSchema, [presenters.recommendation_summary(r, v) for r, v in rows], query, total)


@requires(Permission.RECOMMENDATION_READ)
def show_recommendation(recommendation_id: int):
    """A recommendation with its follow-up and history."""
    recommendation = register.get_or_404(recommendation_id)
    return jsonify(RecommendationSchema().dump(_detail(recommendation)))


@requires(Permission.RECOMMENDATION_MANAGE)
def create_recommendation():
    """Issue a recommendation (status ISSUED)."""
    fields = RecommendationCreateSchema().load(request.get_json(silent=True))
    recommendation = register.issue(current_identity(), fields)
    response = jsonify(RecommendationSchema().dump(_detail(recommendation)))
    response.headers["Location"] = url_for(".show_recommendation", recommendation_id=recommendation.id)
    return response, 201


@requires(Permission.RECOMMENDATION_MANAGE)
def change_recommendation(recommendation_id: int):
    """Change a recommendation's follow-up (status with its reason, company response…)."""
    fields = RecommendationChangeSchema().load(request.get_json(silent=True))
    recommendation = register.change(recommendation_id, current_identity(), fields)
    return jsonify(RecommendationSchema().dump(_detail(recommendation)))


@public
def openapi():
    """The OpenAPI description: it describes the API and shows no data."""
    return jsonify(build_document())


@public
@csrf_exempt  # it changes nothing: a write to a wrong URL should hear 404 or 405, not a CSRF refusal
def unknown(rest: str):
    """Any other URL under the API: a JSON 404, or a 405 naming the methods the URL accepts."""
    adapter = current_app.url_map.bind_to_environ(request.environ)
    allowed = []
    for method in ("GET", "POST", "PUT", "PATCH", "DELETE"):
        endpoint, _args = adapter.match(request.path, method=method)
        if endpoint != request.endpoint:
            allowed.append(method)
    if allowed:
        raise MethodNotAllowed(valid_methods=allowed)
    raise NotFound()


def _detail(recommendation) -> dict:
    """The recommendation as the caller may read it (file references for the mediator's team only)."""
    return presenters.recommendation_detail(recommendation, reveal_files=current_identity().on_team)
