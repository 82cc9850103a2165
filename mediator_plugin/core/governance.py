"""``charter/governance.toml``: the governance register (R-IND-5), the listing status and data (R-SCOPE-4,
R-CECMC-4) and the training register (R-CECMC-2), validated at start-up with the rest of the charter.

The mandate's dates stay in ``mediator.toml`` (``mandate_start``, ``mandate_end``); the checks across files —
the post-mandate restriction against the mandate's end, the listing date the public page states, the closure
letter of a mediator who is not listed — are :func:`cross_checks`.
"""

from __future__ import annotations

from datetime import date, timedelta

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from mediator_plugin.core.pdf import fr_date

_URL = validate.Regexp(r"^https?://\S+$", error="write the website's address, beginning with https://")


def a_date(value) -> None:
    """A TOML date. Marshmallow 4 ignores a validator's return value: it must raise."""
    if not isinstance(value, date):
        raise ValidationError("write a TOML date, such as 2026-01-05 (no quotes)")


def three_years_after(start: date) -> date:
    """The day a three-year period begun on ``start`` is over (29 February runs to 1 March)."""
    try:
        return start.replace(year=start.year + 3)
    except ValueError:
        return date(start.year + 3, 3, 1)


def earliest_restriction_end(mandate_end: date) -> date:
    """The last day of the three years after the mandate (L613-2 2°): from the day after its last day."""
    return three_years_after(mandate_end + timedelta(days=1)) - timedelta(days=1)


class _Appointment(Schema):
    decided_on = fields.Raw(required=True, validate=a_date)
    minutes_reference = fields.String(required=True, validate=validate.Length(min=1))


class _Budget(Schema):
    line_reference = fields.String(required=True, validate=validate.Length(min=1))


class _PostMandate(Schema):
    restriction_ends_on = fields.Raw(required=True, validate=a_date)


class _Listing(Schema):
    # R-SCOPE-4: listed by the CECMC (the full L613-2 regime) or an internal recourse that is not.
    listed = fields.Boolean(required=True)
    listed_on = fields.Raw(load_default=None)
    cecmc_decision = fields.String(load_default="")
    # The listed consumer mediator a consumer of a mediator not listed can turn to.
    listed_mediator_name = fields.String(load_default="")
    listed_mediator_address = fields.String(load_default="")
    listed_mediator_website = fields.String(load_default="")

    @validates_schema
    def _what_the_status_needs(self, data, **_):
        if data["listed"]:
            if not isinstance(data["listed_on"], date):
                raise ValidationError("the day of the listing, as a TOML date, is required when listed = true",
                                      field_name="listed_on")
            if not data["cecmc_decision"].strip():
                raise ValidationError("the CECMC's decision is required when listed = true",
                                      field_name="cecmc_decision")
            return
        for key in ("listed_mediator_name", "listed_mediator_address", "listed_mediator_website"):
            if not data[key].strip():
                raise ValidationError("a mediator who is not listed must name the listed consumer mediator the "
                                      "consumer can turn to (R-SCOPE-4)", field_name=key)
        if not _URL.regex.match(data["listed_mediator_website"]):
            raise ValidationError(_URL.error, field_name="listed_mediator_website")


class _Training(Schema):
    on = fields.Raw(required=True, validate=a_date)
    subject = fields.String(required=True, validate=validate.Length(min=1))
    hours = fields.Float(required=True, validate=validate.Range(min=0, min_inclusive=False, max=500))
    who = fields.List(fields.String(validate=validate.Length(min=1)), required=True, validate=validate.Length(min=1))


class GovernanceSchema(Schema):
    """The whole of ``governance.toml``."""

    cecmc_email = fields.Email(required=True)
    appointment = fields.Nested(_Appointment, required=True)
    budget = fields.Nested(_Budget, required=True)
    post_mandate = fields.Nested(_PostMandate, required=True)
    listing = fields.Nested(_Listing, required=True)
    training = fields.List(fields.Nested(_Training), load_default=list)


def cross_checks(governance: dict, mediator: dict, closure_fields: set[str]) -> list[tuple[str, str, str]]:
    """What ``governance.toml`` contradicts in the other files, as (file, key, problem); ``closure_fields`` are
    the fields the closure letter prints."""
    problems = []
    earliest = earliest_restriction_end(mediator["mandate_end"])
    if governance["post_mandate"]["restriction_ends_on"] < earliest:
        problems.append(("governance.toml", "post_mandate.restriction_ends_on",
                         f"the restriction lasts at least three years after the mandate (L613-2 2°): the mandate "
                         f"ends on {mediator['mandate_end']}, the restriction on {earliest} at the earliest"))
    listing = governance["listing"]
    if listing["listed"] and fr_date(listing["listed_on"]) not in mediator["listing_date"]:
        problems.append(("mediator.toml", "listing_date",
                         f"the public page must state the listing date of governance.toml, "
                         f"{fr_date(listing['listed_on'])}"))
    if not listing["listed"] and "closure_recourse" not in closure_fields:
        problems.append(("letters.toml", "letters.closure",
                         "a mediator who is not listed must point to the listed mediator in the closure letter: "
                         "print {closure_recourse} (R-SCOPE-4)"))
    return problems
