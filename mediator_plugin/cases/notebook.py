"""The team's notebook on a file: calls, meetings and follow-ups, written on the file's timeline.

Working notes are never visible to company roles (R-CONF-1): only the mediator's team reads the
timeline. A note goes to the audit log like every change, and never to a party or the helpdesk.
"""

from __future__ import annotations

from flask_babel import gettext as _

from mediator_plugin.cases import timeline
from mediator_plugin.cases.models import Case, TimelineEvent
from mediator_plugin.cases.workflow import check
from mediator_plugin.core.errors import MissingField
from mediator_plugin.core.permissions import Identity

NOTE_MAX_CHARS = 4000


def add_note(case: Case, actor: Identity, *, text: str) -> TimelineEvent:
    """Write a note of the team on the file, in any state (a closed file may still need a follow-up)."""
    check("add_note", case.state, actor)
    text = text.strip()
    if not text:
        raise MissingField(_("Write the note before saving it."), field="note_text")
    if len(text) > NOTE_MAX_CHARS:
        raise MissingField(_("A note holds at most %(num)s characters.", num=NOTE_MAX_CHARS), field="note_text")
    return timeline.log(case, actor, "note", text=text)
