"""Words for the register's codes, and the rule that keeps file references from executives.

A recommendation's texts may quote the files that support its finding (``MED-YYYY-NNNNN``). The
mediator's team gets a link to each; anyone else (executives) reads a neutral mark instead, so the
register never leads outside the mediator's team to a file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from flask_babel import gettext as _

FILE_REFERENCE = re.compile(r"\bMED-\d{4}-\d{5}\b")


def status_label(code: str | None) -> str:
    return {
        "ISSUED": _("Issued"), "ACCEPTED": _("Accepted by the company"), "IN_PROGRESS": _("Being implemented"),
        "IMPLEMENTED": _("Implemented"), "PARTLY_IMPLEMENTED": _("Partly implemented"),
        "DECLINED": _("Declined by the company"), "OBSOLETE": _("No longer relevant"),
    }.get(code or "", code or "")


def response_label(code: str | None) -> str:
    return {"accepted": _("The company accepts"), "partly_accepted": _("The company partly accepts"),
            "declined": _("The company declines")}.get(code or "", "")


def field_label(name: str) -> str:
    """The name of a register field, as the history lists what a follow-up changed."""
    return {
        "title": _("title"), "finding": _("finding"), "text": _("text"), "category_codes": _("categories"),
        "addressee": _("department"), "owner": _("owner"), "company_response": _("company response"),
        "response_text": _("company's reasons"), "action_plan": _("action plan"), "due_on": _("due date"),
        "status": _("status"), "evidence": _("evidence"), "public_explanation": _("public explanation"),
        "last_review_on": _("review date"), "created": _("creation"),
    }.get(name, name)


@dataclass(frozen=True)
class Segment:
    """A piece of text; ``file`` is the file reference it names, when it is one the reader may follow."""

    text: str
    file: str | None = None


def segments(text: str, *, reveal_files: bool) -> list[Segment]:
    """``text`` cut around file references: linked for the team, withheld for everyone else."""
    pieces, start = [], 0
    for match in FILE_REFERENCE.finditer(text or ""):
        pieces.append(Segment(text[start:match.start()]))
        pieces.append(Segment(match.group(), match.group()) if reveal_files
                      else Segment(_("[file reference withheld]")))
        start = match.end()
    pieces.append(Segment((text or "")[start:]))
    return [piece for piece in pieces if piece.text]


def withheld(text: str | None, *, reveal_files: bool) -> str:
    """``text`` as a reader outside the team may read it: its file references replaced by a neutral mark."""
    return "".join(piece.text for piece in segments(text or "", reveal_files=reveal_files))
