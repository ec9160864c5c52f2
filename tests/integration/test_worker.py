"""The coach in a process of its own answers exactly as the coach in a thread does."""

from __future__ import annotations

import os
import signal
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.worker import CoachProcess, WorkerDied
from core.errors import BadInput, CoachError
from core.handlers import Message
from core.identity import Platform, UserRef, private_chat
from tests.support import sqlite_engine, walk_minutes

ADA = UserRef(Platform.TELEGRAM, "1", "Ada")


def said(text: str, key: str | None = None) -> Message:
    return Message(ADA, private_chat(ADA), text, key=key)


@pytest.fixture
def worker(db_path: Path) -> Iterator[CoachProcess]:
    sqlite_engine(db_path).dispose()  # migrated, as `retrowalk run` does before starting it
    coach = CoachProcess(f"sqlite:///{db_path}")
    coach.warm_up()
    yield coach
    coach.close()


async def test_replies_errors_and_charts_cross_the_process_boundary(
    worker: CoachProcess, db_path: Path
) -> None:
    reply = await worker.handle(said("/log 15 min park", key="telegram:1:1"))
    assert reply.text.startswith("Recorded: 15 min of backward walking at the park")
    assert reply.buttons[0].action.startswith("undo:")
    with pytest.raises(BadInput) as refused:
        await worker.handle(said("/log 900 min"))
    assert isinstance(refused.value, CoachError)
    assert "300 at most" in str(refused.value)
    chart = await worker.handle(said("/progress"))
    assert chart.image is not None and chart.image.data.startswith(b"\x89PNG")
    assert walk_minutes(db_path) == [15]


async def test_a_killed_worker_fails_one_request_and_the_next_one_gets_a_new_worker(
    worker: CoachProcess, db_path: Path
) -> None:
    await worker.handle(said("/log 5 min"))
    assert worker._process is not None and worker._process.pid is not None
    os.kill(worker._process.pid, signal.SIGKILL)
    with pytest.raises(WorkerDied):
        await worker.handle(said("/log 6 min"))
    reply = await worker.handle(said("/log 7 min"))
    assert reply.text.startswith("Recorded: 7 min")
    assert walk_minutes(db_path) == [5, 7]
