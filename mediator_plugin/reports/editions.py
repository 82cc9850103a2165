"""The two editions of the annual report, from one report (a published snapshot or live figures).

The comex edition carries every number, the owners and due dates of the recommendations; the public
edition reads the suppressed view of the same figures (:func:`~mediator_plugin.reports.suppression.public_view`)
and adds the charter; both print the anonymised case examples the report carries, and the mediator's
foreword, chapter comments and tips for consumers (:mod:`mediator_plugin.reports.texts`). Both are the same
list of blocks, rendered to PDF or HTML.
"""

from __future__ import annotations

from flask_babel import gettext as _

from mediator_plugin.reports import content_activity as activity
from mediator_plugin.reports import content_front as front
from mediator_plugin.reports.blocks import Edition, Text
from mediator_plugin.reports.content_examples import examples
from mediator_plugin.reports.content_legal import table_a
from mediator_plugin.reports.content_origins import origins
from mediator_plugin.reports.suppression import public_view

EDITIONS = ("public", "comex")
FORMATS = ("pdf", "html")


def edition_of(report: dict, name: str) -> Edition:
    """The view of ``report`` that the edition ``name`` may print."""
    if name not in EDITIONS:
        raise ValueError(f"unknown edition {name!r}; expected one of {', '.join(EDITIONS)}")
    figures = public_view(report["figures"]) if name == "public" else report["figures"]
    return Edition(figures, report, name)


def blocks(report: dict, name: str) -> list:
    """Every block of the edition ``name`` of ``report``, in reading order."""
    e = edition_of(report, name)
    comments = (e.figures.get("texts") or {}).get("comments", {})

    def chapter(code: str, story: list) -> list:
        """The chapter with the mediator's comment on it, if any, right under its title."""
        if not story or not comments.get(code):
            return story
        return [story[0], Text(_("The mediator's comment"), "lead"), *front.own_words(comments[code]), *story[1:]]

    # The case examples follow the recommendations, as in the reports of other mediators (§2.1).
    return [*front.front(e), *front.letter(e), *front.key_figures(e), *chapter("statutory", table_a(e)),
            *chapter("activity", [*activity.activity(e), *origins(e)]), *chapter("results", activity.results(e)),
            *chapter("departments", [*activity.departments(e), *activity.independence(e), *activity.trend(e)]),
            *chapter("recommendations", [*front.recommendations(e), *front.consumer_tips(e)]),
            *chapter("examples", examples(e)),
            *front.method(e), *front.annexes(e)]


def metadata(report: dict, name: str) -> dict:
    """Title, author, subject and keywords of the edition (PDF metadata, HTML head)."""
    figures = report["figures"]
    mediator = figures["context"]["mediator"]
    return {"title": front.report_title(figures["year"]), "author": mediator["mediator_name"],
            "subject": f"{front.edition_title(name)} — {mediator['company_name']}",
            "keywords": ["médiation de la consommation", "rapport annuel", str(figures["year"]),
                         "R614-2", mediator["company_name"]]}
