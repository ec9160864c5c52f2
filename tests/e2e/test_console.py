"""The `retrowalk` command as a person uses it: a scripted terminal conversation."""

from __future__ import annotations

import asyncio
import io
import os
import re
import subprocess
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from bot.app import run_console
from core.coach import AsyncCoach
from tests.support import ManualClock

RETROWALK = [sys.executable, "-m", "bot"]


def run(
    args: list[str], cwd: Path, stdin: str = "", **env: str
) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("RETROWALK_")}
    return subprocess.run(RETROWALK + args, input=stdin, capture_output=True, text=True,
                          cwd=cwd, env={**clean, **env}, timeout=60)


def test_the_scripted_conversation_from_the_readme(tmp_path: Path) -> None:
    result = run(["chat"], tmp_path, "/start\n/log 10 min park\n/streak\n")
    assert result.returncode == 0, result.stderr
    assert "Welcome to RetroWalk Coach!" in result.stdout
    assert "Recorded: 10 min of backward walking at the park, today." in result.stdout
    assert "Current streak: 1 day" in result.stdout
    assert (tmp_path / "retrowalk.db").exists()
    assert result.stderr == ""


def test_run_without_a_platform_token_opens_the_terminal_chat(tmp_path: Path) -> None:
    result = run(["run"], tmp_path, "/log 5 min\n")
    assert result.returncode == 0, result.stderr
    assert "Recorded: 5 min" in result.stdout


def test_charts_and_exports_are_written_as_files_and_their_paths_printed(tmp_path: Path) -> None:
    result = run(["chat", "--user", "ada"], tmp_path, "/log 10 min\n/progress\n/export\n",
                 RETROWALK_OUTPUT_DIR=str(tmp_path / "out"))
    paths = [Path(p) for p in re.findall(r"\[file\] (\S+)", result.stdout)]
    assert [p.suffix for p in paths] == [".png", ".csv", ".json"]
    assert paths[0].read_bytes().startswith(b"\x89PNG")
    assert paths[1].read_text().startswith("day,minutes,place")


def test_buttons_are_pressed_by_number(tmp_path: Path) -> None:
    result = run(["chat"], tmp_path, "/log 10 min\n#1\n/stats\n")
    assert "Removed your 10-minute walk from today" in result.stdout
    assert "No walks this week yet" in result.stdout


def test_bad_input_gets_a_short_answer_and_never_a_traceback(tmp_path: Path) -> None:
    lines = ["/log", "/log -5", "/log abc", "/timezone Mars/Base", "x" * 5000, "🙃" * 10]
    result = run(["chat"], tmp_path, "\n".join(lines) + "\n")
    assert result.returncode == 0
    assert "Traceback" not in result.stdout + result.stderr
    assert result.stdout.count("coach> ") == len(lines)


def test_db_upgrade_migrates_a_named_database(tmp_path: Path) -> None:
    target = tmp_path / "elsewhere" / "walks.db"
    target.parent.mkdir()
    result = run(["db", "upgrade", "--db", f"sqlite:///{target}"], tmp_path)
    assert result.returncode == 0, result.stderr
    assert target.exists()
    chat = run(["chat", "--db", f"sqlite:///{target}"], tmp_path, "/log 7 min\n")
    assert "Recorded: 7 min" in chat.stdout
    assert not (tmp_path / "retrowalk.db").exists()


@pytest.mark.parametrize("variable", ["RETROWALK_DATABASE_URL"])
def test_the_database_url_setting_is_honoured(tmp_path: Path, variable: str) -> None:
    target = tmp_path / "from-env.db"
    run(["chat"], tmp_path, "/log 9 min\n", **{variable: f"sqlite:///{target}"})
    assert target.exists()



async def test_the_terminal_chat_prints_a_reminder_when_it_is_due(
    coach: AsyncCoach, clock: ManualClock, tmp_path: Path
) -> None:
    """Once, the terminal chat said "I'll remind you at 08:26" and nothing ever came: it ran
    no scheduler. It runs the same scheduler and dispatcher as the platforms now."""
    reading, writing = os.pipe()
    out = io.StringIO()
    with os.fdopen(reading, "r") as source:
        chatting = asyncio.create_task(run_console(
            coach, "ada", tmp_path, source=source, out=out, tick=0.05, idle=0.05))
        os.write(writing, b"/remind 12:30\n")
        await wait_for(lambda: "remind you" in out.getvalue())
        clock.advance(minutes=30)  # 12:30: the scheduler queues it, the dispatcher prints it
        await wait_for(lambda: "Time for a backward walk?" in out.getvalue())
        os.write(writing, b"#2\n")  # its quick-log button
        await wait_for(lambda: "Recorded: 10 min" in out.getvalue())
        os.close(writing)
        await asyncio.wait_for(chatting, 10)
    assert out.getvalue().count("Time for a backward walk?") == 1


async def wait_for(condition: Callable[[], bool], seconds: float = 10) -> None:
    deadline = asyncio.get_running_loop().time() + seconds
    while not condition():
        assert asyncio.get_running_loop().time() < deadline, "it never happened"
        await asyncio.sleep(0.02)


def test_jobs_lists_upcoming_reminders_in_local_time_and_utc_and_the_queue(
    tmp_path: Path
) -> None:
    empty = run(["jobs"], tmp_path)
    assert empty.returncode == 0, empty.stderr
    assert "No reminders or daily posts are set." in empty.stdout
    assert "Delivery queue: empty" in empty.stdout
    run(["chat", "--user", "ada"], tmp_path, "/timezone Asia/Kolkata\n/remind 07:30\n")
    listed = run(["jobs", "--db", "retrowalk.db"], tmp_path)
    assert listed.returncode == 0, listed.stderr
    [line] = [line for line in listed.stdout.splitlines() if "reminder" in line]
    assert re.search(r"reminder\s+ada\s+\d{4}-\d\d-\d\d 07:30 Asia/Kolkata\s+"
                     r"\d{4}-\d\d-\d\d 02:00 UTC", line), line
    # The weekly summary comes on a Monday at the same local time.
    [weekly] = [line for line in listed.stdout.splitlines() if line.strip().startswith("weekly")]
    found = re.search(r"weekly\s+ada\s+(\d{4}-\d\d-\d\d) 07:30 Asia/Kolkata", weekly)
    assert found and date.fromisoformat(found.group(1)).weekday() == 0, weekly


def test_a_button_number_with_no_button_gets_a_plain_answer(tmp_path: Path) -> None:
    """Once, "#1" after a reply with no buttons got "I didn't catch a walk there"."""
    result = run(["chat"], tmp_path, "/tip\n#1\n")
    assert "There's no button #1 under my last message." in result.stdout
