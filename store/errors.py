"""Errors of the store, with French messages meant for the person who acted."""

from __future__ import annotations


class StoreError(Exception):
    """A store operation refused; the message is in French and says what to do."""


class NotFoundError(StoreError):
    """The account, profile, text or dataset version asked for does not exist."""


class ConflictError(StoreError):
    """Someone else saved the same thing first: the save was refused, nothing was overwritten.

    Attributes
    ----------
    current : object
        The other person's version as it is now in the store (a record of the module that
        raised), to show beside one's own.
    """

    def __init__(self, message: str, current: object) -> None:
        super().__init__(message)
        self.current = current


class LockBusyError(StoreError):
    """Another process holds the lock asked for longer than the caller accepts to wait."""
