"""Automatic redaction of case examples and the residual-identifier check (R-CASE-1, R-GDPR-7).

Pure functions: no database, no Flask. :func:`redact` removes what a machine can find — the
parties' names, e-mails, phones, postal addresses and postcodes, the file reference, ticket ids,
customer and contract numbers — turns exact dates into a month and a year and amounts into bands.
:func:`find_residuals` lists what is still there, so that a person can judge the rest (rare
attributes, small towns, distinctive events): automatic redaction helps, the checklist and the
second reader decide.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from mediator_plugin.examples import patterns as p

CONSUMER = "le consommateur"


@dataclass(frozen=True)
class Identifiers:
    """The personal data of one file: what the redaction removes and the check looks for."""

    consumer_names: tuple[str, ...] = ()
    other_names: tuple[str, ...] = ()  # representatives, helpdesk agents
    emails: tuple[str, ...] = ()
    phones: tuple[str, ...] = ()
    address_lines: tuple[str, ...] = ()
    towns: tuple[str, ...] = ()
    references: tuple[str, ...] = ()
    ticket_ids: tuple[str, ...] = ()
    amounts: frozenset[Decimal] = field(default_factory=frozenset)


@dataclass(frozen=True)
class Residual:
    """Something in a text that still identifies: its kind (see :data:`KINDS`) and the text found."""

    kind: str
    found: str


KINDS = ("name", "email", "phone", "reference", "ticket", "number", "address", "place", "exact_date",
         "exact_amount")


@dataclass(frozen=True)
class _Rule:
    kind: str
    pattern: re.Pattern
    replace: Callable[[re.Match], str]
    flags: Callable[[re.Match], bool] = lambda _m: True
    shown: Callable[[re.Match], str] = lambda m: m.group(0)  # what the check reports


def _fixed(text: str) -> Callable[[re.Match], str]:
    return lambda _m: text


def _literal(values: Iterable[str]) -> re.Pattern | None:
    """The given values as whole words, in any case (longest first, so "Bordeaux Cedex" wins)."""
    values = sorted({v.strip() for v in values if v and len(v.strip()) >= 3}, key=len, reverse=True)
    if not values:
        return None
    body = "|".join(re.escape(v) for v in values)
    return re.compile(rf"(?<![\w@.-])(?:{body})(?![\w@-])", re.IGNORECASE)


def _capitalised(words: Iterable[str]) -> re.Pattern | None:
    """Town names as proper nouns only: "Sens" the town, not "dans le sens"."""
    words = sorted({w.strip() for w in words if w and len(w.strip()) >= 3}, key=len, reverse=True)
    return re.compile("|".join(p.name_pattern(w, any_case=False) for w in words)) if words else None


def _names(names: Iterable[str]) -> re.Pattern | None:
    """Full names in any case, with or without a civility; then each part of at least three letters."""
    full, parts = set(), set()
    for name in names:
        tokens = [t for t in re.split(r"\s+", name.strip()) if t]
        if len(tokens) >= 2:
            full.add(p.name_pattern(" ".join(tokens), any_case=True))
            full.add(p.name_pattern(" ".join(reversed(tokens)), any_case=True))
        parts.update(p.name_pattern(t, any_case=False) for t in tokens if len(t) >= 3)
    if not full | parts:
        return None
    alternatives = sorted(full, key=len, reverse=True) + sorted(parts, key=len, reverse=True)
    return re.compile(rf"(?:\b{p.CIVILITY}\s+)?(?:{'|'.join(alternatives)})")


def _amount_value(m: re.Match) -> Decimal | None:
    return None if m["band"] else p.parse_amount(m["num"] or m["num2"])


def _band(m: re.Match) -> str:
    value = _amount_value(m)
    return m.group(0) if value is None else p.band(value)


def _keep_label(m: re.Match) -> str:
    return m["label"] + "[numéro]"


def _without_preposition(m: re.Match) -> str:
    return m.group(0)[len(m["prep"] or ""):]


def _rules(ids: Identifiers) -> list[_Rule]:
    """The rules in the order they run: a later rule never sees what an earlier one replaced."""
    rules = [
        _Rule("email", p.EMAIL, _fixed("[courriel]")),
        _Rule("reference", p.FILE_REFERENCE, _fixed("[référence]")),
        _Rule("reference", _literal(ids.references), _fixed("[référence]")),
        *(_Rule("exact_date", pattern, p.month_year, shown=_without_preposition) for pattern in p.DATE_PATTERNS),
        _Rule("exact_amount", p.AMOUNT, _band, lambda m: _amount_value(m) in ids.amounts),
        _Rule("phone", _literal(ids.phones), _fixed("[téléphone]")),
        _Rule("phone", p.PHONE, _fixed("[téléphone]")),
        _Rule("ticket", _literal(ids.ticket_ids), _fixed("[ticket]")),
        _Rule("ticket", p.HASH_NUMBER, _fixed("[numéro]")),
        _Rule("number", p.LABELLED_NUMBER, _keep_label, shown=lambda m: m["value"]),
        _Rule("address", _literal(ids.address_lines), _fixed("[adresse]")),
        _Rule("address", p.STREET, _fixed("[adresse]")),
        _Rule("place", p.POSTCODE, _fixed("[lieu]")),
        _Rule("place", _capitalised(ids.towns), _fixed("[lieu]")),
        _Rule("number", p.LONG_NUMBER, _fixed("[numéro]")),
        _Rule("name", _names(ids.consumer_names), _fixed(CONSUMER)),
        _Rule("name", p.TITLED_NAME, _fixed("[nom]")),
        _Rule("name", _names(ids.other_names), _fixed("[nom]")),
    ]
    return [rule for rule in rules if rule.pattern is not None]


def redact(text: str, ids: Identifiers) -> str:
    """``text`` with the identifiers of ``ids`` and every recognisable identifier removed or generalised."""
    for rule in _rules(ids):
        text = rule.pattern.sub(rule.replace, text)
    return _grammar(text)


def _grammar(text: str) -> str:
    """French after the replacements: "de le consommateur" → "du consommateur", "de environ" → "d'environ",
    a capital at a sentence start."""
    text = re.sub(r"\b([Dd])e (environ|entre)\b", r"\1'\2", text)
    text = re.sub(rf"\b([Dd])e {CONSUMER}|\b([Dd])['’]{CONSUMER}", lambda m: (m[1] or m[2]) + "u consommateur",
                  text)
    text = re.sub(rf"\b([àÀ]) {CONSUMER}", lambda m: ("Au" if m[1] == "À" else "au") + " consommateur", text)
    return re.sub(rf"(^|[.!?]\s+|\n\s*){CONSUMER}", lambda m: m[1] + "Le consommateur", text)


def find_residuals(text: str, ids: Identifiers) -> list[Residual]:
    """What in ``text`` still identifies someone: anything of the source file (names, e-mails, phones,
    reference, ticket ids, address, town, amounts as written in the file) and any day-precise date,
    e-mail, phone, file reference, address, postcode or customer/contract number, in order of appearance.
    The words the redaction itself writes ("le consommateur", "[nom]", "environ 60 €") are not counted."""
    found: dict[str, tuple[int, str]] = {}
    for rule in _rules(ids):
        for match in rule.pattern.finditer(text):
            if rule.flags(match):
                found.setdefault(rule.shown(match).strip(), (match.start(), rule.kind))
    ordered = sorted(found.items(), key=lambda item: item[1][0])
    return [Residual(kind, value) for value, (_start, kind) in ordered]
