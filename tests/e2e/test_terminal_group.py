"""`retrowalk chat --group NAME [--admin]`: the terminal plays a group chat, so a newcomer can try
the challenge and /setup with friends at one keyboard and no platform account."""

from __future__ import annotations

import asyncio
import io
import os
from pathlib import Path

from bot.app import run_console
from core.coach import AsyncCoach
from core.texts import setup as words
from tests.e2e.telegram_support import rows
from tests.e2e.test_console import run, wait_for
from tests.support import ManualClock


def test_an_admin_and_friends_try_setup_and_the_challenge_in_one_terminal(
        tmp_path: Path) -> None:
    lines = ["/setup", "#4", "as bob: /setup", "as bob: #1", "as bob", "/join", "/as ada",
             "/join", "/log 20 min", "as cy: /join", "/leaderboard"]
    result = run(["chat", "--user", "ada", "--group", "Walkers", "--admin"], tmp_path,
                 "\n".join(lines) + "\n")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "This terminal is the group Walkers, and you are ada, one of its admins." in out
    assert "Done: the daily post now comes at 12:00 (UTC)." in out
    assert out.count(words.ADMINS_ONLY) == 2  # bob's /setup, and bob pressing ada's panel
    assert "Now speaking as bob." in out and "Now speaking as ada, one of its admins." in out
    assert "bob joined the Walkers challenge" in out and "cy joined the Walkers challenge" in out
    assert "1. ada: 20 pts, 1 day" in out and "2. bob: 0 pts" in out
    (group,) = rows(tmp_path / "retrowalk.db", "chats")
    assert (group["title"], group["kind"], group["challenge_time"], group["challenge_on"]) == (
        "Walkers", "group", "12:00", 1)
    assert result.stderr == ""


def test_a_reply_with_the_speakers_own_data_is_marked_as_theirs_alone(tmp_path: Path) -> None:
    result = run(["chat", "--user", "ada", "--group", "Walkers"], tmp_path,
                 "/log 12 min park knee sore\n/challenge\nas bob: /streak\n")
    assert result.returncode == 0, result.stderr
    replies = result.stdout.split("coach> ")[2:]  # after the greeting
    mine, public, bobs = replies
    assert mine.startswith(words.CONSOLE_ONLY_TO.format(name="ada") + "\nRecorded: 12 min")
    assert "knee sore" in mine
    assert "[to " not in public and public.startswith("Today's walk challenge in Walkers")
    assert bobs.startswith(words.CONSOLE_ONLY_TO.format(name="bob") + "\nCurrent streak: 0")


def test_without_admin_the_user_is_a_plain_member_and_setup_is_refused(tmp_path: Path) -> None:
    result = run(["chat", "--user", "ada", "--group", "Walkers"], tmp_path,
                 "/setup\n/challenge_time 07:00\n/challenge\n")
    assert result.returncode == 0, result.stderr
    assert "one of its admins" not in result.stdout
    assert result.stdout.count(words.ADMINS_ONLY) == 1
    assert "Only group admins can change challenge settings." in result.stdout
    assert "Today's walk challenge in Walkers" in result.stdout


def test_admin_without_a_group_is_refused_with_a_usage_line(tmp_path: Path) -> None:
    result = run(["chat", "--admin"], tmp_path, "/start\n")
    assert result.returncode == 2
    assert "--admin needs --group NAME" in result.stderr
    assert result.stdout == ""


async def test_the_groups_daily_post_prints_in_the_terminal_when_it_is_due(
        coach: AsyncCoach, clock: ManualClock, tmp_path: Path) -> None:
    reading, writing = os.pipe()
    out = io.StringIO()
    with os.fdopen(reading, "r") as source:
        chatting = asyncio.create_task(run_console(
            coach, "ada", tmp_path, source=source, out=out, tick=0.05, idle=0.05,
            group="Walkers", admin=True))
        os.write(writing, b"/setup\n#8\n")  # Europe/Berlin: the post at 09:00 there
        await wait_for(lambda: "Time: 09:00 (Europe/Berlin)" in out.getvalue())
        os.write(writing, b"as bob: /remind 07:30\n")  # UTC: 08:30 in Berlin
        await wait_for(lambda: "remind you" in out.getvalue())
        clock.set_local("Europe/Berlin", 2026, 11, 25, 8, 59)
        await wait_for(lambda: "For bob:" in out.getvalue())  # bob has spoken here: his turn
        await asyncio.sleep(0.3)
        assert "Posted in Walkers:" not in out.getvalue()
        clock.set_local("Europe/Berlin", 2026, 11, 25, 9, 0)
        await wait_for(lambda: "Posted in Walkers:" in out.getvalue())
        os.close(writing)
        await asyncio.wait_for(chatting, 10)
    text = out.getvalue()
    assert text.count("Posted in Walkers:\nToday's walk challenge in Walkers") == 1
    assert text.index("For bob:") < text.index("Posted in Walkers:")
