"""The French labels a report prints, frozen with its snapshot so that a later change of the charter's
taxonomy or of the settings does not change a published report."""

from __future__ import annotations

from flask_babel import gettext as _

from mediator_plugin.cases.presenters import CHANNELS, channel_label, implementation_label, party_type_label
from mediator_plugin.core.charter import Charter
from mediator_plugin.core.geography import region_names
from mediator_plugin.core.permissions import Role


def recommendation_status_labels() -> dict[str, str]:
    return {"ISSUED": _("Issued"), "ACCEPTED": _("Accepted"), "IN_PROGRESS": _("In progress"),
            "IMPLEMENTED": _("Implemented"), "PARTLY_IMPLEMENTED": _("Partly implemented"),
            "DECLINED": _("Declined"), "OBSOLETE": _("Obsolete")}


def role_labels() -> dict[str, str]:
    return {Role.CORRESPONDENT.value: _("Correspondents of the departments"), Role.EXECUTIVE.value: _("Executives"),
            Role.ADMIN.value: _("IT administrators"), "none": _("Without a role")}


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def labels(charter: Charter, settings) -> dict[str, dict[str, str]]:
    """Code → label for every breakdown of the report."""
    rules = charter.rules
    return {
        "ground": {g["code"]: g["label"] for g in rules["grounds"]},
        "interruption": {c["code"]: c["label"] for c in rules["interruptions"]},
        "outcome": {o["code"]: o["label"] for o in rules["outcomes"]},
        "category": {c["code"]: c["label"] for c in charter.categories_flat()} | {"": _("Not classified")},
        "department": {code: d["label"] for code, d in settings["departments"].items()} | {"": _("Not assigned")},
        "channel": {code: _capital(channel_label(code)) for code in CHANNELS},
        "implementation": {code: _capital(implementation_label(code))
                           for code in ("done", "partial", "not_done", "unknown")},
        "status": recommendation_status_labels(),
        "role": role_labels(),
        "region": region_names(),
        "dispute_domain": {d["code"]: d["label"] for d in charter.scope["dispute_domains"]} | {"": _("Not recorded")},
        "party_type": {code: _capital(party_type_label(code)) for code in charter.scope["party_types"]},
    }
