"""The two checks of the audit log: ``mediator audit verify`` (the whole chain, then the latest anchor) and the
daily step of ``mediator jobs`` (the entries since the latest anchor). Each writes a new anchor when the log
agrees with the previous one, and only then: a cut or rewritten log never becomes the reference.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from flask_babel import force_locale
from flask_babel import gettext as _

from mediator_plugin import state
from mediator_plugin.core.audit_anchors import (
    Anchor,
    Disagreement,
    disagreements,
    is_authentic,
    latest_anchor,
    make_anchor,
    write_anchor,
)
from mediator_plugin.core.audit_verify import ChainReport, Head, read_head, verify_chain
from mediator_plugin.core.calendar import paris_date
from mediator_plugin.core.db import db, utcnow
from mediator_plugin.core.outbox import OutboxKind, enqueue

log = logging.getLogger("mediator.audit")


@dataclass
class Verification:
    """What a check found and did: the chain's walk, the anchor compared with (None when there was none), what
    the log says against it, and the anchor written (file, mail) when the log agreed."""

    chain: ChainReport
    compared_with: Anchor | None
    problems: list[Disagreement] = field(default_factory=list)
    written: Anchor | None = None
    path: Path | None = None
    mailed_to: str = ""

    @property
    def ok(self) -> bool:
        return self.chain.broken_at is None and not self.problems


def verify_and_anchor(*, by: str = "verify") -> Verification:
    """Walk the whole chain, compare the log with the latest anchor, and anchor it if both agree."""
    report = verify_chain()
    anchor = latest_anchor()
    result = Verification(report, anchor, disagreements(anchor, read_head()) if anchor else [])
    if result.ok:
        _anchor(result, Head(report.checked, report.last_id, report.last_hash), by)
    return result


def anchor_if_due(now: datetime | None = None) -> str:
    """The daily step of ``mediator jobs``: unless an anchor was written today (Paris time), check the entries
    written since the latest anchor and anchor the log. ``written``, ``not due``, or ``refused: <why>``."""
    now = now or utcnow()
    anchor = latest_anchor()
    if anchor is not None and not is_authentic(anchor):
        return _refuse([Disagreement("signature", anchor)])
    if anchor is not None and paris_date(datetime.fromisoformat(anchor.at)) >= paris_date(now):
        return "not due"
    if anchor is None:  # the first anchor: the whole chain
        report, count_before = verify_chain(), 0
    else:
        problems = disagreements(anchor, read_head())
        if problems:
            return _refuse(problems)
        report, count_before = verify_chain(after_id=anchor.last_id, after_hash=anchor.last_hash), anchor.count
    if report.broken_at is not None:
        return _refuse([], report)
    _anchor(Verification(report, anchor), Head(count_before + report.checked, report.last_id, report.last_hash),
            "jobs", at=now)
    return "written"


def _anchor(result: Verification, head: Head, by: str, at: datetime | None = None) -> None:
    result.written = make_anchor(head, by=by, at=at or utcnow())
    result.path = write_anchor(result.written)
    to = state().settings["audit"]["anchor_mail_to"]
    if to:
        with force_locale("fr"):  # the mediator reads it
            enqueue(OutboxKind.MAIL, f"audit-anchor:{result.written.signature}", {
                "to": [to], "subject": _("Audit log anchor of %(day)s", day=_day(result.written.at)),
                "body": _anchor_body(result.written), "attachments": []})
        db.session.commit()
        result.mailed_to = to


def _refuse(problems: list[Disagreement], broken: ChainReport | None = None) -> str:
    """No anchor over a log that disagrees: say it in the log and, when anchors are mailed, to the mediator."""
    found = [str(problem) for problem in problems]
    if broken is not None:
        found.append(f"broken at entry {broken.broken_at}: {broken.reason}")
    log.error("audit log disagrees with its anchor: no anchor written", extra={"problems": found})
    to = state().settings["audit"]["anchor_mail_to"]
    if to:
        with force_locale("fr"):
            lines = [_french(problem) for problem in problems]
            if broken is not None:
                lines.append(_("Entry %(id)s breaks the chain: it was changed, or removed entries went before it.",
                               id=broken.broken_at))
            enqueue(OutboxKind.MAIL, f"audit-alarm:{paris_date(utcnow()).isoformat()}", {
                "to": [to], "subject": _("The audit log no longer matches its anchor"),
                "body": "\n\n".join([_("The daily check of the audit log found this, and wrote no new anchor:"),
                                      "\n".join(lines),
                                      _("Run `mediator audit verify` and keep the anchors received by mail: they "
                                        "show what the log held.")]),
                "attachments": []})
        db.session.commit()
    return "refused: " + "; ".join(found)


def _french(problem: Disagreement) -> str:
    """The mediator's sentence for ``problem``."""
    a = problem.anchor
    say = {"day": _day(a.at), "count": a.count, "id": a.last_id, "found": problem.found}
    return {
        "signature": _("The anchor of %(day)s is not signed with the audit key: it was forged, or the key changed."),
        "emptied": _("The log is empty, whereas the anchor of %(day)s recorded %(count)s entries, up to number "
                     "%(id)s."),
        "truncated": _("The log ends at entry %(found)s, whereas the anchor of %(day)s recorded %(count)s entries, "
                       "up to number %(id)s."),
        "missing": _("Entry %(id)s is gone from the log, whereas the anchor of %(day)s recorded it (%(count)s "
                     "entries up to it)."),
        "rewritten": _("Entry %(id)s is not the one the anchor of %(day)s recorded: the log was rewritten up to "
                       "it."),
        "recounted": _("The log holds %(found)s entries up to number %(id)s, whereas the anchor of %(day)s "
                       "recorded %(count)s."),
    }[problem.kind] % say


def _day(iso: str) -> str:
    """The Paris day of an anchor's time; a forged anchor's time as it was written."""
    try:
        return paris_date(datetime.fromisoformat(iso)).strftime("%d/%m/%Y")
    except (TypeError, ValueError):
        return str(iso)


def _anchor_body(anchor: Anchor) -> str:
    return "\n\n".join([
        _("This message records the state of the mediation's audit log on %(day)s: %(count)s entries, the last one "
          "numbered %(id)s. Keep it: it lets anyone check later that no entry was removed or rewritten.",
          day=_day(anchor.at), count=anchor.count, id=anchor.last_id),
        _("The signed anchor, as written in the anchor file that `mediator audit verify` compares the log with:"),
        anchor.line(),
    ])
