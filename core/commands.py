"""The command set, the same on every platform; adapters register these names."""

from __future__ import annotations

from dataclasses import dataclass

from core import texts

GROUP_COMMANDS = frozenset(
    {"challenge", "join", "leave", "leaderboard", "challenge_time", "challenge_timezone",
     "challenge_goal", "challenge_channel"}
)
# Personal data: refused in groups with a pointer to the private chat.
PRIVATE_COMMANDS = frozenset({"export", "forget"})
ADMIN_COMMANDS = frozenset(
    {"challenge_time", "challenge_timezone", "challenge_goal", "challenge_channel"}
)


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


COMMANDS: tuple[Command, ...] = tuple(
    Command(name, usage, summary, example)
    for name, (usage, summary, example) in texts.COMMAND_HELP.items()
)
BY_NAME = {command.name: command for command in COMMANDS}
