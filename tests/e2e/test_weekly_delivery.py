"""The weekly summary delivered for real: through python-telegram-bot to the fake Bot API as a
photo with its caption, and in the terminal chat as a PNG written under the output folder; each
once, its chart drawn in the process pool the composition root owns."""

from __future__ import annotations

import asyncio
import io
import logging
import os
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.app import run_console, running
from core.coach import AsyncCoach
from tests.e2e.telegram_support import data_of, rows, telegram_world
from tests.support import ManualClock

pytestmark = pytest.mark.filterwarnings("error")  # a clean run warns about nothing
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
TICK = 1.0  # the planning job's period (APScheduler's misfire grace must be at least 1 s)
# Monday 30 November 2026, the first Monday after the suite's clock starts (Tuesday the 24th).
MONDAY = datetime(2026, 11, 30, 12, 5, tzinfo=UTC)


async def test_the_weekly_summary_arrives_once_on_telegram_as_a_photo_with_its_figures(
        coach: AsyncCoach, db_path: Path, clock: ManualClock,
        caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO)
    async with telegram_world(coach, db_path, clock, start=False) as world, \
            running(coach, [world.service], tick=TICK, idle=0.1):
        fake, chat = world.fake, world.ada_chat
        await world.say(world.ada, chat, "/log 15 min yesterday")
        await world.say(world.ada, chat, "/log 20 min park")
        await world.say(world.ada, chat, "/remind 12:05")
        clock.now = MONDAY
        first = await fake.next_reply(chat, timeout=60)
        second = await fake.next_reply(chat, timeout=60)
        summary = first if first.method == "sendPhoto" else second
        assert summary.method == "sendPhoto"
        assert summary.files["photo"].data.startswith(PNG_MAGIC)
        assert summary.files["photo"].filename == "retrowalk-weekly-1-20261130.png"
        assert summary.text is not None
        assert "Your week, Mon 23 Nov to Sun 29 Nov" in summary.text
        assert "35 minutes of backward walking in 2 walks, on 2 of 7 days." in summary.text
        assert data_of(summary)[-1] == "summary:off"
        await asyncio.sleep(3 * TICK)  # planning runs again, and again
        photos = [m for m in fake.sent_to(chat) if "photo" in m]
        assert len(photos) == 1
        statuses = {d["kind"]: d["status"] for d in rows(db_path, "deliveries")}
        assert statuses == {"weekly": "sent", "reminder": "sent"}
        off = await world.press(world.ada, chat, summary, "summary:off")
        assert off.text is not None and off.text.startswith("Done: no more weekly summaries")
    assert [p["summaries"] for p in rows(db_path, "people")] == [0]


async def test_the_terminal_chat_writes_the_summary_chart_and_prints_its_path(
    coach: AsyncCoach, clock: ManualClock, tmp_path: Path
) -> None:
    reading, writing = os.pipe()
    out = io.StringIO()
    with os.fdopen(reading, "r") as source:
        chatting = asyncio.create_task(run_console(
            coach, "ada", tmp_path, source=source, out=out, tick=0.05, idle=0.05))
        os.write(writing, b"/log 25 min\n/remind 12:05\n")
        await wait_for(lambda: "remind you" in out.getvalue())
        clock.now = MONDAY
        await wait_for(lambda: "Your week, Mon 23 Nov to Sun 29 Nov" in out.getvalue(), 60)
        await asyncio.sleep(0.5)  # planning runs again
        os.close(writing)
        await asyncio.wait_for(chatting, 30)
    printed = out.getvalue()
    assert printed.count("Your week, Mon 23 Nov to Sun 29 Nov") == 1
    assert "25 minutes of backward walking in 1 walk, on 1 of 7 days." in printed
    [path] = re.findall(r"\[file\] (\S+retrowalk-weekly-\S+\.png)", printed)
    assert Path(path).parent == tmp_path.resolve()
    assert Path(path).read_bytes().startswith(PNG_MAGIC)


async def wait_for(condition: object, seconds: float = 10) -> None:
    assert callable(condition)
    deadline = asyncio.get_running_loop().time() + seconds
    while not condition():
        assert asyncio.get_running_loop().time() < deadline, "it never happened"
        await asyncio.sleep(0.02)
