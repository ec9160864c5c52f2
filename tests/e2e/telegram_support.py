"""A running TelegramService on the fake Telegram Bot API, and helpers to read what users see."""

from __future__ import annotations

import contextlib
import socket
import sqlite3
import struct
import zlib
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.settings import Settings
from bot.telegram.service import TelegramService
from core.coach import AsyncCoach
from tests.fakes.telegram import Call, Chat, FakeTelegram, User
from tests.support import ManualClock

WEBHOOK_PATH = "telegram"


@dataclass
class World:
    """A fake Telegram with two people, their private chats and a group, and the coach's bot
    polling (or on a webhook)."""

    fake: FakeTelegram
    service: TelegramService
    coach: AsyncCoach
    db: Path
    clock: ManualClock
    ada: User  # a group admin
    ada_chat: Chat
    bob: User  # a plain group member
    bob_chat: Chat
    group: Chat

    async def say(self, user: User, chat: Chat, text: str) -> Call:
        """`user` writes `text` in `chat`; the bot's next message there."""
        self.fake.send_text(user, chat, text)
        return await self.fake.next_reply(chat)

    async def command(self, user: User, chat: Chat, name: str, args: str = "") -> Call:
        """`user` sends /name (as /name@RetroWalkBot in groups); the bot's next message there."""
        self.fake.send_command(user, chat, name, args)
        return await self.fake.next_reply(chat)

    async def press(self, user: User, chat: Chat, message: Call, data: str) -> Call:
        """`user` presses the button with `data` under `message`; the bot's next message."""
        self.fake.send_callback(user, chat, message, data)
        return await self.fake.next_reply(chat)


def tiny_png(width: int = 8, height: int = 8) -> bytes:
    """A valid RGB PNG image, as a user's photo."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    pixels = b"".join(b"\x00" + b"\x30\x90\x30" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(pixels))
            + chunk(b"IEND", b""))


def free_port() -> int:
    """An unused TCP port on 127.0.0.1."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def fake_settings(fake: FakeTelegram, **extra: Any) -> Settings:
    """Settings as RETROWALK_TELEGRAM_* would give them, ignoring any .env file."""
    return Settings(_env_file=None, telegram_api_url=fake.base_url,  # type: ignore[call-arg]
                    telegram_file_url=fake.base_file_url, **extra)


def webhook_settings(fake: FakeTelegram, secret: str | None = None) -> Settings:
    """Settings for webhook mode on a free local port."""
    port = free_port()
    return fake_settings(
        fake, telegram_webhook_url=f"http://127.0.0.1:{port}/{WEBHOOK_PATH}",
        telegram_webhook_listen="127.0.0.1", telegram_webhook_port=port,
        telegram_webhook_path=WEBHOOK_PATH, telegram_webhook_secret=secret)


@contextlib.asynccontextmanager
async def telegram_world(coach: AsyncCoach, db: Path, clock: ManualClock, *,
                         webhook: bool = False, start: bool = True,
                         **fake_options: Any) -> AsyncIterator[World]:
    """Start a fake Telegram and the service on it (unless the test starts it, e.g. with
    bot.app.running); stop both after."""
    async with FakeTelegram(**fake_options) as fake:
        ada, bob = fake.user("Ada", username="ada"), fake.user("Bob", last_name="Stone")
        group = fake.group_chat("Walkers", admins=[ada], members=[bob])
        settings = webhook_settings(fake) if webhook else fake_settings(fake)
        service = TelegramService(settings, fake.token, coach)
        if start:
            await service.start()
        world = World(fake, service, coach, db, clock, ada, fake.private_chat(ada), bob,
                      fake.private_chat(bob), group)
        try:
            yield world
        finally:
            await world.service.stop()


def rows(db: Path, table: str) -> list[dict[str, Any]]:
    """Rows of a table with column names, read with the plain sqlite3 module."""
    with contextlib.closing(sqlite3.connect(db)) as conn:
        conn.row_factory = sqlite3.Row
        return [dict(row) for row in conn.execute(f"SELECT * FROM {table} ORDER BY rowid")]


def data_of(call: Call) -> list[str]:
    """The callback data of the buttons under a sent message."""
    return [b["callback_data"] for b in call.buttons()]
