"""Freshdesk JSON (helpdesk-apis.md §2.8) → the vendor-neutral types of :mod:`connectors.base`."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, datetime

from connectors.base import AttachmentMeta, Comment, HelpdeskProtocolError, TicketSnapshot

VENDOR = "freshdesk"
CLOSED, RESOLVED = 5, 4
STATUS_NAMES = {2: "open", 3: "pending", RESOLVED: "resolved", CLOSED: "closed"}


def parse_time(value: str) -> datetime:
    """Freshdesk's UTC times (``2026-01-05T10:00:00Z``) as aware datetimes."""
    try:
        moment = datetime.fromisoformat(value)
    except (TypeError, ValueError):
        raise HelpdeskProtocolError(f"Freshdesk sent an unreadable time: {value!r}") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def format_time(moment: datetime) -> str:
    """An aware datetime the way Freshdesk writes and reads times."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def status_name(status) -> str:
    """``closed``, ``resolved``…; custom statuses (6, 7…) become ``status_6``."""
    return STATUS_NAMES.get(status, f"status_{status}")


def carries(ticket: Mapping, tag: str | None, field: str | None, field_value) -> bool:
    """True when the ticket carries ``tag`` or the custom field's value: how a ticket asks for mediation, and
    how the helpdesk marks a professional requester, as the settings say."""
    if tag and tag in (ticket.get("tags") or ()):
        return True
    if field is None:
        return False
    value = (ticket.get("custom_fields") or {}).get(field)
    # Checkboxes come back as booleans, drop-downs as their label: compare leniently as text.
    return value == field_value or (value is not None and str(value).lower() == str(field_value).lower())


def description_comment(ticket: Mapping, requester: Mapping) -> Comment:
    """The ticket's first message: Freshdesk keeps it as the ``description``, not as a conversation."""
    return Comment(
        id=f"{ticket['id']}-description",
        author_name=requester.get("name") or "",
        author_is_requester=True,
        public=True,
        body=ticket.get("description_text") or ticket.get("description") or "",
        created_at=parse_time(ticket["created_at"]),
    )


def to_comment(conversation: Mapping, requester_id: int, names: Mapping[int, str]) -> Comment:
    """One reply or note; ``private`` notes are not public, the requester is recognised by user id."""
    user_id = conversation.get("user_id")
    # Without a user id only the direction is known: incoming messages come from outside the company.
    from_requester = user_id == requester_id if user_id is not None else bool(conversation.get("incoming"))
    return Comment(
        id=str(conversation["id"]),
        author_name=names.get(user_id, ""),
        author_is_requester=from_requester,
        public=not conversation.get("private", False),
        body=conversation.get("body_text") or conversation.get("body") or "",
        created_at=parse_time(conversation["created_at"]),
    )


def attachments_of(items: Iterable[Mapping]) -> tuple[AttachmentMeta, ...]:
    """Metadata of every attachment of the ticket and its conversations, in order."""
    return tuple(
        AttachmentMeta(name=a["name"], content_type=a.get("content_type") or "", size=int(a.get("size") or 0))
        for item in items
        for a in item.get("attachments") or ()
    )


def to_snapshot(
    ticket: Mapping,
    requester: Mapping,
    *,
    mediation_requested: bool,
    requester_professional: bool = False,
    conversations: Iterable[Mapping] | None = None,
    names: Mapping[int, str] | None = None,
) -> TicketSnapshot:
    """A :class:`TicketSnapshot` from a ticket and its requester (a listing: no ``conversations``).

    With ``conversations`` the comments start with the description; ``names`` gives the other authors'
    names by user id. Raises :class:`HelpdeskProtocolError` when a documented field is missing.
    """
    try:
        updated_at = parse_time(ticket["updated_at"])
        stats = ticket.get("stats") or {}
        if stats.get("closed_at"):
            closed_at = parse_time(stats["closed_at"])
        elif ticket.get("archived") and ticket["status"] == CLOSED:
            # Archived means closed and untouched since: its last update is its closure.
            closed_at = updated_at
        else:
            closed_at = None
        comments: tuple[Comment, ...] = ()
        attachments = attachments_of([ticket])
        if conversations is not None:
            conversations = list(conversations)
            names = {ticket["requester_id"]: requester.get("name") or "", **(names or {})}
            comments = (
                description_comment(ticket, requester),
                *(to_comment(c, ticket["requester_id"], names) for c in conversations),
            )
            attachments += attachments_of(conversations)
        return TicketSnapshot(
            vendor=VENDOR,
            ticket_id=str(ticket["id"]),
            subject=ticket.get("subject") or "",
            status=status_name(ticket["status"]),
            requester_name=requester.get("name") or "",
            requester_email=requester.get("email") or "",
            created_at=parse_time(ticket["created_at"]),
            updated_at=updated_at,
            tags=tuple(ticket.get("tags") or ()),
            mediation_requested=mediation_requested,
            requester_professional=requester_professional,
            closed_at=closed_at,
            comments=comments,
            attachments=attachments,
        )
    except (KeyError, TypeError) as exc:
        raise HelpdeskProtocolError(f"Freshdesk ticket without a documented field: {exc!r}") from exc
