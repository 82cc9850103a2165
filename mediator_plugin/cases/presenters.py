"""Turning a file's records into what the team reads: timeline sentences, labels, the file list's cells."""

from __future__ import annotations

from datetime import date

from mediator_plugin import state
from mediator_plugin.cases.models import TimelineEvent
from mediator_plugin.cases.workflow import state_label
from mediator_plugin.core.calendar import paris_date
from mediator_plugin.core.geography import OUTSIDE, region_names
from mediator_plugin.core.i18n import N_
from mediator_plugin.core.i18n import gettext as _
from mediator_plugin.core.pdf import fr_date


def describe(event: TimelineEvent) -> str:
    """One French sentence for a timeline event."""
    sentence = _SENTENCES.get(event.kind)
    return sentence(event.data) if sentence else event.kind


# One function per kind of event, from the event's data to its sentence (built once, not per event).
_SENTENCES = {
    "opened": lambda d: _("File opened (channel: %(channel)s, charter %(version)s).",
                          channel=channel_label(d.get("channel")), version=d.get("charter_version")),
    "ticket_copied": lambda d: _("Ticket %(vendor)s #%(id)s and its %(n)s messages copied (SHA-256 %(sha)s…).",
                                 vendor=d.get("vendor"), id=d.get("ticket_id"), n=d.get("messages"),
                                 sha=str(d.get("sha256"))[:12]),
    "filed_online": lambda d: _("Request filed online. What happened: “%(facts)s” — What the consumer asks for: "
                                "“%(asked)s”", facts=d.get("what_happened"), asked=d.get("what_asked")),
    "registered_offline": lambda d: _("Request received on %(day)s (channel: %(channel)s), registered by %(who)s. "
                                      "What happened: “%(facts)s” — What the consumer asks for: “%(asked)s”",
                                      day=_day(d.get("received_on")), channel=channel_label(d.get("channel")),
                                      who=d.get("registered_by"), facts=d.get("what_happened"),
                                      asked=d.get("what_asked"))
    + (" " + _("Note: %(text)s", text=d["note"]) if d.get("note") else ""),
    "letter_to_post": lambda d: _("Letter “%(title)s” (recipient: %(party)s) stored on the file, to be sent by post: "
                                  "no e-mail address is known.", title=_letter_title(d.get("letter")),
                                  party=party_role_label(d.get("party"))),
    "possible_duplicate": lambda d: _("Possible duplicate: the same consumer has the files %(refs)s.",
                                      refs=", ".join(d.get("references", [])))
    + (" " + _("A court case was declared on %(refs)s: ground 3 may apply.", refs=", ".join(d["court_cases"]))
       if d.get("court_cases") else ""),
    "classified": lambda d: _("Classification changed.") + _domain_change(d.get("changes") or {}),
    "documents_requested": lambda d: _("Documents requested from the consumer: %(missing)s",
                                       missing=d.get("missing")),
    "complete": lambda d: _("File complete on %(day)s; a refusal must be notified by %(due)s.",
                            day=_day(d.get("complete_on")), due=_day(d.get("rejection_due"))),
    "receipt_corrected": lambda d: _("Date of receipt corrected from %(old)s to %(new)s: %(why)s",
                                     old=_day(d.get("previous")), new=_day(d.get("received_on")), why=d.get("why")),
    "party_type_set": lambda d: _("Party type changed from “%(old)s” to “%(new)s”: %(why)s",
                                  old=party_type_label(d.get("previous")), new=party_type_label(d.get("party_type")),
                                  why=d.get("why")),
    "answers_superseded": lambda d: _("The answers given to version %(v)s (%(answers)s) are kept in the history; "
                                      "the corrected proposal is answered afresh.", v=d.get("version"),
                                      answers=superseded_answers(d.get("superseded_answers") or {})),
    "rejection_alert": lambda d: _("Alert: the request has been waiting for %(days)s days; a refusal must be "
                                   "notified by %(due)s.", days=d.get("alert_day"), due=_day(d.get("rejection_due"))),
    "inadmissible": lambda d: _("Declared inadmissible: %(ground)s.",
                                ground=state().charter.label("ground", d["ground"])),
    "interests_declared": lambda d: (_("Conflict of interest declared; the parties may object until %(until)s.",
                                       until=_day(d.get("objection_until"))) if d.get("has_conflict")
                                     else _("Declaration of no conflict of interest.")),
    "admitted": lambda d: (_("Admitted; notice of seizure to both parties (to be sent by post: %(parties)s). Outcome "
                             "due by %(due)s.", parties=_roles(d["to_post"]), due=_day(d.get("outcome_due")))
                           if d.get("to_post") else _("Admitted; seizure notified to both parties. Outcome due by "
                                                      "%(due)s.", due=_day(d.get("outcome_due")))),
    "observations_requested": lambda d: _("Observations requested from %(dept)s by %(due)s.",
                                          dept=_department(d.get("department")), due=_day(d.get("due_on"))),
    "observations_received": lambda d: _("Observations received from %(dept)s.",
                                         dept=_department(d.get("department"))),
    "reminder_sent": lambda d: _("Reminder sent to %(dept)s.", dept=_department(d.get("department"))),
    "consumer_asked": lambda d: _("Question to the consumer: %(q)s", q=d.get("question")),
    "consumer_answered": lambda d: _("The consumer answered: %(s)s", s=d.get("summary")),
    "extended": lambda d: (_("Deadline extended from %(old)s to %(new)s; notice to both parties (to be sent by post: "
                             "%(parties)s).", old=_day(d.get("previous_due")), new=_day(d.get("new_due")),
                             parties=_roles(d["to_post"])) if d.get("to_post")
                           else _("Deadline extended from %(old)s to %(new)s; both parties notified.",
                                  old=_day(d.get("previous_due")), new=_day(d.get("new_due")))),
    "agreement": lambda d: _("Amicable agreement recorded."),
    "proposal_saved": lambda d: _("Proposal draft saved (version %(v)s).", v=d.get("version")),
    "proposal_signed": lambda d: (_("Proposal version %(v)s signed (to be sent by post: %(parties)s); answers due by "
                                    "%(due)s.", v=d.get("version"), parties=_roles(d["to_post"]),
                                    due=_day(d.get("acceptance_deadline"))) if d.get("to_post")
                                  else _("Proposal version %(v)s signed and sent; answers due by %(due)s.",
                                         v=d.get("version"), due=_day(d.get("acceptance_deadline")))),
    "answer": lambda d: (_("Answer of the consumer: %(answer)s (%(on)s).", answer=answer_label(d.get("answer")),
                           on=_day(d.get("answered_on"))) if d.get("party") == "consumer"
                         else _("Answer of the company: %(answer)s (%(on)s).",
                                answer=answer_label(d.get("answer")), on=_day(d.get("answered_on")))),
    "escalated": lambda d: _("No answer from %(dept)s after the reminders: escalated to the mediator.",
                             dept=_department(d.get("department"))),
    "implementation": lambda d: _("Implementation recorded: %(status)s.",
                                  status=implementation_label(d.get("status"))),
    "ended": lambda d: _("Mediation ended: %(state)s.", state=state_label(d.get("final_state"))),
    "document_added": lambda d: _("Document added: %(name)s.", name=d.get("filename")),
    "contact_updated": lambda d: (_("Consumer's contact details corrected.") if d.get("party") == "consumer"
                                  else _("Company's contact details corrected.")),
    "representative_added": lambda d: _("Representative recorded: %(name)s.", name=d.get("name")),
    "note": lambda d: _("Note: %(text)s", text=d.get("text")),
    "documents_shared": lambda d: _shared_sentence(d),
    "document_withheld": lambda d: _("Document marked as not shared: %(name)s — %(why)s",
                                     name=d.get("filename"), why=d.get("why")),
    "document_redacted": lambda d: _("Document replaced by a redacted copy: %(name)s.", name=d.get("filename")),
    "expert_requested": lambda d: _("Expert opinion asked for by %(who)s: %(expert)s; cost borne by: %(cost)s.",
                                    who=expert_requester_label(d.get("requested_by")),
                                    expert=d.get("expert"), cost=cost_bearer_label(d.get("cost_bearer"))),
    "expert_opinion_received": lambda d: _("Expert opinion received on %(day)s: %(expert)s.",
                                           day=_day(d.get("received_on")), expert=d.get("expert")),
}


