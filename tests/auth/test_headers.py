"""Security headers on every page (CSP without inline code, no framing, HSTS over HTTPS only) and
templates that need no inline script or style."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import mediator_plugin

TEMPLATES = sorted(Path(mediator_plugin.__file__).parent.rglob("templates/**/*.html"))
HSTS = "Strict-Transport-Security"


def _every_get_url(app) -> list[str]:
    """One URL per GET rule of the plugin; parameters get "1" (an unknown id: the 404 page is a page too)."""
    urls = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("mediator.") and "GET" in rule.methods:
            values = {name: "mediator.css" if name == "filename" else "1" for name in rule.arguments}
            urls.append(re.sub(r"<(?:[^:>]+:)?([^>]+)>", lambda m, v=values: v[m.group(1)], rule.rule))
    return sorted(urls, key=lambda url: url == "/logout")  # last: the walk stays signed in until then


def _assert_strict_csp(response, url: str) -> None:
    csp = response.headers.get("Content-Security-Policy", "")
    directives = {d.split()[0]: d.split()[1:] for d in csp.split(";") if d.strip()}
    assert directives.get("frame-ancestors") == ["'none'"], (url, csp)
    assert directives.get("script-src") == ["'self'"] and directives.get("style-src") == ["'self'"], (url, csp)
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp, (url, csp)
    assert response.headers.get("X-Frame-Options") == "DENY", url


def test_every_page_carries_a_strict_csp(make_app, login):
    """Does every GET endpoint, for a visitor and for the mediator, answer with the CSP (no inline, no framing)?"""
    app = make_app()
    anonymous, mediator = app.test_client(), app.test_client()
    login(mediator, "mediatrice")
    urls = _every_get_url(app)
    assert len(urls) > 15 and "/login" in urls and "/console/" in urls
    for client in (anonymous, mediator):
        statuses = {}
        for url in urls:
            response = client.get(url)
            statuses[url] = response.status_code
            _assert_strict_csp(response, url)
    assert statuses["/console/"] == 200  # the mediator's walk saw the real pages, not the login redirect
    unknown = anonymous.get("/no-such-page")  # outside every route: the app, not the blueprint, answers
    assert unknown.status_code == 404 and "Page introuvable" in unknown.get_data(as_text=True)
    _assert_strict_csp(unknown, "/no-such-page")


def test_hsts_only_over_https(make_app):
    """Is HSTS sent on an HTTPS request and never on a plain HTTP one?"""
    client = make_app().test_client()
    assert HSTS not in client.get("/charte").headers
    secure = client.get("/charte", base_url="https://localhost")
    assert secure.headers[HSTS].startswith("max-age=") and int(secure.headers[HSTS].split("=")[1]) >= 15552000


@pytest.mark.parametrize(("trusted_proxies", "expect_hsts"), [(1, True), (0, False)])
def test_hsts_behind_a_proxy_follows_the_trusted_scheme(make_app, trusted_proxies, expect_hsts):
    """Behind a TLS proxy, is X-Forwarded-Proto believed (HSTS sent) only when the proxy is declared trusted?"""
    client = make_app(trusted_proxies=trusted_proxies).test_client()
    response = client.get("/charte", headers={"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.7"})
    assert response.status_code == 200
    assert (HSTS in response.headers) is expect_hsts


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_template_has_no_inline_script_or_style(template):
    """Does this template avoid everything the CSP would block: inline <script>, handlers, style, javascript:?"""
    source = template.read_text(encoding="utf-8")
    scripts = re.findall(r"<script\b[^>]*>", source, flags=re.IGNORECASE)
    assert all("src=" in tag for tag in scripts), scripts
    if template.name != "edition.html":
        # The report's HTML edition inlines its stylesheet only in the self-contained file `mediator report
        # --format html` writes; served by the site, it links report.css (tests/public/test_reports_archive.py).
        assert not re.search(r"<style\b", source, flags=re.IGNORECASE)
    assert not re.search(r"\sstyle\s*=", source, flags=re.IGNORECASE)
    assert not re.search(r"\son[a-z]+\s*=", source, flags=re.IGNORECASE)
    assert "javascript:" not in source.lower()


def test_templates_were_found():
    """Does the template scan see the plugin's templates (a wrong glob would pass vacuously)?"""
    assert len(TEMPLATES) >= 10
    assert any(p.name == "base.html" for p in TEMPLATES)
