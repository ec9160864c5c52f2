"""A person's own data: /export everything, /forget everything (after asking)."""

from __future__ import annotations

from core import texts
from core.conversation.shared import file_name
from core.conversation.turn import Turn
from core.errors import WrongPlace
from core.replies import Attachment, Button, Reply
from core.services import data, people
from core.services.people import PENDING_FORGET


def export(turn: Turn, args: str) -> Reply:
    """/export: the walks as CSV and everything as JSON, in a private chat only."""
    if turn.message.chat.is_group:
        raise WrongPlace(texts.EXPORT_GROUP)
    result = data.export(turn.uow, turn.who, turn.now)
    return Reply(
        texts.EXPORT.format(walks=texts.count_walks(result.walk_count)),
        files=(Attachment(file_name("walks", turn.who.id, turn.now, "csv"), result.walks_csv,
                          "text/csv"),
               Attachment(file_name("data", turn.who.id, turn.now, "json"),
                          result.everything_json, "application/json")),
    )


def forget(turn: Turn, args: str) -> Reply:
    """/forget: asks for confirmation first, in a private chat only."""
    if turn.message.chat.is_group:
        raise WrongPlace(texts.FORGET_GROUP)
    people.ask(turn.who, PENDING_FORGET, turn.now)
    return Reply(texts.FORGET_ASK, buttons=(Button(texts.BUTTON_FORGET_CONFIRM, "forget:yes"),
                                            Button(texts.BUTTON_CANCEL, "forget:no")))


def answer_forget(turn: Turn, confirmed: bool) -> Reply:
    """The answer to /forget's question: yes deletes every row of this person."""
    people.settle_question(turn.who)
    if not confirmed:
        return Reply(texts.FORGET_KEPT)
    data.forget(turn.uow, turn.who)
    turn.forgotten = True
    return Reply(texts.FORGET_DONE)
