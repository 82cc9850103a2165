"""Every error of the API as JSON: ``{"error": {"code", "message", "fields"}}``, never the HTML page.

``message`` is French; ``fields`` names each invalid field with its French messages. Marshmallow's
messages are English, so the ones our schemas can raise are put into French here, in one table.
"""

from __future__ import annotations

import re

from flask import jsonify
from flask_babel import gettext as _
from marshmallow import ValidationError
from werkzeug.exceptions import HTTPException

from mediator_plugin.core.db import db
from mediator_plugin.core.errors import DATABASE_RETRY_SECONDS, MediationError, forget_failed_transaction

CODES = {400: "bad_request", 401: "unauthenticated", 403: "forbidden", 404: "not_found", 405: "method_not_allowed",
         409: "conflict", 413: "too_large", 415: "unsupported_media_type", 422: "invalid", 500: "server_error",
         503: "unavailable"}


def _messages() -> dict[int, str]:
    return {
        400: _("The request could not be processed."),
        401: _("Sign in to the console first: the API uses the console's session."),
        403: _("Your role does not give access to this resource."),
        404: _("This resource does not exist."),
        405: _("This method is not allowed on this resource."),
        409: _("The resource changed in the meantime: read it again."),
        413: _("The request is larger than the accepted limit."),
        422: _("Some fields are invalid."),
        500: _("An internal error occurred."),
        503: _("Service unavailable."),
    }


def error_response(status: int, *, message: str | None = None, code: str | None = None, fields=None):
    """The JSON error body with its status."""
    body = {"code": code or CODES.get(status, "error"), "message": message or _messages().get(status, str(status)),
            "fields": fields or {}}
    return jsonify({"error": body}), status


def http_error(error: HTTPException):
    """Aborts of the hooks and views (401, 403, 404, 405, CSRF…)."""
    status = error.code or 500
    if status == 400 and error.description == "CSRF":
        response = error_response(400, code="csrf", message=_(
            "The CSRF token is missing or invalid: send the token of your session in the X-CSRFToken header."))
    else:
        response = error_response(status)
    if status == 405:
        response[0].headers["Allow"] = ", ".join(getattr(error, "valid_methods", None) or ())
    return response


def mediation_error(error: MediationError):
    """A refusal of a service: its status, its French message, the field it names; nothing stored."""
    db.session.rollback()
    fields = {error.field: [error.message]} if error.field else {}
    return error_response(error.status, message=error.message, fields=fields)


def validation_error(error: ValidationError):
    """An invalid body or query parameter: 422 with each field's messages."""
    db.session.rollback()
    messages = error.messages if isinstance(error.messages, dict) else {"_schema": error.messages}
    return error_response(422, fields=_in_french(messages))


def database_unavailable(error: Exception):
    """The database cannot be reached for now: 503 with Retry-After, in the API's JSON shape."""
    forget_failed_transaction(error)
    response = error_response(503, message=_("The service is briefly unavailable: try again in a few moments."))
    response[0].headers["Retry-After"] = str(DATABASE_RETRY_SECONDS)
    return response


def _in_french(messages):
    if isinstance(messages, dict):
        return {str(key): _in_french(value) for key, value in messages.items()}
    if isinstance(messages, list):
        return [_in_french(message) for message in messages]
    return _translate(str(messages))


def _translate(message: str) -> str:
    exact = {
        "Missing data for required field.": _("This field is required."),
        "Field may not be null.": _("This field cannot be empty."),
        "Unknown field.": _("Unknown field."),
        "Invalid input type.": _("The body must be a JSON object."),
        "Not a valid integer.": _("Enter a whole number."),
        "Not a valid string.": _("Enter text."),
        "Not a valid list.": _("Enter a list."),
        "Not a valid date.": _("Enter a date as YYYY-MM-DD."),
        "Not a valid boolean.": _("Enter true or false."),
        "Invalid value.": _("Invalid value."),
        "Shorter than minimum length 1.": _("This field cannot be empty."),
    }
    if message in exact:
        return exact[message]
    for pattern, french in _PATTERNS:
        match = pattern.fullmatch(message)
        if match:
            return french(match)
    return message


_PATTERNS = (
    (re.compile(r"Must be one of: (?P<choices>.*)\."), lambda m: _("Choose one of: %(choices)s.", **m.groupdict())),
    (re.compile(r"Must be greater than or equal to (?P<min>\S+) and less than or equal to (?P<max>\S+)\."),
     lambda m: _("Enter a value from %(min)s to %(max)s.", **m.groupdict())),
    (re.compile(r"Must be greater than or equal to (?P<min>\S+)\."),
     lambda m: _("Enter a value of at least %(min)s.", **m.groupdict())),
    (re.compile(r"Longer than maximum length (?P<max>\d+)\."),
     lambda m: _("At most %(max)s characters.", **m.groupdict())),
    (re.compile(r"Shorter than minimum length (?P<min>\d+)\."),
     lambda m: _("At least %(min)s characters.", **m.groupdict())),
    (re.compile(r"Length must be between (?P<min>\d+) and (?P<max>\d+)\."),
     lambda m: _("Between %(min)s and %(max)s characters.", **m.groupdict())),
)
