"""The core never asks the machine for the time: a clock is injected."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

Clock = Callable[[], datetime]


def system_clock() -> datetime:
    """The current instant in UTC."""
    return datetime.now(UTC)
