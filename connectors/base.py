"""The contract every helpdesk connector fulfils, and the types that cross it.

Nothing here imports Flask: connectors are testable alone, against the simulators.
"""

from __future__ import annotations

import enum
import hashlib
import json
from collections.abc import Iterator, Mapping
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Protocol, runtime_checkable

if TYPE_CHECKING:
    from connectors.notice import MediatorNotice, RuleChange


class MediationLabel(enum.Enum):
    """The only thing a customer-service agent ever sees of a mediation (interfaces.md)."""

    IN_PROGRESS = "mediation_en_cours"
    ENDED = "mediation_terminee"

    @property
    def field_value(self) -> str:
        """Value of the optional custom field (Zendesk field / Freshdesk ``cf_mediation``)."""
        return "En cours" if self is MediationLabel.IN_PROGRESS else "Terminée"


@dataclass(frozen=True)
class Comment:
    """One message of a ticket's conversation, as the helpdesk holds it."""

    id: str
    author_name: str
    author_is_requester: bool
    public: bool
    body: str
    created_at: datetime


@dataclass(frozen=True)
class AttachmentMeta:
    """Metadata of a ticket attachment; the content itself is not copied by the sync."""

    name: str
    content_type: str
    size: int


@dataclass(frozen=True)
class TicketSnapshot:
    """A ticket as read from the helpdesk at one moment, vendor-neutral.

    ``comments`` is empty when the snapshot comes from a listing; :meth:`HelpdeskConnector.fetch_ticket`
    fills it.
    """

    vendor: str
    ticket_id: str
    subject: str
    status: str
    requester_name: str
    requester_email: str
    created_at: datetime
    updated_at: datetime
    tags: tuple[str, ...] = ()
    mediation_requested: bool = False
    # The helpdesk marks the requester as a professional (a tag or a custom field, per the settings): the file
    # starts with that party type (R-SCOPE-2); the team may correct it at intake.
    requester_professional: bool = False
    closed_at: datetime | None = None
    comments: tuple[Comment, ...] = ()
    attachments: tuple[AttachmentMeta, ...] = ()

    def to_json(self) -> dict:
        """A JSON-ready dict (datetimes as ISO 8601 strings), stable for hashing.

        ``requester_professional`` appears only when true, so the copies taken before it existed keep their hash."""
        data = json.loads(json.dumps(asdict(self), default=_iso))
        if not data["requester_professional"]:
            del data["requester_professional"]
        return data

    @classmethod
    def from_json(cls, data: Mapping) -> TicketSnapshot:
        """Inverse of :meth:`to_json`."""
        comments = tuple(
            Comment(**{**c, "created_at": datetime.fromisoformat(c["created_at"])}) for c in data["comments"]
        )
        attachments = tuple(AttachmentMeta(**a) for a in data["attachments"])
        return cls(
            **{
                **data,
                "created_at": datetime.fromisoformat(data["created_at"]),
                "updated_at": datetime.fromisoformat(data["updated_at"]),
                "closed_at": datetime.fromisoformat(data["closed_at"]) if data["closed_at"] else None,
                "tags": tuple(data["tags"]),
                "comments": comments,
                "attachments": attachments,
            }
        )

    def content_sha256(self) -> str:
        """SHA-256 of the canonical JSON form: the provenance of the mediator's copy."""
        canonical = json.dumps(self.to_json(), sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _iso(value):
    if isinstance(value, datetime):
        return value.isoformat()
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


@dataclass(frozen=True)
class TicketPage:
    """One page of the incremental stream.

    ``eligible`` holds the tickets of the page that are definitively closed and ask for mediation;
    ``checkpoint`` resumes the stream right after this page and must only be stored once the
    page's tickets are committed.
    """

    eligible: list[TicketSnapshot]
    seen: int
    checkpoint: str
    end_of_stream: bool
    deleted_ids: list[str] = field(default_factory=list)


@runtime_checkable
class HelpdeskConnector(Protocol):
    """What the sync engine and the outbox need from a helpdesk."""

    vendor: str

    def iter_closed_tickets(self, checkpoint: str | None) -> Iterator[TicketPage]:
        """Yield pages of the change stream from ``checkpoint`` (None: from the beginning)."""
        ...

    def fetch_ticket(self, ticket_id: str) -> TicketSnapshot:
        """One ticket with its whole conversation and its attachments' metadata."""
        ...

    def write_label(self, ticket_id: str, label: MediationLabel) -> None:
        """Make ``label`` (and nothing else of the file) visible to agents on the ticket."""
        ...

    def verify_webhook(self, headers: Mapping[str, str], body: bytes) -> bool:
        """True when a webhook delivery is authentic and fresh; it is only a hint to re-read."""
        ...

    def install_notice_rules(self, notice: MediatorNotice) -> list[RuleChange]:
        """Install, or bring back to ``notice``, the helpdesk's own rules adding the mediator's contact block."""
        ...


class HelpdeskError(Exception):
    """Base of every error a connector raises; ``retryable`` tells the caller what to do."""

    retryable = False

    def __init__(self, message: str, *, status: int | None = None, retry_after: float | None = None,
                 body: str = ""):
        super().__init__(message)
        self.status = status
        self.retry_after = retry_after
        # The vendor's answer, for the connector to read a known case in it; never in the message, which
        # reaches the logs and the operations page (it may quote a ticket).
        self.body = body


class HelpdeskAuthError(HelpdeskError):
    """401/403: credentials invalid, revoked or lacking a permission. Alert; never retry."""


class HelpdeskNotFound(HelpdeskError):
    """404: the ticket was deleted or merged."""


class HelpdeskRejected(HelpdeskError):
    """400/405/413/422: the request itself is wrong for this ticket. Do not retry."""


class HelpdeskConflict(HelpdeskError):
    """409: the ticket changed under us; re-read and retry."""

    retryable = True


class HelpdeskUnavailable(HelpdeskError):
    """429, 5xx, timeouts, dropped connections: retry later, honouring ``retry_after``."""

    retryable = True


class HelpdeskProtocolError(HelpdeskError):
    """The answer was not what the vendor documents (truncated or malformed JSON…)."""

    retryable = True
