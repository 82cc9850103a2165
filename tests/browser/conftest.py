"""Chromium through Playwright (Debian's package, never a downloaded browser); screenshots on failure."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from tests.conftest import missing

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
               "--disable-sync", "--no-first-run", "--disable-quic"]
LOOPBACK = re.compile(r"^https?://(127\.0\.0\.1|localhost)(:\d+)?/")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.when == "call":
        item.rep_call = report


@pytest.fixture(scope="session")
def browser():
    executable = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
    if not Path(executable).exists():
        missing("Chromium", f"{executable} not found; apt-get install chromium or set CHROMIUM_PATH")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=executable, args=LAUNCH_ARGS, headless=True)
        yield launched
        launched.close()


@pytest.fixture
def new_page(browser, request):
    """Pages in fresh contexts (one per person); every request off loopback is aborted."""
    contexts = []

    def open_page():
        context = browser.new_context(locale="fr-FR", viewport={"width": 1280, "height": 900})
        context.route("**/*", lambda route: route.continue_() if LOOPBACK.match(route.request.url)
                      else route.abort())
        contexts.append(context)
        return context.new_page()

    yield open_page
    failed = getattr(request.node, "rep_call", None) is not None and request.node.rep_call.failed
    for number, context in enumerate(contexts):
        if failed:
            ARTIFACTS.mkdir(exist_ok=True)
            for page in context.pages:
                page.screenshot(path=str(ARTIFACTS / f"{request.node.name}-{number}.png"), full_page=True)
        context.close()
