"""Sending within Telegram's limits, evenly, with replies to people ahead of broadcasts.

Telegram allows about 30 messages a second overall (counted over a rolling second), about one a
second to a private chat (short bursts are tolerated) and 20 a minute to a group. python-telegram-
bot's stock AIORateLimiter cannot do what the coach needs, whatever its configuration:
`overall_max_rate=30` lets 30 requests through at once and then one every 1/30 s, so a fan-out
puts 31 into one rolling second and is answered 429 (`overall_max_rate=1` with
`overall_time_period=1/30` would space them, with no margin for jitter); a RetryAfter halts
*every* request, so one flooded broadcast stalls every user's reply; it has no limit per private
chat; and it cannot tell a broadcast from a reply. So `PatientLimiter` is its own, small:

* **A window no jitter can fool.** A send counts from its start until a second after its answer
  (Telegram received it somewhere in between), and at most `overall_max` (30) may count at once,
  so Telegram never sees 31 in a rolling second. Requests without a chat (getUpdates, getMe,
  menus) are not counted.
* **Broadcasts evenly paced, with room kept for replies.** Broadcasts (the requests made inside
  `broadcasting()`: the notifier that drains the delivery queue uses it) go one every 1/30 s,
  kept to a schedule (a late wake-up does not slow the pace). While people are being answered
  (a reply within the last `REPLY_RECENT` seconds) they leave `reply_reserve` (1) of the window
  free: one every 1/29 s, at most 29 counted.
* **Replies first.** A reply is not paced: it goes as soon as the window has room, which the
  reserve keeps during a fan-out, so a person's answer does not queue behind the broadcast; and
  no broadcast enters the window while a reply waits for it.
* **Per chat.** A group gets at most `group_max` messages in any `group_period` seconds (with a
  little margin), replies included: Telegram holds groups to that. To a private chat a broadcast
  goes at most `private_burst` at once and then one a second, counting the replies sent there;
  replies themselves are not held back per private chat (the person sets that pace, and a 429
  there would pause only that chat).
* **RetryAfter is scoped.** A 429 on a reply pauses only that chat; a 429 on a broadcast pauses
  that chat and all broadcasts, never replies. The request is tried again after the wait, at most
  `max_retries` times (`rate_limit_args` overrides it per call, as in AIORateLimiter), then the
  RetryAfter is raised.
* **Network trouble.** A request that never reached Telegram (connection refused or reset,
  connect or pool timeout) or that Telegram failed on its side (5xx) is tried again after a
  growing pause, taking a new slot. A read timeout is not retried: the message may have been sent.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import warnings
from collections import deque
from collections.abc import Callable, Coroutine, Iterator
from contextvars import ContextVar
from datetime import timedelta
from typing import Any

import httpx
from telegram.error import BadRequest, NetworkError, RetryAfter, TimedOut
from telegram.ext import BaseRateLimiter
from telegram.warnings import PTBDeprecationWarning

from bot import metrics

log = logging.getLogger(__name__)
Result = bool | dict[str, Any] | list[dict[str, Any]]
ChatKey = int | str

OVERALL_RATE = 30.0  # sends a second, all chats together...
OVERALL_MAX = 30  # ...and at most this many in any second as Telegram counts (its limit)
REPLY_RESERVE = 1  # of those, kept free of broadcasts for people's replies...
REPLY_RECENT = 60.0  # ...while someone was answered within this many seconds
PRIVATE_INTERVAL = 1.0  # seconds between messages to one private chat, after a burst
PRIVATE_BURST = 3  # Telegram tolerates short bursts to a private chat
READS = frozenset({"getChat", "getChatMember", "getChatAdministrators", "getChatMemberCount"})
GROUP_MAX = 20  # messages to one group...
GROUP_PERIOD = 60.0  # ...in any this many seconds
MARGIN = 0.25  # seconds added to per-chat waits, for jitter between here and Telegram
RETRY_MARGIN = 0.1  # added to a RetryAfter's wait
PRUNE_AT = 4096  # per-chat records kept before the idle ones are dropped

_broadcast: ContextVar[bool] = ContextVar("telegram_broadcast", default=False)


@contextlib.contextmanager
def broadcasting() -> Iterator[None]:
    """Requests made inside are broadcasts: paced behind replies, paused together on a 429."""
    token = _broadcast.set(True)
    try:
        yield
    finally:
        _broadcast.reset(token)


def worth_retrying(error: NetworkError) -> bool:
    """True if repeating the request cannot send a message twice."""
    if isinstance(error, BadRequest):
        return False
    if isinstance(error, TimedOut):
        return isinstance(error.__cause__, httpx.ConnectTimeout | httpx.PoolTimeout)
    return True


def chat_of(data: dict[str, Any]) -> ChatKey | None:
    """The chat a request is about: an int id, a @username, or None."""
    chat_id = data.get("chat_id")
    if chat_id is None:
        return None
    with contextlib.suppress(ValueError, TypeError):
        return int(chat_id)
    return str(chat_id)


def is_group(chat: ChatKey) -> bool:
    """Groups, supergroups and channels have negative ids (or a @username)."""
    return isinstance(chat, str) or chat < 0


class PatientLimiter(BaseRateLimiter[int]):
    """Paces sends evenly, replies before broadcasts, and waits out RetryAfter and short network
    trouble (see the module's docstring)."""

    def __init__(self, *, max_retries: int = 3, network_retries: int = 3,
                 first_backoff: float = 0.5, overall_rate: float = OVERALL_RATE,
                 overall_max: int = OVERALL_MAX, reply_reserve: int = REPLY_RESERVE,
                 private_interval: float = PRIVATE_INTERVAL, private_burst: int = PRIVATE_BURST,
                 group_max: int = GROUP_MAX, group_period: float = GROUP_PERIOD) -> None:
        self.max_retries = max_retries
        self.network_retries = network_retries
        self.first_backoff = first_backoff
        self.overall_rate = overall_rate
        self.reply_reserve = reply_reserve
        self.private_interval = private_interval
        self.private_burst = private_burst
        self.group_max = group_max
        self.group_period = group_period
        self._next_slot = 0.0  # loop time of the next broadcast's slot
        self.overall_max = overall_max
        self._last_reply = float("-inf")  # loop time a reply last entered the window
        self._in_flight = 0  # sends not yet answered
        self._ended: deque[float] = deque()  # when the sends answered in the last second were
        self._replies_waiting = 0
        self._broadcasts_paused_until = 0.0
        self._private: dict[ChatKey, float] = {}  # theoretical arrival time (GCRA)
        self._groups: dict[ChatKey, deque[float]] = {}  # send times in the last period
        self._paused: dict[ChatKey, float] = {}  # until a chat's RetryAfter ends

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to release."""

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, Result]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> Result:
        """Paced, retried after a RetryAfter, and repeated after a pause while the network
        fails."""
        # Reads about a chat (an admin check before a group setting) send nothing to it, so
        # they spend none of its 20 messages a minute.
        chat = None if endpoint in READS else chat_of(data)
        if chat is None:  # getUpdates, getMe, setMyCommands, answerCallbackQuery...
            return await self._with_network_retries(callback, args, kwargs, endpoint)
        broadcast = _broadcast.get()
        retries = rate_limit_args or self.max_retries
        for attempt in range(retries + 1):
            try:
                return await self._with_network_retries(callback, args, kwargs, endpoint, chat,
                                                        broadcast)
            except RetryAfter as error:
                metrics.RATE_LIMITED.labels("telegram").inc()
                wait = retry_seconds(error) + RETRY_MARGIN
                self._pause(chat, broadcast, wait)
                if attempt == retries:
                    log.warning("%s to %s: still flood-limited after %d retries", endpoint,
                                chat, retries)
                    raise
                log.info("%s to %s flood-limited; %s waits %.1f s", endpoint, chat,
                         "broadcasting" if broadcast else "this chat", wait)
        raise AssertionError("unreachable")  # the last attempt returns or raises

    async def _with_network_retries(
        self, callback: Callable[..., Coroutine[Any, Any, Result]], args: Any,
        kwargs: dict[str, Any], endpoint: str, chat: ChatKey | None = None,
        broadcast: bool = False,
    ) -> Result:
        for attempt in range(self.network_retries + 1):
            try:
                if chat is None:
                    return await callback(*args, **kwargs)
                await self._wait_turn(chat, broadcast)
                try:
                    return await callback(*args, **kwargs)
                finally:
                    self._in_flight -= 1
                    self._ended.append(asyncio.get_running_loop().time())
            except NetworkError as error:
                if attempt == self.network_retries or not worth_retrying(error):
                    raise
                pause = self.first_backoff * 2**attempt
                log.warning("%s failed (%s); trying again in %.1f s", endpoint, error.message,
                            pause)
                await asyncio.sleep(pause)
        raise AssertionError("unreachable")  # the last attempt returns or raises

    async def _wait_turn(self, chat: ChatKey, broadcast: bool) -> None:
        """Sleep until this chat may be sent to and an overall slot is ours."""
        loop = asyncio.get_running_loop()
        while True:  # a RetryAfter may come in while we sleep: look again
            now = loop.time()
            until = max(self._paused.get(chat, 0.0),
                        self._broadcasts_paused_until if broadcast else 0.0)
            if until <= now:
                break
            await asyncio.sleep(until - now)
        at = self._book_chat(chat, loop.time())
        if broadcast or is_group(chat):
            await _sleep_until(loop, at)
        most = self.overall_max
        if broadcast:
            now = loop.time()
            most = self._broadcast_share(now)
            interval = self.overall_max / (self.overall_rate * most)
            slot = max(self._next_slot, now)
            # Keep to the schedule: waking up a little late does not slow the pace.
            late = now - self._next_slot < interval
            self._next_slot = (self._next_slot if late else now) + interval
            await _sleep_until(loop, slot)
        # And never more than overall_max in any second as Telegram counts, whatever the jitter
        # on the way: Telegram received each earlier send between its start and its answer, so
        # one answered more than a second ago cannot share a second with this one; those not yet
        # answered, or answered within the second, might. (Replies are let in first, and have
        # room broadcasts leave them.)
        self._replies_waiting += not broadcast
        try:
            while True:
                now = loop.time()
                while self._ended and self._ended[0] <= now - 1.0:
                    self._ended.popleft()
                if self._in_flight + len(self._ended) < most and (
                        not broadcast or not self._replies_waiting):
                    self._in_flight += 1
                    if not broadcast:
                        self._last_reply = now
                    return
                await asyncio.sleep(max(self._ended[0] + 1.0 - now, 0.001) if self._ended
                                    else 1.0 / self.overall_rate)
        finally:
            self._replies_waiting -= not broadcast

    def _broadcast_share(self, now: float) -> int:
        """How much of the window broadcasts may fill: all of it, or, while people are being
        answered, all but the replies' reserve."""
        chatting = now - self._last_reply < REPLY_RECENT
        return self.overall_max - (self.reply_reserve if chatting else 0)

    def _book_chat(self, chat: ChatKey, now: float) -> float:
        """Book this chat's next send; the loop time it may go (a reply to a private chat goes
        at once all the same, and counts)."""
        if len(self._private) + len(self._groups) > PRUNE_AT:
            self._prune(now)
        if is_group(chat):
            sent = self._groups.setdefault(chat, deque())
            while sent and sent[0] <= now - self.group_period:
                sent.popleft()
            at = now
            if len(sent) >= self.group_max:
                at = sent[-self.group_max] + self.group_period + MARGIN
            sent.append(at)
            return at
        # GCRA: a token bucket of private_burst, refilled one every private_interval
        tolerance = (self.private_burst - 1) * self.private_interval
        tat = max(self._private.get(chat, now), now)
        self._private[chat] = tat + self.private_interval
        at = tat - tolerance
        return at + MARGIN if at > now else now

    def _pause(self, chat: ChatKey, broadcast: bool, wait: float) -> None:
        until = asyncio.get_running_loop().time() + wait
        self._paused[chat] = max(self._paused.get(chat, 0.0), until)
        if broadcast:
            self._broadcasts_paused_until = max(self._broadcasts_paused_until, until)

    def _prune(self, now: float) -> None:
        """Forget chats whose records no longer hold anything back."""
        self._private = {k: t for k, t in self._private.items() if t > now}
        self._groups = {k: d for k, d in self._groups.items()
                        if d and d[-1] > now - self.group_period}
        self._paused = {k: t for k, t in self._paused.items() if t > now}


async def _sleep_until(loop: asyncio.AbstractEventLoop, at: float) -> None:
    delay = at - loop.time()
    if delay > 0:
        await asyncio.sleep(delay)


def retry_seconds(error: RetryAfter) -> float:
    """How long Telegram asked to wait (an int today, a timedelta in PTB's next major)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        value = error.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)
