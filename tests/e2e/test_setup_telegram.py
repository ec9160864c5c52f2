"""/setup on Telegram as group admins and members use it: the real python-telegram-bot stack on
the fake Bot API, a real coach on a SQLite file, and a clock that stands still."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from bot.dispatch import Dispatcher
from bot.telegram.notifier import TelegramNotifier
from core.coach import AsyncCoach
from core.texts import setup as words
from tests.e2e.telegram_support import World, data_of, rows, telegram_world
from tests.e2e.test_telegram import assert_clean
from tests.fakes.telegram import Call, Chat, User
from tests.support import ManualClock

pytestmark = pytest.mark.filterwarnings("error")


@pytest.fixture
async def world(coach: AsyncCoach, db_path: Path, clock: ManualClock,
                caplog: pytest.LogCaptureFixture) -> AsyncIterator[World]:
    """The bot polling a fake Telegram; afterwards every answer matched the Bot API."""
    caplog.set_level(logging.DEBUG)
    async with telegram_world(coach, db_path, clock) as running_world:
        yield running_world
    assert_clean(running_world, caplog)


def chat_row(world: World, chat_id: int) -> dict[str, Any]:
    (row,) = [c for c in rows(world.db, "chats") if c["external_id"] == str(chat_id)]
    return row


async def press_panel(world: World, who: tuple[User, Chat], panel: Call,
                      data: str) -> dict[str, Any]:
    """Press a panel button and wait until the panel message is redrawn; the message as the
    group sees it now."""
    user, chat = who
    fake = world.fake
    before = fake.checkpoint()
    fake.send_callback(user, chat, panel, data)
    await fake.wait_for(lambda c: c.method == "editMessageText", since=before)
    message = fake.message(chat, panel.result["message_id"])
    assert message is not None
    return message


def buttons_of(message: dict[str, Any]) -> list[str]:
    keyboard = message.get("reply_markup") or {}
    assert isinstance(keyboard, dict)
    return [b["callback_data"] for row in keyboard["inline_keyboard"] for b in row]


async def test_an_admin_changes_every_setting_with_the_panel_buttons_in_place(
        world: World) -> None:
    fake, ada = world.fake, world.ada
    forum = fake.group_chat("Walk club", forum=True, admins=[ada], members=[world.bob])
    fake.send_command(ada, forum, "setup", topic=7)
    panel = await fake.next_reply(forum)
    assert panel.params["message_thread_id"] == 7
    assert panel.text is not None and panel.text.startswith("Daily challenge settings for Walk")
    assert "Daily post: on\nTime: 09:00 (UTC)\nPosted in: the group's main chat" in panel.text
    assert data_of(panel) == ["setup:off", "setup:time:0700", "setup:time:0900",
                              "setup:time:1200", "setup:time:1800", "setup:tz:UTC",
                              "setup:tz:Europe/London", "setup:tz:Europe/Berlin",
                              "setup:tz:America/New_York", "setup:here"]
    who = (ada, forum)
    shown = await press_panel(world, who, panel, "setup:time:1800")
    assert str(shown["text"]).startswith("Done: the daily post now comes at 18:00 (UTC).")
    shown = await press_panel(world, who, panel, "setup:tz:Europe/Berlin")
    assert "Time: 18:00 (Europe/Berlin)" in str(shown["text"])
    assert buttons_of(shown)[5] == "setup:tz:Europe/Berlin"  # the group's own zone comes first
    shown = await press_panel(world, who, panel, "setup:here")
    assert "Posted in: here, where /setup was used" in str(shown["text"])
    shown = await press_panel(world, who, panel, "setup:off")
    assert "Daily post: off" in str(shown["text"]) and buttons_of(shown)[0] == "setup:on"
    row = chat_row(world, forum.id)
    assert (row["challenge_on"], row["post_next"]) == (0, None)
    shown = await press_panel(world, who, panel, "setup:on")
    assert "Daily post: on" in str(shown["text"])
    row = chat_row(world, forum.id)
    assert (row["challenge_on"], row["challenge_time"], row["timezone"], row["post_channel"]) \
        == (1, "18:00", "Europe/Berlin", "7")
    # One panel, redrawn in place: nothing else was posted, and every press was answered.
    assert [m["message_id"] for m in fake.sent_to(forum)] == [panel.result["message_id"]]
    assert [a.show_alert for a in fake.answered_callbacks] == [False] * 5
    asked = {c.params["user_id"] for c in fake.calls_to("getChatMember")}
    assert asked == {ada.id} and len(fake.calls_to("getChatMember")) == 6  # command + 5 presses


async def test_the_daily_post_goes_out_at_the_new_local_time_in_the_chosen_topic(
        world: World) -> None:
    fake, ada, coach, clock = world.fake, world.ada, world.coach, world.clock
    forum = fake.group_chat("Walk club", forum=True, admins=[ada])
    fake.send_command(ada, forum, "setup", topic=7)
    panel = await fake.next_reply(forum)
    for data in ("setup:tz:Europe/Berlin", "setup:time:1800", "setup:here"):
        await press_panel(world, (ada, forum), panel, data)
    dispatcher = Dispatcher(coach, TelegramNotifier(world.service.application.bot))
    clock.set_local("Europe/Berlin", 2026, 11, 24, 17, 59)
    assert await coach.plan_deliveries() == 0
    clock.set_local("Europe/Berlin", 2026, 11, 24, 18, 0)  # 17:00 UTC
    assert await coach.plan_deliveries() == 1
    assert await dispatcher.drain() == 1
    post = await fake.next_reply(forum)
    assert post.text is not None and post.text.startswith("Today's walk challenge in Walk club")
    assert post.params["message_thread_id"] == 7
    clock.advance(hours=1)
    assert await coach.plan_deliveries() == 0  # once a day
    assert chat_row(world, forum.id)["post_next"] == "2026-11-25 17:00:00.000000"


async def test_a_member_who_types_setup_is_refused_in_a_private_message(world: World) -> None:
    fake, group = world.fake, world.group
    fake.send_command(world.bob, group, "setup")
    refusal = await fake.next_reply(world.bob_chat)
    assert refusal.text == words.ADMINS_ONLY
    assert fake.sent_to(group) == []  # the group is not told who tried
    carol = fake.user("Carol")  # in the group, never started the bot: it cannot write to her
    fake.send_command(carol, group, "setup")
    told = await fake.next_reply(group)
    assert told.text == words.ADMINS_ONLY and "Carol" not in told.text
    assert rows(world.db, "chats") == [] or chat_row(world, group.id)["challenge_time"] == "09:00"


async def test_a_member_pressing_an_admins_panel_gets_a_private_alert_and_changes_nothing(
        world: World) -> None:
    fake, group = world.fake, world.group
    panel = await world.command(world.ada, group, "setup")
    before = fake.checkpoint()
    fake.send_callback(world.bob, group, panel, "setup:off")
    await fake.wait_for(lambda c: c.method == "answerCallbackQuery", since=before)
    (answer,) = fake.answered_callbacks
    assert (answer.user_id, answer.show_alert, answer.text) == (
        world.bob.id, True, words.ADMINS_ONLY)
    assert chat_row(world, group.id)["challenge_on"] == 1
    assert len(fake.sent_to(group)) == 1 and fake.calls_to("editMessageText") == []
    fake.set_status(group, world.bob, "administrator")  # promoted: the next press is his
    shown = await press_panel(world, (world.bob, group), panel, "setup:off")
    assert "Daily post: off" in str(shown["text"])
    fake.set_status(group, world.ada, "member")  # demoted: her panel no longer obeys her
    before = fake.checkpoint()
    fake.send_callback(world.ada, group, panel, "setup:on")
    await fake.wait_for(lambda c: c.method == "answerCallbackQuery", since=before)
    assert fake.answered_callbacks[-1].show_alert
    assert chat_row(world, group.id)["challenge_on"] == 0


async def test_an_anonymous_admin_writing_as_the_group_gets_the_panel(world: World) -> None:
    fake, group = world.fake, world.group
    fake.send_command(world.ada, group, "setup", anonymous=True)
    panel = await fake.next_reply(group)
    assert panel.text is not None and panel.text.startswith("Daily challenge settings")
    assert fake.calls_to("getChatMember") == []  # the group as sender is proof enough
    with pytest.raises(ValueError, match="only group admins can write anonymously"):
        fake.send_command(world.bob, group, "setup", anonymous=True)
    # A typed shortcut from the anonymous admin is obeyed too.
    fake.send_command(world.ada, group, "challenge_time", "07:30", anonymous=True)
    changed = await fake.next_reply(group)
    assert changed.text is not None and "at 07:30 (UTC)" in changed.text


async def test_someone_writing_as_a_channel_is_no_admin_and_telegram_is_not_asked(
        world: World) -> None:
    fake, group = world.fake, world.group
    news = Chat(-1_002_000_000_001, "channel", title="Walk news")
    fake.send_as_channel(news, group, f"/setup@{fake.bot_user.username}")
    refused = await fake.next_reply(group)  # no private chat with a channel: said in the group
    assert refused.text == words.ADMINS_ONLY
    assert fake.calls_to("getChatMember") == []
