"""Reading a closed file for its example: its personal data, and a redacted first draft.

Only reads: nothing here adds, changes or flushes a row of the file.
"""

from __future__ import annotations

import re

import sqlalchemy as sa
from flask_babel import gettext as _

from mediator_plugin import state
from mediator_plugin.cases.models import Case, ObservationRequest
from mediator_plugin.cases.presenters import answer_label
from mediator_plugin.core.db import db
from mediator_plugin.examples import patterns
from mediator_plugin.examples.redaction import Identifiers, redact
from mediator_plugin.proposals.models import Proposal
from mediator_plugin.proposals.queries import answers_of, current_proposal

_POSTCODE_TOWN = re.compile(r"^\s*(?:[A-Z]{1,3}-)?\d{4,5}\s+(?P<town>.+?)\s*$")


def identifiers_of(case: Case) -> Identifiers:
    """Every personal datum of the file: parties, representatives, ticket and its authors, amounts."""
    people = [p for p in case.parties if p.role == "consumer"]
    representatives = [r for p in people for r in p.representatives]
    ticket = case.ticket
    comments = ticket.snapshot.get("comments", []) if ticket else []
    addresses = [line.strip() for p in people for line in (p.postal_address or "").splitlines() if line.strip()]
    towns = [m["town"] for line in addresses if (m := _POSTCODE_TOWN.match(line))]
    consumer_names = {p.name for p in people} | ({ticket.requester_name} if ticket else set())
    return Identifiers(
        consumer_names=tuple(sorted(consumer_names)),
        other_names=tuple(sorted({r.name for r in representatives}
                                 | {c["author_name"] for c in comments if not c.get("author_is_requester")})),
        emails=tuple(sorted({e for e in [*(p.email for p in people), *(r.email for r in representatives),
                                         ticket.requester_email if ticket else None] if e})),
        phones=tuple(sorted({p.phone for p in people if p.phone})),
        address_lines=tuple(sorted(set(addresses))),
        towns=tuple(sorted(set(towns))),
        references=(case.reference,),
        ticket_ids=(ticket.ticket_id,) if ticket else (),
        amounts=frozenset(_amounts(_texts(case))),
    )


def _texts(case: Case) -> list[str]:
    """Every free text of the file where an exact amount may be written."""
    proposals = db.session.execute(sa.select(Proposal).where(Proposal.case_id == case.id)).scalars().all()
    requests = db.session.execute(sa.select(ObservationRequest).where(ObservationRequest.case_id == case.id)
                                  ).scalars().all()
    comments = case.ticket.snapshot.get("comments", []) if case.ticket else []
    return [case.subject, case.agreement_text or "",
            *(getattr(p, name) for p in proposals for name in ("facts", "consumer_position", "company_position",
                                                              "contract_and_law", "equity", "solution")),
            *(r.question for r in requests), *(r.answer or "" for r in requests),
            *(c.get("body", "") for c in comments)]


def _amounts(texts: list[str]):
    for text in texts:
        for match in patterns.AMOUNT.finditer(text):
            value = None if match["band"] else patterns.parse_amount(match["num"] or match["num2"])
            if value is not None:
                yield value


def first_draft(case: Case, ids: Identifiers) -> dict[str, str]:
    """The seven fields pre-filled from the proposal's sections (or the agreement), already redacted."""
    charter = state().charter
    proposal = current_proposal(case)

    def section(name: str) -> str:
        return redact(getattr(proposal, name), ids) if proposal else ""

    settled = case.agreement_text if case.resolution_mode == "agreement" else getattr(proposal, "solution", "")
    result = _("Result: %(outcome)s.", outcome=charter.label("outcome", case.outcome))
    answers = answers_of(proposal) if proposal else {}
    if answers:
        result += " " + _("Consumer: %(consumer)s; company: %(company)s.",
                          consumer=answer_label(getattr(answers.get("consumer"), "answer", None)) or "—",
                          company=answer_label(getattr(answers.get("company"), "answer", None)) or "—")
    labelled = {"consumer_position": lambda text: _("Consumer's position: %(text)s", text=text),
                "company_position": lambda text: _("Company's position: %(text)s", text=text)}
    positions = [labelled[name](text) for name in labelled if (text := section(name))]
    return {
        "title": charter.label("category", case.subcategory) if case.subcategory else "",
        "context": section("facts"),
        "issue": redact(case.subject, ids),
        "positions": "\n\n".join(positions),
        "applicable_rule": section("contract_and_law"),
        "equity": section("equity"),
        "outcome": "\n\n".join(part for part in (redact((settled or "").strip(), ids), result) if part),
        "lesson": "",
    }