def _shared_sentence(data: dict) -> str:
    names = ", ".join(data.get("filenames") or [])
    why = share_requester_label(data.get("requested_by"))
    if data.get("recipient") == "consumer":
        sentence = _("Documents sent to the consumer by e-mail (%(why)s): %(names)s.", why=why, names=names)
    else:
        sentence = _("Documents shared with %(dept)s in its correspondent space (%(why)s): %(names)s.",
                     dept=_department(data.get("department")), why=why, names=names)
    if data.get("lifted_withholding"):
        sentence += " " + _("They were marked as not shared until then.")
    return sentence


def _domain_change(changes: dict) -> str:
    """" Dispute domain: “…” becomes “…”." when the classification changed the dispute domain (R-SCOPE-2)."""
    if "dispute_domain" not in changes:
        return ""
    old, new = changes["dispute_domain"]
    return " " + _("Dispute domain: “%(old)s” becomes “%(new)s”.", old=dispute_domain_label(old),
                   new=dispute_domain_label(new))


def dispute_domain_label(code: str | None) -> str:
    """The charter's label of a dispute domain; "not recorded" for a file opened before domains were kept."""
    if not code:
        return _("not recorded")
    try:
        return state().charter.label("dispute_domain", code)
    except KeyError:
        return code  # a domain the charter no longer lists


