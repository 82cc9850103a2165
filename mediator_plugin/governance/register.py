"""The governance register (R-IND-5), the training log (R-CECMC-2) and the items notified to the CECMC
(R-CECMC-4), read from the charter: ``governance.toml`` with the identity and mandate of ``mediator.toml``.

:func:`notified_items` is what the mediator tells the CECMC and must keep current (R614-3: identity and
contact, qualifications, appointment, mandate and budget, listing, networks, the disputes covered, languages,
procedural rules); each value is the French text a notice quotes, so that a change of any of them is seen.
"""

from __future__ import annotations

from datetime import date

from flask_babel import gettext as _

from mediator_plugin.core.charter import Charter
from mediator_plugin.core.i18n import N_
from mediator_plugin.core.pdf import fr_date

# The notified items, in the order a notice lists them: key, French label (msgid).
ITEMS = (
    ("mediator_name", N_("Name of the mediator")),
    ("mediator_title", N_("Title")),
    ("postal_address", N_("Postal address")),
    ("email", N_("E-mail address")),
    ("website", N_("Website")),
    ("background", N_("Qualifications and professional background")),
    ("appointment", N_("Appointment")),
    ("appointing_body", N_("Appointing body")),
    ("appointment_decided_on", N_("Date of the appointment decision")),
    ("appointment_minutes", N_("Minutes of the appointment")),
    ("mandate_start", N_("First day of the mandate")),
    ("mandate_end", N_("Last day of the mandate")),
    ("budget_line", N_("Budget line of the mediation")),
    ("restriction_ends_on", N_("End of the post-mandate restriction")),
    ("listed", N_("Listed by the CECMC")),
    ("listed_on", N_("Date of the listing")),
    ("cecmc_decision", N_("Decision of the CECMC")),
    ("listed_mediator", N_("Listed consumer mediator the consumer can turn to")),
    ("networks", N_("Cross-border networks")),
    ("disputes_covered", N_("Disputes covered")),
    ("disputes_excluded", N_("Disputes excluded")),
    ("languages", N_("Languages")),
    ("procedure", N_("Procedural rules (version of the charter)")),
)


def notified_items(charter: Charter, website: str) -> dict[str, str]:
    """Every item of :data:`ITEMS` as the notice quotes it, in French; ``website`` is the public address
    (``base_url``)."""
    m, g = charter.mediator, charter.governance
    listing = g["listing"]
    return {
        "mediator_name": m["mediator_name"], "mediator_title": m["mediator_title"],
        "postal_address": m["postal_address"], "email": m["email"], "website": website,
        "background": m["background"], "appointment": m["appointment"], "appointing_body": m["appointing_body"],
        "appointment_decided_on": fr_date(g["appointment"]["decided_on"]),
        "appointment_minutes": g["appointment"]["minutes_reference"],
        "mandate_start": fr_date(m["mandate_start"]), "mandate_end": fr_date(m["mandate_end"]),
        "budget_line": g["budget"]["line_reference"],
        "restriction_ends_on": fr_date(g["post_mandate"]["restriction_ends_on"]),
        "listed": _("yes") if listing["listed"] else _("no"),
        "listed_on": fr_date(listing["listed_on"]) if listing["listed"] else "",
        "cecmc_decision": listing["cecmc_decision"] if listing["listed"] else "",
        "listed_mediator": "" if listing["listed"] else ", ".join(
            listing[key] for key in ("listed_mediator_name", "listed_mediator_address", "listed_mediator_website")),
        "networks": m["networks"],
        "disputes_covered": charter.scope["covered"], "disputes_excluded": charter.scope["excluded"],
        "languages": m["languages"], "procedure": charter.version,
    }


def register(charter: Charter) -> dict:
    """The governance register as the CECMC export carries it (R-IND-5): dates in ISO form."""
    m, g = charter.mediator, charter.governance
    listing = g["listing"]
    return {
        "appointing_body": m["appointing_body"],
        "appointment": {"text": m["appointment"], "decided_on": g["appointment"]["decided_on"].isoformat(),
                        "minutes_reference": g["appointment"]["minutes_reference"]},
        "mandate": {"start": m["mandate_start"].isoformat(), "end": m["mandate_end"].isoformat()},
        "budget_line_reference": g["budget"]["line_reference"],
        "post_mandate_restriction_ends_on": g["post_mandate"]["restriction_ends_on"].isoformat(),
        "listing": {"listed": listing["listed"],
                    "listed_on": listing["listed_on"].isoformat() if listing["listed"] else None,
                    "cecmc_decision": listing["cecmc_decision"] if listing["listed"] else None,
                    "listed_mediator": None if listing["listed"] else {
                        "name": listing["listed_mediator_name"], "address": listing["listed_mediator_address"],
                        "website": listing["listed_mediator_website"]}},
        "cecmc_email": g["cecmc_email"],
    }


def training_log(charter: Charter, year: int) -> list[dict]:
    """The trainings of ``year`` (R-CECMC-2), oldest first: date, subject, hours, who."""
    return [{"date": t["on"].isoformat(), "subject": t["subject"], "hours": t["hours"], "who": list(t["who"])}
            for t in sorted(charter.governance["training"], key=lambda t: t["on"])
            if date(year, 1, 1) <= t["on"] <= date(year, 12, 31)]
