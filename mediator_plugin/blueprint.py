"""The plugin's URL space: one parent blueprint whose hooks guard every child.

Before each request: load the session's identity, check CSRF on every state-changing request and
apply the view's declared access rule (deny by default). After: security headers.
"""

from __future__ import annotations

from datetime import datetime

from flask import Blueprint, abort, request
from flask_wtf.csrf import CSRFError, generate_csrf, validate_csrf
from wtforms.validators import ValidationError

from mediator_plugin.core import permissions
from mediator_plugin.core.auth import load_identity
from mediator_plugin.core.calendar import PARIS, paris_date
from mediator_plugin.core.pdf import fr_date, fr_datetime

CSP = ("default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; object-src 'none'; "
       "base-uri 'self'; form-action 'self'; frame-ancestors 'none'")
_csrf_exempt: set[str] = set()


def csrf_exempt(view):
    """For endpoints authenticated otherwise (signed webhooks)."""
    _csrf_exempt.add(view.__name__)
    return view


def build_blueprint() -> Blueprint:
    """Assemble the parent blueprint and its children (imported here to keep start-up order explicit)."""
    from mediator_plugin.cases.blueprint import bp as cases_bp
    from mediator_plugin.cases.correspondent import bp as correspondent_bp
    from mediator_plugin.core.auth import bp as auth_bp
    from mediator_plugin.intake.blueprint import bp as intake_bp
    from mediator_plugin.proposals.blueprint import bp as proposals_bp
    from mediator_plugin.public.blueprint import bp as public_bp
    from mediator_plugin.reports.blueprint import bp as reports_bp

    parent = Blueprint("mediator", __name__, template_folder="templates", static_folder="static",
                       static_url_path="/static/mediator")
    parent.before_request(load_identity)
    parent.before_request(_check_csrf)
    parent.before_request(_enforce)
    parent.after_request(_security_headers)
    parent.app_context_processor(lambda: {"csrf_token": generate_csrf,
                                          "identity": permissions.current_identity()})
    parent.add_app_template_filter(_date_filter, "fr_date")
    parent.add_app_template_filter(lambda moment: fr_datetime(moment.astimezone(PARIS)), "fr_datetime")
    for child in (public_bp, auth_bp, cases_bp, intake_bp, proposals_bp, reports_bp, correspondent_bp):
        parent.register_blueprint(child)
    return parent


def _date_filter(value) -> str:
    return fr_date(paris_date(value) if isinstance(value, datetime) else value)


def _enforce():
    if request.endpoint == "mediator.static":
        return None
    return permissions.enforce()


def _check_csrf():
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return
    view_name = (request.endpoint or "").rsplit(".", 1)[-1]
    if view_name in _csrf_exempt:
        return
    token = request.form.get("csrf_token") or request.headers.get("X-CSRFToken")
    try:
        validate_csrf(token)
    except (ValidationError, CSRFError):
        abort(400, "CSRF")


def _security_headers(response):
    response.headers.setdefault("Content-Security-Policy", CSP)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault("X-Frame-Options", "DENY")
    if request.is_secure:
        response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
    if request.endpoint and not request.endpoint.startswith("mediator.public"):
        response.headers.setdefault("Cache-Control", "no-store")
    return response
