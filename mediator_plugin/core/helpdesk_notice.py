"""The mediator's contact block in the helpdesk's answers (R-HELPDESK-1, L616-1, R616-1; R-ADM-4).

The block is written by the helpdesk's own rules, never by us on a ticket (interfaces.md: only the labels go
back). This module words it from the charter (``[helpdesk_notice]`` of ``mediator.toml``) and the ``base_url``
setting, and has each configured connector install or update the rules; ``mediator helpdesk install-rules``
and the demo call it. ``mediator init`` does not: a helpdesk that does not answer must not stop a release.
"""

from __future__ import annotations

from connectors.notice import MediatorNotice, RuleChange
from mediator_plugin import state
from mediator_plugin.core import audit
from mediator_plugin.core.db import db
from mediator_plugin.core.helpdesks import configured_connectors

# Two calendar months have always passed 62 days after any day: the second rule never speaks too early.
HOURS_PER_MONTH = 31 * 24
# The setting naming each helpdesk's complaint-outcome field, in its environment form.
OUTCOME_SETTING = {"zendesk": "MEDIATOR_ZENDESK_COMPLAINT_OUTCOME_FIELD_ID",
                   "freshdesk": "MEDIATOR_FRESHDESK_COMPLAINT_OUTCOME_FIELD"}


def mediator_notice() -> MediatorNotice:
    """The block's texts, filled with the mediator's identity and the website."""
    plugin = state()
    mediator, months = plugin.charter.mediator, plugin.charter.scope["unanswered_complaint_months"]
    values = {key: mediator[key] for key in ("mediator_name", "mediator_title", "postal_address", "email")}
    values |= {"website": plugin.settings["base_url"], "months": months}
    texts = mediator["helpdesk_notice"]
    return MediatorNotice(
        subject=texts["subject"].format(**values),
        closure=texts["closure"].format(**values),
        unanswered=texts["unanswered"].format(**values),
        unanswered_hours=months * HOURS_PER_MONTH,
    )


def missing_outcome_setting(vendor: str) -> str | None:
    """The setting to fill before the rules can be installed on ``vendor``, or None when it is set."""
    settings = state().settings[vendor]
    field = settings["complaint_outcome_field_id"] if vendor == "zendesk" else settings["complaint_outcome_field"]
    return None if field else OUTCOME_SETTING[vendor]


def install_notice_rules(vendor: str, *, actor: str = "cli") -> list[RuleChange]:
    """Install or update ``vendor``'s rules; the audit log records what changed in the helpdesk.

    Raises :class:`connectors.base.HelpdeskError` when the helpdesk refuses or does not answer.
    """
    changes = configured_connectors()[vendor].install_notice_rules(mediator_notice())
    audit.record("helpdesk_rules", actor=actor, target=vendor, detail={"rules": [c.as_dict() for c in changes]})
    db.session.commit()
    return changes
