"""One synthetic file's story: its path through the procedure and the moment of each step."""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from itertools import accumulate
from typing import TYPE_CHECKING

from mediator_plugin.cases import deadlines
from mediator_plugin.cases.workflow import BEFORE_ADMISSION, INTERRUPTED, State, result_of_answers
from mediator_plugin.core.calendar import PARIS
from mediator_plugin.core.pdf import fr_date
from mediator_plugin.seed import data

if TYPE_CHECKING:
    from mediator_plugin.seed.writer import Writer

DAY = timedelta(days=1)
FORCED_ANSWERS = {State.ACCEPTED: ("accepted", "accepted"), State.IMPLEMENTATION_TRACKING: ("accepted", "accepted"),
                  State.REFUSED_BY_CONSUMER: ("refused", "accepted"), State.REFUSED_BY_COMPANY: ("accepted", "refused"),
                  State.NO_RESPONSE: ("no_answer", "accepted")}
# Steps that only add a timeline line with a text: step → (event kind, data key, texts).
TEXT_EVENTS = {"docs": ("documents_requested", "missing", data.MISSING_DOCUMENTS),
               "asked": ("consumer_asked", "question", data.CONSUMER_QUESTIONS),
               "told": ("consumer_answered", "summary", data.CONSUMER_SUMMARIES)}


def chooser(weights: dict) -> Callable[[random.Random], str]:
    keys, cumulated = tuple(weights), tuple(accumulate(weights.values()))
    return lambda rng: rng.choices(keys, cum_weights=cumulated)[0]


PARTY_TYPE, CHANNEL, GROUND, CAUSE, OUTCOME, IMPLEMENTATION = map(chooser, (
    data.PARTY_TYPES, data.CHANNELS, data.GROUNDS, data.INTERRUPTIONS, data.OUTCOMES, data.IMPLEMENTATION))
fr_date_of, working_due = cache(fr_date), cache(deadlines.observations_due_from)
encode_rows = json.JSONEncoder(ensure_ascii=False).encode


@cache
def paris_offset(day: date) -> timedelta:
    return datetime.combine(day, time(12), PARIS).utcoffset()


def utc(local: datetime) -> datetime:
    return (local - paris_offset(local.date())).replace(tzinfo=UTC)


def stamp(local: datetime) -> str:
    """A Paris moment as the database stores it: naive UTC text."""
    return (local - paris_offset(local.date())).isoformat(" ", "microseconds")


def office_moment(rng: random.Random, after: datetime, days: int) -> datetime:
    """A weekday moment in office hours ``days`` days after ``after``, never before it."""
    day = after.date() + timedelta(days=days)
    while day.weekday() >= 5:
        day += DAY
    moment = datetime.combine(day, time(9)) + timedelta(minutes=rng.randrange(540))
    return moment if moment > after else after + timedelta(minutes=rng.randrange(10, 90))


