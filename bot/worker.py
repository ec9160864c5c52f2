"""The coach in a process of its own, so the event loop's process only talks to the platforms.

python-telegram-bot, discord.py and the coach's storage all want the one interpreter lock of a
process. With the coach in a second process each side gets a core: bench/telegram.py measures
the difference. Calls cross as pickled arguments and replies (small dataclasses; a chart is a
few tens of kilobytes); a CoachError crosses as itself, so adapters cannot tell the two apart.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any

from core.coach import Coach, CoachService
from core.persistence.engine import make_engine
from core.persistence.uow import UnitOfWorkFactory

log = logging.getLogger(__name__)
_coach: Coach | None = None


def _start(database_url: str, log_level: str) -> None:
    """In the child: log like the parent and open the (already migrated) database."""
    global _coach
    logging.basicConfig(level=log_level.upper(),
                        format="%(asctime)s %(levelname)s %(name)s[worker]: %(message)s")
    _coach = Coach(UnitOfWorkFactory(make_engine(database_url)))


def _ready() -> bool:
    """In the child: answers once the child has started."""
    return _coach is not None


def _work(name: str, args: tuple[Any, ...]) -> Any:
    """In the child: one request, on the child's coach."""
    assert _coach is not None
    return getattr(_coach, name)(*args)


class CoachProcess(CoachService):
    """The coach's requests served by a `Coach` in one child process (one writer, in order)."""

    def __init__(self, database_url: str, *, log_level: str = "WARNING") -> None:
        self._start_args = (database_url, log_level)
        self._pool = self._new_pool()

    def _new_pool(self) -> ProcessPoolExecutor:
        # spawn, not fork: the parent runs threads and an event loop that a fork would copy.
        context = multiprocessing.get_context("spawn")
        return ProcessPoolExecutor(1, mp_context=context, initializer=_start,
                                   initargs=self._start_args)

    async def _run(self, name: str, *args: Any) -> Any:
        loop = asyncio.get_running_loop()
        try:
            return await loop.run_in_executor(self._pool, _work, name, args)
        except BrokenProcessPool:
            # The child died (killed, out of memory): this request fails, the next gets a new one.
            log.error("the coach's process died; starting a new one")
            self._pool = self._new_pool()
            raise

    def warm_up(self) -> None:
        """Start the child now rather than on the first request."""
        self._pool.submit(_ready).result()

    def close(self) -> None:
        """Let the child finish what it has and exit."""
        self._pool.shutdown(wait=True)
