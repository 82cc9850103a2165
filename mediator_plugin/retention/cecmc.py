"""``mediator export cecmc``: activity data for the supervising commission (R-CECMC-1, R-CECMC-3, R-CONF-2).

Two datasets for one calendar year:
- the activity information (R-CECMC-1), in JSON, CSV and PDF: the Table A items as the annual report computes
  them (:func:`mediator_plugin.reports.figures.compute`, the same numbers with their numerators, denominators
  and definitions), the subjects and recommendations, the organisation, the staffing, the governance register
  (R-IND-5) and the trainings of the year (R-CECMC-2), both from ``charter/governance.toml``; the CSV files are
  Table A, the register and the trainings, one file each;
- the per-case dataset (R-CECMC-3), in JSON and CSV: one row per saisine of the year with the eight fields of the CADA
  request [S29] — mediator, type, saisine date, admissibility notice date and reason, extension date,
  proposal date, outcome — under a pseudonym: HMAC-SHA256 of the reference with the application's secret
  key. No name, e-mail, reference or ticket number: the key holder alone can link a row back to its file.
Each file is written beside its final name and renamed into place, so a reader never sees half a file.
"""

from __future__ import annotations

import csv
import hashlib
import hmac
import io
import json
import os
import tempfile
from datetime import UTC
from pathlib import Path

import sqlalchemy as sa
from flask import current_app

from mediator_plugin import __version__, state
from mediator_plugin.cases.models import Case, Extension
from mediator_plugin.core.calendar import paris_date
from mediator_plugin.core.db import db, utcnow
from mediator_plugin.core.staff import StaffUser
from mediator_plugin.governance.register import register, training_log
from mediator_plugin.proposals.models import Proposal
from mediator_plugin.reports.figures import compute
from mediator_plugin.reports.figures.base import Scope
from mediator_plugin.retention.cecmc_pdf import activity_pdf

CASE_FIELDS = ("pseudonym", "mediator", "type", "subtype", "saisine_date", "admissibility_notice_date",
               "inadmissibility_reason", "extension_date", "proposal_date", "outcome")
TABLE_A_KEYS = ("saisines", "refusals", "interruptions", "durations", "implementation", "cross_border", "results")
TRAINING_FIELDS = ("date", "subject", "hours", "who")


def pseudonym(reference: str, key: str | None = None) -> str:
    """The stable pseudonym of a file: not reversible without the secret key (R-CECMC-3)."""
    secret = (key if key is not None else current_app.secret_key) or ""
    if not secret:
        raise RuntimeError("no secret key: set MEDIATOR_SECRET_KEY to pseudonymise the per-case dataset")
    return hmac.new(secret.encode(), reference.encode(), hashlib.sha256).hexdigest()[:24]


def activity(year: int, figures: dict | None = None) -> dict:
    """R-CECMC-1: the year's Table A items with their definitions, organisation, staffing, governance register and
    training log; ``figures``: the year's, when already computed."""
    figures = figures or compute(year)
    charter = state().charter
    trainings = training_log(charter, year)
    start = Scope(year, ()).bounds[0]
    staff = db.session.execute(sa.select(StaffUser.roles).where(StaffUser.last_login_at >= start)).scalars()
    staffing: dict[str, int] = {}
    for roles in staff:
        for role in roles:
            staffing[role] = staffing.get(role, 0) + 1
    settings = state().settings
    return {
        "year": year, "produced_at": utcnow().isoformat(), "generator_version": __version__,
        "table_a": figures["table_a"], "funnel": figures["funnel"], "categories": figures["categories"],
        "recommendations": figures["recommendations"], "definitions": figures["definitions"],
        "organisation": {**figures["context"]["mediator"], "charter_version": figures["context"]["charter_version"],
                         "departments": [d["label"] for d in settings["departments"].values()]},
        # People who used the console with each role since the start of the year (from their sign-ins).
        "staffing": dict(sorted(staffing.items())),
        "governance": register(charter),
        # R-CECMC-2: the year's trainings from the charter's register (governance.toml).
        "training_log": {"entries": trainings, "total_hours": sum(t["hours"] for t in trainings),
                         "kept_in_module": True},
    }


def governance_rows(register_: dict) -> list[dict]:
    """The governance register flattened for CSV: one row per item, ``listing.listed_on`` and the like."""
    rows: list[dict] = []

    def walk(node, path: str):
        if isinstance(node, dict):
            for key, child in node.items():
                walk(child, f"{path}.{key}" if path else key)
        else:
            rows.append({"item": path, "value": "" if node is None else node})

    walk(register_, "")
    return rows


