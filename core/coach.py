"""The coach: `Coach` does each request in one unit of work; `AsyncCoach` is how adapters call
it (the `CoachAPI`), on one worker thread of the bot's own process.
"""

from __future__ import annotations

import asyncio
import functools
import re
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from typing import ParamSpec, TypeVar

from core import command_table, texts
from core.api import LogFields, Message
from core.clock import Clock, system_clock
from core.conversation import HANDLERS, NO_ARGUMENTS, READ_ONLY, plain, press, scheduled, walks
from core.conversation.turn import Answer, Turn, finished
from core.delivery import Outgoing, Schedule
from core.domain.days import suggest_timezones
from core.domain.parsing import clean_message, entry_from_fields
from core.errors import BadInput
from core.identity import UserRef
from core.persistence.uow import UnitOfWork, UnitOfWorkFactory
from core.replies import Reply
from core.services import deliveries, people
from core.services.deliveries import Planned

P = ParamSpec("P")
T = TypeVar("T")
# A webhook update is remembered this long across replicas (Telegram stops redelivering well
# before).
KEEP_UPDATES = timedelta(days=1)
_COMMAND = re.compile(r"^/([^\s@]+)(?:@\w*)?(?:\s+(.*))?$", re.DOTALL)


class Coach:
    """Platform-neutral coaching on a database. Each public method is one request: it opens a
    unit of work, does the work, commits (or, raising a CoachError, keeps nothing)."""

    def __init__(self, uows: UnitOfWorkFactory, clock: Clock = system_clock) -> None:
        self.uows = uows
        self.clock = clock

    def handle(self, message: Message) -> Reply:
        """Anything typed: a /command, an answer to a question, or a sentence about a walk."""
        text = clean_message(message.text)
        match = _COMMAND.match(text)
        if match:
            return self.command(message, match.group(1), match.group(2) or "")
        return self._turn(message, lambda turn: plain(turn, text))

    def command(self, message: Message, name: str, args: str = "") -> Reply:
        """A command whose name and arguments the platform already split out."""
        name = name.lower()
        handler = HANDLERS.get(name)
        if handler is None:
            raise BadInput(command_table.unknown(name))
        args = clean_message(args)
        if args and name in NO_ARGUMENTS:
            raise BadInput(texts.EXTRA_ARGUMENTS.format(name=name))
        return self._turn(message, lambda turn: handler(turn, args), write=name not in READ_ONLY)

    def log(self, message: Message, fields: LogFields) -> Reply:
        """/log with typed options."""
        def body(turn: Turn) -> Reply:
            entry = entry_from_fields(
                fields.minutes, turn.who.today, place=fields.place, when=fields.when,
                steps=fields.steps, pain=fields.pain, note=fields.note)
            return walks.record(turn, entry)

        return self._turn(message, body)

    def press(self, message: Message, action: str) -> Reply:
        """A button pressed under an earlier reply."""
        return self._turn(message, lambda turn: press(turn, action))

    def mark_unreachable(self, user: UserRef) -> None:
        """The platform refused to deliver to this user (blocked the bot, closed DMs)."""
        self._write(lambda uow, now: people.mark_unreachable(uow, user, now))

    def plan_step(self, planner: int | None = None) -> Planned:
        """Queue one batch of the messages due now: of one planner (scheduled.PLANNERS), or
        of each."""
        return self._write(lambda uow, now: scheduled.plan(uow, now, planner))

    def plan_steps(self, planner: int, go_on: Callable[[], bool]) -> Planned:
        """Batches of one planner, each its own unit of work, while it has more and `go_on()`
        (asked between batches) holds; what they did together."""
        queued = 0
        while True:
            step = self.plan_step(planner)
            queued += step.queued
            if not (step.more and go_on()):
                return Planned(queued, step.more)

    def plan_deliveries(self) -> int:
        """Queue the messages due now, planner by planner, batch by batch; how many."""
        first = self.plan_step()  # one batch of each kind: a quiet tick is one unit of work
        queued = first.queued
        for planner in first.pending:  # then one kind at a time, while it has more
            queued += self.plan_steps(planner, lambda: True).queued
        return queued

    def claim(self, platform: str, limit: int = 20) -> list[Outgoing]:
        """Due messages for a platform's dispatcher, leased to it."""
        return self._write(lambda uow, now: scheduled.claim(uow, platform, now, limit))

    def delivered(self, sent: Outgoing, message_id: str | None = None) -> None:
        """The platform accepted a claimed message (as `message_id`, when it says)."""
        self._write(lambda uow, now: deliveries.delivered(uow, sent, now, message_id))

    def retry_delivery(self, failed: Outgoing, after: float, error: str) -> bool:
        """Try a claimed message again later; False once it has been given up."""
        return self._write(lambda uow, now: deliveries.retry(uow, failed, now, after, error))

    def undeliverable(self, refused: Outgoing, error: str) -> None:
        """The platform refuses a claimed message for good."""
        self._write(lambda uow, now: deliveries.undeliverable(uow, refused, now, error))

    def release(self, untried: list[Outgoing]) -> None:
        """Claimed messages that were not tried: queue them again."""
        self._write(lambda uow, now: deliveries.release(uow, untried))

    def schedule(self, limit: int = 20) -> Schedule:
        """The soonest reminders and daily posts, and the delivery queue's counts."""
        with self.uows(write=False) as uow:
            return deliveries.schedule_report(uow, limit)

    def purge_deliveries(self) -> int:
        """Delete finished deliveries older than two weeks (and updates seen over a day ago);
        how many deliveries."""
        def purge(uow: UnitOfWork, now: datetime) -> int:
            uow.updates.purge(now - KEEP_UPDATES)
            return deliveries.purge(uow, now)

        return self._write(purge)

    def fold_log(self) -> None:
        """Storage housekeeping: fold SQLite's write-ahead log into the database file, so that
        people's commits never have to (nothing on PostgreSQL)."""
        self.uows.fold_log()

    def first_sight(self, bot: str, update_id: int) -> bool:
        """True the first time any process of the coach takes this platform update."""
        return self._write(lambda uow, now: uow.updates.first_sight(bot, update_id, now))

    def _write(self, work: Callable[[UnitOfWork, datetime], T]) -> T:
        with self.uows() as uow:
            result = work(uow, self.clock())
            uow.commit()
        return result

    def _turn(self, message: Message, body: Callable[[Turn], Answer], *,
              write: bool = True) -> Reply:
        """One request of a person. A read runs in a read-only unit of work when the person is
        known and nothing about their account needs writing. A write acts on a keyed message
        once: a redelivered one changes nothing more."""
        now = self.clock()
        if not write and (answer := self._read(message, body, now)) is not None:
            return finished(answer)
        with self.uows() as uow:
            who = people.identify(uow, message.user, now)
            if write and message.key and not uow.people.first_time(message.key, who.person, now):
                return Reply(texts.ALREADY_HANDLED, personal=False)
            turn = Turn(uow, now, who, message)
            answer = body(turn)
            uow.commit()
        if turn.forgotten:
            self.uows.compact()
        return finished(answer)

    def _read(self, message: Message, body: Callable[[Turn], Answer],
              now: datetime) -> Answer | None:
        """The answer from a read-only unit of work; None when the request must write after all
        (a first contact, or an account to mark reachable again)."""
        with self.uows(write=False) as uow:
            who = people.find(uow, message.user, now)
            if who is None or not people.is_current(who, message.user):
                return None
            return body(Turn(uow, now, who, message))


