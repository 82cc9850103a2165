"""Reading files for the console: the dashboard's lists, the filtered file list, the search.

Every query selects only the columns its page shows and pages in SQL.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import timedelta

import sqlalchemy as sa

from mediator_plugin.cases import deadlines
from mediator_plugin.cases.models import Case, ObservationRequest, Party, TicketCopy
from mediator_plugin.cases.workflow import BEFORE_ADMISSION, CLOCK_RUNNING, INSTRUCTING, OPEN
from mediator_plugin.core.calendar import paris_date
from mediator_plugin.core.db import bounded_int, db, utcnow
from mediator_plugin.core.forms import without_control_characters
from mediator_plugin.proposals.models import Proposal

PAGE_SIZE = 50
# The console's list counts matching files up to this many and then says "more than": counting all
# 100,000 rows of a large register cost more than the rest of the page (bench/console_speed.py).
COUNT_CAP = 1000
# Far beyond any register, and an OFFSET every database can bind (a page typed in a URL may be any number).
MAX_PAGE = 1_000_000


@dataclass(frozen=True)
class FileFilters:
    """Filters of the file list; empty strings mean "any"."""

    state: str = ""
    category: str = ""
    department: str = ""
    year: str = ""
    due_within: str = ""
    q: str = ""
    sort: str = "newest"
    page: int = 1

    def __post_init__(self):
        # Read from a URL, so anything may come: the page is brought within 1..MAX_PAGE, and the search loses
        # the control characters no one types (PostgreSQL refuses NUL: it was a 500).
        object.__setattr__(self, "page", min(max(self.page, 1), MAX_PAGE))
        object.__setattr__(self, "q", without_control_characters(self.q))


# "Due within N days": ten years is beyond every deadline of a file.
DUE_WITHIN_MAX = 3660
# The orders the file list offers; ties broken by id so that pages never overlap.
SORTS = {
    "newest": (Case.received_at.desc(), Case.id.desc()),
    "oldest": (Case.received_at.asc(), Case.id.asc()),
    "deadline": (Case.outcome_due.is_(None), Case.outcome_due.asc(), Case.id.asc()),
    "reference": (Case.reference.asc(),),
}


# What the console's list shows; the JSON API asks for its own columns (no subject there).
CONSOLE_COLUMNS = (Case.id, Case.reference, Case.state, Case.subject, Case.category, Case.department,
                   Case.received_at, Case.outcome_due, Case.rejection_due)


def list_files(filters: FileFilters, *, columns=CONSOLE_COLUMNS, per_page: int = PAGE_SIZE) -> tuple[list, int]:
    """One page of files in the chosen order and the total count, for the given filters."""
    shape, params = _shape(filters)
    clauses = _clauses(shape)
    total = db.session.execute(sa.select(sa.func.count()).select_from(sa.select(Case.id).where(*clauses)
                                                                       .subquery()), params).scalar()
    rows = db.session.execute(sa.select(*columns).where(*clauses).order_by(*SORTS[shape.sort])
                              .limit(per_page).offset((filters.page - 1) * per_page), params).all()
    return rows, total


@dataclass(frozen=True)
class FilePage:
    """A page of the console's file list: ``total`` is exact up to :data:`COUNT_CAP`, else ``more`` is True."""

    rows: list
    total: int
    more: bool
    has_next: bool


def file_page(filters: FileFilters) -> FilePage:
    """One page of files in the chosen order with a count that stops at :data:`COUNT_CAP` files."""
    shape, params = _shape(filters)
    page_query, count_query = _console_statements(shape)
    offset = (filters.page - 1) * PAGE_SIZE
    # Plain rows through the session's connection: the ORM's entity machinery is a third of this query's cost.
    connection = db.session.connection()
    rows = connection.execute(page_query, {**params, "offset": offset}).all()
    has_next = len(rows) > PAGE_SIZE  # one more row than shown tells whether a next page exists
    rows = rows[:PAGE_SIZE]
    # When the whole result is on the first page, its rows are the count.
    counted = len(rows) if offset == 0 and not has_next else connection.execute(count_query, params).scalar()
    return FilePage(rows=rows, total=min(counted, COUNT_CAP), more=counted > COUNT_CAP, has_next=has_next)


@dataclass(frozen=True)
class _Shape:
    """Which filters a search sets (not their values) and its order: the statement depends on nothing else."""

    state: str  # "", "open" or "one"
    category: bool
    department: bool
    year: bool
    due_within: bool
    search: str  # "", or the kind of text searched: reference, email, ticket, name
    sort: str


def _shape(filters: FileFilters) -> tuple[_Shape, dict]:
    """The shape of ``filters`` and the values of its bound parameters."""
    params = {}
    if filters.state and filters.state != "open":
        params["state"] = filters.state
    if filters.category:
        params["category"] = filters.category
    if filters.department:
        params["department"] = filters.department
    year, due_within = bounded_int(filters.year, 2000, 2100), bounded_int(filters.due_within, 0, DUE_WITHIN_MAX)
    if year is not None:
        params["year_pattern"] = f"MED-{year}-%"
    if due_within is not None:  # a number out of range, typed in the address, filters nothing
        params["due_limit"] = paris_date(utcnow()) + timedelta(days=due_within)
    search = ""
    text = filters.q.strip()
    if text:
        search, params["q"] = _search_kind(text)
    shape = _Shape(state="open" if filters.state == "open" else "one" if filters.state else "",
                   category=bool(filters.category), department=bool(filters.department), year="year_pattern" in params,
                   due_within="due_limit" in params, search=search,
                   sort=filters.sort if filters.sort in SORTS else "newest")
    return shape, params


