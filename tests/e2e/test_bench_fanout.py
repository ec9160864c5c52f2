"""bench/fanout.py's code at 5,000 people in the normal suite (the benchmark itself runs it at
100,000 and prints the figures; nothing here is timed): every due reminder and post is queued,
once for each person and group, and a tick with nothing due queues nothing."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PEOPLE, GROUPS = 5_000, 50


def test_the_planning_benchmark_queues_everyone_once_at_5000_people() -> None:
    run = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "fanout.py"), "--people", str(PEOPLE),
         "--groups", str(GROUPS), "--log-seconds", "1"],
        capture_output=True, text=True, timeout=300, cwd=ROOT)
    assert run.returncode == 0, run.stderr[-3000:]
    out = run.stdout
    assert re.search(rf"queueing all that is due: +{PEOPLE + GROUPS:,} messages", out), out
    assert re.search(rf"in the delivery queue: +{PEOPLE + GROUPS:,} rows, for {PEOPLE:,} people "
                     rf"and {GROUPS:,} groups", out), out
    assert "planning tick, nothing due:" in out and "/log p99 while planning:" in out
