"""The subject-access export (GDPR Art. 15, R-GDPR-6): what the mediator holds about one person, by e-mail.

What is given and what is withheld is decided here, once, and written into the export itself (``weighing``),
so that the answer sent to the person shows how mediation confidentiality (L612-3) and the other parties'
data were weighed. Given: the person's own party and representative records, their request as filed, their
own messages in the ticket copy, the documents they sent, the letters addressed to the parties (they
received them), their answers to proposals, and each file's status and dates. Withheld: the team's notes
and history, the company's observations and answers, the agents' messages, unsigned drafts, other people's
contact details. The interplay with L612-3 is UNVERIFIED: the DPO reviews the weighing before sending.
"""

from __future__ import annotations

import io
import json
import zipfile

import sqlalchemy as sa
from flask_babel import gettext as _

from mediator_plugin.cases.documents import read_content
from mediator_plugin.cases.models import Case, Document, Party, Representative
from mediator_plugin.core import audit
from mediator_plugin.core.db import db, utcnow
from mediator_plugin.core.errors import MissingField
from mediator_plugin.intake.models import FILED_SOURCES, OFFLINE, IntakeItem
from mediator_plugin.proposals.models import PartyAnswer, Proposal


def weighing() -> dict:
    """What the export gives and withholds, and why (R-GDPR-6), in the words the person reads."""
    return {
        "given": [_("your contact details and those of your representatives, as recorded in each file"),
                  _("your request as you filed it, and your own messages in the copy of your complaint"),
                  _("the documents you sent and the letters the mediator sent to the parties"),
                  _("your answers to the mediator's proposals, and the status and dates of each file")],
        "withheld": [
            {"what": _("the notes and working history of the mediator's team"),
             "why": _("confidentiality of mediation (Code de la consommation L612-3) and the mediator's working "
                      "notes, never shared with the parties")},
            {"what": _("the company's observations, answers and documents"),
             "why": _("another party's statements, confidential under L612-3")},
            {"what": _("messages written by customer-service agents, and other people's contact details"),
             "why": _("personal data of other people (GDPR art. 15(4))")},
            {"what": _("proposals not signed by the mediator"), "why": _("drafts, not decisions")},
        ],
        "review": _("The balance between your right of access and mediation confidentiality is reviewed by the "
                    "data protection officer before this answer is sent."),
    }


def _iso(value):
    return value.isoformat() if value is not None else None


def _file_record(case: Case, party: Party, email: str) -> tuple[dict, list[Document]]:
    own_messages = []
    if party.role == "consumer" and case.ticket and case.ticket.requester_email.lower() == email:
        own_messages = [{"at": c.get("created_at"), "text": c.get("body", "")}
                        for c in case.ticket.snapshot.get("comments", []) if c.get("author_is_requester")]
    # Uploads are the consumer's documents (filed online or scanned from the post by the team); the company's
    # go in as observations or evidence, and stay out.
    sent = [d for d in case.documents if d.kind == "letter" or (d.kind == "upload" and party.role == "consumer")]
    answers = db.session.execute(
        sa.select(PartyAnswer).join(Proposal, Proposal.id == PartyAnswer.proposal_id)
        .where(Proposal.case_id == case.id, PartyAnswer.party == party.role)).scalars().all()
    record = {
        "reference": case.reference, "your_role": party.role, "state": case.state, "channel": case.channel,
        "received_at": _iso(case.received_at), "notified_at": _iso(case.notified_at),
        "closed_at": _iso(case.closed_at), "category": case.category, "outcome": case.outcome,
        "contact": {"name": party.name, "email": party.email, "phone": party.phone,
                    "postal_address": party.postal_address, "postcode": party.postcode},
        "representatives": [{"kind": r.kind, "name": r.name, "email": r.email, "mandate": r.mandate}
                            for r in party.representatives],
        "messages": own_messages,
        "answers": [{"answer": a.answer, "answered_on": _iso(a.answered_on), "channel": a.channel,
                     "reason": a.reason} for a in answers],
        "documents": [{"name": d.filename, "kind": d.kind, "received_at": _iso(d.uploaded_at),
                       "in_archive": f"documents/{case.reference}/{d.id}-{d.filename}"} for d in sent],
    }
    return record, sent


def collect(email: str) -> tuple[dict, list[tuple[str, Document]]]:
    """The export's data for ``email`` and the documents to put beside it (archive path, document)."""
    email = email.strip().lower()
    if "@" not in email or " " in email:
        raise MissingField(_("Give the e-mail address of the person."), field="email")
    parties = db.session.execute(sa.select(Party).join(Case, Case.id == Party.case_id)
                                 .where(sa.func.lower(Party.email) == email).order_by(Case.received_at)).scalars()
    files, documents = [], []
    for party in parties:
        record, sent = _file_record(party.case, party, email)
        files.append(record)
        documents += [(d["in_archive"], doc) for d, doc in zip(record["documents"], sent, strict=True)]
    acting_for = db.session.execute(sa.select(Representative, Party.role, Case.reference)
                                    .join(Party, Party.id == Representative.party_id)
                                    .join(Case, Case.id == Party.case_id)
                                    .where(sa.func.lower(Representative.email) == email)).all()
    requests = db.session.execute(sa.select(IntakeItem).where(sa.func.lower(IntakeItem.requester_email) == email,
                                                              IntakeItem.case_id.is_(None))).scalars()
    data = {
        "email": email, "produced_at": utcnow().isoformat(), "files": files,
        "as_representative": [{"reference": reference, "for": role, "kind": r.kind, "name": r.name,
                               "mandate": r.mandate} for r, role, reference in acting_for],
        "requests_not_opened": [{"source": i.source, "asked_at": _iso(i.asked_at), "name": i.requester_name,
                                 "subject": i.subject, "filed": _filed(i)} for i in requests],
        "weighing": weighing(),
    }
    return data, documents


def _filed(item: IntakeItem) -> dict:
    """What the person wrote on /saisir or sent by post, mail, phone or at the desk (their own words, as the team
    registered them, without the team's note); nothing of a helpdesk ticket's agents."""
    if item.source not in FILED_SOURCES:
        return {}
    keys = ("name", "email", "phone", "postal_address", "customer_number", "what_happened", "what_asked")
    if item.source == OFFLINE:
        keys += ("channel", "received_on")
    return {key: item.snapshot.get(key) for key in keys}


def export(email: str, actor) -> bytes:
    """A ZIP with ``donnees.json`` and the documents; the export is audited (files by reference, no address).
    The caller commits."""
    data, documents = collect(email)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("donnees.json", json.dumps(data, ensure_ascii=False, indent=2, default=str))
        for path, document in documents:
            try:
                archive.writestr(path, read_content(document))
            except OSError:
                archive.writestr(path + ".absent.txt", _("This document is no longer in the storage."))
    audit.record("subject_access_export", actor=actor.sub, roles=actor.roles, target="personal_data",
                 detail={"files": [f["reference"] for f in data["files"]], "documents": len(documents),
                         "requests_not_opened": len(data["requests_not_opened"]),
                         "as_representative": len(data["as_representative"])})
    return buffer.getvalue()