def _search_kind(text: str) -> tuple[str, str]:
    """What a typed text is searched as, and the value compared: a reference, an e-mail, a ticket id or a name."""
    if text.upper().startswith("MED-"):
        return "reference", text.upper()
    if "@" in text:
        return "email", text.lower()
    if text.isdigit():
        return "ticket", text
    return "name", f"%{text.lower()}%"


_SEARCHES = {
    "reference": lambda: sa.select(Case.id).where(Case.reference == sa.bindparam("q")),
    "email": lambda: sa.select(Party.case_id).where(Party.role == "consumer",
                                                    sa.func.lower(Party.email) == sa.bindparam("q")),
    "ticket": lambda: sa.select(TicketCopy.case_id).where(TicketCopy.ticket_id == sa.bindparam("q")),
    "name": lambda: sa.select(Party.case_id).where(Party.role == "consumer",
                                                   sa.func.lower(Party.name).like(sa.bindparam("q"))),
}


def _clauses(shape: _Shape) -> list:
    clauses = []
    if shape.state == "open":
        clauses.append(Case.state.in_(OPEN))
    elif shape.state:
        clauses.append(Case.state == sa.bindparam("state"))
    if shape.category:
        clauses.append(Case.category == sa.bindparam("category"))
    if shape.department:
        clauses.append(Case.department == sa.bindparam("department"))
    if shape.year:
        clauses.append(Case.reference.like(sa.bindparam("year_pattern")))
    if shape.due_within:
        clauses.append(Case.state.in_(CLOCK_RUNNING))
        clauses.append(Case.outcome_due <= sa.bindparam("due_limit", type_=sa.Date))
    if shape.search:
        clauses.append(Case.id.in_(_SEARCHES[shape.search]()))
    return clauses


@functools.lru_cache(maxsize=256)
def _console_statements(shape: _Shape):
    """The console's page and capped count statements for one shape, built once: building a statement and
    matching it to SQLAlchemy's compiled cache cost about as much as running it."""
    clauses = _clauses(shape)
    page = (sa.select(*CONSOLE_COLUMNS).where(*clauses).order_by(*SORTS[shape.sort])
            .limit(PAGE_SIZE + 1).offset(sa.bindparam("offset", type_=sa.Integer)))
    capped = sa.select(Case.id).where(*clauses).limit(COUNT_CAP + 1).subquery()
    return page, sa.select(sa.func.count()).select_from(capped)


def dashboard(identity_sub: str) -> dict:
    """What the team must see first: deadlines within 7 days or passed, late requests, signatures."""
    today = paris_date(utcnow())
    soon = today + timedelta(days=7)
    due = db.session.execute(
        sa.select(Case.reference, Case.state, Case.subject, Case.outcome_due, Case.rejection_due)
        .where(sa.or_(sa.and_(Case.state.in_(CLOCK_RUNNING), Case.outcome_due <= soon),
                      sa.and_(Case.state.in_(BEFORE_ADMISSION), Case.rejection_due <= soon)))
        .order_by(sa.func.coalesce(Case.rejection_due, Case.outcome_due)).limit(100)).all()
    late_requests = db.session.execute(
        sa.select(Case.reference, ObservationRequest.department, ObservationRequest.due_on,
                  ObservationRequest.reminders_sent)
        .join(Case, Case.id == ObservationRequest.case_id)
        .where(ObservationRequest.answered_at.is_(None), ObservationRequest.due_on < today,
               Case.state.in_(CLOCK_RUNNING))
        .order_by(ObservationRequest.due_on).limit(100)).all()
    to_sign = db.session.execute(
        sa.select(Case.reference, Case.subject, Proposal.drafted_by, Proposal.drafted_at)
        .join(Proposal, Proposal.case_id == Case.id)
        .where(Case.state.in_(INSTRUCTING), Proposal.signed_at.is_(None), Proposal.superseded.is_(False))
        .order_by(Proposal.drafted_at).limit(100)).all()
    mine = db.session.execute(
        sa.select(Case.reference, Case.state, Case.subject, Case.outcome_due)
        .where(Case.assigned_to == identity_sub, Case.state.in_(OPEN))
        .order_by(Case.received_at.desc()).limit(50)).all()
    return {"due": due, "late_requests": [_with_next_reminder(row) for row in late_requests], "to_sign": to_sign,
            "mine": mine, "today": today}


def _with_next_reminder(row) -> dict:
    """A late request and what the jobs will do next: the date of the next reminder, or the escalation."""
    return {**row._asdict(), "next_reminder_on": deadlines.next_reminder_on(row.due_on, row.reminders_sent)}
