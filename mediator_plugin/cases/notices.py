"""Letters to the parties: rendered to PDF, stored on the file and queued for delivery by mail.

A notice that cannot reach a party (no e-mail, no postal address) is refused with a clear error, so
no legal step is recorded without its notice (R-DEADLINE-4, R-INFO-1). A party with a postal address and no
e-mail (a consumer who wrote by post, R-PROC-1) gets the letter by post: it is stored on the file and its
history says it is to be sent by post — nothing claims it was sent (there is no print queue yet). Pages learn
how each letter of a step left from :func:`recording_deliveries`.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from contextvars import ContextVar
from dataclasses import dataclass

from flask_babel import force_locale
from flask_babel import gettext as _

from mediator_plugin import state
from mediator_plugin.cases import documents, timeline
from mediator_plugin.cases.letters import render_letter
from mediator_plugin.cases.models import Case, Document
from mediator_plugin.core.calendar import paris_date
from mediator_plugin.core.db import utcnow
from mediator_plugin.core.errors import MissingField
from mediator_plugin.core.outbox import OutboxKind, enqueue
from mediator_plugin.core.pdf import fr_date
from mediator_plugin.core.permissions import Identity
from mediator_plugin.core.text import file_slug


@dataclass(frozen=True)
class Delivery:
    """How one letter leaves: queued as a mail, or stored on the file to be sent by post."""

    kind: str
    role: str
    by_post: bool


_deliveries: ContextVar[list[Delivery] | None] = ContextVar("mediator_letter_deliveries", default=None)


@contextlib.contextmanager
def recording_deliveries() -> Iterator[list[Delivery]]:
    """Collect how each letter written inside the block leaves, so that a page tells it as it is."""
    token = _deliveries.set([])
    try:
        yield _deliveries.get()
    finally:
        _deliveries.reset(token)


def postal_roles(case: Case, kind: str, recipients: list[str] | None = None) -> list[str]:
    """The recipients of letter ``kind`` without an e-mail address: theirs is to be sent by post."""
    roles = recipients or state().charter.letters[kind]["recipients"]
    return [role for role in roles if (party := case.party(role)) is not None and not party.email]


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


# How a letter's file name names its addressee (the parties read it, in their mail and on the file page).
_ADDRESSEE_IN_FILENAME = {"consumer": "consommateur", "company": "societe"}


def letter_filename(reference: str, kind: str, role: str | None = None) -> str:
    """The French file name of a letter: "MED-2026-00143-cloture-de-la-mediation-consommateur.pdf", or
    without the addressee for a preview ("…-apercu.pdf")."""
    addressee = _ADDRESSEE_IN_FILENAME[role] if role else "apercu"
    return f"{reference}-{file_slug(state().charter.letters[kind]['title'])}-{addressee}.pdf"


def send_letter(case: Case, kind: str, actor: Identity, *, fields: dict[str, str] | None = None,
                recipients: list[str] | None = None, sections: list[tuple[str, str]] | None = None,
                signed_by: str | None = None) -> list[Document]:
    """Render letter ``kind`` for each recipient party, store it, queue the mail (or, for a party without an
    e-mail address, record on the history that it is to be sent by post); return the documents."""
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
        document = documents.add_letter(case, letter_kind=kind, filename=letter_filename(case.reference, kind, role),
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
        else:
            timeline.log(case, actor, "letter_to_post", letter=kind, party=role, document_id=document.id)
        recorded = _deliveries.get()
        if recorded is not None:
            recorded.append(Delivery(kind=kind, role=role, by_post=not party.email))
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
