"""The chapter "Cas concrets": the anonymised examples of the year (R-CASE-1), grouped by category and
each tagged with its category and year (R-CASE-2), next to the category's share of the saisines and the
recommendations on the same subject. The examples come from the report itself (frozen in a published
snapshot, see :mod:`mediator_plugin.reports.examples`), identical in both editions."""

from __future__ import annotations

from itertools import groupby

from flask_babel import gettext as _

from mediator_plugin.examples.models import FIELDS
from mediator_plugin.examples.services import field_labels
from mediator_plugin.reports import formatting as fmt
from mediator_plugin.reports.blocks import Edition, Field, Heading, Text
from mediator_plugin.reports.examples import examples_of


def examples(e: Edition) -> list:
    """Chapter: every example of the report, by category; nothing when the report carries none."""
    cases = examples_of(e.figures)
    if not cases:
        return []
    story = [Heading(_("Cases in point")),
             Text(_("These cases come from mediations closed in %(year)s. They were made anonymous — no name, "
                    "exact date or amount, nothing that would let anyone recognise the people concerned — read "
                    "again by a second person and approved by the mediator before publication.", year=e.year),
                  "lead")]
    for category, group in groupby(cases, key=lambda case: case["category"]):
        group = list(group)
        story += [Heading(group[0]["category_label"] or _("Other disputes"), 1), *_context(e, category)]
        for case in group:
            story += _case(case)
    return story


def _context(e: Edition, category: str | None) -> list[Text]:
    """The category's share of the year's saisines and the recommendations about it, when there are some."""
    lines = []
    share = next((c for c in e.figures["categories"] if category and c["code"] == category), None)
    if share is not None and share["value"] is not None:  # a share the public edition suppresses is not quoted
        lines.append(Text(_("This subject accounts for %(share)s of the saisines of the year.",
                            share=fmt.share(share)), "small"))
    recommendations = {r["reference"]: r for part in ("new", "follow_up") for r in e.figures["recommendations"][part]
                       if category and any(code == category or code.startswith(f"{category}.")
                                           for code in r.get("categories") or ())}
    if recommendations:
        lines.append(Text(_("Recommendations on this subject: %(list)s.", list="; ".join(
            f"{ref} — {r['title']}" for ref, r in sorted(recommendations.items()))), "small"))
    return lines


def _case(case: dict) -> list:
    labels = field_labels()
    topic = " › ".join(label for label in (case["category_label"], case["subcategory_label"]) if label)
    story = [Text(case["title"], "lead"), Text(_("Category: %(topic)s · Year: %(year)s",
                                                 topic=topic or _("Other disputes"), year=case["year"]), "small")]
    story += [Field(labels[name], case[name]) for name in FIELDS]
    return story
