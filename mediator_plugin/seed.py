"""Realistic synthetic files for the demo and the benchmarks (``mediator seed``).

Each file is a story told from its receipt: its path (refused, interrupted, agreement, proposal and
answers) and the moment of each step are drawn from the tables of :mod:`mediator_plugin.seed_data`,
then cut at ``now``, so old files are ended and recent ones sit in the state they have reached. The
rows are those the services would write, inserted with SQLAlchemy Core in chunks with explicit ids.
Story times are naive Europe/Paris datetimes; they become aware UTC only when written.
"""

from __future__ import annotations

import hashlib
import json
import random
import unicodedata
from collections import Counter
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from itertools import accumulate

import sqlalchemy as sa

from connectors.base import Comment, TicketSnapshot
from mediator_plugin import seed_data as data
from mediator_plugin import state
from mediator_plugin.cases.models import (Case, ConflictDeclaration, Extension, ObservationRequest, Party,
                                          ReferenceCounter, TicketCopy, TimelineEvent)
from mediator_plugin.cases.workflow import BEFORE_ADMISSION, ENDED, INTERRUPTED, State
from mediator_plugin.core import audit
from mediator_plugin.core.calendar import PARIS, add_working_days, is_working_day
from mediator_plugin.core.db import db, is_postgres, utcnow
from mediator_plugin.core.pdf import fr_date
from mediator_plugin.core.permissions import SYSTEM
from mediator_plugin.proposals.models import SECTIONS, Implementation, PartyAnswer, Proposal

CHUNK = 2000
# Seeded Zendesk ticket ids are this base plus the file id: far above a real account's, never reused.
TICKET_BASE = 900_000_000
# Parents before children, so every foreign key finds its row.
MODELS = (Case, Party, TicketCopy, ConflictDeclaration, ObservationRequest, Extension, Proposal, PartyAnswer,
          Implementation, TimelineEvent)
EXTENSION_REASONS = tuple(data.EXTENSION_TEXTS)
DAY = timedelta(days=1)


def _chooser(weights: dict) -> Callable[[random.Random], str]:
    keys, cumulated = tuple(weights), tuple(accumulate(weights.values()))
    return lambda rng: rng.choices(keys, cum_weights=cumulated)[0]


PARTY_TYPE, CHANNEL, GROUND, CAUSE, OUTCOME, IMPLEMENTATION = (
    _chooser(t) for t in (data.PARTY_TYPES, data.CHANNELS, data.GROUNDS, data.INTERRUPTIONS, data.OUTCOMES,
                          data.IMPLEMENTATION))
_fr_date = lru_cache(maxsize=None)(fr_date)
_working_due = lru_cache(maxsize=None)(add_working_days)


@lru_cache(maxsize=None)
def _offset(day: date) -> timedelta:
    return datetime.combine(day, time(12), PARIS).utcoffset()


def _utc(local: datetime | None) -> datetime | None:
    return None if local is None else (local - _offset(local.date())).replace(tzinfo=UTC)


def _office(rng: random.Random, after: datetime, days: int) -> datetime:
    """A weekday moment in office hours ``days`` days after ``after``, never before it."""
    day = after.date() + timedelta(days=days)
    while day.weekday() >= 5:
        day += DAY
    moment = datetime.combine(day, time(9)) + timedelta(minutes=rng.randrange(540))
    return moment if moment > after else after + timedelta(minutes=rng.randrange(10, 90))


