"""Updates from different chats run side by side; updates from one chat run in order."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor

# PTB's own semaphore is taken before an update waits for its chat's turn, so a burst from one
# chat could fill every slot and stall the others. It is set high; the real limit is applied
# once an update's turn has come.
QUEUED_LIMIT = 100_000


class PerChatOrder(BaseUpdateProcessor):
    """At most `running` updates at once, never two of the same chat at the same time."""

    def __init__(self, running: int) -> None:
        super().__init__(QUEUED_LIMIT)
        self.running = running
        self._slots = asyncio.Semaphore(running)
        self._locks: dict[int, asyncio.Lock] = {}
        self._waiting: dict[int, int] = {}

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        """Run the update once no earlier update of its chat is still running."""
        chat = update.effective_chat if isinstance(update, Update) else None
        if chat is None:
            async with self._slots:
                await coroutine
            return
        # Updates reach this point in the order they arrived; the lock queues them fairly.
        lock = self._locks.setdefault(chat.id, asyncio.Lock())
        self._waiting[chat.id] = self._waiting.get(chat.id, 0) + 1
        try:
            async with lock, self._slots:
                await coroutine
        finally:
            self._waiting[chat.id] -= 1
            if not self._waiting[chat.id]:  # nobody else queued: forget the lock
                del self._waiting[chat.id]
                del self._locks[chat.id]

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to release."""
