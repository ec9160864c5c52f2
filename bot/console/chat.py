"""The terminal chat: the same coach, one message per line.

On a terminal it prompts; with piped input it answers each line and exits at end of input, so a
conversation can be scripted. Charts and exports are written as files and their paths printed.
"""

from __future__ import annotations

import asyncio
import logging
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TextIO

from core import texts
from core.api import CoachAPI, Message
from core.errors import CoachError
from core.identity import Platform, UserRef, private_chat
from core.replies import Attachment, Button, Reply

log = logging.getLogger(__name__)
PROMPT = "you> "


class ConsoleChat:
    """One person chatting with the coach in a terminal."""

    def __init__(
        self, coach: CoachAPI, user_name: str, output_dir: Path,
        out: TextIO = sys.stdout,
    ) -> None:
        self.coach = coach
        self.user = UserRef(Platform.CONSOLE, user_name, user_name)
        self.output_dir = output_dir
        self.out = out
        self.buttons: list[Button] = []
        self.count = 0

    async def say(self, line: str) -> None:
        """Send one line to the coach and print the answer; '#2' presses the second button."""
        line = line.strip()
        if not line:
            return
        self.count += 1
        message = Message(self.user, private_chat(self.user), line, key=None)
        pressed = self._button(line)
        if pressed is not None:
            await self._answer(lambda: self.coach.press(message, pressed.action))
        else:
            await self._answer(lambda: self.coach.handle(message))

    def _button(self, line: str) -> Button | None:
        number = line[1:]
        if line.startswith("#") and number.isascii() and number.isdigit() \
                and 0 < int(number) <= len(self.buttons):
            return self.buttons[int(number) - 1]
        return None

    async def _answer(self, ask: Callable[[], Awaitable[Reply]]) -> None:
        """The console's one error hook: user errors as replies, anything else logged."""
        try:
            reply = await ask()
        except CoachError as error:
            self._print(str(error))
            return
        except Exception:
            log.exception("console message failed")
            self._print(texts.APOLOGY)
            return
        self.show(reply)

    def show(self, reply: Reply) -> None:
        """Print a reply: title, text, buttons to press with #N, and paths of files written."""
        parts = [reply.title] if reply.title else []
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

    def _print(self, text: str) -> None:
        print(f"coach> {text}\n", file=self.out, flush=True)


async def run_chat(chat: ConsoleChat, source: TextIO = sys.stdin) -> None:
    """Read lines until end of input; prompt when a person is typing at a terminal."""
    loop = asyncio.get_running_loop()
    interactive = source.isatty()
    if interactive:
        chat.show(Reply(texts.CONSOLE_HINT))
    while True:
        if interactive:
            try:
                line = await loop.run_in_executor(None, input, PROMPT)
            except EOFError:
                break
        else:
            line = await loop.run_in_executor(None, source.readline)
            if not line:
                break
        await chat.say(line)
