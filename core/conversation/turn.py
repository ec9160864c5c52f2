"""One request inside its unit of work, and what a command answers with."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from core import texts
from core.api import Message
from core.errors import WrongPlace
from core.persistence.models import Chat
from core.persistence.uow import UnitOfWork
from core.replies import Reply
from core.services import challenges
from core.services.people import Who


@dataclass(frozen=True)
class Later:
    """A reply finished after the unit of work has closed: nothing slow (drawing a chart)
    happens while a transaction is open."""

    finish: Callable[[], Reply]


Answer = Reply | Later


@dataclass
class Turn:
    """Everything one request needs, inside its unit of work."""

    uow: UnitOfWork
    now: datetime
    who: Who
    message: Message
    forgotten: bool = field(default=False)

    def chat(self) -> Chat:
        """The group or server the message came from (created on first use)."""
        if not self.message.chat.is_group:
            raise WrongPlace(texts.GROUP_ONLY)
        return challenges.chat_for(self.uow, self.message.chat, self.now)


Handler = Callable[[Turn, str], Answer]


def finished(answer: Answer) -> Reply:
    """The reply, finishing it first if it was left for after the unit of work."""
    return answer.finish() if isinstance(answer, Later) else answer
