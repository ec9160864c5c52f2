"""Processes of a cluster (`retrowalk run --role ...`) on one PostgreSQL and the fake Telegram, for
tests/e2e/test_cluster.py and bench/scale.py."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import time
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import Engine, text

from core.api import Message
from core.identity import ChatKind, ChatRef, Platform, UserRef, private_chat
from tests.fakes.telegram import Chat, FakeTelegram, User
from tests.support import ManualClock, make_coach

SENDER_LINE = "this worker is now the {platform} sender"


class Role:
    """`retrowalk run --role ROLE` in its own process group, its output read as it comes (a
    full pipe would stall it)."""

    def __init__(self, role: str, process: asyncio.subprocess.Process) -> None:
        self.role = role
        self.process = process
        self.output = bytearray()
        self.readers = [asyncio.create_task(self._read(stream))
                        for stream in (process.stdout, process.stderr) if stream is not None]

    @classmethod
    async def start(cls, role: str, cwd: Path, env: dict[str, str]) -> Role:
        """Start one process of `role`."""
        clean = {k: v for k, v in os.environ.items()
                 if not k.startswith("RETROWALK_") and k != "PTB_TIMEDELTA"}
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "run", "--role", role, cwd=cwd,
            env={**clean, "RETROWALK_LOG_LEVEL": "INFO", **env},
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
            start_new_session=True)
        return cls(role, process)

    async def _read(self, stream: asyncio.StreamReader) -> None:
        while chunk := await stream.read(65536):
            self.output.extend(chunk)

    @property
    def log(self) -> str:
        """Everything it wrote so far."""
        return self.output.decode(errors="replace")

    @property
    def sending(self) -> bool:
        """It took Telegram's sender lock."""
        return self.sending_for("telegram")

    def sending_for(self, platform: str) -> bool:
        """It took the platform's sender lock."""
        return SENDER_LINE.format(platform=platform) in self.log

    async def stop(self, sig: signal.Signals = signal.SIGTERM) -> str:
        """Signal its process group; everything it wrote."""
        if self.process.returncode is None:
            os.killpg(self.process.pid, sig)
        try:
            await asyncio.wait_for(self.process.wait(), 60)
            await asyncio.wait_for(asyncio.gather(*self.readers), 10)
        finally:
            if self.process.returncode is None:
                self.process.kill()
                await self.process.wait()
        return self.log


def role_env(url: str, telegram: FakeTelegram, plan_seconds: int = 1) -> dict[str, str]:
    """The settings every process of the cluster shares."""
    return {"RETROWALK_DATABASE_URL": url, "RETROWALK_TELEGRAM_TOKEN": telegram.token,
            "RETROWALK_TELEGRAM_API_URL": telegram.base_url,
            "RETROWALK_TELEGRAM_FILE_URL": telegram.base_file_url,
            "RETROWALK_PLAN_SECONDS": str(plan_seconds),
            # Several processes on one machine: no health port each (9464 would be taken).
            "RETROWALK_HEALTH_PORT": "0"}


def set_up_due(engine: Engine, walkers: list[User], groups: list[tuple[Chat, User]]) -> None:
    """Each Telegram walker asked a minute ago for a reminder at this minute, and each group's
    admin for its daily challenge post at this minute: all due now, none queued yet (the
    cluster's schedulers plan them)."""
    ask_due(engine, [UserRef(Platform.TELEGRAM, str(w.id), w.first_name) for w in walkers],
            [(ChatRef(Platform.TELEGRAM, str(g.id), ChatKind.GROUP, g.title or ""),
              UserRef(Platform.TELEGRAM, str(a.id), a.first_name)) for g, a in groups])


def ask_due(engine: Engine, walkers: list[UserRef],
            groups: list[tuple[ChatRef, UserRef]]) -> None:
    """Walkers (of any platform) with a reminder at this minute, and groups (chat, admin) with
    their daily post at this minute, asked for a minute ago."""
    now = datetime.now(UTC).replace(second=0, microsecond=0)
    coach = make_coach(engine, ManualClock(now - timedelta(minutes=1)))
    for user in walkers:
        coach.handle(Message(user, private_chat(user), f"/remind {now:%H:%M}"))
        # Reminders only: on a Monday the weekly summary would fall due at this minute too
        # (the bot runs on the real clock).
        coach.handle(Message(user, private_chat(user), "/summary off"))
    for chat, admin in groups:
        coach.handle(Message(admin, chat, f"/challenge_time {now:%H:%M}", is_admin=True))
        coach.handle(Message(admin, chat, "/challenge_timezone UTC", is_admin=True))


def sent_to(telegram: FakeTelegram, chats: set[int]) -> Counter[int]:
    """Messages the fake accepted, per chat, for these chats."""
    return Counter(int(c.chat_id) for c in telegram.calls_to("sendMessage")
                   if c.ok and isinstance(c.chat_id, int) and c.chat_id in chats)


def busiest_second(telegram: FakeTelegram) -> int:
    """The most messages the fake accepted in any one-second window."""
    times = sorted(c.at for c in telegram.calls_to("sendMessage") if c.ok)
    most, start = 0, 0
    for end, at in enumerate(times):
        while at - times[start] >= 1.0:
            start += 1
        most = max(most, end - start + 1)
    return most


def statuses(engine: Engine) -> dict[str, int]:
    """Deliveries per status."""
    with engine.connect() as connection:
        return {str(s): int(n) for s, n in connection.execute(
            text("SELECT status, count(*) FROM deliveries GROUP BY status"))}


def leased(engine: Engine) -> set[int]:
    """The recipient chats of deliveries leased to a sender (status `sending`)."""
    with engine.connect() as connection:
        return {int(r[0]) for r in connection.execute(text(
            "SELECT coalesce(a.external_id, c.external_id) FROM deliveries d "
            "LEFT JOIN accounts a ON a.id = d.account_id LEFT JOIN chats c ON c.id = d.chat_id "
            "WHERE d.status = 'sending'"))}


def let_leases_run_out(engine: Engine) -> int:
    """Simulate the 2-minute lease running out (the product has no setting to shorten it)."""
    with engine.begin() as connection:
        result = connection.execute(text(
            "UPDATE deliveries SET lease_until = '2000-01-01 00:00:00+00' "
            "WHERE status = 'sending'"))
        return int(result.rowcount)


async def until(check: Callable[[], bool], timeout: float, what: str) -> None:
    """Wait until `check()` holds."""
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, f"never happened: {what}"
        await asyncio.sleep(0.1)
