"""The facade every adapter calls: one funnel for text, one for commands, one for buttons, and
the calls of the delivery queue."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable
from concurrent.futures import Executor, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar, cast

from core import answers, handlers, texts
from core.clock import Clock, system_clock
from core.delivery import Outgoing
from core.domain.parsing import clean_message, entry_from_fields, looks_like_walk, parse_log
from core.errors import BadInput, NothingToDo
from core.handlers import HANDLERS, NO_ARGUMENTS, Message, Turn
from core.identity import UserRef
from core.persistence.uow import UnitOfWork, UnitOfWorkFactory
from core.replies import Reply
from core.services import deliveries, people
from core.services.people import PENDING_FORGET, PENDING_SCREEN

T = TypeVar("T")
YES = frozenset({"yes", "y", "yeah", "yep", "ok", "confirm", "sure"})
NO = frozenset({"no", "n", "nope", "nah"})
_COMMAND = re.compile(r"^/([^\s@]+)(?:@\w*)?(?:\s+(.*))?$", re.DOTALL)


@dataclass(frozen=True)
class LogFields:
    """A walk given as typed options, as Discord's /log sends it."""

    minutes: float
    place: str | None = None
    when: str | None = None
    steps: int | None = None
    pain: float | None = None
    note: str = ""


class CoachService:
    """The coach as adapters call it: every call async, every answer a Reply or a CoachError.

    Each method names the synchronous `Coach` method that does the work; `_run` decides where
    that work runs (a worker thread here, or a process of its own: see bot/worker.py)."""

    async def _run(self, name: str, *args: Any) -> Any:
        raise NotImplementedError

    async def handle(self, message: Message) -> Reply:
        """Anything typed: a /command, an answer to a question, or a sentence about a walk."""
        return cast(Reply, await self._run("handle_now", message))

    async def command(self, message: Message, name: str, args: str = "") -> Reply:
        """A command whose name and arguments the platform already split out."""
        return cast(Reply, await self._run("command_now", message, name, args))

    async def log(self, message: Message, fields: LogFields) -> Reply:
        """/log with typed options."""
        return cast(Reply, await self._run("log_now", message, fields))

    async def press(self, message: Message, action: str) -> Reply:
        """A button pressed under an earlier reply."""
        return cast(Reply, await self._run("press_now", message, action))

    async def mark_unreachable(self, user: UserRef) -> None:
        """The platform refused to deliver to this user (blocked the bot, closed DMs)."""
        await self._run("mark_unreachable_now", user)

    async def plan_deliveries(self, platforms: list[str]) -> int:
        """Queue the reminders and challenge posts due now (the scheduler's job)."""
        return cast(int, await self._run("plan_deliveries_now", platforms))

    async def claim(self, platform: str, limit: int = 20) -> list[Outgoing]:
        """Due messages for a platform's dispatcher, leased to it."""
        return cast(list[Outgoing], await self._run("claim_now", platform, limit))

    async def delivered(self, delivery_id: int) -> None:
        """The platform accepted a queued message."""
        await self._run("delivered_now", delivery_id)

    async def retry_delivery(self, delivery_id: int, after: float, error: str) -> bool:
        """Try a queued message again later; False once it has been given up."""
        return cast(bool, await self._run("retry_delivery_now", delivery_id, after, error))

    async def undeliverable(self, delivery_id: int, error: str) -> None:
        """The platform refuses a queued message for good."""
        await self._run("undeliverable_now", delivery_id, error)

    def close(self) -> None:
        """Finish pending work and release the worker."""