# One planning call on the worker goes on for at most this long while nobody else waits.
PLAN_CALL_SECONDS = 1.0


class AsyncCoach:
    """The `CoachAPI` adapters call: each call runs `Coach`'s method of the same name on the
    coach's one worker thread, so the event loop never blocks and the database sees one writer
    from this process. At most `in_flight` calls wait or run at once (more wait their turn);
    one that takes longer than `timeout` seconds raises TimeoutError to its caller."""

    def __init__(self, coach: Coach, *, in_flight: int = 64, timeout: float = 20.0) -> None:
        self.coach = coach
        self.in_flight = in_flight
        self.timeout = timeout
        self._executor = ThreadPoolExecutor(1, thread_name_prefix="coach")
        self._slots: asyncio.Semaphore | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        # Calls handed to the worker (counted on the event loop) and started there (counted
        # on the worker): each counter has one writer, so no lock; the difference is how many
        # wait for the worker.
        self._handed = 0
        self._started = 0

    async def _call(self, work: Callable[P, T], /, *args: P.args, **kwargs: P.kwargs) -> T:
        loop = asyncio.get_running_loop()
        if self._slots is None or self._loop is not loop:
            # A semaphore belongs to one event loop; tests run several loops in turn.
            self._slots, self._loop = asyncio.Semaphore(self.in_flight), loop
        async with asyncio.timeout(self.timeout), self._slots:
            self._handed += 1
            return await loop.run_in_executor(
                self._executor, functools.partial(self._start, work, *args, **kwargs))

    def _start(self, work: Callable[P, T], /, *args: P.args, **kwargs: P.kwargs) -> T:
        self._started += 1
        return work(*args, **kwargs)

    async def handle(self, message: Message) -> Reply:
        """Anything typed: a /command, an answer to a question, or a sentence about a walk."""
        return await self._call(self.coach.handle, message)

    async def command(self, message: Message, name: str, args: str = "") -> Reply:
        """A command whose name and arguments the platform already split out."""
        return await self._call(self.coach.command, message, name, args)

    async def log(self, message: Message, fields: LogFields) -> Reply:
        """/log with typed options."""
        return await self._call(self.coach.log, message, fields)

    async def press(self, message: Message, action: str) -> Reply:
        """A button pressed under an earlier reply."""
        return await self._call(self.coach.press, message, action)

    async def mark_unreachable(self, user: UserRef) -> None:
        """The platform refused to deliver to this user (blocked the bot, closed DMs)."""
        await self._call(self.coach.mark_unreachable, user)

    async def plan_deliveries(self) -> int:
        """Queue the messages due now; how many were queued. The worker plans batch after
        batch while no other call waits for it, and hands over between batches when one does,
        so people's requests wait behind one batch at most (and a fan-out does not pay a trip
        through the event loop for each of its thousand batches)."""
        first = await self._call(self.coach.plan_step)  # a quiet tick is one unit of work
        queued = first.queued
        for planner in first.pending:  # then one kind at a time, while it has more
            more = True
            while more:
                until = time.monotonic() + PLAN_CALL_SECONDS
                step = await self._call(self.coach.plan_steps, planner,
                                        functools.partial(self._nobody_waiting, until))
                queued, more = queued + step.queued, step.more
        return queued

    def _nobody_waiting(self, until: float) -> bool:
        """On the worker: no other call has been handed to it and not yet started, and this
        call has not run until `until` (each call stays well inside the call timeout)."""
        return self._handed == self._started and time.monotonic() < until

    async def claim(self, platform: str, limit: int = 20) -> list[Outgoing]:
        """Due messages for a platform's dispatcher, leased to it."""
        return await self._call(self.coach.claim, platform, limit)

    async def delivered(self, sent: Outgoing, message_id: str | None = None) -> None:
        """The platform accepted a claimed message (as `message_id`, when it says)."""
        await self._call(self.coach.delivered, sent, message_id)

    async def retry_delivery(self, failed: Outgoing, after: float, error: str) -> bool:
        """Try a claimed message again later; False once it has been given up."""
        return await self._call(self.coach.retry_delivery, failed, after, error)

    async def undeliverable(self, refused: Outgoing, error: str) -> None:
        """The platform refuses a claimed message for good."""
        await self._call(self.coach.undeliverable, refused, error)

    async def release(self, untried: list[Outgoing]) -> None:
        """Claimed messages that were not tried (the sender is stopping): queue them again."""
        await self._call(self.coach.release, untried)

    async def schedule(self, limit: int = 20) -> Schedule:
        """The soonest reminders and daily posts, and the delivery queue's counts."""
        return await self._call(self.coach.schedule, limit)

    async def purge_deliveries(self) -> int:
        """Delete finished deliveries older than two weeks; how many."""
        return await self._call(self.coach.purge_deliveries)

    async def fold_log(self) -> None:
        """Storage housekeeping, on a thread of its own rather than the coach's worker, so
        people's requests do not wait for it (it blocks no writer)."""
        await asyncio.to_thread(self.coach.fold_log)

    async def first_sight(self, bot: str, update_id: int) -> bool:
        """True the first time any process of the coach takes this platform update."""
        return await self._call(self.coach.first_sight, bot, update_id)

    def timezones(self, typed: str) -> list[str]:
        """Time zone names matching what has been typed so far (for autocomplete)."""
        return suggest_timezones(typed)

    def close(self) -> None:
        """Finish the calls already running and stop the worker thread."""
        self._executor.shutdown(wait=True, cancel_futures=True)
