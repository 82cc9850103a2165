"""Zendesk JSON (helpdesk-apis.md §1.9) → the vendor-neutral types of :mod:`connectors.base`."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime

from connectors.base import AttachmentMeta, Comment, HelpdeskProtocolError, TicketSnapshot

VENDOR = "zendesk"


def parse_time(value: str) -> datetime:
    """Zendesk's ISO 8601 UTC times (``2024-04-17T17:18:10Z``) as aware datetimes."""
    try:
        return datetime.fromisoformat(value)
    except (TypeError, ValueError):
        raise HelpdeskProtocolError(f"Zendesk sent an unreadable time: {value!r}") from None


def carries(ticket: Mapping, tag: str | None, field_id: int | None, field_value) -> bool:
    """True when the ticket carries ``tag`` or the custom field's value: how a ticket asks for mediation, and
    how the helpdesk marks a professional requester, as the settings say."""
    if tag and tag in (ticket.get("tags") or ()):
        return True
    if field_id is None:
        return False
    return any(
        field.get("id") == field_id and _same(field.get("value"), field_value)
        for field in ticket.get("custom_fields") or ()
    )


def _same(value, expected) -> bool:
    # Checkbox fields come back as booleans, drop-downs as option tags: compare leniently as text.
    return value == expected or (value is not None and str(value).lower() == str(expected).lower())


def users_by_id(users: Iterable[Mapping]) -> dict[int, Mapping]:
    """Index a ``users`` sideload by id."""
    return {user["id"]: user for user in users}


def to_comment(comment: Mapping, users: Mapping[int, Mapping], requester_id: int) -> Comment:
    """One Zendesk comment; the plain-text body is preferred over the HTML-ish ``body``."""
    author = users.get(comment["author_id"], {})
    return Comment(
        id=str(comment["id"]),
        author_name=author.get("name", ""),
        author_is_requester=comment["author_id"] == requester_id,
        public=bool(comment.get("public", True)),
        body=comment.get("plain_body") or comment.get("body") or "",
        created_at=parse_time(comment["created_at"]),
    )


def attachments_of(comments: Iterable[Mapping]) -> tuple[AttachmentMeta, ...]:
    """Metadata of every attachment of the conversation, in comment order."""
    return tuple(
        AttachmentMeta(
            name=a["file_name"], content_type=a.get("content_type", ""), size=int(a.get("size", 0))
        )
        for comment in comments
        for a in comment.get("attachments") or ()
    )


def to_snapshot(
    ticket: Mapping,
    users: Mapping[int, Mapping],
    *,
    mediation_requested: bool,
    requester_professional: bool = False,
    comments: Iterable[Mapping] = (),
) -> TicketSnapshot:
    """A :class:`TicketSnapshot` from a ticket, the ``users`` sideload and optionally its comments.

    Raises :class:`HelpdeskProtocolError` when a documented field is missing.
    """
    try:
        comments = list(comments)
        requester = users.get(ticket["requester_id"], {})
        updated_at = parse_time(ticket["updated_at"])
        return TicketSnapshot(
            vendor=VENDOR,
            ticket_id=str(ticket["id"]),
            subject=ticket.get("subject") or "",
            status=ticket["status"],
            requester_name=requester.get("name", ""),
            requester_email=requester.get("email", ""),
            created_at=parse_time(ticket["created_at"]),
            updated_at=updated_at,
            tags=tuple(ticket.get("tags") or ()),
            mediation_requested=mediation_requested,
            requester_professional=requester_professional,
            # Zendesk has no closed_at. A closed ticket only changes through bulk tag updates, so its
            # updated_at is its closure until someone (our own label included) tags it afterwards.
            closed_at=updated_at if ticket["status"] == "closed" else None,
            comments=tuple(to_comment(c, users, ticket["requester_id"]) for c in comments),
            attachments=attachments_of(comments),
        )
    except (KeyError, TypeError) as exc:
        raise HelpdeskProtocolError(f"Zendesk ticket without a documented field: {exc!r}") from exc
