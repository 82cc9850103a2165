"""The ``mediator`` command line (interfaces.md, "Command line").

In a host application the same group is ``flask mediator …``. Exit codes: 0 success, 1 the work
failed (the message says what and what to do), 2 bad usage.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click
from flask.cli import AppGroup, FlaskGroup

mediator_group = AppGroup("mediator", help="Médiateur: the in-house consumer mediator.")


def _summary_line(kind: str, data: dict) -> None:
    click.echo(json.dumps({"event": kind, **data}, default=str, ensure_ascii=False))


@mediator_group.command("init")
def init_command():
    """Create or upgrade the schema, validate the charter, and notify the CECMC of changed listing or governance
    data (the first run records them as notified)."""
    from mediator_plugin.core.schema import upgrade_schema

    upgrade_schema()
    from mediator_plugin import state
    from mediator_plugin.governance.notices import check_in_own_transaction

    click.echo(f"schema up to date; charter {state().charter.version} ({state().charter.sha256[:12]}) valid")
    click.echo(_notice_line(check_in_own_transaction("init", record_baseline=True)))


def _notice_line(check) -> str:
    """What the check of the items notified to the CECMC did, for the operator."""
    from mediator_plugin import state

    to = state().charter.governance["cecmc_email"]
    return {
        "baseline": "CECMC: the listing and governance data are recorded as notified; a change will be notified "
                    f"to {to}",
        "queued": f"CECMC: notice {check.sequence} queued to {to}, naming the changed item(s) "
                  f"{', '.join(check.changes)}; the next `mediator jobs` delivers it",
        "unchanged": f"CECMC: the listing and governance data are unchanged since record {check.sequence}",
        "busy": "CECMC: another host is recording the same check; nothing done here",
    }[check.status]


@mediator_group.command("sync")
@click.option("--helpdesk", type=click.Choice(["zendesk", "freshdesk", "all"]), default="all")
@click.option("--full", is_flag=True, help="Ignore the checkpoint and read the whole stream again.")
def sync_command(helpdesk, full):
    """Pull definitively closed tickets that ask for mediation into the intake queue."""
    from connectors.base import HelpdeskError
    from mediator_plugin.core.helpdesks import configured_connectors
    from mediator_plugin.intake.sync import sync_helpdesk

    connectors = configured_connectors()
    wanted = list(connectors) if helpdesk == "all" else [helpdesk]
    if not wanted or any(v not in connectors for v in wanted):
        setting = f"MEDIATOR_{(helpdesk if helpdesk != 'all' else 'zendesk').upper()}_URL"
        raise click.ClickException(f"helpdesk not configured: set {setting}")
    for vendor in wanted:
        progress = _live_line(vendor) if sys.stdout.isatty() else None
        try:
            summary = sync_helpdesk(connectors[vendor], full=full, progress=progress)
        except HelpdeskError as exc:
            raise click.ClickException(f"{vendor}: {exc} — the checkpoint is kept; run the sync again later") from exc
        finally:
            if progress:
                click.echo()
        _summary_line("sync", summary.as_dict())


def _live_line(vendor: str):
    """A terminal line rewritten after each committed page (the stream's length is not known in advance)."""
    def show(summary) -> None:
        click.echo(f"\r{vendor}: {summary.pages} pages, {summary.seen} tickets read, {summary.new} new requests",
                   nl=False)
    return show


@mediator_group.group("helpdesk")
def helpdesk_group():
    """The helpdesks' own rules that Médiateur installs."""


@helpdesk_group.command("install-rules")
@click.option("--helpdesk", type=click.Choice(["zendesk", "freshdesk", "all"]), default="all")
def install_rules_command(helpdesk):
    """Install or update the rules adding the mediator's contact block to unfavourable or partial closing answers
    and to complaints unanswered for two months (R-HELPDESK-1). Idempotent: run it after each charter change."""
    from connectors.base import HelpdeskError
    from mediator_plugin.core.helpdesk_notice import install_notice_rules, missing_outcome_setting
    from mediator_plugin.core.helpdesks import configured_connectors

    connectors = configured_connectors()
    wanted = list(connectors) if helpdesk == "all" else [helpdesk]
    if not wanted or any(v not in connectors for v in wanted):
        setting = f"MEDIATOR_{(helpdesk if helpdesk != 'all' else 'zendesk').upper()}_URL"
        raise click.ClickException(f"helpdesk not configured: set {setting}")
    unset = {vendor: missing_outcome_setting(vendor) for vendor in wanted}
    if any(unset.values()):  # checked for every helpdesk first, so that nothing is installed half-way
        raise click.ClickException("; ".join(f"{vendor}: set {name}, the field where agents record a complaint's "
                                             "outcome" for vendor, name in unset.items() if name))
    failed = []
    for vendor in wanted:
        try:
            changes = install_notice_rules(vendor)
        except HelpdeskError as exc:
            failed.append(f"{vendor}: {exc}")
            continue
        _summary_line("helpdesk_rules", {"helpdesk": vendor, "rules": [c.as_dict() for c in changes]})
    if failed:
        raise click.ClickException("; ".join(failed) + " — run the command again once the helpdesk answers: it "
                                   "completes what is missing and leaves alone what is right")


@mediator_group.command("jobs")
def jobs_command():
    """One pass of the periodic work: sync, reminders, outbox delivery."""
    from mediator_plugin.core.jobs import run_jobs

    _summary_line("jobs", run_jobs())


@mediator_group.command("report")
@click.option("--year", type=int, required=True)
@click.option("--edition", type=click.Choice(["comex", "public"]), required=True)
@click.option("--format", "fmt", type=click.Choice(["pdf", "html"]), default="pdf")
@click.option("--version", "version", type=click.IntRange(1), default=None,
              help="A published version (default: the latest; live figures, marked provisional, if none).")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=True)
