"""The mediator's own words in the annual report: a foreword, a comment for each chapter and her practical
tips for consumers (R-RECO-4: a list apart from the recommendations to the company).

She writes them in the console before publishing (:mod:`mediator_plugin.reports.views`); at publication
they are copied into the snapshot's figures (``figures["texts"]``, see :func:`frozen_texts`), so the data
hash covers them and a later edit changes only a later version. An empty text prints nothing: no heading,
no placeholder. Only the mediator writes them (the permission that publishes the report).
"""

from __future__ import annotations

from collections.abc import Mapping

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import Mapped, mapped_column

from mediator_plugin.core import audit
from mediator_plugin.core.db import UTCDateTime, db, utcnow
from mediator_plugin.core.errors import MissingField, NotAllowed
from mediator_plugin.core.permissions import Identity, Permission
from mediator_plugin.core.transactions import ConcurrentChange

# The chapters of the report that take a comment, in reading order (codes used by the editions).
CHAPTERS = ("statutory", "activity", "results", "departments", "recommendations", "examples")
# Long enough for two pages of foreword and a page per comment; beyond that it is no longer a comment.
FOREWORD_MAX = 8000
COMMENT_MAX = 3000
# A tip is a sentence or two; a list longer than this is a guide, not a chapter of the report.
TIP_MAX, TIPS_MAX = 400, 15


class ReportTexts(db.Model):
    """The foreword and chapter comments of one year's report, as the mediator last saved them."""

    __tablename__ = "report_texts"

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(sa.Integer, nullable=False, unique=True)
    foreword: Mapped[str] = mapped_column(sa.Text, nullable=False, default="")
    comments: Mapped[dict] = mapped_column(sa.JSON, nullable=False, default=dict)  # chapter code → text
    consumer_tips: Mapped[str] = mapped_column(sa.Text, nullable=False, default="")  # one tip per line
    updated_by: Mapped[str] = mapped_column(sa.String(200), nullable=False)
    updated_at = mapped_column(UTCDateTime, nullable=False)
    version: Mapped[int] = mapped_column(sa.Integer, nullable=False, default=1)
    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 - two browser tabs never overwrite each other


def chapter_labels() -> dict[str, str]:
    """The French title of each chapter that takes a comment, as the report prints it."""
    return {"statutory": _("The statutory items (article R614-2 of the Consumer Code)"),
            "activity": _("Activity"), "results": _("Results"), "departments": _("The company's departments"),
            "recommendations": _("Recommendations"), "examples": _("Cases in point")}


def texts_of(year: int) -> ReportTexts | None:
    """The texts saved for ``year``, if any."""
    return db.session.scalars(sa.select(ReportTexts).where(ReportTexts.year == year)).first()


def frozen_texts(year: int) -> dict:
    """What a report of ``year`` prints of the mediator's texts: the foreword, the non-empty comments and the
    tips for consumers (a list, empty for none)."""
    row = texts_of(year)
    comments = (row.comments or {}) if row else {}
    return {"foreword": row.foreword if row else "",
            "comments": {code: comments[code] for code in CHAPTERS if comments.get(code)},
            "tips": tips_of(row.consumer_tips) if row else []}


def tips_of(text: str) -> list[str]:
    """The tips of a text written one per line (blank lines and a leading dash or bullet dropped)."""
    tips = (line.strip().lstrip("-•*").strip() for line in text.splitlines())
    return [tip for tip in tips if tip]


def _clean(text: str) -> str:
    return "\n".join(line.rstrip() for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")).strip()


def _checked_tips(text: str) -> str:
    """The tips one per line, trimmed, or :class:`MissingField` when there are too many or one is too long."""
    tips = tips_of(text)
    if len(tips) > TIPS_MAX:
        raise MissingField(_("There are %(count)s tips; the report holds at most %(max)s.", count=len(tips),
                             max=TIPS_MAX), field="consumer_tips")
    for number, tip in enumerate(tips, 1):
        if len(tip) > TIP_MAX:
            raise MissingField(_("Tip %(number)s is %(length)s characters long; it may hold at most %(max)s.",
                                 number=number, length=len(tip), max=TIP_MAX), field="consumer_tips")
    return "\n".join(tips)


def _checked(foreword: str, comments: Mapping[str, str]) -> tuple[str, dict[str, str]]:
    """The texts trimmed, or :class:`MissingField` naming the first one too long or unknown."""
    unknown = sorted(set(comments) - set(CHAPTERS))
    if unknown:
        raise MissingField(_("Unknown chapter."), field=f"comment_{unknown[0]}")
    foreword = _clean(foreword)
    if len(foreword) > FOREWORD_MAX:
        raise MissingField(_("The foreword is %(length)s characters long; it may hold at most %(max)s.",
                             length=len(foreword), max=FOREWORD_MAX), field="foreword")
    cleaned = {code: _clean(comments.get(code, "")) for code in CHAPTERS}
    for code, text in cleaned.items():
        if len(text) > COMMENT_MAX:
            raise MissingField(_("The comment on the chapter “%(chapter)s” is %(length)s characters long; it may "
                                 "hold at most %(max)s.", chapter=chapter_labels()[code], length=len(text),
                                 max=COMMENT_MAX), field=f"comment_{code}")
    return foreword, {code: text for code, text in cleaned.items() if text}


def save_texts(year: int, actor: Identity, *, foreword: str, comments: Mapping[str, str], version: int,
               consumer_tips: str = "") -> ReportTexts:
    """Save the foreword, comments and tips of ``year`` as the mediator wrote them, on top of ``version`` (the one
    her form was read at, 0 for none): if someone saved in between, :class:`ConcurrentChange`. Audited with
    the names of the texts that changed, not their words. The caller commits."""
    if not actor.can(Permission.REPORT_PUBLISH):
        raise NotAllowed(_("Only the mediator writes the texts of the report."))
    foreword, comments = _checked(foreword, comments)
    consumer_tips = _checked_tips(consumer_tips)
    row = texts_of(year)
    if (row.version if row else 0) != version:
        raise ConcurrentChange(_("These texts were saved by someone else meanwhile: reload the page, then make "
                                 "your changes again."))
    before = {"foreword": row.foreword, "consumer_tips": row.consumer_tips, **(row.comments or {})} if row else {}
    after = {"foreword": foreword, "consumer_tips": consumer_tips, **comments}
    changed = sorted(key for key in set(before) | set(after) if before.get(key, "") != after.get(key, ""))
    if row is not None and not changed:
        return row
    if row is None:
        row = ReportTexts(year=year)
        db.session.add(row)
    row.foreword, row.comments, row.consumer_tips = foreword, comments, consumer_tips
    row.updated_by, row.updated_at = actor.sub, utcnow()
    try:
        with db.session.begin_nested():  # two first saves of the same year: the second meets the unique year
            db.session.flush()
    except sa.exc.IntegrityError:
        raise ConcurrentChange(_("These texts were saved by someone else meanwhile: reload the page, then make "
                                 "your changes again.")) from None
    audit.record("save_report_texts", actor=actor.sub, roles=actor.roles, target=str(year),
                 detail={"changed": changed, "version": row.version})
    return row
