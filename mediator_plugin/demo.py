"""``mediator demo`` / ``make demo``: everything on loopback, from embedded defaults.

A Zendesk simulator with realistic tickets, a local OpenID Connect provider holding one identity
per role, an SMTP sink writing mails under ``var/demo/mail``, synthetic files, one sync, the jobs
every few seconds, and the console on http://127.0.0.1:PORT. Ctrl-C stops everything.
"""

from __future__ import annotations

import contextlib
import email
import email.policy
import logging
import socket
import threading
import warnings
from datetime import datetime
from pathlib import Path

import click
from aiosmtpd.controller import Controller
from werkzeug.serving import make_server

DEMO_GROUPS = {
    "mediatrice": ["mediation-mediators"],
    "gestionnaire": ["mediation-handlers"],
    "facturation": ["dept-billing"],
    "comex": ["comex"],
    "admin-si": ["it-admins"],
    "agent-sav": ["service-client"],
}
DEMO_NAMES = {
    "mediatrice": "Claire Martin", "gestionnaire": "Lisa Bernard", "facturation": "Marc Petit",
    "comex": "Sophie Durand", "admin-si": "Paul Moreau", "agent-sav": "Nadia Leroy",
}
DEMO_ROLES = {
    "mediator": ["mediation-mediators"], "case_handler": ["mediation-handlers"], "executive": ["comex"],
    "admin": ["it-admins"],
    "correspondent": {"billing": ["dept-billing"], "contracts": ["dept-contracts"], "technical": ["dept-technical"]},
}
DEMO_DEPARTMENTS = {
    "billing": {"label": "Facturation", "email": "facturation@example.com"},
    "contracts": {"label": "Contrats", "email": "contrats@example.com"},
    "technical": {"label": "Service technique", "email": "technique@example.com"},
}
JOBS_EVERY_SECONDS = 10


def demo_user_claims() -> list[dict]:
    """The demo identities as OpenID Connect claims (interfaces.md, "Demo identities")."""
    return [{"sub": sub, "name": DEMO_NAMES[sub], "email": f"{sub}@example.com", "groups": groups}
            for sub, groups in DEMO_GROUPS.items()]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class _MailSink:
    """Writes each mail received to a .eml file and says so on the terminal."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.count = 0

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        (self.folder / f"{self.count:04d}.eml").write_bytes(envelope.content)
        click.echo(f"  ✉  mail to {message['To']}: {message['Subject']}")
        return "250 OK"


@contextlib.contextmanager
def _components(var: Path):
    from authlib.deprecate import AuthlibDeprecationWarning

    # The local provider is a third-party test tool; its deprecation notices are noise in the demo.
    warnings.filterwarnings("ignore", category=AuthlibDeprecationWarning)
    from oidc_provider_mock import User, run_server_in_thread

    from connectors.freshdesk.simulator import FreshdeskSimulator
    from connectors.freshdesk.simulator import run_in_thread as run_freshdesk
    from connectors.zendesk.simulator import ZendeskSimulator, run_in_thread

    mail_dir = var / "mail"
    mail_dir.mkdir(parents=True, exist_ok=True)
    smtp = Controller(_MailSink(mail_dir), hostname="127.0.0.1", port=_free_port())
    smtp.start()
    users = [User(sub=c["sub"], claims={k: v for k, v in c.items() if k != "sub"}) for c in demo_user_claims()]
    try:
        with run_server_in_thread(port=0, user_claims=users) as oidc, \
                run_in_thread(ZendeskSimulator.seeded(tickets=400, seed=1)) as zendesk, \
                run_freshdesk(FreshdeskSimulator.seeded(tickets=400, seed=2)) as freshdesk:
            yield {"smtp": f"smtp://127.0.0.1:{smtp.port}", "oidc": f"http://localhost:{oidc.server_port}",
                   "zendesk": f"http://127.0.0.1:{zendesk.server_port}",
                   "freshdesk": f"http://127.0.0.1:{freshdesk.server_port}"}
    finally:
        smtp.stop()


def _jobs_loop(app, stop: threading.Event) -> None:
    from mediator_plugin.core.jobs import run_jobs

    while not stop.wait(JOBS_EVERY_SECONDS):
        with app.app_context():
            result = run_jobs()
        if result["outbox"]["sent"] or result["outbox"]["failed"] or result["errors"]:
            click.echo(f"  ⟳  jobs: {result['outbox']} {result['errors'] or ''}")


@contextlib.contextmanager
def demo_app(*, port: int, seed_cases_count: int, var: Path = Path("var/demo")):
    """The demo application and the URLs of its components, seeded and synced, until the block ends."""
    from connectors.freshdesk.simulator_data import FIELD_COMPLAINT_OUTCOME as FRESHDESK_OUTCOME
    from connectors.zendesk.simulator_data import FIELD_COMPLAINT_OUTCOME as ZENDESK_OUTCOME
    from mediator_plugin import create_app
    from mediator_plugin.core.helpdesk_notice import install_notice_rules
    from mediator_plugin.core.helpdesks import configured_connectors
    from mediator_plugin.core.schema import upgrade_schema
    from mediator_plugin.governance.notices import check_in_own_transaction
    from mediator_plugin.intake.sync import sync_helpdesk

    var.mkdir(parents=True, exist_ok=True)
    with _components(var) as urls:
        app = create_app({
            "env": "demo", "log_format": "plain", "database_url": f"sqlite:///{(var / 'mediator.db').resolve()}",
            "storage_dir": str((var / "files").resolve()), "base_url": f"http://127.0.0.1:{port}",
            "smtp_url": urls["smtp"], "roles": DEMO_ROLES, "departments": DEMO_DEPARTMENTS,
            "oidc": {"issuer": urls["oidc"], "client_id": "mediateur-demo", "client_secret": "demo-secret"},
            "zendesk": {"url": urls["zendesk"], "email": "mediateur@example.com", "api_token": "demo-token",
                        "complaint_outcome_field_id": ZENDESK_OUTCOME},
            "freshdesk": {"url": urls["freshdesk"], "api_key": "demo-freshdesk-key",
                          "complaint_outcome_field": FRESHDESK_OUTCOME},
        })
        logging.getLogger("werkzeug").setLevel(logging.WARNING)  # the app logs each request itself
        logging.getLogger("mail.log").setLevel(logging.WARNING)  # the SMTP sink's line per command
        with app.app_context():
            upgrade_schema()
            check_in_own_transaction("init", record_baseline=True)  # as `mediator init` does (R-CECMC-4)
            seed_demo_data(seed_cases_count)
            for vendor, connector in configured_connectors().items():
                summary = sync_helpdesk(connector, full=True)
                click.echo(f"Sync from the {vendor} simulator: {summary.new} new request(s) in the intake queue.")
                # R-HELPDESK-1: the simulator's own rules add the mediator's block to unfavourable closing answers.
                changes = install_notice_rules(vendor, actor="demo")
                click.echo(f"Rules of the {vendor} simulator: "
                           + ", ".join(f"{c.rule.name.lower()} {c.change}" for c in changes) + ".")
        yield app, urls


def seed_demo_data(seed_cases_count: int, *, now: datetime | None = None) -> None:
    """On an empty database, synthetic files over last year and this year (Paris) and the register's
    recommendations; then, once, last year's report published with approved case examples and the
    mediator's texts, so that the archive and its "Cas concrets" chapter are never empty."""
    from mediator_plugin.cases.models import Case
    from mediator_plugin.core.calendar import paris_date
    from mediator_plugin.core.db import db, utcnow
    from mediator_plugin.core.errors import MediationError
    from mediator_plugin.reports import publication, snapshots
    from mediator_plugin.seed import seed_cases
    from mediator_plugin.seed.published_year import prepare_published_year
    from mediator_plugin.seed.recommendations import seed_recommendations
    from mediator_plugin.seed.requests import seed_pending_requests

    now = now or utcnow()
    this_year = paris_date(now).year
    if not db.session.query(Case.id).first() and seed_cases_count:
        click.echo(f"Seeding {seed_cases_count} synthetic files…")
        seed_cases(seed_cases_count, first_year=this_year - 1, last_year=this_year, seed=1, now=now)
        seed_recommendations(this_year)
        seed_pending_requests()
        db.session.commit()
    last_year = this_year - 1
    if snapshots.latest(last_year) is not None:
        return
    try:
        examples = prepare_published_year(last_year)
        publication.publish(last_year, published_by="mediatrice")
    except MediationError as exc:  # e.g. a demo database without files of last year
        db.session.rollback()
        click.echo(f"The report of {last_year} is not published: {exc.message}")
        return
    db.session.commit()
    click.echo(f"Report of {last_year} published, with {examples} approved case example(s).")


