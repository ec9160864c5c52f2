"""The coach in a process of its own, so the event loop's process only talks to the platforms.

python-telegram-bot, discord.py and the coach's storage all want the one interpreter lock of a
process. With the coach in a second process each side gets a core: bench/telegram.py measures
the difference. Requests cross one pipe, read by the event loop itself (no helper threads to
contend for the lock), as pickled arguments and replies; a CoachError crosses as itself, so
adapters cannot tell the two apart. The child serves requests one at a time, in order.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
import multiprocessing
import pickle
from multiprocessing.connection import Connection
from typing import Any

from core.coach import Coach, CoachService
from core.persistence.engine import make_engine
from core.persistence.uow import UnitOfWorkFactory

log = logging.getLogger(__name__)
STOP_SECONDS = 10.0


class WorkerDied(RuntimeError):
    """The coach's process ended while a request was in flight (killed, out of memory)."""


def _serve(conn: Connection, database_url: str, log_level: str) -> None:
    """The child: one coach on the (already migrated) database, answering until told to stop."""
    logging.basicConfig(level=log_level.upper(),
                        format="%(asctime)s %(levelname)s %(name)s[worker]: %(message)s")
    coach = Coach(UnitOfWorkFactory(make_engine(database_url)))
    while True:
        try:
            request = conn.recv()
        except EOFError:  # the parent is gone
            return
        if request is None:
            return
        number, name, args = request
        try:
            answer: tuple[int, bool, Any] = (number, True, getattr(coach, name)(*args))
        except Exception as error:  # handed back to the caller, who decides what it means
            answer = (number, False, _portable(error))
        conn.send(answer)


def _portable(error: Exception) -> Exception:
    try:
        pickle.dumps(error)
    except Exception:
        log.exception("request failed with an error that cannot cross processes")
        return RuntimeError(repr(error))
    return error


class CoachProcess(CoachService):
    """The coach's requests served by a `Coach` in one child process."""

    def __init__(self, database_url: str, *, log_level: str = "WARNING") -> None:
        self._start_args = (database_url, log_level)
        self._numbers = itertools.count(1)
        self._waiting: dict[int, asyncio.Future[Any]] = {}
        self._process: multiprocessing.process.BaseProcess | None = None
        self._conn: Connection | None = None
        self._loop: asyncio.AbstractEventLoop | None = None

    def _start(self) -> Connection:
        # spawn, not fork: the parent runs threads and an event loop that a fork would copy.
        context = multiprocessing.get_context("spawn")
        ours, theirs = context.Pipe()
        self._process = context.Process(target=_serve, args=(theirs, *self._start_args),
                                        name="retrowalk-coach", daemon=True)
        self._process.start()
        theirs.close()
        self._conn = ours
        return ours

    def warm_up(self) -> None:
        """Start the child and wait until it answers (before any event loop runs)."""
        conn = self._conn or self._start()
        conn.send((0, "clock", ()))
        conn.recv()

    async def _run(self, name: str, *args: Any) -> Any:
        conn = self._conn or self._start()
        loop = asyncio.get_running_loop()
        if self._loop is not loop:
            self._listen(loop, conn)
        number = next(self._numbers)
        future: asyncio.Future[Any] = loop.create_future()
        self._waiting[number] = future
        try:
            conn.send((number, name, args))
        except OSError:  # the child is gone
            self._died()
        return await future

    def _listen(self, loop: asyncio.AbstractEventLoop, conn: Connection) -> None:
        if self._loop is not None and not self._loop.is_closed():
            self._loop.remove_reader(conn.fileno())
        loop.add_reader(conn.fileno(), self._read)
        self._loop = loop

    def _read(self) -> None:
        conn = self._conn
        assert conn is not None
        try:
            while conn.poll():
                number, ok, value = conn.recv()
                future = self._waiting.pop(number, None)
                if future is None or future.done():
                    continue
                if ok:
                    future.set_result(value)
                else:
                    future.set_exception(value)
        except (EOFError, OSError):
            self._died()

    def _died(self) -> None:
        """Fail what was in flight; the next request starts a new child."""
        log.error("the coach's process died; the next request starts a new one")
        if self._loop is not None and self._conn is not None and not self._loop.is_closed():
            self._loop.remove_reader(self._conn.fileno())
        if self._conn is not None:
            self._conn.close()
        self._conn, self._loop = None, None
        waiting, self._waiting = self._waiting, {}
        for future in waiting.values():
            if not future.done():
                future.set_exception(WorkerDied("the coach's process ended"))

    def close(self) -> None:
        """Let the child finish what it has and exit."""
        conn, process = self._conn, self._process
        if self._loop is not None and conn is not None and not self._loop.is_closed():
            self._loop.remove_reader(conn.fileno())
        if conn is not None:
            with contextlib.suppress(OSError):  # already gone
                conn.send(None)
            conn.close()
        if process is not None:
            process.join(STOP_SECONDS)
            if process.is_alive():
                process.kill()
        self._conn = self._process = self._loop = None