def report_command(year, edition, fmt, version, out):
    """Build the annual report of YEAR from its latest published snapshot, or provisionally from live data."""
    from mediator_plugin.core import audit
    from mediator_plugin.core.db import db
    from mediator_plugin.reports.publication import current_report, render

    try:
        report = current_report(year, version)
    except LookupError as exc:
        raise click.ClickException(str(exc)) from exc
    out.write_bytes(render(report, edition, fmt))
    audit.record("export_report", actor="cli", target=f"{year}:{edition}",
                 detail={"format": fmt, "version": report["version"]})
    db.session.commit()
    _summary_line("report", {"year": year, "edition": edition, "format": fmt, "out": str(out),
                             "version": report["version"], "provisional": report["provisional"],
                             "saisines": report["figures"]["table_a"]["all"]["saisines"]["value"]})


@mediator_group.command("publish")
@click.option("--year", type=click.IntRange(2000, 2100), required=True)
@click.option("--reason", default=None, help="Why a new version corrects the published one (required then).")
@click.option("--by", "published_by", default="cli", help="Who publishes (recorded with the snapshot).")
@click.option("--out-dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Also write both editions, PDF and HTML, of the new version into this folder.")
def publish_command(year, reason, published_by, out_dir):
    """Freeze the figures, approved examples and the mediator's texts of YEAR as a new published version of
    its report (R-REPORT-5); only a year that is over (Paris time) and holds requests, and refused while an
    item the website must show (R614-1) is empty."""
    from mediator_plugin.core.db import db
    from mediator_plugin.core.errors import MediationError
    from mediator_plugin.reports.publication import publish, render

    try:
        snapshot = publish(year, published_by=published_by, reason=reason)
    except MediationError as exc:
        db.session.rollback()
        raise click.ClickException(exc.message) from exc
    db.session.commit()
    written = []
    if out_dir:
        out_dir.mkdir(parents=True, exist_ok=True)
        for edition in ("public", "comex"):
            for fmt in ("pdf", "html"):
                path = out_dir / f"rapport-{year}-v{snapshot.version}-{edition}.{fmt}"
                path.write_bytes(render(snapshot.as_report(), edition, fmt))
                written.append(str(path))
    _summary_line("publish", {"year": year, "version": snapshot.version, "data_sha256": snapshot.data_sha256,
                              "reason": snapshot.reason, "files": written})


@mediator_group.group("audit")
def audit_group():
    """The audit log."""