def run_demo(*, port: int, seed_cases_count: int, var: Path = Path("var/demo")) -> None:
    """Start everything and serve until Ctrl-C."""
    with demo_app(port=port, seed_cases_count=seed_cases_count, var=var) as (app, urls):
        stop = threading.Event()
        threading.Thread(target=_jobs_loop, args=(app, stop), daemon=True).start()
        server = make_server("127.0.0.1", port, app, threaded=True)
        _banner(port, urls)
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            click.echo("\nStopping…")
        finally:
            stop.set()
            server.server_close()


def _banner(port: int, urls: dict) -> None:
    from connectors.freshdesk.simulator_data import FIELD_COMPLAINT_OUTCOME as FRESHDESK_OUTCOME
    from connectors.zendesk.simulator_data import FIELD_COMPLAINT_OUTCOME as ZENDESK_OUTCOME

    click.echo(f"""
Médiateur demo is running.

  Console            http://127.0.0.1:{port}/            (log in with "Connexion du personnel")
  Zendesk simulator  {urls['zendesk']}/api/v2/   (ticket state: /_sim/tickets/<id>)
  Freshdesk simulator {urls['freshdesk']}/api/v2/  (ticket state: /_sim/tickets/<id>)
                     both run their rules: a ticket solved with the outcome "refusee" (Zendesk field
                     {ZENDESK_OUTCOME}) or "Refusée" (Freshdesk {FRESHDESK_OUTCOME}) gets the mediator's block;
                     POST /_sim/automations/run runs the hourly pass (complaints unanswered for 2 months)
  OIDC provider      {urls['oidc']}
  Mail sink          var/demo/mail/*.eml

Identities (type the name on the provider's page, no password):
""")
    roles = {"mediatrice": "mediator", "gestionnaire": "case handler", "facturation": "correspondent, billing",
             "comex": "executive", "admin-si": "admin", "agent-sav": "customer-service agent: no access"}
    for sub, role in roles.items():
        click.echo(f"  {sub:<14} {DEMO_NAMES[sub]:<16} {role}")
    click.echo("\nCtrl-C stops everything.")