def table_a_rows(table_a: dict) -> list[dict]:
    """Table A flattened: one row per figure of each split, with its numerator, denominator and definition."""
    found: list[dict] = []

    def walk(node, split: str, path: tuple[str, ...]):
        if isinstance(node, dict) and "definition" in node:
            found.append({"split": split, "indicator": ".".join(path), "value": node["value"],
                          "numerator": node["numerator"], "denominator": node["denominator"],
                          "definition": node["definition"]})
        elif isinstance(node, dict):
            for key, child in node.items():
                walk(child, split, (*path, str(key)))
        elif isinstance(node, list):
            for child in node:
                walk(child, split, (*path, str(child.get("code", ""))) if isinstance(child, dict) else path)

    for split, items in table_a.items():
        for key in TABLE_A_KEYS:
            walk(items[key], split, (key,))
    return found


def cases(year: int) -> list[dict]:
    """R-CECMC-3: the year's saisines, eight fields each, pseudonymised; one SQL statement."""
    scope = Scope(year, tuple(state().charter.scope["statutory_party_types"]))
    extension = sa.select(sa.func.min(Extension.decided_at)).where(Extension.case_id == Case.id).scalar_subquery()
    proposal = sa.select(sa.func.max(Proposal.signed_at)).where(
        Proposal.case_id == Case.id, Proposal.superseded.is_(False)).scalar_subquery()
    rows = db.session.execute(sa.select(
        Case.reference, Case.category, Case.subcategory, Case.received_at, Case.notified_at,
        Case.admissibility_decided_at, Case.inadmissibility_ground, Case.state, Case.outcome,
        extension.label("extended_at"), proposal.label("proposed_at"),
    ).where(scope.received()).order_by(Case.received_at, Case.id)).all()
    mediator = state().charter.mediator.get("mediator_name", "")
    return [{
        "pseudonym": pseudonym(row.reference), "mediator": mediator, "type": row.category or "",
        "subtype": row.subcategory or "", "saisine_date": _day(row.received_at),
        "admissibility_notice_date": _day(row.notified_at or row.admissibility_decided_at),
        "inadmissibility_reason": row.inadmissibility_ground or "", "extension_date": _day(row.extended_at),
        "proposal_date": _day(row.proposed_at), "outcome": row.outcome or row.state,
    } for row in rows]


def _day(moment) -> str:
    # Extension and proposal dates come back naive from a scalar subquery on SQLite: they are UTC.
    if moment is None:
        return ""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return paris_date(moment).isoformat()


def _csv(rows: list[dict], fields) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(fields), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def write_atomically(path: Path, content: str | bytes) -> None:
    """Write ``content`` beside ``path`` and rename it into place."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(content.encode("utf-8") if isinstance(content, str) else content)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def export(year: int, out_dir: Path) -> dict[str, Path]:
    """Write the seven files of ``year`` into ``out_dir`` (created if needed); returns them by name."""
    out_dir.mkdir(parents=True, exist_ok=True)
    figures = compute(year)
    info, per_case = activity(year, figures), cases(year)
    trainings = [{**t, "who": "; ".join(t["who"])} for t in info["training_log"]["entries"]]
    files = {
        "activity_json": (out_dir / f"cecmc-{year}-activite.json", json.dumps(info, ensure_ascii=False, indent=2)),
        "activity_csv": (out_dir / f"cecmc-{year}-activite.csv",
                         _csv(table_a_rows(info["table_a"]), ("split", "indicator", "value", "numerator",
                                                               "denominator", "definition"))),
        "activity_pdf": (out_dir / f"cecmc-{year}-activite.pdf", activity_pdf(info, figures)),
        "governance_csv": (out_dir / f"cecmc-{year}-gouvernance.csv",
                           _csv(governance_rows(info["governance"]), ("item", "value"))),
        "training_csv": (out_dir / f"cecmc-{year}-formations.csv", _csv(trainings, TRAINING_FIELDS)),
        "cases_json": (out_dir / f"cecmc-{year}-dossiers.json", json.dumps(
            {"year": year, "pseudonymisation": "HMAC-SHA256(secret key, reference), 24 hex digits",
             "fields": list(CASE_FIELDS), "cases": per_case}, ensure_ascii=False, indent=2)),
        "cases_csv": (out_dir / f"cecmc-{year}-dossiers.csv", _csv(per_case, CASE_FIELDS)),
    }
    for path, text in files.values():
        write_atomically(path, text)
    return {name: path for name, (path, _text) in files.items()}
