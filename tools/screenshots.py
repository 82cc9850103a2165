"""Screenshots of the main screens, taken in Chromium from the demo's data: ``python tools/screenshots.py``.

Starts the demo's components (simulators, OIDC provider, mail sink) in a temporary folder, seeds
and syncs as ``make demo`` does, logs in as each demo identity and saves one PNG per screen in
``docs/screenshots/`` (the README links them). Chromium is Debian's (``CHROMIUM_PATH``).
"""

from __future__ import annotations

import argparse
import os
import re
import socket
import sys
import tempfile
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
OUT = ROOT / "docs" / "screenshots"
LOOPBACK = re.compile(r"^https?://(127\.0\.0\.1|localhost)(:\d+)?/")
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
               "--disable-sync", "--no-first-run", "--disable-quic"]
LAPTOP = {"width": 1280, "height": 860}
TABLET = {"width": 820, "height": 1180}


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _examples(app) -> dict[str, str]:
    """References of seeded files that show the screens at their fullest."""
    import sqlalchemy as sa

    from mediator_plugin.cases.models import Case, ObservationRequest, TicketCopy
    from mediator_plugin.core.db import db

    with app.app_context():
        awaiting = db.session.execute(
            sa.select(Case.reference).join(ObservationRequest, ObservationRequest.case_id == Case.id)
            .join(TicketCopy, TicketCopy.case_id == Case.id)
            .where(Case.state == "AWAITING_COMPANY", ObservationRequest.department == "billing")
            .order_by(Case.id.desc()).limit(1)).scalar()
        instructing = db.session.execute(sa.select(Case.reference).where(Case.state == "INSTRUCTION")
                                         .order_by(Case.id.desc()).limit(1)).scalar()
    return {"awaiting": awaiting, "instructing": instructing}


def _shots(examples: dict[str, str]) -> list[tuple[str, str, str, dict]]:
    """(file name, identity or "", path, viewport) of each screenshot."""
    awaiting, instructing = examples["awaiting"], examples["instructing"]
    return [
        ("01-public-home.png", "", "/", LAPTOP),
        ("02-dashboard.png", "gestionnaire", "/console/", LAPTOP),
        ("03-intake-queue.png", "gestionnaire", "/console/arrivees/", LAPTOP),
        ("04-file-list.png", "gestionnaire", "/console/dossiers?state=open", LAPTOP),
        ("05-file-page.png", "gestionnaire", f"/console/dossiers/{awaiting}", LAPTOP),
        ("06-proposal-editor.png", "mediatrice", f"/console/dossiers/{instructing}/avis/", LAPTOP),
        ("07-who-accessed.png", "mediatrice", f"/console/dossiers/{awaiting}/acces", LAPTOP),
        ("08-correspondent-space.png", "facturation", "/correspondant/", LAPTOP),
        ("09-recommendations.png", "mediatrice", "/console/recommandations/", LAPTOP),
        ("10-executive-dashboard.png", "comex", "/console/pilotage/", LAPTOP),
        ("11-operations.png", "admin-si", "/console/admin/", LAPTOP),
        ("12-file-page-tablet.png", "gestionnaire", f"/console/dossiers/{awaiting}", TABLET),
        ("13-denied-agent.png", "agent-sav", f"/console/dossiers/{awaiting}", LAPTOP),
        ("14-online-filing.png", "", "/saisir", LAPTOP),
        ("15-examples.png", "mediatrice", "/console/exemples/", LAPTOP),
    ]


def _login(page, base: str, sub: str) -> None:
    page.goto(f"{base}/login")
    page.fill("input[name=sub]", sub)
    page.locator("form button, form input[type=submit]").first.click()
    page.wait_for_url(re.compile(re.escape(base) + ".*"))


def take(out: Path, only: set[str]) -> list[Path]:
    from playwright.sync_api import sync_playwright
    from werkzeug.serving import make_server

    from mediator_plugin.demo import demo_app

    port = _free_port()
    saved = []
    with tempfile.TemporaryDirectory() as var, \
            demo_app(port=port, seed_cases_count=400, var=Path(var)) as (app, _urls):
        server = make_server("127.0.0.1", port, app, threaded=True)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        base = f"http://127.0.0.1:{port}"
        examples = _examples(app)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"), args=LAUNCH_ARGS)
            for name, who, path, viewport in _shots(examples):
                if only and name not in only:
                    continue
                context = browser.new_context(locale="fr-FR", viewport=viewport)
                context.route("**/*", lambda route: route.continue_() if LOOPBACK.match(route.request.url)
                              else route.abort())
                page = context.new_page()
                if who:
                    _login(page, base, who)
                page.goto(base + path)
                page.screenshot(path=str(out / name), full_page=False)
                saved.append(out / name)
                context.close()
            browser.close()
        server.shutdown()
    return saved


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("names", nargs="*", help="only these file names")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    for path in take(args.out, set(args.names)):
        print(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
