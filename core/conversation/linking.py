"""/link and /unlink: one walker on two platforms, in a private chat only."""

from __future__ import annotations

from core.conversation.shared import streak_line
from core.conversation.turn import Turn
from core.errors import WrongPlace
from core.replies import Button, Reply
from core.services import linking
from core.services.linking import Linked, Preview, Wrong
from core.texts import count_walks, plural_days
from core.texts import linking as say


def link(turn: Turn, args: str) -> Reply:
    """/link: a one-time code (or, when linked, the accounts); /link CODE: join this account
    to the walker who asked for the code."""
    if turn.message.chat.is_group:
        raise WrongPlace(say.PRIVATE_ONLY)
    if args.strip():
        return _entered(turn, args)
    mine = linking.accounts(turn.uow, turn.who)
    if len(mine) > 1:
        return Reply(say.LINKED_ALREADY.format(accounts=linking.names(mine)))
    issued = linking.issue(turn.uow, turn.who, turn.now)
    minutes = int(linking.LIFETIME.total_seconds() // 60)
    return Reply(say.CODE.format(code=issued.code, minutes=minutes))


def _entered(turn: Turn, args: str) -> Reply:
    result = linking.enter(turn.uow, turn.who, args, turn.now)
    if isinstance(result, Wrong):
        # Not an error: the wrong guess is counted, so this unit of work must commit.
        text = say.CODE_WRONG_LAST if result.left == 1 else say.CODE_WRONG
        return Reply(text.format(example=linking.EXAMPLE), personal=False)
    if isinstance(result, Preview):
        return _preview(result)
    return _linked(result)


def _preview(preview: Preview) -> Reply:
    asker, joining = preview.asker, preview.joining
    text = say.CONFIRM.format(
        asker=linking.names(asker.accounts), asker_walks=count_walks(asker.walks),
        asker_minutes=asker.minutes, joining=linking.names(joining.accounts),
        joining_walks=count_walks(joining.walks), joining_minutes=joining.minutes,
        walks=count_walks(asker.walks + joining.walks), minutes=asker.minutes + joining.minutes,
        streak=preview.streak, days=plural_days(preview.streak),
        keep=linking.names(asker.accounts))
    return Reply(text, buttons=(Button(say.BUTTON_JOIN, "link:yes"),
                                Button(say.BUTTON_KEEP, "link:no")))


def _linked(done: Linked) -> Reply:
    keep = linking.platform_name(done.keep_platform)
    return Reply(say.LINKED.format(accounts=linking.names(done.accounts),
                                   walks=count_walks(done.walks), minutes=done.minutes,
                                   streak=streak_line(done.streak), keep=keep))


def answer(turn: Turn, yes: bool) -> Reply:
    """Yes or No (typed or pressed) to joining two histories."""
    done = linking.answer(turn.uow, turn.who, yes, turn.now)
    if done is None:
        return Reply(say.DECLINED, personal=False)
    return _linked(done)


def unlink(turn: Turn, args: str) -> Reply:
    """/unlink: the other accounts become walkers of their own; this one keeps the history."""
    if turn.message.chat.is_group:
        raise WrongPlace(say.PRIVATE_ONLY)
    others = linking.unlink(turn.uow, turn.who, turn.now)
    one = len(others) == 1
    return Reply(say.UNLINKED.format(accounts=linking.names(others),
                                     becomes="is now" if one else "are each now",
                                     them="it" if one else "them"))
