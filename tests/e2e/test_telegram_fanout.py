"""A reminder fan-out against a fake Telegram that enforces the real flood limits: paced, not
bursty, so no 429 at all; each reminder once; a person writing meanwhile is answered promptly.
(bench/fanout_telegram.py runs the same with 2,000 reminders and prints the rate.)"""

from __future__ import annotations

from pathlib import Path

import pytest

from core.coach import AsyncCoach
from tests.e2e.fanout_support import fan_out
from tests.support import ManualClock

pytestmark = pytest.mark.filterwarnings("error")
REMINDERS = 300


async def test_a_fan_out_gets_no_429_sends_each_reminder_once_and_replies_stay_prompt(
        coach: AsyncCoach, db_path: Path, clock: ManualClock) -> None:
    result = await fan_out(coach, db_path, clock, REMINDERS)
    assert result.floods == []
    assert result.undelivered == 0 and result.duplicates == 0
    assert len(result.sent) == REMINDERS
    assert result.reply_latencies and max(result.reply_latencies) < 2.0
