"""The file page's action forms: each name reads its fields and calls one service.

The table here is what ``POST /console/dossiers/<ref>/<action>`` accepts; services hold the rules.
"""

from __future__ import annotations

from flask_babel import gettext as _

from mediator_plugin.cases import (
    admissibility,
    closure,
    documents,
    experts,
    instruction,
    notebook,
    parties,
    redaction,
    services,
    sharing,
    timeline,
)
from mediator_plugin.cases.models import Case, ObservationRequest
from mediator_plugin.cases.notices import Delivery
from mediator_plugin.cases.presenters import step_message
from mediator_plugin.cases.workflow import check
from mediator_plugin.core import forms
from mediator_plugin.core.db import db
from mediator_plugin.core.errors import MissingField
from mediator_plugin.core.permissions import Identity
from mediator_plugin.proposals import services as proposals


def _upload(case: Case, actor: Identity):
    check("edit_file", case.state, actor)
    sent = forms.upload("file")
    if sent is None:
        raise MissingField(_("Choose a file."), field="file")
    document = documents.add_upload(case, filename=sent[0], content=sent[1], actor=actor.name)
    timeline.log(case, actor, "document_added", filename=document.filename, sha256=document.sha256)


def _record_observations(case: Case, actor: Identity):
    request = db.session.get(ObservationRequest, forms.integer("request_id"))
    if request is None or request.case_id != case.id:
        raise MissingField(_("Unknown request."), field="request_id")
    instruction.answer_observations(request, actor, answer=forms.text("answer"))


def _share(case: Case, actor: Identity):
    # One list names the recipient: "consumer", or "company:<department>" for a department's correspondents.
    recipient, _sep, department = forms.text("recipient").partition(":")
    sharing.share_documents(case, actor, document_ids=forms.integers("document_ids"), recipient=recipient,
                            department=department or None, requested_by=forms.text("requested_by"),
                            note=forms.text("note"))


def _redact(case: Case, actor: Identity):
    sent = forms.upload("file")
    if sent is None:
        raise MissingField(_("Choose the redacted copy."), field="file")
    redaction.replace_with_redacted(case, actor, document_id=forms.integer("document_id"), filename=sent[0],
                                    content=sent[1])


