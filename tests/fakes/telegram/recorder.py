"""The log of everything the bot asked the fake, and waiting on it from tests."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field

from .model import SEND_METHODS, Call, FloodEvent, WebhookDelivery

Predicate = Callable[[Call], bool]


@dataclass(slots=True)
class Recorder:
    """Calls in completion order, plus 429s given and webhook deliveries made."""

    calls: list[Call] = field(default_factory=list)
    floods: list[FloodEvent] = field(default_factory=list)
    deliveries: list[WebhookDelivery] = field(default_factory=list)
    token_leaks: list[Call] = field(default_factory=list)
    in_flight: dict[int, Call] = field(default_factory=dict)
    internal_errors: list[Exception] = field(default_factory=list)
    _reply_cursor: dict[int | str, int] = field(default_factory=dict)
    _event: asyncio.Event = field(default_factory=asyncio.Event)
    _waiting: int = 0

    def begin(self, call: Call) -> None:
        """A call arrived (it is logged when it finishes)."""
        self.in_flight[call.seq] = call
        self._wake()

    def abandon(self, call: Call) -> None:
        """The client went away before the answer (e.g. a cancelled long poll)."""
        self.in_flight.pop(call.seq, None)

    def add(self, call: Call) -> None:
        """Log a finished call and wake whoever waits on the log."""
        self.in_flight.pop(call.seq, None)
        self.calls.append(call)
        self._wake()

    def _wake(self) -> None:
        if self._waiting:
            self._event.set()
            self._event = asyncio.Event()

    async def wait_in_flight(self, method: str, timeout: float) -> Call:
        """A call of `method` that is being served right now (e.g. a parked long poll)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            for call in self.in_flight.values():
                if call.method == method:
                    return call
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise TimeoutError(f"no {method} in progress within {timeout}s")
            self._waiting += 1
            try:
                await asyncio.wait_for(self._event.wait(), remaining)
            except TimeoutError:
                pass
            finally:
                self._waiting -= 1

    def checkpoint(self) -> int:
        """The current log length, to wait only for calls made after this point."""
        return len(self.calls)

    async def wait_for(
        self, predicate: Predicate, timeout: float, since: int = 0, describe: str = ""
    ) -> Call:
        """The first call at index >= `since` matching `predicate`, waiting up to `timeout`."""
        return self.calls[await self._wait_index(predicate, timeout, since, describe)]

    async def _wait_index(
        self, predicate: Predicate, timeout: float, since: int, describe: str
    ) -> int:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        index = since
        while True:
            while index < len(self.calls):
                call = self.calls[index]
                index += 1
                if predicate(call):
                    return index - 1
            remaining = deadline - loop.time()
            if remaining <= 0:
                recent = "\n  ".join(repr(c) for c in self.calls[-10:]) or "(none)"
                raise TimeoutError(
                    f"no matching call {describe}within {timeout}s; last calls:\n  {recent}"
                )
            self._waiting += 1
            event = self._event
            try:
                await asyncio.wait_for(event.wait(), remaining)
            except TimeoutError:
                pass
            finally:
                self._waiting -= 1

    async def next_reply(self, chat_id: int, timeout: float) -> Call:
        """The next successful message-sending call to `chat_id` not returned before."""
        start = self._reply_cursor.get(chat_id, 0)

        def is_reply(call: Call) -> bool:
            return call.ok and call.method in SEND_METHODS and _same_chat(call, chat_id)

        index = await self._wait_index(is_reply, timeout, start, f"to chat {chat_id} ")
        self._reply_cursor[chat_id] = index + 1
        return self.calls[index]

    def skip_replies(self, chat_id: int) -> None:
        """Mark every reply so far to `chat_id` as seen by next_reply."""
        self._reply_cursor[chat_id] = len(self.calls)


def _same_chat(call: Call, chat_id: int) -> bool:
    message = call.message
    if message is not None:
        return bool(message.get("chat", {}).get("id") == chat_id)
    return call.chat_id == chat_id
