"""`retrowalk run` as deployed: one process serving Telegram and Discord at once, pointed at the
fake servers through its settings, sharing one database, stopped by SIGTERM."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sqlite3
import sys
import time
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from core import texts
from core.api import Message
from core.identity import Platform, UserRef, private_chat
from tests.e2e.telegram_support import free_port
from tests.fakes.discord import FakeDiscord
from tests.fakes.telegram import Chat, FakeTelegram, User
from tests.support import ManualClock, make_coach, sqlite_engine

STARTUP = 30.0


@pytest.fixture
async def fakes() -> AsyncIterator[tuple[FakeTelegram, FakeDiscord]]:
    async with FakeTelegram() as telegram, FakeDiscord() as discord:
        yield telegram, discord


async def start_coach(
    tmp_path: Path, env: dict[str, str], *, own_group: bool = False
) -> asyncio.subprocess.Process:
    """`retrowalk run` in `tmp_path`; `own_group`: leading a process group of its own, as a
    service under systemd does."""
    clean = {k: v for k, v in os.environ.items()
             if not k.startswith("RETROWALK_") and k != "PTB_TIMEDELTA"}
    return await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "run", cwd=tmp_path,
        # A free health port rather than the default 9464, which another run on this machine
        # may hold.
        env={**clean, "RETROWALK_LOG_LEVEL": "DEBUG", "RETROWALK_HEALTH_PORT": str(free_port()),
             **env},
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
        start_new_session=own_group)


async def stop_coach(process: asyncio.subprocess.Process,
                     signal: signal.Signals | None = signal.SIGTERM) -> str:
    """Send `signal` (unless the caller already signalled), then everything it logged."""
    if process.returncode is None and signal is not None:
        process.send_signal(signal)
    _, err = await asyncio.wait_for(process.communicate(), 60)
    return err.decode()


def walks(db: Path) -> list[tuple[int, str]]:
    with sqlite3.connect(db) as conn:
        return conn.execute(
            "SELECT w.minutes, a.platform FROM walks w JOIN accounts a ON a.person_id = w.person_id"
            " ORDER BY w.id").fetchall()


async def test_one_process_serves_telegram_and_discord_and_stops_cleanly(
    tmp_path: Path, fakes: tuple[FakeTelegram, FakeDiscord]
) -> None:
    telegram, discord = fakes
    guild = discord.guild("Walkers")
    discord.text_channel(guild, "general")
    bea = discord.member(guild, discord.user("bea"))
    (tmp_path / "token").write_text(telegram.token + "\n")
    process = await start_coach(tmp_path, {
        "RETROWALK_TELEGRAM_TOKEN_FILE": str(tmp_path / "token"),
        "RETROWALK_TELEGRAM_API_URL": telegram.base_url,
        "RETROWALK_TELEGRAM_FILE_URL": telegram.base_file_url,
        "RETROWALK_DISCORD_TOKEN": discord.token,
        "RETROWALK_DISCORD_API_URL": discord.api_url,
        "RETROWALK_DISCORD_GATEWAY_URL": discord.gateway_url,
    })
    try:
        await telegram.wait_until_polling(timeout=STARTUP)
        await discord.wait_until_ready(timeout=STARTUP)
        ada = telegram.user("Ada", username="ada")
        chat = telegram.private_chat(ada)
        telegram.send_text(ada, chat, "/start")
        assert "Welcome to RetroWalk Coach" in (await telegram.next_reply(chat, 10)).text
        telegram.send_text(ada, chat, "/log 15 min park")
        logged = await telegram.next_reply(chat, 10)
        assert logged.text.startswith("Recorded: 15 min of backward walking at the park")
        telegram.send_text(ada, chat, "/log 5 min")
        extra = await telegram.next_reply(chat, 10)
        telegram.send_callback(ada, chat, extra, extra.buttons()[0]["callback_data"])
        assert "Removed your 5-minute walk" in (await telegram.next_reply(chat, 10)).text
        telegram.send_text(ada, chat, "/streak")
        assert "Current streak: 1 day" in (await telegram.next_reply(chat, 10)).text
        telegram.send_text(ada, chat, "/progress")
        photo = await telegram.next_reply(chat, 10)
        assert photo.method == "sendPhoto" and photo.files["photo"].data.startswith(b"\x89PNG")
        telegram.send_text(ada, chat, "/export")
        replies = [await telegram.next_reply(chat, 10) for _ in range(3)]
        assert [r.method for r in replies] == ["sendMessage", "sendDocument", "sendDocument"]
        assert [c["command"] for c in telegram.commands()][:3] == ["start", "help", "log"]

        interaction = await discord.slash(bea, "log", {"minutes": 20, "place": "track"})
        answer = await interaction.response()
        assert answer.ephemeral and "Recorded: 20 min of backward walking on the track" in (
            answer.content + "".join(str(e) for e in answer.embeds))
        assert walks(tmp_path / "retrowalk.db") == [(15, "telegram"), (20, "discord")]
    finally:
        log = await stop_coach(process)
    assert process.returncode == 0, log
    assert "Traceback" not in log
    assert telegram.token not in log and discord.token not in log
    assert telegram.token_leaks == [] and telegram.spec_violations() == []


async def test_sigterm_to_the_process_group_answers_everyone_and_repeats_nothing(
    tmp_path: Path
) -> None:
    """systemd stops a service by sending SIGTERM to every process of its group (Ctrl-C sends
    SIGINT the same way). Mid fan-out and mid burst of messages, the coach answers every
    message in hand, sends and records the reminder in hand, and exits 0; restarted, it sends
    the rest. Nobody gets an apology, nobody a reminder twice."""
    db = tmp_path / "retrowalk.db"
    async with FakeTelegram(send_latency=0.05) as telegram:
        walkers = [telegram.user(f"Walker{n}") for n in range(40)]
        chats = [telegram.private_chat(w) for w in walkers]
        # Others write meanwhile (a reminder for someone who has just walked is dropped).
        talkers = [telegram.user(f"Talker{n}") for n in range(20)]
        talks = [telegram.private_chat(t) for t in talkers]
        queue_reminders(db, walkers)
        env = {"RETROWALK_TELEGRAM_TOKEN": telegram.token,
               "RETROWALK_TELEGRAM_API_URL": telegram.base_url,
               "RETROWALK_TELEGRAM_FILE_URL": telegram.base_file_url}
        process = await start_coach(tmp_path, env, own_group=True)
        try:
            await telegram.wait_until_polling(timeout=STARTUP)
            for talker, chat in zip(talkers, talks, strict=True):
                telegram.send_text(talker, chat, "/log 15 min park")
            await until(lambda: len(reminders_received(telegram)) >= 5)
            os.killpg(process.pid, signal.SIGTERM)
            first_log = await stop_coach(process, signal=None)
        finally:
            if process.returncode is None:
                process.kill()
        assert process.returncode == 0, first_log
        assert "Traceback" not in first_log and " ERROR " not in first_log, first_log
        in_first_run = len(reminders_received(telegram))
        assert 5 <= in_first_run < len(walkers)  # stopped mid fan-out

        again = await start_coach(tmp_path, env, own_group=True)
        try:
            await until(lambda: len(reminders_received(telegram)) >= len(walkers), 60)
            await until(lambda: all(answers_to(telegram, c) for c in talks), 30)
            os.killpg(again.pid, signal.SIGTERM)
            second_log = await stop_coach(again, signal=None)
        finally:
            if again.returncode is None:
                again.kill()
        assert again.returncode == 0, second_log
    received = reminders_received(telegram)
    assert sorted(received) == sorted(c.id for c in chats)  # each exactly once
    for chat in talks:
        [answer] = answers_to(telegram, chat)
        assert answer.startswith("Recorded: 15 min")
    everything = [c.text or "" for c in telegram.recorder.calls if c.method == "sendMessage"]
    assert not [t for t in everything if t == texts.APOLOGY]
    with sqlite3.connect(db) as conn:
        statuses = dict(conn.execute("SELECT status, count(*) FROM deliveries GROUP BY status"))
    assert statuses == {"sent": len(walkers)}


def queue_reminders(db: Path, walkers: list[User]) -> None:
    """Each walker asked a minute ago for a reminder now; the planner has queued them all."""
    engine = sqlite_engine(db)
    now = datetime.now(UTC).replace(second=0, microsecond=0)
    clock = ManualClock(now - timedelta(minutes=1))
    coach = make_coach(engine, clock)
    for walker in walkers:
        user = UserRef(Platform.TELEGRAM, str(walker.id), walker.first_name)
        coach.handle(Message(user, private_chat(user), f"/remind {now:%H:%M}"))
        # Reminders only: on a Monday the weekly summary would fall due at this minute too
        # (the bot runs on the real clock).
        coach.handle(Message(user, private_chat(user), "/summary off"))
    clock.now = now
    assert coach.plan_deliveries() == len(walkers)
    engine.dispose()


def reminders_received(telegram: FakeTelegram) -> list[int | str | None]:
    """The chats that received a reminder, once per reminder."""
    return [c.chat_id for c in telegram.recorder.calls
            if c.method == "sendMessage" and c.ok and (c.text or "").startswith("Time for a")]


def answers_to(telegram: FakeTelegram, chat: Chat) -> list[str]:
    """What the bot answered in a chat, reminders left out."""
    return [c.text or "" for c in telegram.recorder.calls
            if c.method == "sendMessage" and c.ok and c.chat_id == chat.id
            and not (c.text or "").startswith("Time for a")]


async def until(check: Callable[[], bool], timeout: float = 30.0) -> None:
    """Wait until `check()` holds."""
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, "condition never held"
        await asyncio.sleep(0.02)


async def test_an_error_that_stops_the_bot_is_logged_and_exits_non_zero(tmp_path: Path) -> None:
    """Telegram unreachable at start: the bot stops with status 1 and says why in its log (one
    JSON record, token blanked), never silently with status 0."""
    token = "123456:unreachable-secret-token"
    process = await start_coach(tmp_path, {
        "RETROWALK_TELEGRAM_TOKEN": token,
        "RETROWALK_TELEGRAM_API_URL": f"http://127.0.0.1:{free_port()}/bot",
        "RETROWALK_LOG_FORMAT": "json"})
    log = await stop_coach(process, signal=None)
    assert process.returncode == 1, log
    assert token not in log
    records = [json.loads(line) for line in log.splitlines() if line.startswith("{")]
    stopped = [r for r in records if r["message"] == "stopped by an unexpected error"]
    assert len(stopped) == 1, log
    assert "NetworkError" in stopped[0]["exception"]
