"""Errors the services raise; each carries a message for the user and the HTTP status it maps to."""

from __future__ import annotations


class MediationError(Exception):
    """A refused action: the message says what is wrong and, where it helps, what to do."""

    status = 400

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


class NotAllowed(MediationError):
    """The identity's role does not allow this action."""

    status = 403


class InvalidTransition(MediationError):
    """The file's state does not allow this action."""

    status = 409


class DeadlinePassed(MediationError):
    """A legal deadline has passed; the action is refused or needs a recorded reason."""

    status = 422


class MissingField(MediationError):
    """A mandatory field is empty or invalid."""

    status = 422


class Duplicate(MediationError):
    """The same ticket or request already has a file."""

    status = 409