def region_label(code: str | None) -> str:
    """The name of a region code (core.geography); a file without one counts as outside France or unknown."""
    names = region_names()
    return names.get(code or OUTSIDE, names[OUTSIDE])


def superseded_answers(answers: dict) -> str:
    """"consumer: accepted on 3 March 2026; company: refused on …" for a history line."""
    who = {"consumer": _("consumer"), "company": _("company")}
    return "; ".join(_("%(party)s: %(answer)s on %(on)s", party=who.get(party, party), answer=answer_label(answer),
                       on=_day(on)) for party, (answer, on) in sorted(answers.items()))


def answer_label(code: str | None) -> str:
    return _label(_ANSWERS, code, "")


def implementation_label(code: str | None) -> str:
    return _label(_IMPLEMENTATIONS, code, "")


def channel_label(code: str | None) -> str:
    return _label(_CHANNELS, code, code or "")


def party_role_label(role: str | None) -> str:
    """"consumer" or "company", in words."""
    return _label(_ROLES, role, role or "")


def _roles(roles: list[str]) -> str:
    return ", ".join(party_role_label(role) for role in roles)


def step_message(done: str, recorded: str, deliveries) -> str:
    """What a page says after a step that wrote letters: ``done`` (which says they are on their way) when every
    letter went by e-mail; else ``recorded`` (the step alone) and, letter by letter, which recipients get it by
    e-mail and which by post, from the file — never "sent" for a letter only stored (R-PROC-1)."""
    if not any(d.by_post for d in deliveries):
        return done
    sentences = [recorded]
    for kind in dict.fromkeys(d.kind for d in deliveries):
        mailed = [d.role for d in deliveries if d.kind == kind and not d.by_post]
        posted = [d.role for d in deliveries if d.kind == kind and d.by_post]
        title = _letter_title(kind)
        if mailed and posted:
            sentences.append(_("Letter “%(title)s”: on its way by e-mail (%(mailed)s); stored on the file, to be sent "
                               "by post (%(posted)s).", title=title, mailed=_roles(mailed), posted=_roles(posted)))
        elif posted:
            sentences.append(_("Letter “%(title)s”: stored on the file, to be sent by post (%(posted)s).",
                               title=title, posted=_roles(posted)))
        else:
            sentences.append(_("Letter “%(title)s”: on its way by e-mail (%(mailed)s).", title=title,
                               mailed=_roles(mailed)))
    return " ".join(sentences)


def _letter_title(kind: str | None) -> str:
    letter = state().charter.letters.get(kind or "")
    return letter["title"] if letter else kind or ""


