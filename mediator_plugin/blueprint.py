"""The plugin's URL space: one parent blueprint whose hooks guard every child.

Before each request: load the session's identity, check CSRF on every state-changing request and
apply the view's declared access rule (deny by default). After: security headers.
"""

from __future__ import annotations

import functools
from datetime import date, datetime
from urllib.parse import urlsplit

from flask import Blueprint, Flask, abort, current_app, render_template, request
from flask_babel import get_locale
from flask_wtf.csrf import CSRFError, generate_csrf, validate_csrf
from werkzeug.routing import IntegerConverter
from wtforms.validators import ValidationError

from mediator_plugin import state
from mediator_plugin.cases import presenters
from mediator_plugin.core import permissions
from mediator_plugin.core.auth import load_identity
from mediator_plugin.core.calendar import PARIS, paris_date
from mediator_plugin.core.errors import DATABASE_DOWN, DATABASE_RETRY_SECONDS, forget_failed_transaction
from mediator_plugin.core.i18n import gettext as _
from mediator_plugin.core.logs import finish_request, start_request
from mediator_plugin.core.menu import main_menu
from mediator_plugin.core.pdf import fr_date, fr_datetime
from mediator_plugin.core.ratelimit import retry_after_seconds
from mediator_plugin.core.urls import refuse_other_hosts

CSP = ("default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; object-src 'none'; "
       "base-uri 'self'; form-action 'self'{provider}; frame-ancestors 'none'")
# Turning stored codes into words on every page.
LABELS = {
    "answer_label": presenters.answer_label, "channel_label": presenters.channel_label,
    "department_label": presenters.department_label, "extension_reason_label": presenters.extension_reason_label,
    "implementation_label": presenters.implementation_label, "party_type_label": presenters.party_type_label,
    "share_requester_label": presenters.share_requester_label,
    "share_recipient_label": presenters.share_recipient_label,
    "expert_requester_label": presenters.expert_requester_label, "cost_bearer_label": presenters.cost_bearer_label,
    "document_kind_label": presenters.document_kind_label, "mail_status_label": presenters.mail_status_label,
    "dispute_domain_label": presenters.dispute_domain_label, "region_label": presenters.region_label,
}
class DatabaseIntegerConverter(IntegerConverter):
    """``<dbint:name>``: a whole number of at most nine digits, which every INTEGER column holds (ids, years).
    A longer number matches no rule and is a 404 like any unknown id (under the API, the API's JSON 404),
    instead of an overflow error (a 500) when the query binds it."""

    regex = r"\d{1,9}"


def register_converters(app: Flask) -> None:
    """Make ``dbint`` known to the application's URL map, before the plugin's rules are added."""
    app.url_map.converters.setdefault("dbint", DatabaseIntegerConverter)


def build_blueprint() -> Blueprint:
    """Assemble the parent blueprint and its children (imported here to keep start-up order explicit)."""
    from mediator_plugin.admin.blueprint import bp as admin_bp
    from mediator_plugin.api.blueprint import bp as api_bp
    from mediator_plugin.cases.blueprint import bp as cases_bp
    from mediator_plugin.cases.correspondent import bp as correspondent_bp
    from mediator_plugin.core.auth import bp as auth_bp
    from mediator_plugin.examples.blueprint import bp as examples_bp
    from mediator_plugin.intake.blueprint import bp as intake_bp
    from mediator_plugin.intake.webhooks import bp as webhooks_bp
    from mediator_plugin.proposals.blueprint import bp as proposals_bp
    from mediator_plugin.public.blueprint import bp as public_bp
    from mediator_plugin.recommendations.blueprint import bp as recommendations_bp
    from mediator_plugin.reports.blueprint import bp as reports_bp
    from mediator_plugin.reports.blueprint import dashboard_bp
    from mediator_plugin.retention.blueprint import bp as retention_bp

    parent = Blueprint("mediator", __name__, template_folder="templates", static_folder="static",
                       static_url_path="/static/mediator")
    parent.before_request(start_request)  # first, so that even a refused request has its id and log line
    parent.before_request(refuse_other_hosts)
    parent.before_request(_refuse_nul_characters)
    parent.before_request(load_identity)
    parent.before_request(_enforce)  # deny first: a forbidden request is a 403 whatever its token
    parent.before_request(_check_csrf)
    parent.after_request(_security_headers)
    parent.after_request(finish_request)
    parent.app_context_processor(lambda: {"csrf_token": generate_csrf, "get_locale": get_locale,
                                          "identity": permissions.current_identity(), "main_menu": main_menu,
                                          **LABELS})
    parent.add_app_template_filter(_date_filter, "fr_date")
    parent.add_app_template_filter(_datetime_filter, "fr_datetime")
    for code in (400, 401, 403, 404, 405, 409, 413, 422, 429, 503):
        parent.register_error_handler(code, _error_page)
    for error in DATABASE_DOWN:
        parent.register_error_handler(error, _database_unavailable)
    for child in (public_bp, auth_bp, cases_bp, intake_bp, proposals_bp, reports_bp, correspondent_bp, webhooks_bp,
                  admin_bp, api_bp, recommendations_bp, dashboard_bp, examples_bp, retention_bp):
        parent.register_blueprint(child)
    return parent


