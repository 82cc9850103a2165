"""The mediator's charter: rules, letter texts and identity, loaded from ``charter/`` and validated.

The law fixes some lists (the five grounds of L612-2, the outcome classes, the interruption
causes, the mentions each letter must carry); the charter may word and extend them but never drop
one, and a charter that tries stops start-up.
"""

from __future__ import annotations

import hashlib
import string
import tomllib
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cached_property
from pathlib import Path

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from mediator_plugin.core.governance import GovernanceSchema, a_date, cross_checks, three_years_after
from mediator_plugin.core.paths import find_data_path

# R-ADM-1: the five legal grounds, in the order of L612-2.
LEGAL_GROUNDS = (
    "NO_PRIOR_WRITTEN_COMPLAINT",
    "MANIFESTLY_UNFOUNDED_OR_ABUSIVE",
    "ALREADY_EXAMINED_OR_PENDING_ELSEWHERE",
    "OVER_ONE_YEAR",
    "OUT_OF_SCOPE",
)
# R-STATS-3.
OUTCOMES = (
    "FULLY_FAVOURABLE_CONSUMER",
    "PARTLY_FAVOURABLE",
    "UNFAVOURABLE_CONSUMER",
    "NEUTRAL_INFORMATIVE",
    "AMICABLE_AGREEMENT",
)
# R-FLOW-1 terminal interruption states.
# COMPANY_NO_REPLY: the company did not answer in time whether it takes part (R-FUTURE-1), apart from a refusal.
INTERRUPTIONS = ("WITHDRAWN_BY_CONSUMER", "COMPANY_DECLINED", "COMPANY_NO_REPLY", "COURT_SEIZED", "COI_OBJECTION",
                 "UNREACHABLE")
# R-INFO-1, R-INFO-4, R-DEADLINE-4, R-PRESC-2: what each letter must say.
REQUIRED_MENTIONS = {
    "seizure": {"withdraw", "prescription", "outcome_deadline"},
    "rejection": {"rejection_ground", "rejection_next_steps", "rejection_clock"},
    "proposal": {"free_to_accept", "court_remains_open", "may_differ_from_judge", "acceptance_effect",
                 "acceptance_deadline"},
    "extension": {"extension_reason", "extension_new_date"},
    "agreement": {"closure_date"},
    "closure": {"closure_date"},
}
# Fields a letter may use, besides its mentions.
LETTER_FIELDS = {
    "reference", "today", "consumer_name", "company_name", "mediator_name", "received_on", "notified_on",
    "outcome_due", "ground_label", "next_steps", "rejection_clock_start", "acceptance_deadline", "correction_notice",
    "extension_reason", "previous_due", "new_due", "ended_on", "agreement_terms", "closure_summary",
    "closure_answers", "closure_reasons", "closure_recourse",
}
# Fields a ground's next steps may name (R-ADM-5: where to go instead, e.g. the sector mediator, R-SCOPE-3).
NEXT_STEPS_FIELDS = {"company_name", "sector_mediator"}
# The sentences the code puts together into letter fields, with the fields each may use.
TEXT_FIELDS = {
    "rejection_clock_receipt": {"received_on"},
    "rejection_clock_complete_file": {"complete_on"},
    "correction": {"previous_on", "correction_reason"},
}
CLOSURE_TEXT_FIELDS = {
    "accepted": {"proposal_on"},
    "refused_by_company": {"proposal_on", "company_name"},
    "refused_by_consumer": {"proposal_on"},
    "no_response": {"proposal_on", "acceptance_deadline"},
    "agreement": {"ended_on", "agreement_terms"},
    "interrupted": {"cause"},
    "answers": {"consumer_answer", "company_answer", "company_name"},
    "accepted_on": {"day"},
    "refused_on": {"day"},
    "no_answer": set(),
    "company_reasons": {"company_name", "reason_category", "reason"},
    # R-SCOPE-4: a mediator who is not listed points to the listed one after a mediation without a settlement.
    "listed_mediator": {"listed_mediator"},
}