def _ascii(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(c for c in folded.lower() if c.isalnum() or c == "-")


class _Story:
    """One file's drawn path: its classification, its people, and its ``steps`` (name, moment, state)."""

    def __init__(self, rng: random.Random, received: datetime, force: State | None, ctx: _Writer):
        f, pick, self.ctx = force, rng.random, ctx
        self.force, self.party_type = f, PARTY_TYPE(rng)
        self.channel, self.cross_border = CHANNEL(rng), pick() < data.CROSS_BORDER_SHARE
        self.category, children = rng.choices(ctx.categories, cum_weights=ctx.category_weights)[0]
        self.department = rng.choice(ctx.departments)
        self.subcategory = rng.choices(children, cum_weights=tuple(accumulate(range(len(children), 0, -1))))[0]
        first, last = rng.choice(data.FIRST_NAMES), rng.choice(data.LAST_NAMES)
        self.first, self.name = first, f"{first} {last}"
        self.email = f"{_ascii(first)}.{_ascii(last)}{rng.randrange(1, 100)}@{rng.choice(data.EMAIL_DOMAINS)}"
        self.phone = f"0{rng.choice('67')} " + " ".join(f"{rng.randrange(100):02d}" for _ in range(4)) \
            if pick() < 0.7 else None
        postcode, town, *country = rng.choice(data.FOREIGN_TOWNS if self.cross_border else data.TOWNS)
        self.postcode = postcode
        self.address = "\n".join([f"{rng.randrange(1, 140)} {rng.choice(data.STREETS)}", f"{postcode} {town}",
                                  *country])
        self.amount = f"{rng.randrange(15, 900)},{rng.choice(('00', '50', '90'))} €"
        self.month = data.MONTH_NAMES[(received.month - 2) % 12]
        self.subject_template = rng.choice(data.SUBJECTS.get(self.subcategory, (data.SUBJECT_FALLBACK,)))
        self.ground = self.sub_reason = self.cause = None
        b2b = self.party_type == "professional" and f is None and pick() < 0.8
        self.inadmissible = f is State.INADMISSIBLE or b2b or (
            (f is None or f in BEFORE_ADMISSION) and pick() < data.INADMISSIBLE_SHARE)
        steps, self.steps = [("received", received, State.RECEIVED)], None
        if self.inadmissible:
            self.ground = "OUT_OF_SCOPE" if b2b else GROUND(rng)
            self.sub_reason = "BUSINESS_TO_BUSINESS" if b2b else None
        complaint = self._complaint(rng, received)
        if complaint:
            steps.append(("complaint", complaint, None))
            if self.channel == "helpdesk":
                span = received - complaint
                steps += [(name, complaint + span * rng.uniform(lo, lo + 0.2), None) for name, lo in
                          (("ticket_reply", 0.05), ("complaint_2", 0.35), ("ticket_closing", 0.7))
                          if name == "ticket_reply" or pick() < 0.5]
                steps.append(("ticket_closed", complaint + span * 0.95, None))
        t = received
        if f is State.INCOMPLETE or pick() < data.DOCUMENTS_REQUESTED_SHARE:
            t = _office(rng, t, rng.randrange(4))
            steps.append(("docs", t, State.INCOMPLETE))
            t = _office(rng, t, rng.randint(4, 25))
        else:
            t = _office(rng, t, rng.choice((0, 0, 1, 2)))
        steps.append(("complete", t, State.ADMISSIBILITY_REVIEW))
        late = f is None and pick() < data.LATE_DECISION_SHARE
        decided = _office(rng, t, rng.randint(22, 35) if late else int(rng.triangular(1, 20, 5)))
        self.late_reason = rng.choice(data.LATE_REASONS)
        if self.inadmissible:
            steps.append(("decided", decided, State.INADMISSIBLE))
        else:
            self._instruct(rng, steps, decided)
        self.steps = sorted(steps, key=lambda s: s[1])

    def _complaint(self, rng, received: datetime) -> datetime | None:
        """The first written complaint, consistent with the ground of a refusal (R-ADM-3)."""
        days = rng.randint(20, 300)
        if self.ground == "OVER_ONE_YEAR":
            days = rng.randint(380, 700)
        elif self.ground == "NO_PRIOR_WRITTEN_COMPLAINT":
            self.sub_reason = "COMPLAINT_IN_PROGRESS" if self.channel == "helpdesk" or rng.random() < 0.5 \
                else rng.choice(("NO_WRITTEN_TRACE", None))
            if self.sub_reason == "NO_WRITTEN_TRACE":
                return None
            days = rng.randint(3, 50)
        elif self.ground and self.sub_reason is None:
            self.sub_reason = rng.choice((*self.ctx.ground_subs[self.ground], None))
        return received - timedelta(days=days, minutes=rng.randrange(1440))

    def _instruct(self, rng, steps: list, decided: datetime) -> None:
        """An admitted file: observations, consumer, extension, then agreement or proposal and answers."""
        f, pick = self.force, rng.random
        steps += [("coi", decided - timedelta(minutes=rng.randrange(5, 90)), None),
                  ("decided", decided, State.ADMITTED)]
        sent = _office(rng, decided, rng.choice((0, 1, 1, 2, 3)))
        due = _working_due(sent.date(), 20)
        if f is None and pick() < data.LATE_OBSERVATIONS_SHARE:
            answered = _office(rng, datetime.combine(due, time(18)), rng.randint(1, 15))
        else:
            answered = _office(rng, sent, rng.randint(2, max(2, (due - sent.date()).days - 1)))
        steps += [("obs_sent", sent, State.AWAITING_COMPANY), ("obs_answered", answered, State.INSTRUCTION)]
        t = answered
        if f is State.AWAITING_CONSUMER or (f is None and pick() < data.CONSUMER_QUESTION_SHARE):
            asked = _office(rng, t, rng.randint(1, 5))
            t = _office(rng, asked, rng.randint(2, 12))
            steps += [("asked", asked, State.AWAITING_CONSUMER), ("told", t, State.INSTRUCTION)]
        if f is None and pick() < data.EXTENSION_SHARE:
            extended = _office(rng, decided, rng.randint(55, 80))
            self.extra_days, self.extension_reason = rng.randint(30, 60), rng.choice(EXTENSION_REASONS)
            steps.append(("extended", extended, None))
            t = max(t, _office(rng, extended, rng.randint(5, 35)))
        self.outcome = OUTCOME(rng)
        self.answers = {party: "no_answer" if pick() < data.NO_ANSWER_SHARE[party] else
                        "refused" if pick() < refusal[self.outcome] else "accepted"
                        for party, refusal in (("consumer", data.CONSUMER_REFUSAL),
                                               ("company", data.COMPANY_REFUSAL))}
        self.answers.update({State.ACCEPTED: {"consumer": "accepted", "company": "accepted"},
                             State.IMPLEMENTATION_TRACKING: {"consumer": "accepted", "company": "accepted"},
                             State.REFUSED_BY_CONSUMER: {"consumer": "refused", "company": "accepted"},
                             State.REFUSED_BY_COMPANY: {"consumer": "accepted", "company": "refused"},
                             State.NO_RESPONSE: {"consumer": "no_answer", "company": "accepted"}}.get(f, {}))
        self.implementation = IMPLEMENTATION(rng)
        self.agreement = f is State.AGREEMENT or (f is None and pick() < data.AGREEMENT_SHARE)
        if self.agreement:
            reached = _office(rng, t, rng.randint(3, 25))
            steps.append(("agreement", reached, State.AGREEMENT))
            result = State.AGREEMENT
        else:
            drafted = _office(rng, t, rng.randint(3, 18))
            signed = _office(rng, drafted, rng.randrange(5))
            deadline = signed.date() + timedelta(days=self.ctx.deadlines["acceptance_days"])
            moments = {}
            for party, answer in self.answers.items():
                if answer == "no_answer":
                    moments[party] = _office(rng, datetime.combine(deadline, time(18)), rng.randint(1, 4))
                else:
                    moment = _office(rng, signed, rng.randint(1, 12))
                    moments[party] = moment if moment.date() <= deadline else datetime.combine(deadline, time(11))
            first, second = sorted(moments, key=moments.get)
            moments[second] = max(moments[second], moments[first] + timedelta(minutes=7))
            result = _result(self.answers)
            steps += [("drafted", drafted, None), ("signed", signed, State.PROPOSAL_ISSUED),
                      (f"answer:{first}", moments[first], State.AWAITING_RESPONSES),
                      (f"answer:{second}", moments[second], result)]
            reached = moments[second]
        if result in (State.AGREEMENT, State.ACCEPTED):
            implemented = _office(rng, reached, rng.randint(4, 30))
            steps += [("implemented", implemented, State.IMPLEMENTATION_TRACKING),
                      ("closed", _office(rng, implemented, rng.randrange(6)), State.CLOSED)]
        else:
            steps.append(("closed", _office(rng, reached, rng.randint(1, 7)), State.CLOSED))
        cause = f if f in INTERRUPTED else CAUSE(rng) if f is None and pick() < data.INTERRUPTED_SHARE else None
        if cause:
            # Interrupted while the clock runs: after the request to the department, before any outcome.
            low, high = sent + timedelta(hours=2), reached - timedelta(hours=1)
            stop = low + (high - low) * rng.random()
            steps[:] = [s for s in steps if s[1] < stop] + [("interrupted", stop, State(cause))]
            if cause == State.COI_OBJECTION:
                days = min(rng.randint(1, 8), self.ctx.deadlines["coi_objection_days"])
                steps.append(("conflict", max(stop - timedelta(days=days), decided + (stop - decided) / 2), None))
            self.cause = cause

    def interval(self, target: State) -> tuple[datetime, datetime | None] | None:
        """When the file enters ``target`` and when it leaves it (None: never)."""
        marked = [(moment, s) for _, moment, s in self.steps if s is not None]
        for i, (moment, s) in enumerate(marked):
            if s is target:
                return moment, marked[i + 1][0] if i + 1 < len(marked) else None
        return None

    def shift(self, delta: timedelta) -> None:
        self.steps = [(name, moment + delta, s) for name, moment, s in self.steps]


def _result(answers: dict) -> State:
    if answers["company"] == "refused":
        return State.REFUSED_BY_COMPANY
    if answers["consumer"] == "refused":
        return State.REFUSED_BY_CONSUMER
    return State.NO_RESPONSE if "no_answer" in answers.values() else State.ACCEPTED


def _receipts(rng: random.Random, n: int, start: date, stop: date) -> list[datetime]:
    """``n`` receipt moments on the days of [start, stop), weighted by month and weekday."""
    days = [start + timedelta(days=i) for i in range((stop - start).days)]
    weights = tuple(accumulate(data.MONTHS[d.month - 1] * data.WEEKDAYS[d.weekday()] for d in days))
    return [datetime.combine(d, time()) + timedelta(minutes=int(rng.triangular(420, 1410, 780)))
            for d in rng.choices(days, cum_weights=weights, k=n)]


class _Writer:
    """Turns stories into rows cut at ``now``; ids and references continue those of the database."""

    def __init__(self, rng: random.Random, now: datetime):
        charter = state().charter
        self.rng, self.now, self.charter, self.deadlines = rng, now, charter, charter.deadlines
        categories = charter.rules["categories"]
        self.categories = tuple((c["code"], tuple(child["code"] for child in c["children"])) for c in categories)
        self.category_weights = tuple(accumulate(data.CATEGORIES.get(c["code"], data.CATEGORY_DEFAULT_WEIGHT)
                                                 for c in categories))
        self.ground_subs = {g["code"]: tuple(s["code"] for s in g["sub_reasons"]) for g in charter.rules["grounds"]}
        self.departments = sorted(state().settings["departments"])
        self.tag = state().settings["zendesk"]["mediation_tag"]
        self.proposal_mentions = charter.letters["proposal"]["mentions"]
        self.next_id = {m: (db.session.execute(sa.select(sa.func.max(m.id))).scalar() or 0) + 1 for m in MODELS}
        self.counters = dict(db.session.execute(sa.select(ReferenceCounter.year, ReferenceCounter.last)).all())
        self.stored_years = set(self.counters)
        self.rows = {m: [] for m in MODELS}
        self.totals, self.states = Counter(), Counter()

    def forced(self, seed: int, target: State, start: datetime, stop: datetime) -> _Story | None:
        """A story placed so that the file is in ``target`` at ``now`` (or ended in it), received in the window."""
        rng = random.Random(f"{seed}:{target}")
        story = _Story(rng, stop - timedelta(days=30), target, self)
        span = story.interval(target)
        if span is None:
            return None
        (enter, leave), received = span, story.received
        if leave is None:  # an end state: anywhere in the window, the whole story before now
            latest = min(stop, self.now - (story.steps[-1][1] - received))
            if latest <= start + DAY:
                return None
            delta = timedelta(days=(start + DAY + (latest - start - DAY) * rng.random() - received) // DAY)
        else:  # now halfway through the state, on a whole-day shift when the state lasts long enough
            delta = self.now - (enter + (leave - enter) / 2)
            whole = timedelta(days=round(delta / DAY))
            delta = whole if enter + whole <= self.now < leave + whole else delta
        story.shift(delta)
        return story if start <= story.received < stop else None

    def _id(self, model) -> int:
        self.next_id[model] += 1
        return self.next_id[model] - 1

    def _event(self, moment: datetime, kind: str, actor: str | None = None, **fields) -> None:
        self.rows[TimelineEvent].append({
            "id": self._id(TimelineEvent), "case_id": self.case["id"], "at": _utc(moment), "actor": actor or self.actor,
            "kind": kind, "data": {k: v.isoformat() if isinstance(v, date) else v for k, v in fields.items()
                                   if v is not None}})

    def write(self, story: _Story) -> None:
        """The rows of one file, as they stand at ``now``."""
        rng, self.story = self.rng, story
        steps = [step for step in story.steps if step[1] <= self.now]
        self.moments = moments = {name: moment for name, moment, _ in steps}
        received = moments["received"]
        year = received.year
        self.counters[year] = self.counters.get(year, 0) + 1
        sub, self.actor = rng.choice(data.TEAM)
        self.subject = story.subject_template.format(mois=story.month, montant=story.amount, label=story.subcategory)
        complaint = moments.get("complaint")
        self.case = case = dict.fromkeys(c.name for c in Case.__table__.columns)
        case.update(
            id=self._id(Case), reference=f"MED-{year}-{self.counters[year]:05d}", state=State.RECEIVED,
            charter_version=self.charter.version, charter_sha256=self.charter.sha256, channel=story.channel,
            subject=self.subject[:300], category=story.category, subcategory=story.subcategory,
            department=story.department, cross_border=story.cross_border, party_type=story.party_type,
            first_written_complaint_on=complaint and complaint.date(), court_case_declared=False, assigned_to=sub,
            received_at=_utc(received), created_at=_utc(received), version=1)
        self.rows[Case].append(case)
        company = self.charter.mediator
        self.rows[Party] += [
            {"id": self._id(Party), "case_id": case["id"], "role": "consumer", "name": story.name,
             "email": story.email, "phone": story.phone, "postal_address": story.address, "postcode": story.postcode},
            {"id": self._id(Party), "case_id": case["id"], "role": "company", "name": company["company_name"],
             "email": company["company_email"], "phone": None, "postal_address": company["company_address"],
             "postcode": None}]
        self.reminders, self.request, self.conflict, self.proposal = [], None, None, None
        for name, moment, new_state in steps:
            self._remind(moment)
            kind, _, party = name.partition(":")
            handler = getattr(self, f"_on_{kind}", None)
            if handler:
                handler(moment, party) if party else handler(moment)
            case["state"] = new_state or case["state"]
        if case["state"] not in ENDED:
            self._remind(self.now)
        self.states[case["state"]] += 1
