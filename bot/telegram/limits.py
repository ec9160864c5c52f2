"""Sending within Telegram's limits, and through short network trouble.

AIORateLimiter keeps to about 30 messages a second overall and 20 a minute per group, and waits
out a RetryAfter. On top of that, a request that never reached Telegram (connection refused or
reset, connect or pool timeout) or that Telegram failed on its side (5xx) is tried again after a
growing pause. A read timeout is not retried: the message may have been sent already.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine
from typing import Any

import httpx
from telegram.error import BadRequest, NetworkError, TimedOut
from telegram.ext import AIORateLimiter

log = logging.getLogger(__name__)
Result = bool | dict[str, Any] | list[dict[str, Any]]


def worth_retrying(error: NetworkError) -> bool:
    """True if repeating the request cannot send a message twice."""
    if isinstance(error, BadRequest):
        return False
    if isinstance(error, TimedOut):
        return isinstance(error.__cause__, httpx.ConnectTimeout | httpx.PoolTimeout)
    return True


class PatientLimiter(AIORateLimiter):
    """AIORateLimiter that also retries network failures with exponential backoff."""

    def __init__(self, *, max_retries: int = 3, network_retries: int = 3,
                 first_backoff: float = 0.5) -> None:
        super().__init__(max_retries=max_retries)
        self.network_retries = network_retries
        self.first_backoff = first_backoff

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, Result]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> Result:
        """Rate-limited, and repeated after a pause while the network fails."""
        for attempt in range(self.network_retries + 1):
            try:
                return await super().process_request(callback, args, kwargs, endpoint, data,
                                                     rate_limit_args)
            except NetworkError as error:
                if attempt == self.network_retries or not worth_retrying(error):
                    raise
                pause = self.first_backoff * 2**attempt
                log.warning("%s failed (%s); trying again in %.1f s", endpoint, error.message,
                            pause)
                await asyncio.sleep(pause)
        raise AssertionError("unreachable")  # the last attempt returns or raises
