"""Errors a user may see. `str(error)` is always safe and kind to show as the reply."""

from __future__ import annotations


class CoachError(Exception):
    """Base of every error whose text is meant for the user."""

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.text = text

    def __str__(self) -> str:
        return self.text


class BadInput(CoachError):
    """The message could not be understood or is out of range; the text shows the right form."""


class NothingToDo(CoachError):
    """The request is valid but there is nothing to act on (nothing to undo, nothing pending)."""


class NotAllowed(CoachError):
    """The sender may not do this here (group settings without admin rights, another's data)."""


class WrongPlace(CoachError):
    """The command belongs in another kind of chat (for example /export in a group)."""
