"""What the access log shows for the audit log's codes: each action, role and machine actor in French.

Every action the code writes has its label here (tests/cases/test_audit_labels.py reads the code for them);
an action of a later version that is missing still shows words, never its code.
"""

from __future__ import annotations

from mediator_plugin.cases.listing_audit import DASHBOARD, LIST, SEARCH
from mediator_plugin.core.i18n import gettext as _


def action_labels() -> dict[str, str]:
    """Action code → what it says in the access log."""
    from mediator_plugin.examples.services import event_labels

    labels = {
        # Reads
        "read_case": _("Read the file"), "read_document": _("Downloaded a document"),
        "preview_letter": _("Previewed a letter"), "read_access_log": _("Read the access log"),
        "read_proposal": _("Read the proposal"), "preview_proposal": _("Previewed the proposal"),
        "read_request": _("Read a request for observations"),
        "read_implementation": _("Read the implementation follow-up"),
        "read_example": _("Read an anonymised example"), "read_intake_queue": _("Read the intake queue"),
        LIST: _("Listed the files"), SEARCH: _("Searched the files"), DASHBOARD: _("Viewed the dashboard"),
        "public_tracking": _("The consumer followed the request online"),
        # The file's history
        "opened": _("File opened"), "ticket_copied": _("Ticket copied"), "filed_online": _("Request filed online"),
        "registered_offline": _("Request registered from a letter, a mail, a call or a visit"),
        "possible_duplicate": _("Possible duplicate flagged"), "party_type_set": _("Party type recorded"),
        "classified": _("Classification changed"), "receipt_corrected": _("Date of receipt corrected"),
        "documents_requested": _("Documents requested"), "complete": _("File declared complete"),
        "admitted": _("Declared admissible"), "inadmissible": _("Declared inadmissible"),
        "interests_declared": _("Declaration of interests"),
        "observations_requested": _("Observations requested from a department"),
        "observations_received": _("Observations received"), "reminder_sent": _("Reminder sent"),
        "escalated": _("Escalated to the mediator"), "consumer_asked": _("Question to the consumer"),
        "consumer_answered": _("The consumer's answer"), "extended": _("Deadline extended"),
        "agreement": _("Agreement recorded"), "proposal_saved": _("Proposal saved"),
        "proposal_signed": _("Proposal signed"), "answer": _("A party's answer to the proposal"),
        "answers_superseded": _("Answers superseded by a corrected proposal"),
        "implementation": _("Implementation recorded"), "ended": _("End of the mediation"),
        "note": _("Note added"), "document_added": _("Document added"), "document_withheld": _("Document kept back"),
        "document_redacted": _("Document replaced by a redacted copy"),
        "documents_shared": _("Documents shared with a party"), "letter_to_post": _("Letter to send by post"),
        "contact_updated": _("Contact details changed"), "representative_added": _("Representative added"),
        "expert_requested": _("Expert opinion requested"), "expert_opinion_received": _("Expert opinion received"),
        "legal_hold_placed": _("Legal hold placed"), "legal_hold_lifted": _("Legal hold lifted"),
        "rejection_alert": _("Alert: the deadline to refuse the request is near"),
        "retention_purge": _("Anonymised at the end of its retention period"),
        # Outside a file
        "login": _("Signed in"), "logout": _("Signed out"),
        "session_expired": _("Session ended: idle or past its lifetime"),
        "session_ended_by_admin": _("Session ended by the administrator"),
        "session_ended_by_provider": _("Session ended by a sign-out at the identity provider"),
        "export_report": _("Downloaded an annual report"),
        "export_cecmc": _("Export for the CECMC"),
        "subject_access_export": _("Export of a person's data (access request)"),
        "publish_report": _("Published the annual report"), "save_report_texts": _("Saved the report's texts"),
        "recommendation": _("General recommendation issued or changed"), "outbox_retry": _("Sending retried"),
        "online_filing": _("Request filed online"),
        "offline_request_registered": _("Request registered from a letter, a mail, a call or a visit"),
        "cecmc_baseline": _("Information held by the CECMC recorded"),
        "cecmc_notice": _("Change notified to the CECMC"), "helpdesk_rules": _("Helpdesk rules installed"),
        "seed": _("Synthetic files created"), "purge_run": _("Retention purge run"),
    }
    example = _("Anonymised example")
    labels.update({f"example_{kind}": f"{example} — {label}" for kind, label in event_labels().items()})
    return labels


def action_label(code: str, labels: dict[str, str] | None = None) -> str:
    """The label of ``code`` (``labels``: :func:`action_labels`, built once for a page)."""
    return (labels or action_labels()).get(code) or _("Other action")


def role_labels() -> dict[str, str]:
    """Role code → its name, one person's."""
    return {"mediator": _("Mediator (role)"), "case_handler": _("Case handler"),
            "correspondent": _("Department correspondent"), "executive": _("Executive"),
            "admin": _("IT administrator")}


def roles_label(roles: str) -> str:
    """The comma-separated role codes of an entry, as names ("—" for none)."""
    labels = role_labels()
    return ", ".join(labels.get(code, _("Other role")) for code in roles.split(",") if code) or "—"


def actor_label(actor: str) -> str:
    """Who acted: a person's identifier as it is, or what the machine actors stand for."""
    return {"cli": _("Command line"), "public": _("The public site"), "system": _("The application"),
            "identity-provider": _("The identity provider")}.get(actor, actor)