class Story:
    """One file's drawn path: what it is about, who filed it, and its ``steps`` (name, moment, new state or None).

    ``force`` (a state) makes the path go through that state; the caller then moves the story in time.
    """

    def __init__(self, rng: random.Random, received: datetime, force: State | None, ctx: Writer):
        f, pick, self.force = force, rng.random, force
        self.party_type, self.channel = PARTY_TYPE(rng), CHANNEL(rng)
        self.cross_border = pick() < data.CROSS_BORDER_SHARE
        self.category, children = rng.choices(ctx.categories, cum_weights=ctx.category_weights)[0]
        self.subcategory = rng.choices(children, cum_weights=tuple(accumulate(range(len(children), 0, -1))))[0]
        self.department, self.person = rng.choice(ctx.departments), data.person(rng, self.cross_border)
        self.amount = f"{rng.randrange(15, 900)},{rng.choice(('00', '50', '90'))} €"
        self.subject = rng.choice(data.SUBJECTS.get(self.subcategory, (data.SUBJECT_FALLBACK,))).format(
            mois=data.MONTH_NAMES[(received.month - 2) % 12], montant=self.amount, label=ctx.labels[self.subcategory])
        self.late_reason, self.agreement = rng.choice(data.LATE_REASONS), False
        b2b = self.party_type == "professional" and f is None and pick() < 0.8  # mostly out of scope
        self.inadmissible = f is State.INADMISSIBLE or b2b or (
            (f is None or f in BEFORE_ADMISSION) and pick() < data.INADMISSIBLE_SHARE)
        self.ground = ("OUT_OF_SCOPE" if b2b else GROUND(rng)) if self.inadmissible else None
        self.sub_reason = "BUSINESS_TO_BUSINESS" if b2b else None
        steps = [("received", received, State.RECEIVED)]
        if complaint := self._complaint(rng, received, ctx):
            steps.append(("complaint", complaint, None))
        if complaint and self.channel == "helpdesk":  # the ticket's conversation, then its closure
            span = received - complaint
            steps += [(name, complaint + span * rng.uniform(low, low + 0.2), None) for name, low in
                      (("ticket_reply", 0.05), ("complaint_2", 0.35), ("ticket_closing", 0.7))
                      if name == "ticket_reply" or pick() < 0.5] + [("ticket_closed", complaint + span * 0.95, None)]
        if f is State.INCOMPLETE or pick() < data.DOCUMENTS_REQUESTED_SHARE:
            steps.append(("docs", asked := office_moment(rng, received, rng.randrange(4)), State.INCOMPLETE))
            t = office_moment(rng, asked, rng.randint(4, 25))
        else:
            t = office_moment(rng, received, rng.choice((0, 0, 1, 2)))
        steps.append(("complete", t, State.ADMISSIBILITY_REVIEW))
        late = f is None and pick() < data.LATE_DECISION_SHARE  # R-DEADLINE-1: the 21 days are sometimes missed
        # In time, the decision comes within the three weeks from the receipt (L612-2), whenever the file is complete.
        room = max(0, (received.date() + timedelta(days=19) - t.date()).days)
        decided = office_moment(rng, t, rng.randint(22, 35) if late else min(int(rng.triangular(1, 20, 5)), room))
        if self.inadmissible:
            steps.append(("decided", decided, State.INADMISSIBLE))
        else:
            self._instruct(rng, steps, decided)
        self.steps = sorted(steps, key=lambda step: step[1])

    def _complaint(self, rng: random.Random, received: datetime, ctx: Writer) -> datetime | None:
        """The first written complaint, consistent with the ground of a refusal (R-ADM-3, R-ADM-4)."""
        days = rng.randint(20, 300)
        if self.ground == "OVER_ONE_YEAR":
            days = rng.randint(380, 700)
        elif self.ground == "NO_PRIOR_WRITTEN_COMPLAINT":
            self.sub_reason = "COMPLAINT_IN_PROGRESS" if self.channel == "helpdesk" or rng.random() < 0.5 \
                else rng.choice(("NO_WRITTEN_TRACE", None))
            if self.sub_reason == "NO_WRITTEN_TRACE":
                return None
            days = rng.randint(3, 50)
        elif self.ground and not self.sub_reason:
            self.sub_reason = rng.choice((*ctx.ground_subs[self.ground], None))
        return received - timedelta(days=days, minutes=rng.randrange(1440))

    def _instruct(self, rng: random.Random, steps: list, decided: datetime) -> None:
        """An admitted file: observations, the consumer, an extension, then an agreement or a proposal."""
        f, pick = self.force, rng.random
        sent = office_moment(rng, decided, rng.choice((0, 1, 1, 2, 3)))
        due = working_due(sent.date())
        if f is None and pick() < data.LATE_OBSERVATIONS_SHARE:
            answered = office_moment(rng, datetime.combine(due, time(18)), rng.randint(1, 15))
        else:
            answered = office_moment(rng, sent, rng.randint(2, max(2, (due - sent.date()).days - 1)))
        steps += [("coi", decided - timedelta(minutes=rng.randrange(5, 90)), None),
                  ("decided", decided, State.ADMITTED), ("obs_sent", sent, State.AWAITING_COMPANY),
                  ("obs_answered", answered, State.INSTRUCTION)]
        t = answered
        if f is State.AWAITING_CONSUMER or (f is None and pick() < data.CONSUMER_QUESTION_SHARE):
            asked = office_moment(rng, t, rng.randint(1, 5))
            t = office_moment(rng, asked, rng.randint(2, 12))
            steps += [("asked", asked, State.AWAITING_CONSUMER), ("told", t, State.INSTRUCTION)]
        if f is None and pick() < data.EXTENSION_SHARE:  # decided before the 90 days run out
            extended = office_moment(rng, decided, rng.randint(55, 80))
            self.extra_days, self.extension_reason = rng.randint(30, 60), rng.choice(tuple(data.EXTENSION_TEXTS))
            steps.append(("extended", extended, None))
            t = max(t, office_moment(rng, extended, rng.randint(5, 35)))
        self.outcome, self.implementation = OUTCOME(rng), IMPLEMENTATION(rng)
        self.answers = {party: "no_answer" if pick() < data.NO_ANSWER_SHARE[party] else
                        "refused" if pick() < refusal[self.outcome] else "accepted"
                        for party, refusal in (("consumer", data.CONSUMER_REFUSAL), ("company", data.COMPANY_REFUSAL))}
        if f in FORCED_ANSWERS:
            self.answers = dict(zip(("consumer", "company"), FORCED_ANSWERS[f], strict=True))
        self.agreement = f is State.AGREEMENT or (f is None and pick() < data.AGREEMENT_SHARE)
        if self.agreement:
            reached, result = office_moment(rng, t, rng.randint(3, 25)), State.AGREEMENT
            steps.append(("agreement", reached, result))
        else:
            drafted = office_moment(rng, t, rng.randint(3, 15))
            signed = office_moment(rng, drafted, rng.randrange(5))
            deadline = deadlines.acceptance_deadline_from(signed.date())
            moments = {party: office_moment(rng, datetime.combine(deadline, time(18)), rng.randint(1, 4))
                       if answer == "no_answer" else min(office_moment(rng, signed, rng.randint(1, 12)),
                                                         datetime.combine(deadline, time(11)))
                       for party, answer in self.answers.items()}
            first, second = sorted(moments, key=moments.get)
            reached = max(moments[second], moments[first] + timedelta(minutes=7))
            result = result_of_answers(self.answers)
            steps += [("drafted", drafted, None), ("signed", signed, State.PROPOSAL_ISSUED),
                      (f"answer:{first}", moments[first], State.AWAITING_RESPONSES),
                      (f"answer:{second}", reached, result)]
        if result in (State.AGREEMENT, State.ACCEPTED):
            implemented = office_moment(rng, reached, rng.randint(4, 25))
            steps += [("implemented", implemented, State.IMPLEMENTATION_TRACKING),
                      ("ended", office_moment(rng, implemented, rng.randrange(6)), State.CLOSED)]
        else:
            steps.append(("ended", office_moment(rng, reached, rng.randint(1, 7)), State.CLOSED))
        cause = f if f in INTERRUPTED else CAUSE(rng) if f is None and pick() < data.INTERRUPTED_SHARE else None
        if cause:  # while the clock runs: after the request to the department, before any outcome
            stop = sent + timedelta(hours=2) + (reached - sent - timedelta(hours=3)) * pick()
            steps[:] = [step for step in steps if step[1] < stop] + [("ended", stop, State(cause))]
            if cause == State.COI_OBJECTION:  # a declared conflict, objected to within the window
                days = min(rng.randint(1, 8), (deadlines.objection_until_from(decided.date()) - decided.date()).days)
                steps.append(("conflict", max(stop - timedelta(days=days), decided + (stop - decided) / 2), None))

    @property
    def received(self) -> datetime:
        return next(moment for name, moment, _ in self.steps if name == "received")

    def interval(self, target: State) -> tuple[datetime, datetime | None] | None:
        """When the file enters ``target`` and when it leaves it (None: never)."""
        marked = [(moment, new) for _, moment, new in self.steps if new is not None]
        for i, (moment, new) in enumerate(marked):
            if new is target:
                return moment, marked[i + 1][0] if i + 1 < len(marked) else None
        return None
