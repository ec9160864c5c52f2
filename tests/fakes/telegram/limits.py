"""Telegram's flood control, enforced when the fake runs with strict_limits=True.

Telegram documents roughly: no more than one message per second to a private chat (short bursts
are tolerated), 20 messages per minute to a group, and about 30 messages per second overall. A
chat that got a 429 keeps answering 429 until its retry_after has passed.
"""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass, field

from .model import SEND_METHODS, Chat


@dataclass(frozen=True, slots=True)
class Limits:
    """Thresholds for strict mode; the defaults follow Telegram's published guidance."""

    global_per_second: int = 30
    private_per_second: float = 1.0
    private_burst: int = 4
    group_per_minute: int = 20


@dataclass(slots=True)
class _Bucket:
    tokens: float
    stamp: float


@dataclass(slots=True)
class Throttle:
    """Counts sends and answers the retry_after to give, if any."""

    limits: Limits = field(default_factory=Limits)
    _global: deque[float] = field(default_factory=deque)
    _groups: dict[int, deque[float]] = field(default_factory=dict)
    _private: dict[int, _Bucket] = field(default_factory=dict)
    _banned_until: dict[int | None, float] = field(default_factory=dict)

    def penalty(self, chat_id: int | None, now: float) -> int | None:
        """Seconds left on an earlier 429 for this chat (or the whole bot), if still running."""
        for key in (None, chat_id):
            until = self._banned_until.get(key)
            if until is not None and until > now:
                return max(1, math.ceil(until - now))
        return None

    def ban(self, chat_id: int | None, retry_after: int, now: float) -> None:
        """Remember a 429 so that calls before retry_after get another 429."""
        self._banned_until[chat_id] = max(self._banned_until.get(chat_id, 0.0), now + retry_after)

    def check(self, method: str, chat: Chat | None, now: float) -> int | None:
        """Count a call; a retry_after in seconds if it exceeds a limit (then it is not counted)."""
        if method not in SEND_METHODS:
            return None
        limits = self.limits
        window = self._global
        while window and window[0] <= now - 1.0:
            window.popleft()
        if len(window) >= limits.global_per_second:
            return max(1, math.ceil(window[0] + 1.0 - now))
        if chat is not None and chat.is_private:
            bucket = self._private.get(chat.id)
            if bucket is None:
                bucket = self._private[chat.id] = _Bucket(float(limits.private_burst), now)
            bucket.tokens = min(
                float(limits.private_burst),
                bucket.tokens + (now - bucket.stamp) * limits.private_per_second,
            )
            bucket.stamp = now
            if bucket.tokens < 1.0:
                return max(1, math.ceil((1.0 - bucket.tokens) / limits.private_per_second))
            bucket.tokens -= 1.0
        elif chat is not None:
            group = self._groups.setdefault(chat.id, deque())
            while group and group[0] <= now - 60.0:
                group.popleft()
            if len(group) >= limits.group_per_minute:
                return max(1, math.ceil(group[0] + 60.0 - now))
            group.append(now)
        window.append(now)
        return None