def party_type_label(code: str | None) -> str:
    return _label(_PARTY_TYPES, code, code or "")


def extension_reason_label(code: str) -> str:
    return _label(_EXTENSION_REASONS, code, code)


# Only the label asked for is translated: a file page asks for dozens.
_ANSWERS = {"accepted": N_("accepted"), "refused": N_("refused"), "no_answer": N_("no answer")}
_IMPLEMENTATIONS = {"done": N_("carried out"), "partial": N_("partly carried out"),
                    "not_done": N_("not carried out"), "unknown": N_("unknown")}
# Every channel a request reaches the mediator by (Case.channel), and the answers' channels (PartyAnswer.channel).
_CHANNELS = {"helpdesk": N_("helpdesk ticket"), "online": N_("online form"), "post": N_("post"),
             "email": N_("e-mail"), "phone": N_("phone"), "desk": N_("in person at the desk")}
CHANNELS = tuple(_CHANNELS)
_ROLES = {"consumer": N_("consumer"), "company": N_("company")}
_PARTY_TYPES = {"consumer": N_("consumer"), "non_professional": N_("non-professional"),
                "professional": N_("professional")}
_EXTENSION_REASONS = {"expertise": N_("expert opinion needed"), "multiple_contracts": N_("several contracts involved"),
                      "awaiting_documents": N_("documents awaited from a third party"),
                      "legal_question": N_("difficult legal question"), "other": N_("other reason")}


def share_requester_label(code: str | None) -> str:
    """At whose request documents were shared (R-PROC-3)."""
    return _label(_SHARE_REQUESTERS, code, "")


def share_recipient_label(recipient: str | None, department: str | None) -> str:
    """Who received shared documents, and where."""
    if recipient == "consumer":
        return _("the consumer, by e-mail")
    return _("%(dept)s, in its correspondent space", dept=_department(department))


def expert_requester_label(code: str | None) -> str:
    return _label(_EXPERT_REQUESTERS, code, "")


def cost_bearer_label(code: str | None) -> str:
    return _label(_COST_BEARERS, code, "")


def document_kind_label(code: str | None) -> str:
    return _label(_DOCUMENT_KINDS, code, "")


def mail_status_label(code: str | None) -> str:
    """Where the mail of a share stands (the outbox status), in words."""
    return _label(_MAIL_STATUSES, code, "")


_SHARE_REQUESTERS = {"consumer": N_("at the consumer's request"), "company": N_("at the company's request"),
                     "mediator": N_("on the mediator's initiative")}
_EXPERT_REQUESTERS = {"consumer": N_("the consumer"), "company": N_("the company"),
                      "both": N_("both parties, jointly"), "mediator": N_("the mediator")}
_COST_BEARERS = {"requesting_party": N_("the party asking for it"), "shared": N_("both parties, shared"),
                 "company": N_("the company, by its choice")}
_DOCUMENT_KINDS = {"upload": N_("document of the file"), "letter": N_("letter of the mediator"),
                   "observations": N_("observations of a department"), "evidence": N_("evidence of implementation")}
_MAIL_STATUSES = {"pending": N_("waiting to be sent"), "sent": N_("sent"), "failed": N_("not delivered")}


def _label(messages: dict[str, str], code: str | None, default: str) -> str:
    message = messages.get(code or "")
    return _(message) if message else default


def department_label(code):
    """The department's label from the settings (its code when unknown)."""
    return _department(code)


def _department(code):
    departments = state().settings["departments"]
    return departments[code]["label"] if code in departments else code


def _day(value) -> str:
    if not value:
        return ""
    return fr_date(value if isinstance(value, date) else date.fromisoformat(str(value)[:10]))


def file_list_rows(rows, state_labels) -> list[tuple[str, str, str, str, str]]:
    """The file list's cells as text: reference, state, subject, day received, end of mediation due.

    Formatted here rather than cell by cell in the template, where each attribute, call and filter of
    fifty rows goes through Jinja's slower paths (bench/console_speed.py).
    """
    return [(row.reference, state_labels[row.state], row.subject, fr_date(paris_date(row.received_at)),
             fr_date(row.outcome_due) if row.outcome_due else "") for row in rows]