@audit_group.command("verify")
def audit_verify_command():
    """Check every link and hash of the audit chain, then compare the log with its latest anchor (kept outside the
    database); write a new anchor when both agree. Exit 1 naming the first broken entry, or the truncation,
    rewrite or emptying the anchor reveals."""
    from mediator_plugin.core.audit_check import verify_and_anchor

    try:
        result = verify_and_anchor()
    except OSError as exc:
        raise click.ClickException(f"the anchor file cannot be read or written: {exc} — check MEDIATOR_STORAGE_DIR; "
                                   "no anchor was written") from exc
    chain = result.chain
    if chain.broken_at is not None:
        click.echo(f"audit chain broken at entry {chain.broken_at}: {chain.reason} "
                   f"({chain.checked} entries checked before it)", err=True)
    else:
        click.echo(f"audit chain intact: {chain.checked} entries")
    anchor = result.compared_with
    if anchor is None:
        click.echo("no anchor to compare with yet: entries cut from the end could not be detected this time")
    for problem in result.problems:
        click.echo(f"audit log {problem}", err=True)
    if not result.ok:
        click.echo("no anchor written: the log does not agree with the chain or with its latest anchor", err=True)
        sys.exit(1)
    if anchor is not None:
        click.echo(f"agrees with the anchor of {anchor.at} ({anchor.count} entries up to id {anchor.last_id})")
    written = result.written
    click.echo(f"anchor written to {result.path}: {written.count} entries up to id {written.last_id}"
               + (f"; mail to {result.mailed_to} queued for the next `mediator jobs`" if result.mailed_to else ""))


@mediator_group.command("purge")
@click.option("--dry-run", is_flag=True, help="Count what is due in each class; change nothing.")
def purge_command(dry_run):
    """Apply the retention rules (R-GDPR-3): anonymise what is past its period; legal holds are respected."""
    from mediator_plugin.retention.purge import purge

    _summary_line("purge", purge(dry_run=dry_run).as_dict())


@mediator_group.group("export")
def export_group():
    """Exports for the supervising commission and for a person's access request."""


@export_group.command("cecmc")
@click.option("--year", type=click.IntRange(2000, 2100), required=True)
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), required=True)
def export_cecmc_command(year, out_dir):
    """Activity information (Table A, organisation, staffing, governance register, trainings; JSON, CSV, PDF) and the
    pseudonymised per-case dataset of YEAR."""
    from flask import current_app

    from mediator_plugin.core import audit
    from mediator_plugin.core.db import db
    from mediator_plugin.retention.cecmc import export

    if not current_app.secret_key:
        raise click.ClickException("no secret key to pseudonymise the files: set MEDIATOR_SECRET_KEY")
    try:
        written = export(year, out_dir)
    except OSError as exc:
        raise click.ClickException(f"cannot write into {out_dir}: {exc.strerror or exc} — choose a writable "
                                   "folder") from exc
    audit.record("export_cecmc", actor="cli", target=f"cecmc:{year}", detail={"files": sorted(written)})
    db.session.commit()
    _summary_line("export_cecmc", {"year": year, "files": {k: str(v) for k, v in written.items()}})


@export_group.command("subject")
@click.option("--email", required=True, help="The e-mail address of the person who asked for their data.")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=True)
@click.option("--by", "by", default="cli", help="Who answers the request (recorded in the audit log).")
def export_subject_command(email, out, by):
    """The personal data held about one person, as a ZIP (GDPR art. 15, R-GDPR-6)."""
    from mediator_plugin.core.db import db
    from mediator_plugin.core.errors import MissingField
    from mediator_plugin.core.permissions import Identity
    from mediator_plugin.retention import subject_access
    from mediator_plugin.retention.cecmc import write_atomically

    try:
        content = subject_access.export(email, Identity(sub=by, name=by))
    except MissingField as exc:
        raise click.BadParameter(exc.message, param_hint="--email") from exc
    try:
        write_atomically(out, content)
    except OSError as exc:
        raise click.ClickException(f"cannot write {out}: {exc.strerror or exc}") from exc
    db.session.commit()
    _summary_line("export_subject", {"out": str(out), "bytes": len(content)})


