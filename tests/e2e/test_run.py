"""`retrowalk run` as deployed: one process serving Telegram and Discord at once, pointed at the
fake servers through its settings, sharing one database, stopped by SIGTERM."""

from __future__ import annotations

import asyncio
import os
import signal
import sqlite3
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.fakes.discord import FakeDiscord
from tests.fakes.telegram import FakeTelegram

STARTUP = 30.0


@pytest.fixture
async def fakes() -> AsyncIterator[tuple[FakeTelegram, FakeDiscord]]:
    async with FakeTelegram() as telegram, FakeDiscord() as discord:
        yield telegram, discord


async def start_coach(
    tmp_path: Path, env: dict[str, str]
) -> asyncio.subprocess.Process:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("RETROWALK_")}
    return await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "run", cwd=tmp_path,
        env={**clean, "RETROWALK_LOG_LEVEL": "DEBUG", **env},
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)


async def stop_coach(process: asyncio.subprocess.Process) -> str:
    """SIGTERM, then everything it logged."""
    if process.returncode is None:
        process.send_signal(signal.SIGTERM)
    _, err = await asyncio.wait_for(process.communicate(), 30)
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
