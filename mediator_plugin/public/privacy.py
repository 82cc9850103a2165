"""The retention periods the online form's privacy notice states (GDPR art. 13, R-GDPR-1).

Written from the ``[retention]`` settings that the purge applies (R-GDPR-3), never from a separate text: a change
of period changes the notice with it.
"""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import ngettext


def period(months: int) -> str:
    """"5 years", "18 months": whole years when the period is a number of years."""
    if months % 12 == 0:
        return ngettext("%(num)s year", "%(num)s years", months // 12)
    return ngettext("%(num)s month", "%(num)s months", months)


def retention_notice(settings: dict) -> str:
    """How long what the consumer sends is kept, in one sentence of the notice."""
    r = settings["retention"]
    return _("during the mediation, then %(archive)s after it ends in an archive with restricted access "
             "(%(refused)s after a refusal when the mediator cannot examine the request, %(unopened)s after filing "
             "for a request that never became a file); the documents you attach are deleted %(attachments)s after "
             "the mediation ends. The figures of the annual report are anonymous.",
             archive=period(r["case_archive_months"]), refused=period(r["inadmissible_request_months"]),
             unopened=period(r["online_filing_not_opened_months"]), attachments=period(r["attachments_months"]))
