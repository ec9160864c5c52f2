"""Telegram adapter: python-telegram-bot 22 on the coaching core."""

import os

# PTB 22 warns about every RetryAfter (even those its own rate limiter handles) unless the
# time periods of its next major version, timedelta instead of int, are opted into. The adapter
# reads both kinds.
os.environ.setdefault("PTB_TIMEDELTA", "true")