ACTIONS = {
    "classify": lambda c, a: services.classify(
        c, a, subcategory=forms.text("subcategory") or None, department=forms.text("department") or None,
        cross_border=forms.boolean("cross_border"), party_type=forms.text("party_type") or None,
        reason=forms.text("party_type_reason"), dispute_domain=forms.text("dispute_domain") or None),
    "request_documents": lambda c, a: admissibility.request_documents(c, a, missing=forms.text("missing")),
    "mark_complete": lambda c, a: admissibility.mark_complete(c, a, complete_on=forms.optional_date("complete_on")),
    "correct_receipt": lambda c, a: services.correct_receipt_date(
        c, a, received_on=forms.required_date("received_on"), reason=forms.text("reason")),
    "declare_inadmissible": lambda c, a: admissibility.declare_inadmissible(
        c, a, ground=forms.text("ground"), sub_reason=forms.text("sub_reason") or None,
        late_reason=forms.text("late_reason") or None),
    "declare_interests": lambda c, a: instruction.declare_interests(
        c, a, has_conflict=forms.choice("has_conflict", ("yes", "no")) == "yes",
        circumstances=forms.text("circumstances")),
    "declare_admissible": lambda c, a: admissibility.declare_admissible(
        c, a, late_reason=forms.text("late_reason") or None),
    "record_objection": lambda c, a: instruction.record_objection(c, a, party=forms.text("party")),
    "request_observations": lambda c, a: instruction.request_observations(
        c, a, department=forms.text("department"), question=forms.text("question"),
        due_on=forms.optional_date("due_on")),
    "record_observations": _record_observations,
    "request_consumer_info": lambda c, a: instruction.request_consumer_info(c, a, question=forms.text("question")),
    "record_consumer_info": lambda c, a: instruction.record_consumer_info(c, a, summary=forms.text("summary")),
    "extend_deadline": lambda c, a: instruction.extend_deadline(
        c, a, reason_category=forms.text("reason_category"), justification=forms.text("justification"),
        new_due=forms.required_date("new_due")),
    "record_agreement": lambda c, a: instruction.record_agreement(c, a, text=forms.text("text")),
    "record_answer": lambda c, a: proposals.record_answer(
        c, a, party=forms.text("party"), answer=forms.text("answer"), answered_on=forms.required_date("answered_on"),
        channel=forms.text("channel"), reason=forms.text("reason") or None,
        reason_category=forms.text("reason_category") or None),
    "record_implementation": lambda c, a: proposals.record_implementation(
        c, a, status=forms.text("status"), done_on=forms.optional_date("done_on"), note=forms.text("note"),
        evidence=forms.upload("evidence")),
    "close": lambda c, a: closure.close(c, a, note=forms.text("note")),
    "interrupt": lambda c, a: closure.interrupt(c, a, cause=forms.text("cause"), note=forms.text("note")),
    "upload_document": _upload,
    "add_note": lambda c, a: notebook.add_note(c, a, text=forms.text("note_text")),
    "update_contact": lambda c, a: parties.update_contact(
        c, a, party=forms.text("party"), email=forms.text("email"), postal_address=forms.text("postal_address"),
        phone=forms.text("phone")),
    "share_documents": _share,
    "withhold_document": lambda c, a: sharing.mark_not_shared(c, a, document_id=forms.integer("document_id"),
                                                              reason=forms.text("why")),
    "redact_document": _redact,
    "request_expert": lambda c, a: experts.request_expert(
        c, a, requested_by=forms.text("requested_by"), expert=forms.text("expert"),
        cost_bearer=forms.text("cost_bearer"), requested_on=forms.optional_date("requested_on"),
        expected_on=forms.optional_date("expected_on"), note=forms.text("note")),
    "record_expert_opinion": lambda c, a: experts.record_opinion(
        c, a, expert_request_id=forms.integer("expert_request_id"), received_on=forms.required_date("received_on"),
        report=forms.upload("report")),
    "add_representative": lambda c, a: parties.add_representative(
        c, a, party=forms.text("party"), kind=forms.text("kind"), name=forms.text("name"),
        mandate=forms.text("mandate"), email=forms.text("email")),
}


def success_message(action: str, deliveries: list[Delivery]) -> str:
    """What the page says after a successful action, and what became of the letters it wrote (``deliveries``):
    a letter stored for the post is never said to be on its way."""
    if action == "share_documents":
        return (_("The documents are on their way to the consumer by e-mail; the share log follows the sending.")
                if forms.text("recipient") == "consumer"
                else _("The documents are in the department's correspondent space; a mail to its mailbox is on its "
                       "way."))
    done = {
        "declare_admissible": _("The file is admitted and the notice of seizure is on its way to both parties."),
        "declare_inadmissible": _("The refusal is recorded and the letter is on its way to the consumer."),
        "close": _("The file is closed; the closure letter is on its way."),
        "extend_deadline": _("The deadline is extended and both parties are notified."),
        "add_note": _("The note is on the file's history."),
        "withhold_document": _("The document is marked as not shared, with its reason."),
        "redact_document": _("The redacted copy replaces the document; the original's content is deleted unless "
                             "another document holds the same content."),
        "request_expert": _("The expert request is on the file."),
    }.get(action, _("Saved."))
    recorded = {
        "declare_admissible": _("The file is admitted."), "declare_inadmissible": _("The refusal is recorded."),
        "close": _("The file is closed."), "extend_deadline": _("The deadline is extended."),
    }.get(action, _("Saved."))
    return step_message(done, recorded, deliveries)
