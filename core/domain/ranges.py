"""The ranges every platform shows and the core enforces, in one place."""

from __future__ import annotations

MAX_MINUTES = 300  # one walk
MAX_STEPS = 100_000  # one walk
MAX_PAIN = 10  # pain is rated 0 (none) to 10 (worst)
BACKDATE_DAYS = 7
MIN_GOAL, MAX_GOAL = 10, 2_100  # minutes a week
MAX_PAUSE_DAYS = 90
MAX_DAY_START = 12  # the latest hour a day may start
MAX_DAILY_GOAL = 120  # a group challenge's minutes a day
PERIODS = ("week", "month", "all")
