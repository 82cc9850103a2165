"""Flask-Babel set-up: French by default, English available (``?lang=en`` or the browser's choice)."""

from __future__ import annotations

from pathlib import Path

from flask import Flask, has_request_context, request, session
from flask_babel import Babel

TRANSLATIONS = Path(__file__).resolve().parent.parent / "translations"
LOCALES = ("fr", "en")


def _select_locale() -> str:
    if not has_request_context():
        return "fr"
    wanted = request.args.get("lang")
    if wanted in LOCALES:
        session["mediator_lang"] = wanted
        return wanted
    return session.get("mediator_lang", "fr")


def init_babel(app: Flask) -> None:
    """Register our catalog directory; reuse the host's Babel if it has one."""
    directories = app.config.get("BABEL_TRANSLATION_DIRECTORIES", "translations")
    if str(TRANSLATIONS) not in directories.split(";"):
        app.config["BABEL_TRANSLATION_DIRECTORIES"] = f"{directories};{TRANSLATIONS}"
    app.config.setdefault("BABEL_DEFAULT_LOCALE", "fr")
    app.config.setdefault("BABEL_DEFAULT_TIMEZONE", "Europe/Paris")
    if "babel" not in app.extensions:
        Babel(app, locale_selector=_select_locale)