# R-HELPDESK-1: the fields the helpdesk's block may use, and those R616-1 requires in each of its texts.
NOTICE_FIELDS = {"mediator_name", "mediator_title", "postal_address", "email", "website", "months"}
NOTICE_REQUIRED = {"mediator_name", "postal_address", "website"}


class CharterError(Exception):
    """The charter is invalid; the message says which file and which entry."""


class _Labelled(Schema):
    code = fields.String(required=True, validate=validate.Regexp(r"^[A-Za-z0-9_.]+$"))
    label = fields.String(required=True, validate=validate.Length(min=1))


def _names(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def _uses_only(allowed: set[str]):
    def check(template: str):
        unknown = _names(template) - allowed
        if unknown:
            raise ValidationError(f"unknown field(s) {', '.join(sorted(unknown))}")
    return check


class _Ground(_Labelled):
    # Specific to the ground (R-ADM-5): a refusal on ground 3 must not send the consumer to another mediator.
    next_steps = fields.String(required=True, validate=[validate.Length(min=1), _uses_only(NEXT_STEPS_FIELDS)])
    sub_reasons = fields.List(fields.Nested(_Labelled), load_default=list)


class _Category(_Labelled):
    children = fields.List(fields.Nested(_Labelled), required=True, validate=validate.Length(min=1))

    @validates_schema
    def _children_prefixed(self, data, **_):
        for child in data["children"]:
            if not child["code"].startswith(data["code"] + "."):
                raise ValidationError(f"sub-category {child['code']} must start with '{data['code']}.'")


class _Deadlines(Schema):
    rejection_days = fields.Integer(required=True, validate=validate.Range(1, 21))
    rejection_alert_days = fields.List(fields.Integer(validate=validate.Range(1, 21)), required=True)
    outcome_days = fields.Integer(required=True, validate=validate.Range(1, 90))
    outcome_warning_days_left = fields.Integer(required=True, validate=validate.Range(1, 90))
    company_reply_working_days = fields.Integer(required=True, validate=validate.Range(1, 60))
    reminder_offsets_days = fields.List(fields.Integer(validate=validate.Range(0, 60)), required=True)
    acceptance_days = fields.Integer(required=True, validate=validate.Range(1, 60))
    coi_objection_days = fields.Integer(required=True, validate=validate.Range(1, 30))
    rejection_clock_from = fields.String(required=True, validate=validate.OneOf(["receipt", "complete_file"]))
    party_reply_days = fields.Integer(required=True, validate=validate.Range(1, 60))
    implementation_followup_days = fields.Integer(required=True, validate=validate.Range(1, 180))
    closure_letter_days = fields.Integer(required=True, validate=validate.Range(1, 30))

    @validates_schema
    def _alerts_inside_the_period(self, data, **_):
        if any(day >= data["rejection_days"] for day in data["rejection_alert_days"]):
            raise ValidationError("rejection_alert_days must fall before rejection_days")


def _unique_codes(items) -> None:
    codes = [item["code"] for item in items]
    if len(set(codes)) != len(codes):
        raise ValidationError("each code must appear once")


class _Scope(Schema):
    party_types = fields.List(fields.String(), required=True)
    statutory_party_types = fields.List(fields.String(), required=True)
    # R-SCOPE-2: the dispute's domain, recorded with the party type; the first is the default.
    dispute_domains = fields.List(fields.Nested(_Labelled), required=True,
                                  validate=[validate.Length(min=1), _unique_codes])
    covered = fields.String(required=True)
    excluded = fields.String(required=True)
    complaint_limit_from = fields.String(required=True, validate=validate.OneOf(["first", "last"]))
    complaint_limit_inclusive = fields.Boolean(required=True)
    unanswered_complaint_months = fields.Integer(required=True, validate=validate.Range(1, 12))


def _codes_exactly(expected):
    def check(items):
        codes = tuple(item["code"] for item in items)
        if sorted(codes) != sorted(expected):
            raise ValidationError(f"must list exactly {', '.join(expected)}")
    return check


class _Rules(Schema):
    version = fields.String(required=True, validate=validate.Regexp(r"^\d{4}\.\d+$"))
    adopted_on = fields.Raw(required=True, validate=a_date)
    scope = fields.Nested(_Scope, required=True)
    deadlines = fields.Nested(_Deadlines, required=True)
    grounds = fields.List(fields.Nested(_Ground), required=True, validate=_codes_exactly(LEGAL_GROUNDS))
    outcomes = fields.List(fields.Nested(_Labelled), required=True, validate=_codes_exactly(OUTCOMES))
    interruptions = fields.List(fields.Nested(_Labelled), required=True, validate=_codes_exactly(INTERRUPTIONS))
    company_refusal_reasons = fields.List(fields.Nested(_Labelled), required=True, validate=validate.Length(min=1))
    categories = fields.List(fields.Nested(_Category), required=True, validate=validate.Length(min=1))


class _Letter(Schema):
    title = fields.String(required=True)
    recipients = fields.List(fields.String(validate=validate.OneOf(["consumer", "company"])), required=True)
    paragraphs = fields.List(fields.String(), required=True)
    closing_paragraphs = fields.List(fields.String(), load_default=list)
    mentions = fields.List(fields.String(), required=True)


def _texts_schema(expected: dict[str, set[str]], name: str, nested: dict | None = None) -> type[Schema]:
    """A schema requiring every sentence of ``expected``, each using only its own fields."""
    attributes = {key: fields.String(required=True, validate=[validate.Length(min=1), _uses_only(allowed)])
                  for key, allowed in expected.items()}
    attributes |= nested or {}
    return Schema.from_dict(attributes, name=name)


_ClosureTexts = _texts_schema(CLOSURE_TEXT_FIELDS, "ClosureTexts")
_Texts = _texts_schema(TEXT_FIELDS, "Texts", {"closure": fields.Nested(_ClosureTexts, required=True)})


class _Letters(Schema):
    mentions = fields.Dict(keys=fields.String(), values=fields.String(validate=validate.Length(min=1)), required=True)
    letters = fields.Dict(keys=fields.String(validate=validate.OneOf(list(REQUIRED_MENTIONS))),
                          values=fields.Nested(_Letter), required=True)
    texts = fields.Nested(_Texts, required=True)

    @validates_schema
    def _mentions_present(self, data, **_):
        for kind, required in REQUIRED_MENTIONS.items():
            letter = data["letters"].get(kind)
            if letter is None:
                raise ValidationError(f"letter '{kind}' is missing")
            missing = required - set(letter["mentions"])
            if missing:
                raise ValidationError(f"letter '{kind}' lacks the mandatory mention(s) {', '.join(sorted(missing))}")
            used = set()
            for paragraph in letter["paragraphs"] + letter["closing_paragraphs"]:
                used |= _names(paragraph)
            for mention in letter["mentions"]:
                if mention not in data["mentions"]:
                    raise ValidationError(f"letter '{kind}' names an unknown mention '{mention}'")
                if mention not in used:
                    raise ValidationError(f"letter '{kind}' declares mention '{mention}' but never prints it")
            unknown = used - LETTER_FIELDS - set(data["mentions"])
            if unknown:
                raise ValidationError(f"letter '{kind}' uses unknown field(s) {', '.join(sorted(unknown))}")


class _Link(Schema):
    label = fields.String(required=True)
    url = fields.String(required=True, validate=validate.Regexp(r"^(https?://\S+)?$"))


def _not_odr_platform(url: str) -> None:
    # R-WEB-4: the EU's ODR platform closed on 20 July 2025; R614-1 10° is the Commission's page on mediation.
    if "/odr" in url.lower():
        raise ValidationError("the EU online dispute resolution platform is closed: link the Commission's page "
                              "on consumer mediation instead")
    validate.Regexp(r"^(https?://\S+)?$")(url)


def _notice_text(template: str) -> None:
    _uses_only(NOTICE_FIELDS)(template)
    missing = NOTICE_REQUIRED - _names(template)
    if missing:
        raise ValidationError(f"must print the mediator's {', '.join(sorted(missing))} (R616-1)")


class _HelpdeskNotice(Schema):
    """The block the helpdesk's own rules add to the customer's answers (R-HELPDESK-1)."""

    subject = fields.String(required=True, validate=[validate.Length(min=1), _uses_only(NOTICE_FIELDS)])
    closure = fields.String(required=True, validate=_notice_text)
    unanswered = fields.String(required=True, validate=_notice_text)


class _Mediator(Schema):
    company_name = fields.String(required=True)
    company_email = fields.Email(required=True)
    company_address = fields.String(required=True)
    mediator_name = fields.String(required=True)
    mediator_title = fields.String(required=True)
    postal_address = fields.String(required=True)
    email = fields.Email(required=True)
    appointment = fields.String(required=True)
    languages = fields.String(required=True)
    # The public page (R614-1, CECMC D01). Empty strings load; publication refuses them (missing_r614_items).
    listing = fields.String(required=True)
    listing_date = fields.String(required=True)
    mandate_length = fields.String(required=True)
    # R-IND-2: the mandate's dates (at least three years, L613-1) and who appointed the mediator (L613-2 1°).
    mandate_start = fields.Raw(required=True, validate=a_date)
    mandate_end = fields.Raw(required=True, validate=a_date)
    appointing_body = fields.String(required=True)
    background = fields.String(required=True)
    networks = fields.String(required=True)
    laws = fields.List(fields.Nested(_Link), required=True)
    eu_link_label = fields.String(required=True)
    eu_link_url = fields.String(required=True, validate=_not_odr_platform)
    process = fields.List(fields.String(), required=True)
    rights = fields.List(fields.String(), required=True)
    # L612-1, R-SCOPE-3: the sector mediator the consumer may always turn to. Empty loads; publication refuses it.
    sector_mediator_name = fields.String(required=True)
    sector_mediator_address = fields.String(required=True)
    sector_mediator_website = fields.String(required=True)
    # GDPR Art. 13 notice of the online form (R-GDPR-1); the retention periods come from the settings.
    privacy_contact = fields.String(required=True)
    helpdesk_notice = fields.Nested(_HelpdeskNotice, required=True)

    @validates_schema
    def _mandate_of_three_years(self, data, **_):
        start, end = data.get("mandate_start"), data.get("mandate_end")
        if isinstance(start, date) and isinstance(end, date) and end < three_years_after(start) - timedelta(days=1):
            raise ValidationError(f"the mandate must last at least three years (L613-1): begun on {start}, it "
                                  f"ends on {three_years_after(start) - timedelta(days=1)} at the earliest",
                                  field_name="mandate_end")


@dataclass(frozen=True)
class Charter:
    """The validated charter. ``version`` is the mediator's number; ``sha256`` pins the exact text."""

    version: str
    sha256: str
    rules: dict
    letters: dict
    mentions: dict
    texts: dict
    mediator: dict
    text: str
    governance: dict

    @property
    def deadlines(self) -> dict:
        return self.rules["deadlines"]

    @property
    def scope(self) -> dict:
        return self.rules["scope"]

    def ground(self, code: str) -> dict:
        """The ground ``code`` (KeyError when it is not one of the five)."""
        return {g["code"]: g for g in self.rules["grounds"]}[code]

    def label(self, kind: str, code: str) -> str:
        """French label of an outcome, interruption, ground, company refusal reason, category or dispute domain
        code."""
        return self._labels[kind][code]

    @cached_property
    def _labels(self) -> dict[str, dict[str, str]]:
        # Built once per charter (it never changes once loaded): a file page asks for several labels.
        tables = {
            "outcome": self.rules["outcomes"],
            "interruption": self.rules["interruptions"],
            "ground": self.rules["grounds"],
            "company_refusal": self.rules["company_refusal_reasons"],
            "category": self.categories_flat(),
            "dispute_domain": self.scope["dispute_domains"],
        }
        return {kind: {item["code"]: item["label"] for item in table} for kind, table in tables.items()}

    def sector_mediator(self) -> str:
        """The sector mediator's identity on one line: name, address, website (R-SCOPE-3)."""
        m = self.mediator
        return ", ".join(part for part in (m["sector_mediator_name"], m["sector_mediator_address"],
                                           m["sector_mediator_website"]) if part.strip())

    def categories_flat(self) -> list[dict]:
        """Both levels of the taxonomy in one list (each child carries its parent's code)."""
        flat = []
        for parent in self.rules["categories"]:
            flat.append({"code": parent["code"], "label": parent["label"], "parent": None})
            flat.extend({**c, "parent": parent["code"]} for c in parent["children"])
        return flat

    def subcategory_parent(self, code: str) -> str:
        """The level-1 category of a level-2 code (KeyError when unknown)."""
        return {c["code"]: c["parent"] for c in self.categories_flat() if c["parent"]}[code]


FILES = ("rules.toml", "letters.toml", "mediator.toml", "governance.toml", "charte.md")


def load_charter(directory: Path | None = None) -> Charter:
    """Read and validate ``charter/``; raise :class:`CharterError` naming the file and the entry."""
    directory = directory or find_data_path("charter")
    digest = hashlib.sha256()
    raw = {}
    for name in FILES:
        path = directory / name
        try:
            content = path.read_bytes()
        except FileNotFoundError as exc:
            raise CharterError(f"charter file missing: {path}") from exc
        digest.update(name.encode() + b"\0" + content + b"\0")
        if name.endswith(".toml"):
            try:
                raw[name] = tomllib.loads(content.decode("utf-8"))
            except tomllib.TOMLDecodeError as exc:
                raise CharterError(f"{path}: invalid TOML: {exc}") from exc
        else:
            raw[name] = content.decode("utf-8")
    rules = _load(_Rules(), raw["rules.toml"], directory / "rules.toml")
    letters = _load(_Letters(), raw["letters.toml"], directory / "letters.toml")
    mediator = _load(_Mediator(), raw["mediator.toml"], directory / "mediator.toml")
    governance = _load(GovernanceSchema(), raw["governance.toml"], directory / "governance.toml")
    closure = letters["letters"]["closure"]
    printed = set().union(*(_names(p) for p in closure["paragraphs"] + closure["closing_paragraphs"]))
    for name, key, problem in cross_checks(governance, mediator, printed):
        raise CharterError(f"{directory / name}: {key}: {problem}")
    return Charter(
        version=rules["version"],
        sha256=digest.hexdigest(),
        rules=rules,
        letters=letters["letters"],
        mentions=letters["mentions"],
        texts=letters["texts"],
        mediator=mediator,
        text=raw["charte.md"],
        governance=governance,
    )


def _load(schema: Schema, data: dict, path: Path) -> dict:
    try:
        return schema.load(data)
    except ValidationError as exc:
        raise CharterError(f"{path}: {_flatten(exc.messages)}") from exc


def _flatten(messages, prefix="") -> str:
    if isinstance(messages, dict):
        return "; ".join(_flatten(v, f"{prefix}{k}.") for k, v in messages.items())
    if isinstance(messages, list) and all(isinstance(m, str) for m in messages):
        return f"{prefix.rstrip('.')}: {' '.join(messages)}"
    return f"{prefix.rstrip('.')}: {messages}"
