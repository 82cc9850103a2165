"""The message catalogs: French complete and faithful to the code, compiled, and used by the pages."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import read_mo, write_mo
from babel.messages.pofile import read_po, write_po
from markupsafe import escape

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "mediator_plugin" / "translations"
PLACEHOLDER = re.compile(r"%\((\w+)\)s")
PUBLIC_TEMPLATES = ("templates/mediator/base.html", "public/templates/public/home.html",
                    "public/templates/public/charter.html")


def _po(locale: str) -> Path:
    return TRANSLATIONS / locale / "LC_MESSAGES" / "messages.po"


def _read_po(path: Path, locale: str | None = None) -> Catalog:
    with path.open("rb") as fh:
        return read_po(fh, locale=locale)


def _forms(value) -> tuple[str, ...]:
    return tuple(value) if isinstance(value, list | tuple) else (value,)


def _key(value):
    return tuple(value) if isinstance(value, list | tuple) else value


@pytest.fixture(scope="module")
def fr() -> Catalog:
    return _read_po(_po("fr"), "fr")


@pytest.fixture(scope="module")
def extracted(tmp_path_factory) -> Catalog:
    """Every msgid of the code, extracted with babel.cfg into a fresh .pot, read back."""
    with (ROOT / "babel.cfg").open(encoding="utf-8") as fh:
        method_map, options_map = parse_mapping_cfg(fh, "babel.cfg")
    template = Catalog(charset="utf-8")
    for filename, lineno, message, comments, context in extract_from_dir(str(ROOT), method_map, options_map):
        template.add(message, None, [(filename, lineno)], auto_comments=comments, context=context)
    pot = tmp_path_factory.mktemp("i18n") / "messages.pot"
    with pot.open("wb") as fh:
        write_po(fh, template)
    return _read_po(pot)


def _ids(catalog: Catalog) -> set:
    return {(_key(m.id), m.context) for m in catalog if m.id}


def test_extraction_finds_python_and_template_messages(extracted):
    """The extraction reaches both Python modules and Jinja templates, plurals included."""
    files = {path.split("/")[-1] for m in extracted for path, _line in m.locations}
    assert {"workflow.py", "home.html", "dashboard.html"} <= files
    assert any(m.pluralizable for m in extracted)
    assert len(_ids(extracted)) > 100


def test_fr_catalog_complete_and_covers_the_code(fr, extracted):
    """The fr catalog has no untranslated or fuzzy entry and holds every msgid extracted from the code."""
    missing = _ids(extracted) - _ids(fr)
    assert not missing, f"msgids missing from the fr catalog (run tools/i18n.py update): {sorted(missing)}"
    fuzzy = [m.id for m in fr if m.id and m.fuzzy]
    untranslated = [m.id for m in fr if m.id and not all(_forms(m.string))]
    assert not fuzzy, f"fuzzy entries: {fuzzy}"
    assert not untranslated, f"untranslated entries: {untranslated}"


def test_en_catalog_exists_and_covers_the_code(extracted):
    """English is a real locale: its catalog exists, is compiled and lists every msgid."""
    en = _read_po(_po("en"), "en")
    assert _ids(extracted) <= _ids(en)
    assert _po("en").with_suffix(".mo").exists()


def test_fr_placeholders_match_msgids(fr):
    """Each fr msgstr keeps exactly the %(name)s placeholders of its msgid and formats without error."""
    wrong = []
    for message in fr:
        if not message.id:
            continue
        ids = _forms(message.id)
        for index, translation in enumerate(_forms(message.string)):
            source = ids[min(index, len(ids) - 1)]
            names = PLACEHOLDER.findall(source)
            if sorted(PLACEHOLDER.findall(translation)) != sorted(names):
                wrong.append((source, translation))
            elif names or "%" in source:
                try:
                    translation % dict.fromkeys(names, "x")
                except (KeyError, ValueError, TypeError):
                    wrong.append((source, translation))
    assert not wrong


def test_fr_typography(fr):
    """French strings use « » rather than English quotes and say « courriel », never « e-mail »."""
    bad = [s for m in fr if m.id for s in _forms(m.string)
           if re.search(r"[“”\"]|\be-?mail\b", s, re.IGNORECASE)]
    assert not bad


@pytest.mark.parametrize("locale", ["fr", "en"])
def test_mo_matches_po(locale, tmp_path):
    """The committed .mo holds exactly what compiling its .po gives now."""
    catalog = _read_po(_po(locale), locale)
    fresh = tmp_path / "messages.mo"
    with fresh.open("wb") as fh:
        write_mo(fh, catalog, use_fuzzy=False)

    def contents(path: Path) -> tuple:
        mo = read_mo(io.BytesIO(path.read_bytes()))
        return mo.plural_forms, {(_key(m.id), m.context): _key(m.string) for m in mo if m.id}

    assert contents(_po(locale).with_suffix(".mo")) == contents(fresh)


@pytest.fixture
def client(tmp_path):
    from mediator_plugin import create_app

    app = create_app({"env": "test", "database_url": f"sqlite:///{tmp_path}/x.db",
                      "storage_dir": str(tmp_path)})
    return app.test_client()


@pytest.fixture(scope="module")
def public_messages(fr) -> list[tuple[str, str]]:
    """(English, French) of every singular msgid of the public pages' templates that French changes."""
    root = ROOT / "mediator_plugin"
    pairs = []
    for relative in PUBLIC_TEMPLATES:
        found = extract_from_dir(str(root), [(relative, "jinja2")],
                                 {relative: {"extensions": "jinja2.ext.i18n"}})
        for _filename, _line, msgid, _comments, _context in found:
            if isinstance(msgid, str) and fr.get(msgid).string != msgid:
                pairs.append((msgid, fr.get(msgid).string))
    assert len(pairs) > 10
    return pairs


def _shown(text: str, html: str) -> bool:
    """Whether ``text`` appears in the page, as a translation (not escaped) or as data (escaped)."""
    return text in html or str(escape(text)) in html


def _literal(msgid: str) -> str:
    """The longest piece of a msgid between placeholders: what a rendered page would show of it."""
    return max(PLACEHOLDER.split(msgid)[::2], key=len)


@pytest.mark.parametrize("path", ["/", "/charte"])
def test_public_pages_render_in_french(client, fr, public_messages, path):
    """The home page and the charter speak French by default: catalog strings in, English msgids out."""
    response = client.get(path)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert '<html lang="fr">' in html
    expected = ["Staff sign-in", "Mediation files are confidential. Every access is recorded."]
    if path == "/":
        expected += ["How mediation works", "Who handles your request", "Read the mediation charter",
                     "What the mediator examines"]
    else:
        expected += ["Mediation charter"]
    assert all(_shown(fr.get(msgid).string, html) for msgid in expected)
    if path == "/charte":
        assert _shown(_literal(fr.get("Charter version %(version)s").string), html)
    english = [msgid for msgid, _french in public_messages if _shown(_literal(msgid), html)]
    assert not english, f"English left on {path}: {english}"


def test_public_page_in_english_on_request(client, fr):
    """``?lang=en`` shows the English text, and the choice sticks for the session."""
    html = client.get("/?lang=en").get_data(as_text=True)
    assert '<html lang="en">' in html
    assert "How mediation works" in html
    assert not _shown(fr.get("How mediation works").string, html)
    assert "Mediation charter" in client.get("/charte").get_data(as_text=True)
