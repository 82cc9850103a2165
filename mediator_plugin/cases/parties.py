"""The parties' details, where the consumer lives (R-STATS-2), and their representatives (R-PROC-2): lawyer,
association or relative."""

from __future__ import annotations

from flask_babel import gettext as _

from mediator_plugin.cases import timeline
from mediator_plugin.cases.models import Case, Representative
from mediator_plugin.cases.workflow import check
from mediator_plugin.core.db import db
from mediator_plugin.core.errors import MissingField
from mediator_plugin.core.geography import locate, postcode_in
from mediator_plugin.core.permissions import Identity

REPRESENTATIVE_KINDS = ("avocat", "association", "proche", "autre")


def _party(case: Case, role: str):
    party = case.party(role) if role in ("consumer", "company") else None
    if party is None:
        raise MissingField(_("Say which party."), field="party")
    return party


def update_contact(case: Case, actor: Identity, *, party: str, email: str, postal_address: str, phone: str = ""):
    """Correct a party's contact details; notices go where these say."""
    check("edit_file", case.state, actor)
    target = _party(case, party)
    if email and ("@" not in email or " " in email.strip()):
        raise MissingField(_("The e-mail address is not valid."), field="email")
    before = {"email": target.email, "postal_address": target.postal_address, "phone": target.phone}
    target.email, target.postal_address, target.phone = email or None, postal_address or None, phone or None
    after = {"email": target.email, "postal_address": target.postal_address, "phone": target.phone}
    if after["postal_address"] != before["postal_address"]:
        target.postcode = postcode_in(target.postal_address)[0]  # the postcode follows the corrected address
        if party == "consumer":
            locate_consumer(case)
    timeline.log(case, actor, "contact_updated", party=party,
                 fields=sorted(k for k in after if after[k] != before[k]))


def locate_consumer(case: Case) -> None:
    """Set the file's region from its consumer's postcode, or the postcode in their postal address, and its
    cross-border flag (R-STATS-2): the report counts the saisines by region from this column."""
    consumer = case.party("consumer")
    place = locate(consumer.postcode if consumer else None, consumer.postal_address if consumer else None,
                   abroad=bool(case.cross_border))
    case.region = place.region


def add_representative(case: Case, actor: Identity, *, party: str, kind: str, name: str, mandate: str,
                       email: str = "") -> Representative:
    """Record who represents or assists a party, with the mandate received."""
    check("edit_file", case.state, actor)
    target = _party(case, party)
    if kind not in REPRESENTATIVE_KINDS:
        raise MissingField(_("Choose the kind of representative."), field="kind")
    if not name.strip():
        raise MissingField(_("Give the representative's name."), field="name")
    if not mandate.strip():
        raise MissingField(_("Describe the mandate received (date, form)."), field="mandate")
    representative = Representative(party_id=target.id, kind=kind, name=name.strip(), email=email.strip() or None,
                                    mandate=mandate.strip())
    db.session.add(representative)
    timeline.log(case, actor, "representative_added", party=party, representative_kind=kind, name=name.strip())
    return representative
