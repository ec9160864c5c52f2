"""/setup: the group admins' one place for the daily challenge post (on or off, its time, the
group's time zone, where it is posted), with buttons; the /challenge_* commands stay as
shortcuts. Admin rights are checked on the command and again on every button press, so a
member who presses an admin's panel changes nothing."""

from __future__ import annotations

import re

from core import texts
from core.conversation.turn import Turn
from core.errors import NothingToDo
from core.persistence.models import Chat
from core.replies import Button, Reply
from core.services import challenges
from core.texts import setup as words

# The times offered as buttons; any other is typed (/challenge_time HH:MM).
TIMES = ("07:00", "09:00", "12:00", "18:00")
# Zones offered besides the group's own; any other is typed (/challenge_timezone Area/City).
COMMON_ZONES = ("UTC", "Europe/London", "Europe/Berlin", "America/New_York", "Asia/Tokyo")
ZONE_BUTTONS = 4
# Every panel button's action, exactly (a forged or outdated one is refused).
ACTION = re.compile(
    r"setup:(?:(?P<switch>on|off)|time:(?P<time>[01][0-9]|2[0-3])(?P<minute>[0-5][0-9])"
    r"|tz:(?P<zone>[A-Za-z0-9_+\-/]{1,50})|(?P<here>here))"
)
ROW_SWITCH, ROW_TIMES, ROW_ZONES, ROW_HERE = 0, 1, 2, 3


def setup(turn: Turn, args: str) -> Reply:
    """/setup: the group's challenge settings with buttons (admins only)."""
    chat = turn.chat()
    challenges.require_admin(turn.message.is_admin, words.ADMINS_ONLY)
    return panel(turn, chat)


def press(turn: Turn, action: str) -> Reply:
    """A press on the panel: admin rights checked again, the setting changed, the panel shown
    anew with what changed on top."""
    match = ACTION.fullmatch(action)
    if match is None:
        raise NothingToDo(texts.BUTTON_UNKNOWN)
    chat = turn.chat()
    challenges.require_admin(turn.message.is_admin, words.ADMINS_ONLY)
    if match["switch"]:
        challenges.set_time(chat, chat.challenge_time if match["switch"] == "on" else "off",
                            turn.now)
        done = words.DONE_ON if chat.challenge_on else words.DONE_OFF
    elif match["time"]:
        challenges.set_time(chat, f"{match['time']}:{match['minute']}", turn.now)
        done = words.DONE_TIME.format(time=chat.challenge_time, zone=chat.timezone)
    elif match["zone"]:
        challenges.set_timezone(chat, match["zone"], turn.now)
        done = words.DONE_ZONE.format(zone=chat.timezone, time=chat.challenge_time)
    else:
        challenges.set_channel(chat, turn.message.channel)
        done = words.DONE_HERE
    return panel(turn, chat, done)


def panel(turn: Turn, chat: Chat, done: str = "") -> Reply:
    """The settings as they are now, and the buttons that change them."""
    text = words.PANEL.format(
        chat=chat.title or texts.THIS_GROUP,
        state=words.STATE_ON if chat.challenge_on else words.STATE_OFF,
        time=chat.challenge_time, zone=chat.timezone, where=_where(turn, chat),
        goal=chat.daily_goal)
    parts = [done, text, words.PANEL_HINT] if done else [text, words.PANEL_HINT]
    return Reply("\n\n".join(parts), buttons=buttons(turn, chat), public=True)


def _where(turn: Turn, chat: Chat) -> str:
    if chat.post_channel is None:
        return words.WHERE_MAIN
    if chat.post_channel == turn.message.channel:
        return words.WHERE_HERE
    return words.WHERE_OTHER


def buttons(turn: Turn, chat: Chat) -> tuple[Button, ...]:
    """On/off, the usual times, the group's zone and common ones, and Post here; the current
    choice is ticked."""
    switch = (Button(words.BUTTON_OFF, "setup:off", ROW_SWITCH) if chat.challenge_on
              else Button(words.BUTTON_ON, "setup:on", ROW_SWITCH))
    times = tuple(Button(_ticked(t, t == chat.challenge_time), f"setup:time:{t.replace(':', '')}",
                         ROW_TIMES) for t in TIMES)
    zones = [chat.timezone, *(z for z in COMMON_ZONES if z != chat.timezone)][:ZONE_BUTTONS]
    zone_buttons = tuple(Button(_ticked(z, z == chat.timezone), f"setup:tz:{z}", ROW_ZONES)
                         for z in zones)
    here = Button(_ticked(words.BUTTON_HERE, chat.post_channel is not None
                          and chat.post_channel == turn.message.channel), "setup:here", ROW_HERE)
    return (switch, *times, *zone_buttons, here)


def _ticked(label: str, current: bool) -> str:
    return words.CURRENT_MARK.format(label=label) if current else label
