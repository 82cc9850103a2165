"""The audit entries of the pages that show files' subjects and parties without being one file's page: the file
list and its searches (console and API) and the dashboard (issue 15; R-CONF-1: all reads are logged).

One entry per page view, with the query as it was set — a search may be a consumer's name or e-mail: who looked
for whom is what this entry is for — and how many files it found. Written once the page is built and before
it is sent, in a transaction of its own that holds the head of the chain for one insert only.
"""

from __future__ import annotations

from dataclasses import asdict

from mediator_plugin.cases.queries import FileFilters
from mediator_plugin.core import audit
from mediator_plugin.core.db import db
from mediator_plugin.core.permissions import current_identity

LIST, SEARCH, DASHBOARD = "list_cases", "search_cases", "view_dashboard"
# A query string may be anything: the log keeps the beginning of a value, enough to read what was looked for.
MAX_VALUE = 200
_DEFAULTS = asdict(FileFilters())


def query_of(filters: FileFilters) -> dict:
    """The filters that differ from the list's defaults, each text cut to :data:`MAX_VALUE` characters."""
    return {name: value[:MAX_VALUE] if isinstance(value, str) else value
            for name, value in asdict(filters).items() if value != _DEFAULTS[name]}


def record_listing(filters: FileFilters, results: int, *, via: str = "console") -> None:
    """Record a page of the file list: ``search_cases`` when text was searched, ``list_cases`` otherwise."""
    identity = current_identity()
    audit.record(SEARCH if filters.q else LIST, actor=identity.sub, roles=identity.roles, target="cases",
                 detail={"query": query_of(filters), "results": results, "via": via})
    db.session.commit()


def record_dashboard() -> None:
    """Record a view of the dashboard (its lists name files and parties)."""
    identity = current_identity()
    audit.record(DASHBOARD, actor=identity.sub, roles=identity.roles, target="dashboard")
    db.session.commit()
