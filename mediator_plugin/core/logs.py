"""Structured logs: one JSON line per event, and one line per request carrying its request id.

The request id comes from the reverse proxy's ``X-Request-Id`` when it is a sane token, otherwise
it is generated; it is echoed in the response and added to every log line written during the
request. Request lines name the user by subject only, and the path without its query string (a
search may hold a name or an e-mail). :func:`configure_logging` is for the standalone app: a host
application keeps its own logging configuration, and the request hooks still work there.
"""

from __future__ import annotations

import json
import logging
import re
import sys
import time
import uuid
from datetime import UTC, datetime

from flask import has_request_context, request

REQUEST_ID_HEADER = "X-Request-Id"
LOG_FORMATS = ("json", "plain")
# What a proxy may hand us: letters, digits and a few separators, not too long to fill the logs.
_SANE_REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")
_ENV_ID, _ENV_STARTED, _ENV_LOGGED = "mediator.request_id", "mediator.request_started", "mediator.request_logged"
# Attributes every LogRecord has; anything else was passed with ``extra=`` and belongs in the line.
_RECORD_FIELDS = frozenset(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {"message", "asctime"}

request_log = logging.getLogger("mediator.request")


def current_request_id() -> str | None:
    """The id of the request being served, or None outside a request."""
    return request.environ.get(_ENV_ID) if has_request_context() else None


def _fields(record: logging.LogRecord) -> dict:
    """The record's ``extra`` fields, with the request id when there is one."""
    fields = {key: value for key, value in vars(record).items() if key not in _RECORD_FIELDS}
    request_id = current_request_id()
    if request_id:
        fields.setdefault("request_id", request_id)
    return fields


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time (UTC), level, logger, message, the ``extra`` fields, request id."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            **_fields(record),
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str, ensure_ascii=False)


class PlainFormatter(logging.Formatter):
    """Text for a terminal: the usual line, then the ``extra`` fields as key=value."""

    def __init__(self):
        super().__init__("%(asctime)s %(levelname)s %(name)s: %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        line, _, trace = super().format(record).partition("\n")
        extras = " ".join(f"{key}={json.dumps(value, default=str, ensure_ascii=False)}"
                          for key, value in _fields(record).items())
        return "\n".join(part for part in (f"{line} {extras}".rstrip(), trace) if part)


class _CurrentStderrHandler(logging.StreamHandler):
    """Writes to whatever ``sys.stderr`` is at the time (test runners and the demo swap it)."""

    def __init__(self):
        super().__init__(sys.stderr)

    @property
    def stream(self):
        return sys.stderr

    @stream.setter
    def stream(self, _value):
        pass


def configure_logging(log_format: str) -> None:
    """Standalone app: INFO and above to stderr, as JSON lines or plain text (``log_format``).

    Calling it again replaces the handler it installed, never one the host or a test runner added.
    """
    root = logging.getLogger()
    for handler in [h for h in root.handlers if isinstance(h, _CurrentStderrHandler)]:
        root.removeHandler(handler)
    handler = _CurrentStderrHandler()
    handler.setFormatter(JsonFormatter() if log_format == "json" else PlainFormatter())
    root.addHandler(handler)
    root.setLevel(logging.INFO)


def start_request() -> None:
    """``before_request``: adopt the proxy's request id if sane, else make one; start the clock."""
    if _ENV_ID in request.environ:  # the app-level and the blueprint-level hook both run
        return
    incoming = request.headers.get(REQUEST_ID_HEADER, "")
    request.environ[_ENV_ID] = incoming if _SANE_REQUEST_ID.fullmatch(incoming) else uuid.uuid4().hex
    request.environ[_ENV_STARTED] = time.perf_counter()


def finish_request(response):
    """``after_request``: echo the request id and write the request's one log line."""
    if _ENV_ID not in request.environ or request.environ.get(_ENV_LOGGED):
        return response
    request.environ[_ENV_LOGGED] = True
    response.headers[REQUEST_ID_HEADER] = request.environ[_ENV_ID]
    request_log.info("request", extra={
        "method": request.method,
        "path": request.path,
        "status": response.status_code,
        "duration_ms": round((time.perf_counter() - request.environ[_ENV_STARTED]) * 1000, 1),
        "user": _user_subject(),
    })
    return response


def _user_subject() -> str | None:
    # The identity is loaded by the plugin's blueprint only: elsewhere (an unmatched URL) there is none.
    if not request.blueprints:
        return None
    from mediator_plugin.core.permissions import current_identity

    identity = current_identity()
    return identity.sub if identity else None
