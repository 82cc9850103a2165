"""Reading submitted form fields into typed values, with the error a user understands."""

from __future__ import annotations

import re
from datetime import date

from flask import request
from flask_babel import gettext as _

from mediator_plugin.core.db import bounded_int
from mediator_plugin.core.errors import MissingField

# An e-mail address as people type it: something, an at sign, a domain with a dot (the mail server checks the rest).
EMAIL = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"
# C0 control characters other than tab, line feed and carriage return: nobody types them, and PostgreSQL
# refuses NUL in text (a 500 on a form PostgreSQL stores, where SQLite accepted it).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def without_control_characters(value):
    """``value`` without the control characters no one types (a string; anything else unchanged)."""
    return _CONTROL.sub("", value) if isinstance(value, str) else value


def text(name: str, default: str = "") -> str:
    return without_control_characters(request.form.get(name) or default).strip()


def optional_date(name: str) -> date | None:
    raw = text(name)
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise MissingField(_("The date is not valid (expected YYYY-MM-DD)."), field=name) from None


def required_date(name: str) -> date:
    value = optional_date(name)
    if value is None:
        raise MissingField(_("Give a date."), field=name)
    return value


def boolean(name: str) -> bool:
    return text(name) in ("1", "yes", "on", "true")


def choice(name: str, allowed) -> str:
    value = text(name)
    if value not in allowed:
        raise MissingField(_("Choose a value from the list."), field=name)
    return value


def integer(name: str) -> int:
    """The whole number sent under ``name`` (ids, versions, amounts of days), bounded so that it binds."""
    value = bounded_int(text(name))
    if value is None:
        raise MissingField(_("A number is expected."), field=name)
    return value


def integers(name: str) -> list[int]:
    """Every value sent under ``name`` (checkboxes of one list) as numbers."""
    values = [bounded_int(value) for value in request.form.getlist(name) if value.strip()]
    if None in values:
        raise MissingField(_("A number is expected."), field=name)
    return values


def upload(name: str) -> tuple[str, bytes] | None:
    """(filename, content) of an uploaded file, or None when no file was sent."""
    storage = request.files.get(name)
    if storage is None or not storage.filename:
        return None
    return storage.filename, storage.read()


def uploads(name: str, limit: int) -> list[tuple[str, bytes]]:
    """(filename, content) of each file sent under ``name``; more than ``limit`` files is refused."""
    sent = [(s.filename, s.read()) for s in request.files.getlist(name) if s and s.filename]
    if len(sent) > limit:
        raise MissingField(_("Send at most %(num)s files at once.", num=limit), field=name)
    return sent
