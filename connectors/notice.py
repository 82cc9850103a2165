"""The mediator's contact block, added to the customer's answers by the helpdesk's own rules (R-HELPDESK-1).

L616-1 and R616-1 make the company give the consumer the mediator's name, address and website again when a
complaint could not be settled. The mediator writes nothing on tickets (interfaces.md): each connector
installs, and keeps current, rules of the helpdesk itself that add the block — after an unfavourable or
partial closure, and after a complaint stayed unanswered for two months (R-ADM-4). The wording comes from
the charter and is passed in: connectors import no Flask.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass


class NoticeRule(enum.Enum):
    """The two rules, each found again in the helpdesk by the marker in its description."""

    CLOSURE = "mediateur:coordonnees-cloture"
    UNANSWERED = "mediateur:coordonnees-sans-reponse"

    @property
    def title(self) -> str:
        """The rule's name, as the helpdesk's administrators read it."""
        if self is NoticeRule.CLOSURE:
            return "Médiation — coordonnées de la médiatrice à la clôture défavorable ou partielle"
        return "Médiation — coordonnées de la médiatrice après deux mois sans réponse"

    @property
    def description(self) -> str:
        """Why the rule exists, and the marker by which `mediator helpdesk install-rules` finds it again."""
        return (
            "Obligation légale (articles L616-1 et R616-1 du code de la consommation) : installée et tenue à jour "
            f"par Médiateur ({self.value}). Une modification sera remplacée à la prochaine installation."
        )

    @property
    def tag(self) -> str:
        """The tag the rule sets on the ticket: agents see that the block went out, and it never goes twice."""
        return "mediateur_info_cloture" if self is NoticeRule.CLOSURE else "mediateur_info_sans_reponse"


@dataclass(frozen=True)
class MediatorNotice:
    """The block's texts (plain text, one line per line) and when the second rule fires."""

    subject: str
    closure: str
    unanswered: str
    unanswered_hours: int

    def text(self, rule: NoticeRule) -> str:
        """The block one rule adds."""
        return self.closure if rule is NoticeRule.CLOSURE else self.unanswered


@dataclass(frozen=True)
class RuleChange:
    """What an installation did to one rule: ``created``, ``updated`` or ``unchanged``."""

    rule: NoticeRule
    rule_id: str
    change: str
    duplicates: tuple[str, ...] = ()

    def as_dict(self) -> dict:
        """A JSON-ready summary for the command line."""
        summary = {"rule": self.rule.name.lower(), "id": self.rule_id, "change": self.change}
        if self.duplicates:
            summary["duplicates"] = list(self.duplicates)
        return summary


def reconcile(rule: NoticeRule, wanted: dict, existing: list[dict], *, create: Callable[[dict], object],
              update: Callable[[object, dict], None]) -> RuleChange:
    """Bring the helpdesk to ``wanted`` for one rule: create it, update the one carrying its marker when it no
    longer says what it should, or leave it alone. ``existing`` is every rule of its kind, read from the helpdesk;
    copies an administrator made of it (the marker too) are named, never touched."""
    marked = sorted((r for r in existing if rule.value in (r.get("description") or "")), key=lambda r: int(r["id"]))
    if not marked:
        return RuleChange(rule, str(create(wanted)), "created")
    current, copies = marked[0], tuple(str(r["id"]) for r in marked[1:])
    if all(current.get(key) == value for key, value in wanted.items()):
        return RuleChange(rule, str(current["id"]), "unchanged", copies)
    update(current["id"], wanted)
    return RuleChange(rule, str(current["id"]), "updated", copies)