@mediator_group.command("seed")
@click.option("--cases", "count", type=click.IntRange(1, 2_000_000), required=True)
@click.option("--years", default=None, help="First and last year of receipt, e.g. 2024-2025 (default: last year "
                                              "and this year, so that every state of the procedure is present).")
@click.option("--seed", "seed_value", type=int, default=1)
def seed_command(count, years, seed_value):
    """Realistic synthetic files over YEARS, in every state (demo and benchmarks)."""
    from mediator_plugin.core.calendar import paris_date
    from mediator_plugin.core.db import utcnow
    from mediator_plugin.seed import seed_cases

    this_year = paris_date(utcnow()).year
    try:
        first, last = (int(y) for y in years.split("-")) if years else (this_year - 1, this_year)
    except ValueError:
        raise click.BadParameter("expected FIRST-LAST, e.g. 2024-2025", param_hint="--years") from None
    if first > last:
        raise click.BadParameter("the first year comes after the last", param_hint="--years")
    try:
        if sys.stdout.isatty():
            with click.progressbar(length=count, label="seed", show_pos=True) as bar:
                created = seed_cases(count, first_year=first, last_year=last, seed=seed_value, progress=bar.update)
        else:
            created = seed_cases(count, first_year=first, last_year=last, seed=seed_value)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--years") from exc
    _summary_line("seed", {"cases": created, "years": f"{first}-{last}", "seed": seed_value})


@mediator_group.command("simulate", with_appcontext=False)
@click.argument("vendor", type=click.Choice(["zendesk", "freshdesk"]))
@click.option("--port", type=int, default=8081)
@click.option("--tickets", type=int, default=500)
@click.option("--seed", "seed_value", type=int, default=1)
@click.option("--rate-limit", type=int, default=None, help="Requests per minute; 0 lifts the limits.")
@click.option("--faults", type=click.FloatRange(0, 1), default=0.0)
@click.option("--slow-seconds", type=click.FloatRange(0), default=15.0,
              help="How long a 'slow' fault delays its answer (above the client's timeout).")
@click.option("--now", "now", type=int, default=None,
              help="Unix time the seeded tickets are dated from (default: now); fixes the data for a seed.")
def simulate_command(vendor, port, tickets, seed_value, rate_limit, faults, slow_seconds, now):
    """Serve a helpdesk simulator on 127.0.0.1:PORT."""
    if vendor == "freshdesk":
        from connectors.freshdesk.simulator import FreshdeskSimulator as Simulator
    else:
        from connectors.zendesk.simulator import ZendeskSimulator as Simulator

    options = {} if rate_limit is None else {"rate_limit": rate_limit}
    if now is not None:
        options["now"] = now
    simulator = Simulator.seeded(tickets=tickets, seed=seed_value, faults=faults, slow_seconds=slow_seconds, **options)
    server = simulator.serve(host="127.0.0.1", port=port)
    click.echo(f"{vendor.capitalize()} simulator on http://127.0.0.1:{server.server_port}/api/v2/ "
               f"({tickets} tickets, seed {seed_value}, faults {faults:.0%}); Ctrl-C to stop")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


@mediator_group.command("demo", with_appcontext=False)
@click.option("--port", type=int, default=5000)
@click.option("--cases", "count", type=int, default=400, help="Synthetic files seeded on first start.")
def demo_command(port, count):
    """What `make demo` starts: simulator, OIDC provider, SMTP sink, one sync, the console."""
    from mediator_plugin.demo import run_demo

    run_demo(port=port, seed_cases_count=count)


def _create_app():
    from mediator_plugin import create_app
    from mediator_plugin.core.charter import CharterError
    from mediator_plugin.core.config import ConfigError

    try:
        return create_app()
    except (ConfigError, CharterError) as exc:
        raise click.ClickException(str(exc)) from exc


def main() -> None:
    """Entry point of the ``mediator`` console script."""
    cli = FlaskGroup(create_app=_create_app, add_default_commands=False, add_version_option=False,
                     set_debug_flag=False, load_dotenv=False, help=mediator_group.help)
    for name, command in mediator_group.commands.items():
        cli.add_command(command, name)
    cli.main(prog_name="mediator")
