"""Turning stories into the rows the services would have written, cut at ``now``."""

from __future__ import annotations

import hashlib
import json
import random
from collections import Counter
from datetime import date, datetime, time, timedelta
from itertools import accumulate

import sqlalchemy as sa

from connectors.base import TicketSnapshot
from mediator_plugin import state
from mediator_plugin.cases import deadlines
from mediator_plugin.cases.models import (
    Case,
    ConflictDeclaration,
    Extension,
    ObservationRequest,
    Party,
    ReferenceCounter,
    TicketCopy,
    TimelineEvent,
)
from mediator_plugin.cases.workflow import ENDED, State
from mediator_plugin.core.calendar import PARIS, is_working_day
from mediator_plugin.core.db import db
from mediator_plugin.core.geography import locate
from mediator_plugin.core.permissions import SYSTEM
from mediator_plugin.core.text import match_key
from mediator_plugin.proposals.models import SECTIONS, Implementation, PartyAnswer, Proposal
from mediator_plugin.seed import data
from mediator_plugin.seed.store import MODELS
from mediator_plugin.seed.story import (
    DAY,
    TEXT_EVENTS,
    Story,
    encode_rows,
    fr_date_of,
    stamp,
    utc,
    working_due,
)

TICKET_BASE = 900_000_000  # seeded Zendesk ids are this plus the file id: far above a real account's