def guard_unmatched_urls(app: Flask) -> None:
    """Standalone app only (a host owns its other URLs): a URL no route matches gets the French error
    page, the same security headers as the plugin's pages, a request id and its log line."""
    app.before_request(start_request)
    app.after_request(_security_headers)
    app.after_request(finish_request)
    for code in (404, 405):
        app.register_error_handler(code, _error_page)


def _error_page(error):
    """A French page that says what happened and what to do, with the right status."""
    titles = {
        400: _("The request could not be processed"), 401: _("Sign-in required"),
        403: _("Access denied"), 404: _("Page not found"), 405: _("Method not allowed"),
        409: _("Conflict"), 413: _("File too large"), 422: _("Invalid data"), 429: _("Too many attempts"),
        503: _("Service unavailable"),
    }
    messages = {
        400: _("The form has expired or is incomplete: reload the page and try again."),
        403: _("Your role does not give access to this page. Mediation files are reserved to the mediator's team."),
        404: _("This page does not exist or is not accessible to you."),
        413: _("The file sent is larger than the accepted limit."),
        429: _("Too many attempts from your connection. Wait a moment, then try again."),
    }
    code = getattr(error, "code", 500) or 500
    message = messages.get(code) or getattr(error, "description", "") or ""
    if code == 400 and getattr(error, "description", "") not in ("", "CSRF"):
        message = error.description
    headers = {"Retry-After": str(retry_after_seconds())} if code == 429 else {}
    return render_template("mediator/error.html", code=code, title=titles.get(code, str(code)),
                           message=message), code, headers


def _database_unavailable(error: Exception):
    """A 503 page in French, asking to try again shortly, instead of a 500 with a traceback in the log."""
    forget_failed_transaction(error)
    page = render_template("mediator/error.html", code=503, title=_("Service unavailable"), message=_(
        "The service is briefly unavailable. Wait a few moments, then try again."))
    return page, 503, {"Retry-After": str(DATABASE_RETRY_SECONDS)}


def _date_filter(value) -> str:
    """A date, an aware datetime (its Paris day) or an ISO date string (JSON snapshots keep strings)."""
    if isinstance(value, str):
        value = date.fromisoformat(value)
    return fr_date(paris_date(value) if isinstance(value, datetime) else value)


def _datetime_filter(value) -> str:
    """Paris time of an aware datetime or of an ISO 8601 string (ticket copies keep strings)."""
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    return fr_datetime(moment.astimezone(PARIS))


def _enforce():
    if request.endpoint == "mediator.static":
        return None
    return permissions.enforce()


def _refuse_nul_characters():
    # No query string a link or a filter writes holds a NUL character, and PostgreSQL refuses one in any text
    # (the console fuzzer's ?state=%00 was a 500). Forms drop the control characters no one types instead, and
    # the API checks each parameter against its schema (422, as its description says).
    if request.blueprint != "mediator.api" and any("\x00" in value for value in request.args.values()):
        abort(400, _("The request holds a character that no text may contain (NUL)."))


def _check_csrf():
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return
    view = current_app.view_functions.get(request.endpoint) if request.endpoint else None
    if permissions.csrf_exempted(view):
        return
    token = request.form.get("csrf_token") or request.headers.get("X-CSRFToken")
    try:
        validate_csrf(token)
    except (ValidationError, CSRFError):
        abort(400, "CSRF")


@functools.cache
def _csp(issuer: str) -> str:
    """The policy; ``form-action`` also names the identity provider's origin, because the sign-out form's answer
    redirects there (its end-session endpoint) and browsers hold a form's redirects to ``form-action`` too."""
    origin = urlsplit(issuer)
    return CSP.format(provider=f" {origin.scheme}://{origin.netloc}" if origin.scheme and origin.netloc else "")


def _security_headers(response):
    response.headers.setdefault("Content-Security-Policy", _csp(state().settings["oidc"]["issuer"]))
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault("X-Frame-Options", "DENY")
    if request.is_secure:
        response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
    if request.endpoint and not request.endpoint.startswith("mediator.public"):
        # Behind the sign-in everything is personal: never kept by a browser or a proxy, whatever send_file's
        # "no-cache" (which lets a browser keep a document on disk) said.
        response.headers["Cache-Control"] = "no-store"
    return response