class Coach(CoachService):
    """Platform-neutral coaching on a database: each `*_now` method is one request in one unit
    of work. The async methods run them on one worker thread, so an event loop never blocks and
    SQLite sees one writer at a time."""

    def __init__(
        self, uows: UnitOfWorkFactory, clock: Clock = system_clock, *,
        executor: Executor | None = None,
    ) -> None:
        self.uows = uows
        self.clock = clock
        self._executor = executor or ThreadPoolExecutor(1, thread_name_prefix="coach")

    async def _run(self, name: str, *args: Any) -> Any:
        work = getattr(self, name)
        return await asyncio.get_running_loop().run_in_executor(self._executor, work, *args)

    def close(self) -> None:
        """Finish pending work and stop the worker thread."""
        self._executor.shutdown(wait=True)

    # --- the work, on the caller's thread ---------------------------------------------------

    def handle_now(self, message: Message) -> Reply:
        """`handle`, synchronously."""
        text = clean_message(message.text)
        match = _COMMAND.match(text)
        if match:
            return self.command_now(message, match.group(1), match.group(2) or "")
        return self._transact(message, lambda turn: _plain(turn, text))

    def command_now(self, message: Message, name: str, args: str = "") -> Reply:
        """`command`, synchronously."""
        name = name.lower()
        handler = HANDLERS.get(name)
        if handler is None:
            raise BadInput(texts.UNKNOWN_COMMAND.format(name=name[:32]))
        args = clean_message(args)
        if args and name in NO_ARGUMENTS:
            raise BadInput(texts.EXTRA_ARGUMENTS.format(name=name))
        return self._transact(message, lambda turn: handler(turn, args))

    def log_now(self, message: Message, fields: LogFields) -> Reply:
        """`log`, synchronously."""
        def body(turn: Turn) -> Reply:
            entry = entry_from_fields(
                fields.minutes, turn.who.today, place=fields.place, when=fields.when,
                steps=fields.steps, pain=fields.pain, note=fields.note)
            return handlers.record(turn, entry)

        return self._transact(message, body)

    def press_now(self, message: Message, action: str) -> Reply:
        """`press`, synchronously."""
        return self._transact(message, lambda turn: _press(turn, action))

    def mark_unreachable_now(self, user: UserRef) -> None:
        """`mark_unreachable`, synchronously."""
        self._write(lambda uow, now: people.mark_unreachable(uow, user, now))

    def plan_deliveries_now(self, platforms: list[str]) -> int:
        """`plan_deliveries`, synchronously."""
        return self._write(lambda uow, now: deliveries.plan_reminders(uow, now, platforms)
                           + deliveries.plan_challenge_posts(uow, now, platforms))

    def claim_now(self, platform: str, limit: int = 20) -> list[Outgoing]:
        """`claim`, synchronously."""
        return self._write(lambda uow, now: deliveries.claim(uow, platform, now, limit))

    def delivered_now(self, delivery_id: int) -> None:
        """`delivered`, synchronously."""
        self._write(lambda uow, now: uow.deliveries.sent(delivery_id, now))

    def retry_delivery_now(self, delivery_id: int, after: float, error: str) -> bool:
        """`retry_delivery`, synchronously."""
        return self._write(lambda uow, now: deliveries.retry(uow, delivery_id, now, after, error))

    def undeliverable_now(self, delivery_id: int, error: str) -> None:
        """`undeliverable`, synchronously."""
        self._write(lambda uow, now: deliveries.undeliverable(uow, delivery_id, now, error))

    def _write(self, work: Callable[[UnitOfWork, datetime], T]) -> T:
        with self.uows() as uow:
            result = work(uow, self.clock())
            uow.commit()
        return result

    def _transact(self, message: Message, body: Callable[[Turn], Reply]) -> Reply:
        now = self.clock()
        with self.uows() as uow:
            turn = Turn(uow, now, people.identify(uow, message.user, now), message)
            reply = body(turn)
            uow.commit()
        if turn.forgotten:
            self.uows.compact()
        return reply


def _plain(turn: Turn, text: str) -> Reply:
    """A message that is not a command: an answer to an open question, or a walk."""
    word = text.strip().lower().strip(".!")
    question = people.pending(turn.who, turn.now)
    if question == PENDING_FORGET:
        people.settle_question(turn.who)
        return handlers.confirm_forget(turn) if word in YES else Reply(texts.FORGET_KEPT)
    if question == PENDING_SCREEN and (word in YES or word in NO):
        return handlers.answer_screen(turn, word in YES)
    if looks_like_walk(text):
        return handlers.record(turn, parse_log(text, turn.who.today))
    if question == PENDING_SCREEN:
        return Reply(texts.SCREEN_ANSWER, buttons=answers.screen_buttons())
    return Reply(texts.NOT_A_WALK)


def _press(turn: Turn, action: str) -> Reply:
    """Route a button's action string."""
    kind, _, value = action.partition(":")
    if kind == "log" and value.isdigit():
        return handlers.record(turn, parse_log(value, turn.who.today))
    if kind == "undo" and value.isdigit():
        return handlers.undo_walk(turn, int(value))
    if kind == "screen" and value in ("yes", "no"):
        return handlers.answer_screen(turn, value == "yes")
    if kind == "forget" and people.pending(turn.who, turn.now) == PENDING_FORGET:
        people.settle_question(turn.who)
        return handlers.confirm_forget(turn) if value == "yes" else Reply(texts.FORGET_KEPT)
    if kind == "forget" and value == "no":
        return Reply(texts.FORGET_KEPT)
    if kind == "join":
        return handlers.join(turn, "")
    raise NothingToDo(texts.BUTTON_UNKNOWN)
