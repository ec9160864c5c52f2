"""Answering in time, and the one error hook every interaction ends in when something fails.

Discord forgets an interaction that is not acknowledged within 3 seconds. The coach usually
answers in milliseconds, so the answer itself is the acknowledgement; when it is slow (a busy
database, a chart) the interaction is deferred ("thinking...") and the answer follows.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable
from typing import Any, cast

import discord
from discord import app_commands

from bot.discord import render
from bot.discord.identity import user_ref
from core import texts
from core.api import CoachAPI
from core.errors import CoachError
from core.replies import Reply, refusal

log = logging.getLogger(__name__)
# Leaves a second of Discord's three for the deferral itself to travel.
ACK_WAIT = 2.0
CANNOT_MESSAGE_USER = 50007


async def acknowledged(interaction: discord.Interaction[Any], work: Awaitable[Reply], *,
                       public: bool, defer_now: bool = False) -> Reply:
    """The coach's reply, with the interaction deferred if the reply takes too long.

    `public` says whether the deferral placeholder is visible to the channel; it should match
    the reply the command usually gives. Errors from the coach propagate to the hook."""
    task = asyncio.ensure_future(work)
    if defer_now or not await _finishes(task, ACK_WAIT):
        try:
            await interaction.response.defer(ephemeral=not public, thinking=True)
        except BaseException:
            task.add_done_callback(_drop_result)  # the user can no longer be answered
            raise
        interaction.extras[render.DEFERRED_PUBLIC] = public
    return await task


async def _finishes(task: asyncio.Future[Reply], timeout: float) -> bool:
    done, _ = await asyncio.wait({task}, timeout=timeout)
    return bool(done)


def _drop_result(task: asyncio.Future[Reply]) -> None:
    if not task.cancelled() and task.exception() is not None:
        log.info("answer for an interaction that failed to defer: %r", task.exception())


async def on_tree_error(interaction: discord.Interaction[Any],
                        error: app_commands.AppCommandError) -> None:
    """CommandTree.on_error: unwrap what the command raised and hand it to `report`."""
    cause = error.original if isinstance(error, app_commands.CommandInvokeError) else error
    await report(interaction, cause)


async def report(interaction: discord.Interaction[Any], error: BaseException) -> None:
    """The one error hook: user errors become ephemeral replies, a user who refuses DMs is
    marked unreachable, anything else is logged and apologised for. Never silent."""
    if isinstance(error, CoachError):
        reply = refusal(str(error))
    elif isinstance(error, app_commands.NoPrivateMessage):
        reply = refusal(texts.GROUP_ONLY)
    elif isinstance(error, discord.Forbidden) and error.code == CANNOT_MESSAGE_USER:
        await coach_of(interaction).mark_unreachable(user_ref(interaction.user))
        log.info("user %s does not accept direct messages", interaction.user.id)
        return
    else:
        log.error("interaction %s (%s) failed", interaction.id, _name(interaction),
                  exc_info=error)
        reply = refusal(texts.APOLOGY)
    try:
        await render.respond(interaction, reply)
    except Exception:
        log.exception("could not send the error reply for interaction %s", interaction.id)


def track(interaction: discord.Interaction[Any]) -> bool:
    """Count the task answering this interaction as in flight until it ends, so a stopping bot
    answers it before it disconnects (see DiscordService.stop). Always True: it is used as an
    interaction check that lets everything through."""
    in_flight: set[asyncio.Task[Any]] | None = getattr(interaction.client, "in_flight", None)
    task = asyncio.current_task()
    if in_flight is not None and task is not None and task not in in_flight:
        in_flight.add(task)
        task.add_done_callback(in_flight.discard)
    return True


def coach_of(interaction: discord.Interaction[Any]) -> CoachAPI:
    """The coach the client carries (set by the service)."""
    coach = getattr(interaction.client, "coach", None)
    if coach is None:
        raise TypeError("the Discord client carries no coach")
    return cast(CoachAPI, coach)


def _name(interaction: discord.Interaction[Any]) -> str:
    if interaction.command is not None:
        return f"/{interaction.command.qualified_name}"
    data: dict[str, Any] = dict(interaction.data or {})
    return str(data.get("custom_id", "?"))
