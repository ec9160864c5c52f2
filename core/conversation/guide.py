"""Getting started and knowing more: /start with its safety screen, /help, /tip, /safety, /myth."""

from __future__ import annotations

from core import command_table, texts
from core.command_table import COMMANDS, MAX_MINUTES, PLACES
from core.conversation.shared import quick_log_buttons, screen_buttons
from core.conversation.turn import Answer, Handler, Turn
from core.domain.tips import next_general_tip
from core.errors import BadInput
from core.replies import Reply
from core.services import people
from core.services.people import PENDING_SCREEN


def start(turn: Turn, args: str, shortcuts: dict[str, Handler]) -> Answer:
    """/start: welcome, the safety screen, the time zone question; a deep link
    (`/start plan`) opens one of `shortcuts` for someone who has said hello before."""
    who = turn.who
    if who.person.supported is None:
        people.ask(who, PENDING_SCREEN, turn.now)
        return Reply(texts.WELCOME, buttons=(*screen_buttons(), *quick_log_buttons(row=1)))
    shortcut = shortcuts.get(args.strip().lower())
    if shortcut is not None:
        return shortcut(turn, "")
    return Reply(texts.WELCOME_BACK.format(name=who.name), buttons=quick_log_buttons())


def answer_screen(turn: Turn, needs_support: bool) -> Reply:
    """The yes/no answer to the safety screen."""
    people.answer_screen(turn.who, needs_support)
    first = texts.SCREEN_SUPPORTED if needs_support else texts.SCREEN_STANDARD
    ask = texts.ASK_TIMEZONE.format(zone=turn.who.person.timezone)
    return Reply(f"{first}\n{ask}", buttons=quick_log_buttons())


def help_(turn: Turn, args: str) -> Reply:
    """/help: every command with an example; /help <command>: that command's own."""
    if args.strip():
        return _help_one(args)
    personal = [c for c in COMMANDS if not c.in_groups_only]
    group = [c for c in COMMANDS if c.in_groups_only]
    lines = [f"/{c.name} {c.usage}".rstrip() + f": {c.summary}. e.g. {c.example}" for c in personal]
    lines.append(texts.HELP_GROUP_HEADER)
    lines += [f"/{c.name} {c.usage}".rstrip() + f": {c.summary}. e.g. {c.example}" for c in group]
    return Reply("\n".join([*lines, "", texts.HELP_FOOTER]), title=texts.HELP_HEADER,
                 personal=False)


def _help_one(typed: str) -> Reply:
    command = command_table.find(typed)
    if command is None:
        raise BadInput(command_table.unknown(typed))
    where = ""
    if command.admin_only:
        where = texts.HELP_ONE_ADMINS
    elif command.in_groups_only:
        where = texts.HELP_ONE_GROUPS
    elif command.in_private_only:
        where = texts.HELP_ONE_PRIVATE
    if command.name == "log":
        where += texts.HELP_ONE_LOG.format(limit=MAX_MINUTES, places=", ".join(PLACES))
    usage = f"/{command.name} {command.usage}".rstrip()
    return Reply(texts.HELP_ONE.format(usage=usage, summary=command.summary,
                                       example=command.example, where=where), personal=False)


def tip(turn: Turn, args: str) -> Reply:
    """/tip: the next tip in the rotation."""
    key = next_general_tip(turn.who.person.last_tip)
    turn.who.person.last_tip = key
    return Reply(texts.TIP_LINE.format(tip=texts.TIPS[key]), personal=False)


def safety(turn: Turn, args: str) -> Reply:
    """/safety: the full checklist."""
    return Reply(texts.SAFETY, personal=False)


def myth(turn: Turn, args: str) -> Reply:
    """/myth: the 100-vs-1,000 steps saying, checked."""
    return Reply(texts.MYTH, personal=False)
