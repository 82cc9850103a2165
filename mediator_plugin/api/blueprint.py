"""URL rules of the JSON API, its JSON error handlers and the CSRF token it hands to writers."""

from __future__ import annotations

from flask import Blueprint, request
from flask_wtf.csrf import generate_csrf
from marshmallow import ValidationError

from mediator_plugin.api import errors, views
from mediator_plugin.core.errors import DATABASE_DOWN, MediationError
from mediator_plugin.core.permissions import current_identity

PREFIX = "/api/v1"
CSRF_HEADER = "X-CSRFToken"

bp = Blueprint("api", __name__, url_prefix=PREFIX)
bp.add_url_rule("/files", "list_files", views.list_files)
bp.add_url_rule("/files/<reference>", "show_file", views.show_file)
bp.add_url_rule("/recommendations", "list_recommendations", views.list_recommendations)
bp.add_url_rule("/recommendations", "create_recommendation", views.create_recommendation, methods=["POST"])
bp.add_url_rule("/recommendations/<dbint:recommendation_id>", "show_recommendation", views.show_recommendation)
bp.add_url_rule("/recommendations/<dbint:recommendation_id>", "change_recommendation", views.change_recommendation,
                methods=["PATCH"])
bp.add_url_rule("/openapi.json", "openapi", views.openapi)
bp.add_url_rule("/<path:rest>", "unknown", views.unknown, methods=["GET", "POST", "PUT", "PATCH", "DELETE"])

# These take precedence over the parent's HTML error pages for every request routed here.
for _code in errors.CODES:
    bp.register_error_handler(_code, errors.http_error)
bp.register_error_handler(MediationError, errors.mediation_error)
bp.register_error_handler(ValidationError, errors.validation_error)
for _error in DATABASE_DOWN:
    bp.register_error_handler(_error, errors.database_unavailable)


@bp.after_request
def _hand_csrf_token(response):
    """A signed-in reader gets the session's CSRF token with each answer, to send back on a write."""
    if request.method == "GET" and response.status_code == 200 and current_identity() is not None:
        response.headers[CSRF_HEADER] = generate_csrf()
    return response
