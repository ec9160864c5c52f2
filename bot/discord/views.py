"""Buttons under the coach's replies, alive across restarts.

Each kind of button is a DynamicItem with a fixed custom_id template ("rw:" + the core's action),
registered once at start: a click on a message sent by an earlier process is routed by its
custom_id alone, with no view object kept in memory and no timeout.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable
from typing import Any, ClassVar, Self

import discord

from bot.discord import hooks, render
from bot.discord.identity import message_of
from core.replies import Button, Reply, on_panel, spent_when_pressed

log = logging.getLogger(__name__)
PREFIX = "rw:"


class Buttons(discord.ui.View):
    """The buttons of one reply; clicks reach the DynamicItem classes, never this object."""

    def __init__(self) -> None:
        super().__init__(timeout=None)

    @property
    def timeout(self) -> float | None:
        """Always None: these buttons never expire."""
        return None

    @timeout.setter
    def timeout(self, value: float | None) -> None:
        """Ignored. discord.py gives a view on an ephemeral message a 15-minute timeout, and its
        expiry unregisters the view's DynamicItem templates: every button of that kind, on every
        message, would stop answering until a restart."""


class CoachButton(discord.ui.DynamicItem[discord.ui.Button[discord.ui.View]],
                  template=r"(?!)"):
    """A button whose click the coach answers; subclasses give the template (this one matches
    nothing and is never registered)."""

    public: ClassVar[bool] = False
    button_style: ClassVar[discord.ButtonStyle] = discord.ButtonStyle.secondary

    def __init__(self, action: str, label: str = "", row: int | None = None) -> None:
        button: discord.ui.Button[discord.ui.View] = discord.ui.Button(
            label=label or action, custom_id=PREFIX + action, style=self.style_for(action))
        super().__init__(button, row=row)
        self.action = action

    @classmethod
    def style_for(cls, action: str) -> discord.ButtonStyle:
        """How the button looks."""
        return cls.button_style

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction[Any],
                             item: discord.ui.Item[Any], match: re.Match[str], /) -> Self:
        """Rebuild the clicked button from its custom_id (the label comes from the message)."""
        label = item.label if isinstance(item, discord.ui.Button) else None
        return cls(match.string.removeprefix(PREFIX), label or "")

    async def interaction_check(self, interaction: discord.Interaction[Any]) -> bool:
        """Every click is let through, and counted in flight until answered."""
        return hooks.track(interaction)

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        """A click: answered by the coach; failures go to the one error hook."""
        try:
            await press(interaction, self)
        except Exception as error:  # discord.py would only log it: the user must hear back
            await hooks.report(interaction, error)


class QuickLog(CoachButton, template=r"rw:log:(?P<minutes>\d+)"):
    """Log a short walk in one tap."""

    button_style = discord.ButtonStyle.success


class LogAnswer(CoachButton, template=r"rw:log:(?:(?P<minutes>\d+):(?P<day>\d{8})|no)"):
    """Yes or No under a guessed walk."""

    @classmethod
    def style_for(cls, action: str) -> discord.ButtonStyle:
        """Yes logs the walk."""
        return cls.button_style if action.endswith(":no") else discord.ButtonStyle.success


class Undo(CoachButton, template=r"rw:undo:(?P<walk>\d+)"):
    """Remove the walk just logged."""


class Forget(CoachButton, template=r"rw:forget:(?P<answer>yes|no)"):
    """Confirm or cancel /forget."""

    @classmethod
    def style_for(cls, action: str) -> discord.ButtonStyle:
        """The deleting answer is red."""
        return discord.ButtonStyle.danger if action.endswith("yes") else cls.button_style


class LinkAnswer(CoachButton, template=r"rw:link:(?P<answer>yes|no)"):
    """Join two linked accounts' histories, or not."""

    @classmethod
    def style_for(cls, action: str) -> discord.ButtonStyle:
        """Joining is the primary answer."""
        return discord.ButtonStyle.primary if action.endswith("yes") else cls.button_style


class Screen(CoachButton, template=r"rw:screen:(?P<answer>yes|no)"):
    """Answer the safety question."""

    button_style = discord.ButtonStyle.primary


class Join(CoachButton, template=r"rw:join(?::(?P<challenge>\d+))?"):
    """Join the server's challenge (or the one numbered); everyone may press it, so it stays."""

    public = True
    button_style = discord.ButtonStyle.primary


class Later(CoachButton, template=r"rw:later"):
    """Remind me once more, two hours on (under a reminder)."""


class NoNudges(CoachButton, template=r"rw:nudges:off"):
    """No more "streak at risk" nudges."""


class Panel(CoachButton, template=r"rw:setup:[A-Za-z0-9_:+\-/]{1,60}"):
    """A button of the admins' /setup panel: the core checks Manage Server on every click."""

    public = True

    @classmethod
    def style_for(cls, action: str) -> discord.ButtonStyle:
        """On/off stands out."""
        return discord.ButtonStyle.primary if action in ("setup:on", "setup:off") \
            else cls.button_style


ITEMS: tuple[type[CoachButton], ...] = (
    QuickLog, LogAnswer, Undo, Forget, LinkAnswer, Screen, Join, Later, NoNudges, Panel)


def item_for(button: Button, row: int | None = None) -> CoachButton:
    """The Discord button for one of the core's buttons."""
    custom_id = PREFIX + button.action
    for kind in ITEMS:
        if kind.__discord_ui_compiled_template__.fullmatch(custom_id):
            return kind(button.action, button.label, row)
    raise ValueError(f"no Discord button for the action {button.action!r}")


def view_for(reply: Reply) -> Buttons | None:
    """The reply's buttons in their rows, or None."""
    if not reply.buttons:
        return None
    view = Buttons()
    for row, buttons in enumerate(reply.button_rows):
        for button in buttons:
            view.add_item(item_for(button, row))
    return view


async def answer(interaction: discord.Interaction[Any], work: Awaitable[Reply], *,
                 public: bool, defer_now: bool = False) -> None:
    """Acknowledge in time, then answer with the reply and its buttons."""
    reply = await hooks.acknowledged(interaction, work, public=public, defer_now=defer_now)
    await render.respond(interaction, reply, view_for(reply))


async def press(interaction: discord.Interaction[Any], item: CoachButton) -> None:
    """The coach's answer to a click; a one-shot button first takes its buttons away."""
    coach, message = hooks.coach_of(interaction), message_of(interaction)
    if on_panel(item.action):
        await _redraw(interaction, await coach.press(message, item.action))
        return
    if spent_when_pressed(item.action) and await _take_buttons_away(interaction):
        reply = await coach.press(message, item.action)
        await render.respond(interaction, reply, view_for(reply))
        return
    await answer(interaction, coach.press(message, item.action), public=item.public)


async def _take_buttons_away(interaction: discord.Interaction[Any]) -> bool:
    """Acknowledge the click by removing the buttons from the clicked message."""
    try:
        await interaction.response.edit_message(view=None)
    except discord.NotFound:  # an ephemeral message the user has dismissed meanwhile
        log.info("clicked message of interaction %s is gone; nothing to edit", interaction.id)
        return False
    return True


async def _redraw(interaction: discord.Interaction[Any], reply: Reply) -> None:
    """A panel's new state replaces the clicked panel; anything else (a redelivered click) is
    an answer of its own. A refusal never gets here: it is raised, and answered ephemerally by
    the error hook."""
    pieces = render.parts(reply)
    if not reply.buttons or len(pieces) != 1:
        await render.respond(interaction, reply, view_for(reply))
        return
    await interaction.response.edit_message(**render.send_args(pieces[0], view_for(reply)))
