"""The conversation: what each command, sentence and button press is answered with.

One module per family of commands (`walks`, `progress`, `settings`, `guide`, `data`,
`groups`); each reads its arguments, calls the services inside the turn's unit of work and
shapes the reply. Every sentence comes from `core.texts`.
"""

from __future__ import annotations

import re
from dataclasses import replace

from core import texts
from core.conversation import (
    chats,
    contests,
    data,
    groups,
    guide,
    linking,
    progress,
    scheduled,
    settings,
    setup,
    summaries,
    walks,
)
from core.conversation.shared import screen_buttons
from core.conversation.turn import Answer, Handler, Later, Turn
from core.domain.parsing import WalkEntry, parse_duration
from core.domain.understanding import Ask, Walk, understand
from core.errors import NothingToDo
from core.replies import Reply, on_panel
from core.services import challenges, people
from core.services.people import PENDING_FORGET, PENDING_SCREEN

YES = frozenset({"yes", "y", "yeah", "yep", "ok", "confirm", "sure"})
NO = frozenset({"no", "n", "nope", "nah"})
# Commands a /start deep link may open.
START_SHORTCUTS = frozenset({"plan", "safety", "myth", "tip", "help", "streak", "progress"})


def _start(turn: Turn, args: str) -> Answer:
    return guide.start(turn, args, {name: HANDLERS[name] for name in START_SHORTCUTS})


_start.__doc__ = guide.start.__doc__

HANDLERS: dict[str, Handler] = {
    "start": _start, "help": guide.help_, "log": walks.log, "undo": walks.undo,
    "streak": progress.streak, "stats": progress.stats, "progress": progress.progress,
    "plan": progress.plan, "tip": guide.tip, "safety": guide.safety, "myth": guide.myth,
    "goal": settings.goal, "timezone": settings.timezone, "daystart": settings.daystart,
    "pause": settings.pause, "resume": settings.resume, "remind": settings.remind,
    "summary": summaries.summary,
    "export": data.export, "forget": data.forget, "challenge": groups.challenge,
    "join": contests.join, "leave": contests.leave, "leaderboard": contests.leaderboard,
    "challenges": contests.list_challenges, "newchallenge": contests.newchallenge,
    "endchallenge": contests.endchallenge, "cancelchallenge": contests.cancelchallenge,
    "challenge_time": groups.admin_setting(challenges.set_time),
    "challenge_timezone": groups.admin_setting(challenges.set_timezone),
    "challenge_goal": groups.admin_setting(challenges.set_goal),
    "challenge_channel": groups.challenge_channel,
    "setup": setup.setup,
    "link": linking.link, "unlink": linking.unlink,
}
NO_ARGUMENTS = frozenset(
    {"undo", "streak", "progress", "plan", "tip", "safety", "myth", "resume", "export", "forget",
     "challenge", "challenges", "setup", "unlink"}
)
# Commands that only read: they run in a read-only unit of work, and a redelivered one is
# simply answered again.
READ_ONLY = frozenset({"help", "streak", "stats", "progress", "plan", "safety", "myth", "export"})


def plain(turn: Turn, text: str) -> Answer:
    """A message that is not a command: an answer to an open question, a walk, a walk to ask
    about, or chat (which records nothing)."""
    word = text.strip().lower().strip(".!")
    question = people.pending(turn.who, turn.now)
    if question == PENDING_FORGET:
        kept = data.answer_forget(turn, word in YES)
        if word in YES or word in NO:
            return kept
        # Anything else keeps everything, and is then read as it would have been: a walk told
        # right after /forget must not be swallowed.
        return _after(kept, plain(turn, text))
    if question == PENDING_SCREEN and (word in YES or word in NO):
        return guide.answer_screen(turn, word in YES)
    if question is not None and question.startswith("log:") and (word in YES or word in NO):
        return walks.answer_ask(turn, word in YES)
    if question is not None and question.startswith("link:") and (word in YES or word in NO):
        return linking.answer(turn, word in YES)
    meaning = understand(text, turn.who.today)
    if isinstance(meaning, Walk):
        return walks.record(turn, meaning.entry)
    if isinstance(meaning, Ask):
        return walks.ask(turn, meaning)
    if question == PENDING_SCREEN:
        return Reply(texts.SCREEN_ANSWER, buttons=screen_buttons(), personal=False)
    return chats.answer(turn, meaning.intent)


def _after(first: Reply, then: Answer) -> Answer:
    """Two replies as one: `first`'s line above `then`."""
    if isinstance(then, Later):
        return Later(lambda: _after_reply(first, then.finish()))
    return _after_reply(first, then)


def _after_reply(first: Reply, then: Reply) -> Reply:
    return replace(then, text=f"{first.text}\n{then.text}")


# Every button's action, exactly: anything else (an old button, a forged press) is refused.
_ACTION = re.compile(
    r"log:(?P<minutes>[1-9][0-9]{0,2})(?::(?P<day>20[0-9]{2}[01][0-9][0-3][0-9]))?|log:(?P<no>no)"
    r"|undo:(?P<walk>[1-9][0-9]{0,17})"
    r"|(?P<question>screen|forget|link):(?P<answer>yes|no)|(?P<join>join)(?::(?P<contest>[1-9][0-9]{0,17}))?|(?P<later>later)|(?P<nudges>nudges:off)"
    r"|(?P<summaries>summary:off)"
)


def press(turn: Turn, action: str) -> Reply:
    """A button pressed under an earlier reply."""
    if on_panel(action):
        return setup.press(turn, action)
    match = _ACTION.fullmatch(action) if len(action) <= 64 else None
    if match is None:
        raise NothingToDo(texts.BUTTON_UNKNOWN)
    if match["day"]:
        return walks.confirm(turn, action)
    if match["no"]:
        return walks.answer_ask(turn, False)
    if match["minutes"]:
        return walks.record(turn, WalkEntry(parse_duration(match["minutes"]), turn.who.today))
    if match["walk"]:
        return walks.undo_walk(turn, int(match["walk"]))
    if match["contest"]:
        return contests.press_join(turn, int(match["contest"]))
    if match["join"]:
        return groups.join(turn, "")
    if match["later"]:
        return scheduled.snooze(turn)
    if match["nudges"]:
        return scheduled.stop_nudges(turn)
    if match["summaries"]:
        return summaries.stop(turn)
    yes = match["answer"] == "yes"
    if match["question"] == "screen":
        return guide.answer_screen(turn, yes)
    if match["question"] == "link":
        return linking.answer(turn, yes)
    if people.pending(turn.who, turn.now) == PENDING_FORGET or not yes:
        return data.answer_forget(turn, yes)
    raise NothingToDo(texts.BUTTON_UNKNOWN)
