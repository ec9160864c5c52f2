"""The terminal chat: the same coach, one message per line.

On a terminal it prompts; with piped input it answers each line and exits at end of input, so a
conversation can be scripted. Charts and exports are written as files and their paths printed.

With a group name the terminal plays a group chat: several people take turns at one keyboard
(`as bob: /join` for one line, `as bob` to switch), the starting user may be its admin, and the
group's daily post prints when it is due.
"""

from __future__ import annotations

import asyncio
import codecs
import io
import logging
import os
import re
import sys
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import TextIO

from core import texts
from core.api import CoachAPI, Message
from core.errors import CoachError
from core.identity import ChatKind, ChatRef, Platform, UserRef, private_chat
from core.replies import Attachment, Button, Reply
from core.texts import setup as group_texts

log = logging.getLogger(__name__)
PROMPT = "you> "
# In a group: "as bob: /join" speaks as bob for one line; "as bob" (or "/as bob") switches.
SPEAK_AS = re.compile(r"as\s+(?P<name>[^\s:]{1,32})\s*:\s*(?P<text>.*)", re.IGNORECASE | re.DOTALL)
SWITCH_TO = re.compile(r"/?as(?:\s+(?P<name>[^\s:]{1,32}))?", re.IGNORECASE)
CHUNK = 65_536
# Direction marks and isolates keep user text from reordering a reply on Telegram and Discord;
# a terminal shows them as stray characters (or obeys an override typed in a note), so they go.
DIRECTION_MARKS = dict.fromkeys(map(ord, "\u200e\u200f\u061c\u202a\u202b\u202c\u202d\u202e"
                                          "\u2066\u2067\u2068\u2069"))


class ConsoleChat:
    """One person chatting with the coach in a terminal."""

    def __init__(
        self, coach: CoachAPI, user_name: str, output_dir: Path,
        out: TextIO = sys.stdout, *, group: str | None = None, admin: bool = False,
    ) -> None:
        self.coach = coach
        self.user = UserRef(Platform.CONSOLE, user_name, user_name)
        self.output_dir = output_dir
        self.out = out
        self.buttons: list[Button] = []
        self.count = 0
        self.prompting = False
        # Playing a group: who speaks now, who has spoken (their reminders print here too), and
        # who is an admin (only the starting user, with --admin).
        self.group = ChatRef(Platform.CONSOLE, group, ChatKind.GROUP, group) if group else None
        self.speaker = self.user
        self.present = {user_name}
        self.admins = {user_name} if group and admin else set()

    async def say(self, line: str) -> None:
        """Send one line to the coach and print the answer; '#2' presses the second button. In
        a group, 'as bob: ...' speaks as bob and 'as bob' switches to bob."""
        line = line.strip()
        if not line:
            return
        speaker = self.speaker
        if self.group is not None:
            if (switch := SWITCH_TO.fullmatch(line)) is not None:
                self._switch(switch["name"])
                return
            if (once := SPEAK_AS.fullmatch(line)) is not None:
                speaker, line = self._person(once["name"]), once["text"].strip()
                if not line:
                    return
        self.count += 1
        self.present.add(speaker.external_id)
        message = Message(speaker, self.group or private_chat(speaker), line, key=None,
                          is_admin=speaker.external_id in self.admins)
        number = line[1:]
        if not (line.startswith("#") and number.isascii() and number.isdigit()):
            await self._answer(lambda: self.coach.handle(message), speaker)
        elif 0 < int(number) <= len(self.buttons):
            pressed = self.buttons[int(number) - 1]
            await self._answer(lambda: self.coach.press(message, pressed.action), speaker)
        else:
            self._print(texts.CONSOLE_NO_BUTTON.format(number=number))

    def _person(self, name: str) -> UserRef:
        return UserRef(Platform.CONSOLE, name, name)

    def _switch(self, name: str | None) -> None:
        """'as NAME': speak as NAME from now on."""
        if not name:
            self._print(group_texts.CONSOLE_AS_USAGE)
            return
        self.speaker = self._person(name)
        role = group_texts.CONSOLE_ROLE_ADMIN if name in self.admins else ""
        self._print(group_texts.CONSOLE_NOW_AS.format(name=name, role=role))

    def greet_group(self) -> None:
        """In a group: where the terminal is, who you are, and how friends take turns."""
        if self.group is None:
            return
        admin = self.user.external_id in self.admins
        self._print(group_texts.CONSOLE_GROUP_HINT.format(
            group=self.group.title, user=self.user.external_id,
            role=group_texts.CONSOLE_ROLE_ADMIN if admin else "",
            admin_hint=group_texts.CONSOLE_ADMIN_HINT if admin else ""))

    async def _answer(self, ask: Callable[[], Awaitable[Reply]], speaker: UserRef) -> None:
        """The console's one error hook: user errors as replies, anything else logged. Playing
        a group, a reply holding the speaker's own data says that only they would see it."""
        try:
            reply = await ask()
        except CoachError as error:
            self._print(str(error))
            return
        except Exception:
            log.exception("console message failed")
            self._print(texts.APOLOGY)
            return
        self.show(reply, only_to=speaker.external_id
                  if self.group is not None and reply.personal else None)

    def show(self, reply: Reply, only_to: str | None = None) -> None:
        """Print a reply: title, text, buttons to press with #N, and paths of files written
        (`only_to`: marked as for that person alone)."""
        parts = [group_texts.CONSOLE_ONLY_TO.format(name=only_to)] if only_to else []
        if reply.title:
            parts.append(reply.title)
        parts.append(reply.text)
        for attachment in ([reply.image] if reply.image else []) + list(reply.files):
            parts.append(f"[file] {self._save(attachment)}")
        self.buttons = list(reply.buttons)
        if self.buttons:
            labels = "  ".join(f"[#{n}] {b.label}" for n, b in enumerate(self.buttons, start=1))
            parts.append(labels)
        self._print("\n".join(parts))

    def _save(self, attachment: Attachment) -> Path:
        self.output_dir.mkdir(parents=True, exist_ok=True)
        stem, _, suffix = attachment.filename.rpartition(".")
        path = self.output_dir / f"{stem}-{self.count}.{suffix}"
        path.write_bytes(attachment.data)
        return path.resolve()

    def show_unasked(self, reply: Reply) -> None:
        """A message the coach sends on its own (a reminder): printed on its own line, and the
        prompt given again when someone is typing."""
        if self.prompting:
            print(file=self.out)
        self.show(reply)
        if self.prompting:
            self.prompt()

    def goodbye(self) -> None:
        """Leaving a terminal (Ctrl-C, Ctrl-D): say goodbye on a line of its own."""
        print(f"\ncoach> {texts.CONSOLE_GOODBYE}", file=self.out, flush=True)

    def prompt(self) -> None:
        """Invite the next line (in a group: who is speaking, where)."""
        prompt = PROMPT if self.group is None else \
            f"{self.speaker.external_id}@{self.group.title}> "
        print(prompt, end="", file=self.out, flush=True)

    def _print(self, text: str) -> None:
        print(f"coach> {text.translate(DIRECTION_MARKS)}\n", file=self.out, flush=True)


