"""Flask-Babel set-up: French by default, English available (``?lang=en`` or the browser's choice)."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType

from flask import Flask, g, has_app_context, has_request_context, request, session
from flask_babel import Babel, get_locale, get_translations
from jinja2 import pass_eval_context
from markupsafe import Markup

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
        # Same messages as Flask-Babel's own callables, through the request's catalog (see catalog()).
        app.jinja_env.install_gettext_callables(
            gettext=lambda s: catalog().ugettext(s),
            ngettext=lambda s, p, n: catalog().ungettext(s, p, n),
            pgettext=lambda c, s: catalog().upgettext(c, s),
            npgettext=lambda c, s, p, n: catalog().unpgettext(c, s, p, n),
            newstyle=True,
        )
        # The extension keeps pgettext and npgettext; ``_``, ``gettext`` and ``ngettext`` are replaced by the
        # same new-style messages in one call each instead of its three layers (its ``_`` resolves ``gettext``
        # and calls it through the context). A file page has dozens.
        app.jinja_env.globals.update(_=_template_gettext, gettext=_template_gettext, ngettext=_template_ngettext)


@pass_eval_context
def _template_gettext(eval_ctx, message: str, **variables):
    # As Jinja's new-style gettext: under autoescape the translation is markup and the variables are
    # escaped into it; the message is always a format string (``%%`` is a percent sign), which a message
    # without variables or percent sign is already.
    text = catalog().ugettext(message)
    if eval_ctx.autoescape:
        text = Markup(text)  # noqa: S704 - our own catalog
    return text % variables if variables or "%" in text else text


@pass_eval_context
def _template_ngettext(eval_ctx, singular: str, plural: str, num: int, **variables):
    variables.setdefault("num", num)
    text = catalog().ungettext(singular, plural, num)
    return (Markup(text) if eval_ctx.autoescape else text) % variables  # noqa: S704 - our own catalog


def catalog():
    """The translations of the current locale, found once per request (again when ``force_locale`` changes it).

    Flask-Babel looks the catalog up anew for every message; a list page of fifty rows asks for a few
    dozen messages, and the look-ups cost more than the rest of its rendering.
    """
    if not has_app_context():
        return get_translations()
    context_globals = g._get_current_object()  # one look-up through the proxy, not three
    # Flask-Babel keeps the request's locale (or the one force_locale set) on g._flask_babel.
    locale = getattr(getattr(context_globals, "_flask_babel", None), "babel_locale", None) or get_locale()
    cached = getattr(context_globals, "_mediator_catalog", None)
    if cached is None or cached[0] is not locale:
        cached = context_globals._mediator_catalog = (locale, get_translations())
    return cached[1]


def translated(messages: Mapping) -> Mapping:
    """A module's constant table of messages (``N_``-marked) in the current language, read-only.

    Each table is translated once per catalog and kept on it (tables are module constants, so their ids
    stay theirs): a file page shows the reasons for a legal hold, a list page every state's label.
    """
    current = catalog()
    tables = current.__dict__.setdefault("_mediator_tables", {})
    table = tables.get(id(messages))
    if table is None:
        table = tables[id(messages)] = MappingProxyType(
            {key: current.ugettext(message) for key, message in messages.items()})
    return table


def gettext(message: str, **variables) -> str:
    """Flask-Babel's ``gettext`` through the request's :func:`catalog`: same result, a fraction of the cost."""
    text = catalog().ugettext(message)
    return text % variables if variables else text


def N_(message: str) -> str:
    """Mark a message for extraction; it is translated where it is shown (gettext's "translate later")."""
    return message