class Writer:
    """Turns stories into rows cut at ``now``; ids and references continue those of the database."""

    def __init__(self, rng: random.Random, now: datetime):
        self.rng, self.now, self.charter = rng, now, state().charter
        categories = self.charter.rules["categories"]
        self.categories = tuple((c["code"], tuple(child["code"] for child in c["children"])) for c in categories)
        self.category_weights = tuple(accumulate(data.CATEGORIES.get(c["code"], data.CATEGORY_DEFAULT_WEIGHT)
                                                 for c in categories))
        self.labels = {c["code"]: c["label"] for c in self.charter.categories_flat()}
        self.ground_subs = {g["code"]: tuple(s["code"] for s in g["sub_reasons"])
                            for g in self.charter.rules["grounds"]}
        settings = state().settings
        self.departments, self.tag = sorted(settings["departments"]), settings["zendesk"]["mediation_tag"]
        self.next_id = {m: (db.session.execute(sa.select(sa.func.max(m.id))).scalar() or 0) + 1 for m in MODELS}
        self.counters = dict(db.session.execute(sa.select(ReferenceCounter.year, ReferenceCounter.last)).all())
        self.rows, self.totals, self.states = {m: [] for m in MODELS}, Counter(), Counter()
        self.refusal_reasons = tuple(r["code"] for r in self.charter.rules["company_refusal_reasons"])
        # A professional's dispute is in the charter's last domain (outside consumption), every other in its first.
        domains = self.charter.scope["dispute_domains"]
        self.domains = {"professional": domains[-1]["code"], None: domains[0]["code"]}
        self.answered: dict[int, dict] = {}

    def forced(self, seed: int, target: State, start: datetime, stop: datetime) -> Story | None:
        """A story through ``target``, moved so that the file is in it at ``now``; None when out of the window."""
        rng = random.Random(f"{seed}:{target}")
        story = Story(rng, stop - timedelta(days=30), target, self)
        if (span := story.interval(target)) is None:
            return None
        (enter, leave), received = span, story.received
        if leave is None:  # an end state: received anywhere in the window and ended before now
            latest = min(stop, self.now - (story.steps[-1][1] - received))
            if latest < start + DAY:
                return None
            delta = timedelta(days=(start + DAY + (latest - start - DAY) * rng.random() - received) // DAY)
        else:  # now halfway through the state, moved by whole days when the state lasts long enough
            delta = self.now - (enter + (leave - enter) / 2)
            whole = timedelta(days=round(delta / DAY))
            delta = whole if enter + whole <= self.now < leave + whole else delta
        story.steps = [(name, moment + delta, new) for name, moment, new in story.steps]
        return story if start <= story.received < stop else None

    def take(self) -> dict:
        """The rows drawn since the last call, one JSON array per table."""
        self.totals.update({model.__tablename__: len(rows) for model, rows in self.rows.items()})
        payloads = {model: encode_rows(rows) for model, rows in self.rows.items() if rows}
        self.rows = {model: [] for model in MODELS}
        return payloads

    def _add(self, model, **values) -> dict:
        row = {"id": self.next_id[model], **values}
        self.next_id[model] += 1
        self.rows[model].append(row)
        return row

    def _event(self, moment: datetime, kind: str, actor: str | None = None, **fields) -> None:
        self._add(TimelineEvent, case_id=self.case["id"], at=stamp(moment), actor=actor or self.actor, kind=kind,
                  data={key: value for key, value in fields.items() if value is not None})

    def write(self, story: Story) -> None:
        """The rows of one file as they stand at ``now``."""
        rng, self.story, person = self.rng, story, story.person
        steps = [step for step in story.steps if step[1] <= self.now]
        self.moments = {name: moment for name, moment, _ in steps}
        received, complaint = self.moments["received"], self.moments.get("complaint")
        self.counters[received.year] = number = self.counters.get(received.year, 0) + 1
        sub, self.actor = rng.choice(data.TEAM)
        self.case = case = self._add(
            Case, reference=f"MED-{received.year}-{number:05d}", state=State.RECEIVED.value,
            charter_version=self.charter.version, charter_sha256=self.charter.sha256, channel=story.channel,
            subject=story.subject, category=story.category, subcategory=story.subcategory, department=story.department,
            cross_border=story.cross_border, party_type=story.party_type, court_case_declared=False, assigned_to=sub,
            dispute_domain=self.domains.get(story.party_type, self.domains[None]),
            region=locate(person["postcode"], person["address"], abroad=story.cross_border).region,
            first_written_complaint_on=complaint.date().isoformat() if complaint else None,
            last_written_complaint_on=(self.moments.get("complaint_2") or complaint).date().isoformat()
            if complaint else None,
            rejection_due=deadlines.rejection_due_from(received.date()).isoformat(),
            received_at=stamp(received), created_at=stamp(received), version=1)
        company = self.charter.mediator
        self._add(Party, case_id=case["id"], role="consumer", name=person["name"], email=person["email"],
                  phone=person["phone"], postal_address=person["address"], postcode=person["postcode"],
                  name_key=match_key(person["name"]), customer_number=person["customer_number"])
        self._add(Party, case_id=case["id"], role="company", name=company["company_name"],
                  email=company["company_email"], postal_address=company["company_address"])
        self.reminders, self.conflict = [], None
        for name, moment, self.entering in steps:
            self._remind(moment)
            kind, _, party = name.partition(":")
            if kind in TEXT_EVENTS:
                event, key, texts = TEXT_EVENTS[kind]
                self._event(moment, event, **{key: rng.choice(texts)})
            elif handler := getattr(self, f"_on_{kind}", None):
                handler(moment, party) if party else handler(moment)
            case["state"] = self.entering.value if self.entering else case["state"]
        if case["state"] not in ENDED:
            self._remind(self.now)
        self.states[case["state"]] += 1

    def _on_received(self, moment: datetime) -> None:
        story, moments, person = self.story, self.moments, self.story.person
        self._event(moment, "opened", channel=story.channel, charter_version=self.charter.version)
        if story.channel != "helpdesk":
            return
        # The copy of the closed Zendesk ticket the file was opened from, with its conversation.
        ticket_id, closed = str(TICKET_BASE + self.case["id"]), utc(moments["ticket_closed"]).isoformat()
        times = {name: utc(moments[name]).isoformat() for name, *_ in data.CONVERSATION if name in moments}
        snapshot = {"vendor": "zendesk", "ticket_id": ticket_id, "subject": story.subject, "status": "closed",
                    "requester_name": person["name"], "requester_email": person["email"],
                    "created_at": times["complaint"], "updated_at": closed, "tags": [self.tag],
                    "mediation_requested": True, "closed_at": closed, "attachments": [],
                    "comments": data.ticket_comments(self.rng, ticket_id, person, story.subject, times)}
        digest = TicketSnapshot.from_json(snapshot).content_sha256()
        complaints = sorted({moments[name].date().isoformat() for name, mine, _ in data.CONVERSATION
                             if mine and name in moments})
        self._add(TicketCopy, case_id=self.case["id"], vendor="zendesk", ticket_id=ticket_id, subject=story.subject,
                  requester_name=person["name"], requester_email=person["email"], complaint_dates=complaints,
                  ticket_created_at=stamp(moments["complaint"]), ticket_closed_at=stamp(moments["ticket_closed"]),
                  snapshot=snapshot, content_sha256=digest, copied_at=stamp(moment))
        self._event(moment, "ticket_copied", vendor="zendesk", ticket_id=ticket_id, sha256=digest,
                    messages=len(snapshot["comments"]))

    def _on_complete(self, moment: datetime) -> None:
        start = deadlines.rejection_start(self.moments["received"].date(), documents_requested="docs" in self.moments,
                                          complete_on=moment.date())
        due = deadlines.rejection_due_from(start).isoformat()
        self.case.update(complete_at=stamp(moment), rejection_due=due)
        self._event(moment, "complete", complete_on=moment.date().isoformat(), rejection_due=due)

    def _on_coi(self, moment: datetime, conflict: bool = False) -> None:
        until = deadlines.objection_until_from(moment.date()).isoformat() if conflict else None
        self.conflict = self._add(
            ConflictDeclaration, case_id=self.case["id"], declared_by=self.actor, declared_at=stamp(moment),
            has_conflict=conflict, circumstances=self.rng.choice(data.COI_CIRCUMSTANCES) if conflict else "",
            objection_until=until)
        self._event(moment, "interests_declared", has_conflict=conflict, objection_until=until)

    def _on_conflict(self, moment: datetime) -> None:
        self._on_coi(moment, conflict=True)

    def _on_decided(self, moment: datetime) -> None:
        story, case = self.story, self.case
        late = story.late_reason if moment.date().isoformat() > case["rejection_due"] else None
        case.update(admissibility_decided_at=stamp(moment), late_reason=late)
        if story.inadmissible:
            case.update(inadmissibility_ground=story.ground, inadmissibility_sub_reason=story.sub_reason,
                        ended_at=stamp(moment), closed_at=stamp(moment),
                        court_case_declared=story.sub_reason == "COURT")
            self._event(moment, "inadmissible", ground=story.ground, sub_reason=story.sub_reason, late_reason=late)
        else:
            due = deadlines.outcome_due_from(moment.date()).isoformat()
            case.update(notified_at=stamp(moment), outcome_due=due)
            self._event(moment, "admitted", outcome_due=due, late_reason=late)

    def _on_obs_sent(self, moment: datetime) -> None:
        due = working_due(moment.date())
        self.request = self._add(
            ObservationRequest, case_id=self.case["id"], department=self.story.department, due_on=due.isoformat(),
            question=self.rng.choice(data.QUESTIONS), sent_at=stamp(moment), sent_by=self.actor, reminders_sent=0)
        # The schedule of cases/reminders.py: on the due day and 7 days later, at the opening of a working day,
        # then an escalation at the job's next pass.
        for number, day in enumerate(deadlines.reminder_days(due), start=1):
            while not is_working_day(day):
                day += DAY
            self.reminders.append((datetime.combine(day, time(9, self.rng.randrange(15))), number))
        self.reminders.append((self.reminders[-1][0] + timedelta(minutes=15), None))
        self._event(moment, "observations_requested", department=self.story.department, due_on=due.isoformat())

    def _remind(self, until: datetime) -> None:
        while self.reminders and self.reminders[0][0] < until:
            moment, number = self.reminders.pop(0)
            if number is None:
                self.request["escalated_at"] = stamp(moment)
                self._event(moment, "escalated", SYSTEM.name, department=self.story.department)
            else:
                self.request.update(reminders_sent=number, last_reminder_at=stamp(moment))
                self._event(moment, "reminder_sent", SYSTEM.name, department=self.story.department, number=number)

    def _on_obs_answered(self, moment: datetime) -> None:
        correspondent, self.reminders = self.rng.choice(data.CORRESPONDENTS), []
        self.request.update(answered_at=stamp(moment), answered_by=correspondent,
                            answer=self.rng.choice(data.DEPARTMENT_ANSWERS))
        self._event(moment, "observations_received", correspondent, department=self.story.department,
                    late=moment.date().isoformat() > self.request["due_on"])

    def _on_extended(self, moment: datetime) -> None:
        story, previous = self.story, self.case["outcome_due"]
        self.case["outcome_due"] = new = (date.fromisoformat(previous) + timedelta(days=story.extra_days)).isoformat()
        self._add(Extension, case_id=self.case["id"], decided_at=stamp(moment), previous_due=previous, new_due=new,
                  decided_by=self.charter.mediator["mediator_name"], reason_category=story.extension_reason,
                  justification=data.EXTENSION_TEXTS[story.extension_reason])
        self._event(moment, "extended", previous_due=previous, new_due=new, reason=story.extension_reason)

    def _on_agreement(self, moment: datetime) -> None:
        text = self.rng.choice(data.AGREEMENTS).format(montant=self.story.amount)
        self.case.update(resolution_mode="agreement", agreement_text=text, outcome="AMICABLE_AGREEMENT",
                         ended_at=stamp(moment))
        self._event(moment, "agreement")

    def _on_drafted(self, moment: datetime) -> None:
        story = self.story
        sections = data.proposal_sections(self.rng, story.outcome, nom=story.person["name"], montant=story.amount,
                                          objet=story.subject)
        self.proposal = self._add(Proposal, case_id=self.case["id"], version=1, drafted_by=self.actor, superseded=False,
                                  drafted_at=stamp(moment), **dict(zip(SECTIONS, sections, strict=True)))
        self._event(moment, "proposal_saved", version=1)

    def _on_signed(self, moment: datetime) -> None:
        """Signed as ``proposals.services._sign`` does: the mentions as printed, the content hash, the deadline."""
        case, proposal, outcome, charter = self.case, self.proposal, self.story.outcome, self.charter
        deadline = deadlines.acceptance_deadline_from(moment.date())
        fields = {"reference": case["reference"], "today": fr_date_of(moment.date()),
                  "consumer_name": self.story.person["name"], "company_name": charter.mediator["company_name"],
                  "mediator_name": charter.mediator["mediator_name"], "acceptance_deadline": fr_date_of(deadline),
                  "received_on": fr_date_of(self.moments["received"].date()),
                  "notified_on": fr_date_of(self.moments["decided"].date()),
                  "outcome_due": fr_date_of(date.fromisoformat(case["outcome_due"]))}
        mentions = {name: charter.mentions[name].format(**fields) for name in charter.letters["proposal"]["mentions"]}
        content = {name: proposal[name] for name in SECTIONS}
        content.update(outcome=outcome, acceptance_deadline=deadline.isoformat(), mentions=mentions, version=1,
                       reference=case["reference"])
        digest = hashlib.sha256(json.dumps(content, sort_keys=True, ensure_ascii=False).encode("utf-8")).hexdigest()
        proposal.update(outcome=outcome, acceptance_deadline=deadline.isoformat(), mentions=mentions,
                        content_sha256=digest, signed_by=charter.mediator["mediator_name"], signed_at=stamp(moment))
        if moment.date().isoformat() > case["outcome_due"]:  # sign_proposal then asks for the reason of the delay
            case["late_reason"] = self.rng.choice(data.LATE_SIGNING_REASONS)
        case["resolution_mode"] = "proposal"
        self._event(moment, "proposal_signed", proposal["signed_by"], version=1, outcome=outcome,
                    acceptance_deadline=deadline.isoformat(), sha256=digest)

    def _on_answer(self, moment: datetime, party: str) -> None:
        answer, on = self.story.answers[party], moment.date().isoformat()
        channel = "email" if party == "company" else self.rng.choice(("online", "online", "email", "post"))
        reasons = data.COMPANY_REFUSALS if party == "company" else data.CONSUMER_REFUSALS
        category = self.rng.choice(self.refusal_reasons) if answer == "refused" and party == "company" else None
        self._add(PartyAnswer, proposal_id=self.proposal["id"], party=party, answer=answer, answered_on=on,
                  channel=channel, reason=self.rng.choice(reasons) if answer == "refused" else None,
                  reason_category=category, recorded_by=self.actor, recorded_at=stamp(moment))
        self._event(moment, "answer", party=party, answer=answer, answered_on=on, channel=channel,
                    reason_category=category)
        # As proposals.services does: with both answers in, the mediation ends, on the later one or, without an
        # answer, at the end of the deadline's last day.
        ended = self.answered.setdefault(self.case["id"], {})
        ended[party] = (deadlines.deadline_ends_at(date.fromisoformat(self.proposal["acceptance_deadline"]))
                        .astimezone(PARIS).replace(tzinfo=None) if answer == "no_answer" else moment)
        if len(ended) == 2:
            self.case.update(ended_at=stamp(max(ended.values())), outcome=self.story.outcome)

    def _on_implemented(self, moment: datetime) -> None:
        status, moments = self.story.implementation, self.moments
        start = moments.get("agreement") or max(moments["answer:consumer"], moments["answer:company"])
        done = (start + (moment - start) * self.rng.random()).date().isoformat() \
            if status in ("done", "partial") else None
        self._add(Implementation, case_id=self.case["id"], status=status, done_on=done, recorded_at=stamp(moment),
                  note=data.IMPLEMENTATION_NOTES[status], recorded_by=self.rng.choice(data.CORRESPONDENTS))
        self._event(moment, "implementation", status=status, done_on=done)

    def _on_ended(self, moment: datetime) -> None:
        final, case = self.entering, self.case
        case.update(closed_at=stamp(moment), court_case_declared=final is State.COURT_SEIZED)
        if final is not State.CLOSED:  # an interruption ends the mediation and closes the file at once
            case["ended_at"] = stamp(moment)
        if final is State.COI_OBJECTION:
            self.conflict.update(objected_by=self.rng.choice(("consumer", "company")), objected_at=stamp(moment))
        self._event(moment, "ended", final_state=final.value, note=data.INTERRUPTION_NOTES.get(final) or None)