async def run_chat(chat: ConsoleChat, source: TextIO | None = sys.stdin) -> None:
    """Read lines until end of input; prompt when a person is typing at a terminal. Ctrl-C
    leaves at once, with a goodbye."""
    if source is None:  # started with stdin closed
        return
    if isinstance(chat.out, io.TextIOWrapper):
        chat.out.reconfigure(errors="replace")
    interactive = source.isatty()
    chat.prompting = interactive
    if interactive and chat.group is None:
        chat.show(Reply(texts.CONSOLE_HINT))
    chat.greet_group()
    try:
        async for line in read_lines(source, before=chat.prompt if interactive else None):
            await chat.say(line)
        if interactive:  # Ctrl-D: leave the prompt's line, as Ctrl-C does
            chat.goodbye()
    except asyncio.CancelledError:
        chat.goodbye()
        raise


async def read_lines(source: TextIO, before: Callable[[], None] | None = None
                     ) -> AsyncIterator[str]:
    """Lines as they arrive, without blocking the event loop (so Ctrl-C acts at once, not at
    the next Enter); bytes that are not UTF-8 become U+FFFD. `before` runs before each line."""
    try:
        fd = source.fileno()
    except (OSError, ValueError):  # not a real file: a StringIO in tests
        for line in source:
            yield line
        return
    decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
    pending = ""
    if before is not None:
        before()
    while True:
        chunk = await _read(fd)
        pending += decoder.decode(chunk, final=not chunk)
        *complete, pending = pending.split("\n")
        for line in complete:
            yield line
            if before is not None:
                before()
        if not chunk:
            if pending:
                yield pending
            return


async def _read(fd: int) -> bytes:
    """What is there to read on `fd` once it is ready; b"" at end of input."""
    loop = asyncio.get_running_loop()
    ready: asyncio.Future[None] = loop.create_future()

    def wake() -> None:
        if not ready.done():
            ready.set_result(None)

    try:
        loop.add_reader(fd, wake)
    except (OSError, ValueError, NotImplementedError):
        # A regular file (`< script.txt`) cannot be watched, and reading it never waits.
        return os.read(fd, CHUNK)
    try:
        await ready
    finally:
        loop.remove_reader(fd)
    return os.read(fd, CHUNK)
