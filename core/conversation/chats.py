"""Plain sentences that are not walks: a short, specific answer for each kind."""

from __future__ import annotations

from core import texts
from core.conversation import guide, progress
from core.conversation.turn import Answer, Handler, Turn
from core.replies import Reply

# Questions the coach already answers with a command: the same reply as that command.
_LIKE_COMMAND: dict[str, Handler] = {
    "streak": progress.streak, "stats": progress.stats, "progress": progress.progress,
    "plan": progress.plan, "safety": guide.safety,
}


def answer(turn: Turn, intent: str) -> Answer:
    """The reply to a sentence that is not a walk (records nothing)."""
    handler = _LIKE_COMMAND.get(intent)
    if handler is not None:
        return handler(turn, "")
    return Reply(texts.CHAT.get(intent, texts.NOT_A_WALK), personal=False)
