"""The command table: every command, the same on every platform, with its usage, summary,
example and the ranges and choices of its options. Adapters register menus and typed options
from it."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from core import texts
from core.domain.parsing import PLACES
from core.domain.ranges import (
    MAX_DAILY_GOAL,
    MAX_DAY_START,
    MAX_GOAL,
    MAX_MINUTES,
    MAX_PAIN,
    MAX_PAUSE_DAYS,
    MAX_STEPS,
    MIN_GOAL,
    PERIODS,
)
from core.texts import challenges as challenge_texts
from core.texts import linking as linking_texts
from core.texts import setup as setup_texts
from core.texts import summaries as summary_texts

__all__ = [
    "ADMIN_COMMANDS", "BY_NAME", "COMMANDS", "GROUP_COMMANDS", "MAX_DAILY_GOAL", "MAX_DAY_START",
    "MAX_GOAL", "MAX_MINUTES", "MAX_PAIN", "MAX_PAUSE_DAYS", "MAX_STEPS", "MIN_GOAL",
    "OPTION_HELP", "PERIODS", "PLACES", "PRIVATE_COMMANDS",
    "PRIVATE_REFUSALS", "Command", "find", "unknown",
]
OPTION_HELP = {**texts.OPTION_HELP, **linking_texts.OPTION_HELP, **summary_texts.OPTION_HELP,
               **challenge_texts.OPTION_HELP}

GROUP_COMMANDS = frozenset(
    {"challenge", "join", "leave", "leaderboard", "challenge_time", "challenge_timezone",
     "challenge_goal", "challenge_channel", "setup", "challenges", "newchallenge",
     "endchallenge", "cancelchallenge"}
)
# Personal data: refused in groups with a pointer to the private chat.
PRIVATE_COMMANDS = frozenset({"export", "forget", "link", "unlink"})
ADMIN_COMMANDS = frozenset(
    {"challenge_time", "challenge_timezone", "challenge_goal", "challenge_channel", "setup",
     "newchallenge", "endchallenge", "cancelchallenge"}
)
# Admin commands whose refusal is told to the sender alone (on Telegram, by direct message
# when the bot may write to them), so a group is not told who tried.
PRIVATE_REFUSALS = frozenset({"setup"})


@dataclass(frozen=True)
class Command:
    """A command's name, its arguments, what it does and an example."""

    name: str
    usage: str
    summary: str
    example: str

    @property
    def in_groups_only(self) -> bool:
        """Challenge commands live in groups and servers."""
        return self.name in GROUP_COMMANDS

    @property
    def in_private_only(self) -> bool:
        """Exports and deletion happen in a private chat only."""
        return self.name in PRIVATE_COMMANDS

    @property
    def admin_only(self) -> bool:
        """Changing group settings needs group admin rights."""
        return self.name in ADMIN_COMMANDS




def _help() -> dict[str, tuple[str, str, str]]:
    """Every command's help in menu order: each feature's own commands after the one they
    follow (/summary after /remind)."""
    merged: dict[str, tuple[str, str, str]] = {}
    for name, entry in texts.COMMAND_HELP.items():
        merged[name] = entry
        if name == "remind":
            merged.update(summary_texts.COMMAND_HELP)
    return {**merged, **challenge_texts.COMMAND_HELP, **setup_texts.COMMAND_HELP,
            **linking_texts.COMMAND_HELP}


COMMANDS: tuple[Command, ...] = tuple(
    Command(name, usage, summary, example) for name, (usage, summary, example) in _help().items()
)
BY_NAME = {command.name: command for command in COMMANDS}

# What someone may type after /help: "log", "/log", "/log@SomeBot".
_NAMED = re.compile(r"/?([^\s@/]+)(?:@\w*)?")


def find(typed: str) -> Command | None:
    """The command named in `typed` ('log', '/log', '/LOG@SomeBot'), if there is one."""
    match = _NAMED.fullmatch(typed.strip())
    return BY_NAME.get(match.group(1).lower()) if match else None


def unknown(typed: str) -> str:
    """What to say about a command that does not exist: the closest one with its example, or
    a pointer to /help."""
    match = _NAMED.fullmatch(typed.strip())
    name = (match.group(1) if match else typed.strip()).lower()[:32]
    close = difflib.get_close_matches(name, list(BY_NAME), n=1, cutoff=0.6)
    if not close:
        return texts.UNKNOWN_COMMAND.format(name=name)
    command = BY_NAME[close[0]]
    return texts.UNKNOWN_COMMAND_CLOSE.format(name=name, command=command.name,
                                              example=command.example)
