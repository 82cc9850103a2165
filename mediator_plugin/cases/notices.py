"""Letters to the parties: rendered to PDF, stored on the file and queued for delivery by mail.

A notice that cannot reach a party (no e-mail, no postal address) is refused with a clear error, so
no legal step is recorded without its notice (R-DEADLINE-4, R-INFO-1).
"""

from __future__ import annotations

from flask_babel import force_locale
from flask_babel import gettext as _

from mediator_plugin import state
from mediator_plugin.cases import documents
from mediator_plugin.cases.letters import render_letter
from mediator_plugin.cases.models import Case, Document
from mediator_plugin.core.calendar import paris_date
from mediator_plugin.core.db import utcnow
from mediator_plugin.core.errors import MissingField
from mediator_plugin.core.outbox import OutboxKind, enqueue
from mediator_plugin.core.pdf import fr_date
from mediator_plugin.core.permissions import Identity


def base_fields(case: Case) -> dict[str, str]:
    """Fields every letter may use."""
    charter = state().charter
    consumer = case.party("consumer")

    def day(value):
        return fr_date(paris_date(value)) if value else ""

    return {
        "reference": case.reference,
        "today": fr_date(paris_date(utcnow())),
        "consumer_name": consumer.name if consumer else "",
        "company_name": charter.mediator["company_name"],
        "mediator_name": charter.mediator["mediator_name"],
        "received_on": day(case.received_at),
        "notified_on": day(case.notified_at),
        "outcome_due": fr_date(case.outcome_due) if case.outcome_due else "",
    }


def send_letter(case: Case, kind: str, actor: Identity, *, fields: dict[str, str] | None = None,
                recipients: list[str] | None = None, sections: list[tuple[str, str]] | None = None,
                signed_by: str | None = None) -> list[Document]:
    """Render letter ``kind`` for each recipient party, store it, queue the mail; return the documents."""
    charter = state().charter
    recipients = recipients or charter.letters[kind]["recipients"]
    all_fields = {**base_fields(case), **(fields or {})}
    created = []
    for role in recipients:
        party = case.party(role)
        if party is None or not (party.email or party.postal_address):
            raise MissingField(_no_contact_message(role))
        pdf = render_letter(kind, charter=charter, fields=all_fields, today=paris_date(utcnow()),
                            website=state().settings["base_url"],
                            recipient={"name": party.name, "address": party.postal_address or "",
                                       "email": party.email or ""},
                            sections=sections, signed_by=signed_by)
        document = documents.add_letter(case, letter_kind=kind, filename=f"{case.reference}-{kind}-{role}.pdf",
                                        pdf=pdf, actor=actor.name)
        if party.email:
            with force_locale("fr"):  # parties are written to in French, whatever the sender's screen
                body = _mail_body(kind, all_fields)
            enqueue(OutboxKind.MAIL, f"letter:{document.id}", {
                "to": [party.email],
                "subject": f"{charter.letters[kind]['title']} — {case.reference}",
                "body": body,
                "attachments": [document.id],
            }, case_id=case.id)
        created.append(document)
    return created


def _no_contact_message(role: str) -> str:
    if role == "consumer":
        return _("The consumer has neither an e-mail nor a postal address: the notice cannot be sent. "
                 "Complete the consumer's details first.")
    return _("The company has neither an e-mail nor a postal address: the notice cannot be sent. "
             "Complete the company's details first.")


def _mail_body(kind: str, fields: dict[str, str]) -> str:
    charter = state().charter
    return "\n\n".join([
        _("Dear Sir or Madam,"),
        _("Please find attached the letter “%(title)s” about the mediation file %(reference)s.",
          title=charter.letters[kind]["title"], reference=fields["reference"]),
        f"{charter.mediator['mediator_name']}\n{charter.mediator['mediator_title']}",
    ])
