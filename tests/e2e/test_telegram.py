"""The Telegram bot as people use it: the real python-telegram-bot Application and TelegramService
on a fake Telegram Bot API over HTTP, a real coach on a SQLite file, and a clock that stands
still until a test moves it."""

from __future__ import annotations

import asyncio
import json
import logging
import re
import time
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest
from telegram.error import InvalidToken

from bot.app import running
from bot.telegram import render
from bot.telegram.limits import PatientLimiter
from bot.telegram.notifier import TelegramNotifier
from bot.telegram.service import TelegramService
from core import texts
from core.coach import AsyncCoach
from core.command_table import ADMIN_COMMANDS, COMMANDS
from core.conversation.shared import isolate, quick_log_buttons
from core.delivery import CHALLENGE, REMINDER, Outgoing, Undeliverable
from core.replies import Button, Reply
from core.texts import summaries as summary_texts
from tests.e2e.telegram_support import (
    World,
    data_of,
    fake_settings,
    rows,
    telegram_world,
    tiny_png,
)
from tests.support import ManualClock, walk_minutes

pytestmark = pytest.mark.filterwarnings("error")  # a clean run warns about nothing
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
# The planning job's period. (bot.scheduler takes int(tick) as APScheduler's misfire grace time,
# which must be at least 1, so a shorter tick does not start.)
TICK = 1.0


@pytest.fixture
async def world(coach: AsyncCoach, db_path: Path, clock: ManualClock,
                caplog: pytest.LogCaptureFixture) -> AsyncIterator[World]:
    """The bot polling a fake Telegram. Afterwards: every answer of the fake matched the Bot API,
    the token went nowhere but the URL path, and no log line (httpx included, at DEBUG) held it."""
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.DEBUG, logger="httpx")
    async with telegram_world(coach, db_path, clock) as running_world:
        yield running_world
    assert_clean(running_world, caplog)


def assert_clean(world: World, caplog: pytest.LogCaptureFixture) -> None:
    """The fake saw a well-behaved client and no log line carries the token."""
    fake = world.fake
    assert fake.spec_violations() == []
    assert fake.token_leaks == []
    assert fake.internal_errors == []
    records = [r for phase in ("setup", "call", "teardown") for r in caplog.get_records(phase)]
    assert records
    lines = [r.getMessage() + (logging.Formatter().formatException(r.exc_info)
                               if r.exc_info else "") for r in records]
    assert not [line for line in lines if fake.token in line]
    assert [t for t in asyncio.all_tasks() if t is not asyncio.current_task()] == []


async def eventually(check: Callable[[], bool], timeout: float = 3.0) -> None:
    """Wait until `check()` holds (for effects that follow a reply, such as an error hook)."""
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, "condition never held"
        await asyncio.sleep(0.02)


def unreachable_since(world: World, user_id: int) -> object:
    (account,) = [a for a in rows(world.db, "accounts") if a["external_id"] == str(user_id)]
    return account["unreachable_since"]


# ------------------------------------------------------------------ commands


async def test_every_command_is_registered_with_a_menu_for_each_audience(world: World) -> None:
    fake = world.fake
    everything = [{"command": c.name, "description": c.summary} for c in COMMANDS]
    assert fake.commands("default") == everything
    private = [c["command"] for c in fake.commands("all_private_chats")]
    assert private == [c.name for c in COMMANDS if not c.in_groups_only]
    admins = [c["command"] for c in fake.commands("all_chat_administrators")]
    assert admins == [c.name for c in COMMANDS if not c.in_private_only]
    groups = [c["command"] for c in fake.commands("all_group_chats")]
    assert "log" in groups and "leaderboard" in groups
    assert not ADMIN_COMMANDS & set(groups)
    assert not {"export", "forget"} & set(groups + admins)


async def test_every_personal_command_is_answered_in_a_private_chat(world: World) -> None:
    expected = {
        "start": texts.WELCOME, "help": "/log <duration>", "log": "Recorded: 20 min",
        "undo": "Removed your 20-minute walk", "streak": "Current streak: 0 days",
        "stats": texts.STATS_EMPTY["month"], "progress": texts.PROGRESS_EMPTY,
        "plan": "Beginner plan, level 1", "tip": "Tip: ", "safety": texts.SAFETY,
        "myth": texts.MYTH, "goal": "Weekly goal set to 150 minutes.",
        "timezone": "Time zone set to Europe/Berlin.",
        "daystart": texts.DAY_START_SET.format(hour=4), "pause": "Paused until",
        "resume": texts.RESUMED,
        "remind": texts.REMIND_SET.format(time="07:30", zone="Europe/Berlin"),
        "summary": summary_texts.SUMMARY_OFF,
        "export": texts.EXPORT.format(walks=texts.count_walks(0)), "forget": texts.FORGET_ASK,
        "link": "That code isn't right.", "unlink": "This account isn't linked with another",
    }
    personal = [c for c in COMMANDS if not c.in_groups_only]
    assert {c.name for c in personal} == set(expected)
    for command in personal:
        reply = await world.say(world.ada, world.ada_chat, command.example)
        assert reply.text is not None and reply.text.startswith(expected[command.name]), (
            command.name, reply.text)
        if command.name == "export":
            for _ in range(2):
                assert (await world.fake.next_reply(world.ada_chat)).method == "sendDocument"


async def test_every_group_command_is_answered_in_a_group(world: World) -> None:
    fake, group = world.fake, world.group
    # Personal data stays out of groups; the rest is limited to 20 messages a minute per group.
    private_only = {"export", "forget"}
    for command in [c for c in COMMANDS if c.in_groups_only or c.name in private_only]:
        name, _, args = command.example[1:].partition(" ")
        reply = await world.command(world.ada, group, name, args)
        assert reply.ok and reply.text, command.name
        quoted = (reply.message or {}).get("reply_to_message", {})
        assert quoted.get("text", "").startswith(f"/{name}@RetroWalkBot"), command.name
    texts_sent = [m.get("text", "") for m in fake.sent_to(group)]
    assert texts.EXPORT_GROUP in texts_sent and texts.FORGET_GROUP in texts_sent
    assert fake.calls_to("sendDocument") == []


async def test_start_with_a_deep_link_payload_opens_that_command(world: World) -> None:
    welcome = await world.say(world.ada, world.ada_chat, "/start plan")
    assert welcome.text == texts.WELCOME  # a newcomer answers the safety question first
    await world.press(world.ada, world.ada_chat, welcome, "screen:no")
    plan = await world.say(world.ada, world.ada_chat, "/start plan")
    assert plan.text is not None and plan.text.startswith("Beginner plan, level 1")


async def test_plain_sentences_are_logged_in_private_and_ignored_in_groups(world: World) -> None:
    sentence = "walked backwards 20 minutes at the park"
    reply = await world.say(world.ada, world.ada_chat, sentence)
    assert reply.text is not None and reply.text.startswith("Recorded: 20 min")
    world.fake.send_text(world.bob, world.group, "walked backwards 30 minutes")
    await world.command(world.bob, world.group, "streak")  # answered, privately
    streak = await world.fake.next_reply(world.bob_chat)
    assert streak.text is not None and streak.text.startswith("Current streak: 0 days")
    assert walk_minutes(world.db) == [20]


async def test_personal_answers_in_a_group_go_privately_and_the_group_sees_one_line(
        world: World) -> None:
    fake, group = world.fake, world.group
    line = await world.command(world.ada, group, "log", "20 min park pain 6 my left knee")
    assert line.text == texts.SENT_PRIVATELY.format(name="Ada")
    details = await fake.next_reply(world.ada_chat)
    assert details.text is not None and "Pain 6/10" in details.text and "left knee" in details.text
    assert data_of(details)[0].startswith("undo:")  # the Undo button comes with the details
    for command in ("streak", "stats", "plan", "goal"):
        line = await world.command(world.ada, group, command)
        assert line.text == texts.SENT_PRIVATELY.format(name="Ada")
        await fake.next_reply(world.ada_chat)
    carol = fake.user("Carol")  # in the group, but never opened a chat with the bot
    line = await world.command(carol, group, "stats")
    assert line.text == texts.OPEN_PRIVATE_CHAT.format(
        name="Carol", link=f"https://t.me/{fake.bot_user.username}")
    in_group = "\n".join(str(m.get("text", "")) for m in fake.sent_to(group))
    assert "6/10" not in in_group and "knee" not in in_group and "20 min" not in in_group
    board = await world.command(world.bob, group, "leaderboard")  # public: for everyone
    assert board.text is not None and board.text.startswith("No one has joined")


async def test_a_photo_caption_in_private_is_read_like_a_sentence(world: World) -> None:
    world.fake.send_photo(world.ada, world.ada_chat, tiny_png(),
                          caption="walked backwards 15 minutes")
    reply = await world.fake.next_reply(world.ada_chat)
    assert reply.text is not None and reply.text.startswith("Recorded: 15 min")


async def test_group_commands_for_other_bots_are_left_alone(world: World) -> None:
    fake, group = world.fake, world.group
    fake.send_text(world.bob, group, "/log@SomeOtherBot 99 min")
    fake.send_text(world.bob, group, "/weather")  # someone else's command, no mention
    fake.send_command(world.bob, group, "log", "15 min park", mention=False)
    await fake.next_reply(group)
    plain = await fake.next_reply(world.bob_chat)
    assert plain.text is not None and plain.text.startswith("Recorded: 15 min")
    unknown = await world.command(world.bob, group, "weather")
    assert unknown.text == texts.UNKNOWN_COMMAND.format(name="weather")
    await world.command(world.bob, group, "log", "10 min")
    mentioned = await fake.next_reply(world.bob_chat)
    assert mentioned.text is not None and mentioned.text.startswith("Recorded: 10 min")
    assert walk_minutes(world.db) == [15, 10]
    assert len(fake.sent_to(group)) == 3  # two short lines and the refusal


async def test_updates_of_one_chat_are_answered_in_order(world: World) -> None:
    for minutes in range(1, 9):
        world.fake.send_text(world.ada, world.ada_chat, f"/log {minutes} min")
        world.fake.send_text(world.bob, world.bob_chat, f"/log {minutes + 10} min")
    for chat, offset in ((world.ada_chat, 0), (world.bob_chat, 10)):
        for minutes in range(1, 9):
            reply = await world.fake.next_reply(chat)
            assert reply.text is not None
            assert reply.text.startswith(f"Recorded: {minutes + offset} min"), reply.text


async def test_a_group_held_back_by_its_rate_limit_does_not_hold_up_private_chats(
        world: World) -> None:
    fake, group = world.fake, world.group
    limiter = world.service.application.bot.rate_limiter
    assert isinstance(limiter, PatientLimiter)
    limiter.group_period = 3.0  # Telegram allows 20 messages a minute in a group; here 3 s
    for _ in range(21):
        fake.send_command(world.bob, group, "tip")
    for _ in range(20):
        await fake.next_reply(group)
    started = time.monotonic()
    reply = await world.say(world.ada, world.ada_chat, "/streak")
    assert reply.ok and time.monotonic() - started < 2.0
    assert len(fake.sent_to(group)) == 20  # the 21st waits its turn: till the first is 3 s old
    await fake.next_reply(group)


# ------------------------------------------------------------------ buttons


async def test_the_safety_screen_buttons_answer_it_and_then_go_away(world: World) -> None:
    fake, chat = world.fake, world.ada_chat
    welcome = await world.say(world.ada, chat, "/start")
    assert data_of(welcome) == ["screen:yes", "screen:no", "log:5", "log:10", "log:20"]
    assert [len(row) for row in welcome.params["reply_markup"]["inline_keyboard"]] == [2, 3]
    answer = await world.press(world.ada, chat, welcome, "screen:yes")
    assert answer.text is not None and answer.text.startswith(texts.SCREEN_SUPPORTED)
    assert data_of(answer) == ["log:5", "log:10", "log:20"]
    assert "reply_markup" not in (fake.message(chat, welcome.result["message_id"]) or {})
    assert [r["supported"] for r in rows(world.db, "people")] == [1]
    assert [a.data for a in fake.answered_callbacks] == ["screen:yes"]


async def test_a_quick_log_button_records_a_walk_and_undo_removes_it(world: World) -> None:
    fake, chat = world.fake, world.ada_chat
    welcome = await world.say(world.ada, chat, "/start")
    logged = await world.press(world.ada, chat, welcome, "log:10")
    assert logged.text is not None and logged.text.startswith("Recorded: 10 min")
    assert walk_minutes(world.db) == [10]
    (walk,) = rows(world.db, "walks")
    assert data_of(logged) == [f"undo:{walk['id']}"]
    undone = await world.press(world.ada, chat, logged, f"undo:{walk['id']}")
    assert undone.text is not None and undone.text.startswith("Removed your 10-minute walk")
    assert walk_minutes(world.db) == []
    assert "reply_markup" not in (fake.message(chat, logged.result["message_id"]) or {})
    assert "reply_markup" in (fake.message(chat, welcome.result["message_id"]) or {})
    assert [a.data for a in fake.answered_callbacks] == ["log:10", f"undo:{walk['id']}"]


async def test_a_guessed_walk_is_recorded_once_on_yes_and_its_buttons_go(world: World) -> None:
    fake, chat = world.fake, world.ada_chat
    asked = await world.say(world.ada, chat, "walked backwards 90 seconds")
    assert asked.text is not None and asked.text.endswith("Log 2 min today?")
    yes, no = data_of(asked)
    assert yes.startswith("log:2:") and no == "log:no"
    assert walk_minutes(world.db) == []
    logged = await world.press(world.ada, chat, asked, yes)
    assert logged.text is not None and logged.text.startswith("Recorded: 2 min")
    assert "reply_markup" not in (fake.message(chat, asked.result["message_id"]) or {})
    assert walk_minutes(world.db) == [2]


async def test_forget_cancelled_keeps_everything_and_confirmed_deletes_every_row(
        world: World) -> None:
    fake, chat = world.fake, world.ada_chat
    await world.say(world.ada, chat, "/log 20 min park")
    await world.say(world.bob, world.bob_chat, "/log 5 min")
    question = await world.say(world.ada, chat, "/forget")
    assert data_of(question) == ["forget:yes", "forget:no"]
    kept = await world.press(world.ada, chat, question, "forget:no")
    assert kept.text == texts.FORGET_KEPT
    assert walk_minutes(world.db) == [20, 5]
    question = await world.say(world.ada, chat, "/forget")
    done = await world.press(world.ada, chat, question, "forget:yes")
    assert done.text == texts.FORGET_DONE
    assert walk_minutes(world.db) == [5]
    assert [a["external_id"] for a in rows(world.db, "accounts")] == [str(world.bob.id)]
    assert len(rows(world.db, "people")) == 1
    assert len(fake.answered_callbacks) == 2


async def test_a_button_that_means_nothing_any_more_is_still_answered(world: World) -> None:
    fake, chat = world.fake, world.ada_chat
    welcome = await world.say(world.ada, chat, "/start")
    fake.send_callback(world.ada, chat, welcome, "retired:feature", check_button=False)
    reply = await fake.next_reply(chat)
    assert reply.text == texts.BUTTON_UNKNOWN
    assert [a.data for a in fake.answered_callbacks] == ["retired:feature"]


# ------------------------------------------------------------------ files


async def test_progress_sends_the_chart_as_a_photo(world: World) -> None:
    await world.say(world.ada, world.ada_chat, "/log 20 min")
    chart = await world.say(world.ada, world.ada_chat, "/progress")
    assert chart.method == "sendPhoto"
    assert chart.files["photo"].data.startswith(PNG_MAGIC)
    assert re.fullmatch(r"retrowalk-progress-\d+-\d{8}T\d{6}Z\.png",
                        chart.files["photo"].filename)
    assert chart.text is not None and chart.text.startswith("Your last ")


async def test_export_sends_two_documents_in_private_and_a_pointer_in_a_group(
        world: World) -> None:
    fake = world.fake
    await world.say(world.ada, world.ada_chat, "/log 20 min park felt steady")
    note = await world.say(world.ada, world.ada_chat, "/export")
    assert note.text == texts.EXPORT.format(walks=texts.count_walks(1))
    csv_file = (await fake.next_reply(world.ada_chat)).files["document"]
    json_file = (await fake.next_reply(world.ada_chat)).files["document"]
    assert re.fullmatch(r"retrowalk-walks-\d+-\d{8}T\d{6}Z\.csv", csv_file.filename)
    assert b"felt steady" in csv_file.data
    assert re.fullmatch(r"retrowalk-data-\d+-\d{8}T\d{6}Z\.json", json_file.filename)
    assert json.loads(json_file.data)
    pointer = await world.command(world.ada, world.group, "export")
    assert pointer.text == texts.EXPORT_GROUP
    assert len(fake.calls_to("sendDocument")) == 2


# ------------------------------------------------------------------ what users see


async def test_markup_typed_by_a_user_is_stored_verbatim_and_shown_as_typed(
        world: World) -> None:
    note = "<b>x</b> _y_ *z* & <i>"
    reply = await world.say(world.ada, world.ada_chat, f"/log 10 min {note}")
    assert reply.params["parse_mode"] == "HTML"
    assert reply.text is not None and isolate(note) in reply.text
    entities = (reply.message or {}).get("entities", [])
    assert not [e for e in entities if e["type"] not in ("bot_command", "mention")]
    assert [w["note"] for w in rows(world.db, "walks")] == [note]


async def test_a_reply_longer_than_one_message_is_split_at_line_ends(world: World) -> None:
    line = " ".join(["Backward walking, step by step 🚶"] * 3)
    long_text = "\n".join(f"{n}. {line}" for n in range(80))
    reply = Reply(long_text, title="A long one", buttons=quick_log_buttons())
    pieces = render.messages(reply)
    assert len(pieces) == 3
    assert all(render.units(p) <= render.TEXT_LIMIT for p in pieces)
    notifier = TelegramNotifier(world.service.application.bot)
    await notifier.deliver(Outgoing(1, REMINDER, "telegram", str(world.ada.id), reply, 0))
    sent = [await world.fake.next_reply(world.ada_chat) for _ in pieces]
    assert "\n".join(s.text or "" for s in sent) == f"{reply.title}\n{long_text}"
    assert [bool(s.buttons()) for s in sent] == [False, False, True]


def test_one_very_long_line_is_cut_at_a_space_within_the_limit() -> None:
    words = " ".join(["walk"] * 1500)
    pieces = render.chunks(words, render.TEXT_LIMIT)
    assert len(pieces) == 2 and " ".join(pieces) == words
    assert all(p.startswith("walk") and p.endswith("walk") for p in pieces)
    emoji = "🚶" * 3000  # each counts twice in Telegram's UTF-16 limit
    assert [render.units(p) for p in render.chunks(emoji, render.TEXT_LIMIT)] == [4096, 1904]
    assert render.chunks("\n\n  \n", render.TEXT_LIMIT) == []


# ------------------------------------------------------------------ groups


async def test_challenge_settings_are_refused_to_members_and_obeyed_for_admins(
        world: World) -> None:
    fake, group = world.fake, world.group
    refused = await world.command(world.bob, group, "challenge_time", "07:30")
    assert refused.text == texts.ADMIN_ONLY
    accepted = await world.command(world.ada, group, "challenge_time", "07:30")
    assert accepted.text is not None and "at 07:30 (UTC)" in accepted.text
    asked = [c.params["user_id"] for c in fake.calls_to("getChatMember")]
    assert asked == [world.bob.id, world.ada.id]
    assert [c["challenge_time"] for c in rows(world.db, "chats")] == ["07:30"]


async def test_the_join_button_under_the_challenge_lets_anyone_join(world: World) -> None:
    challenge = await world.command(world.ada, world.group, "challenge")
    assert data_of(challenge) == ["join"]
    joined = await world.press(world.bob, world.group, challenge, "join")
    assert joined.text is not None and joined.text.startswith("Bob Stone joined the Walkers")
    assert "reply_markup" in (world.fake.message(world.group, challenge.result["message_id"])
                              or {})


# ------------------------------------------------------------------ failures


async def test_a_flood_wait_is_honoured_before_the_reply_is_sent(world: World) -> None:
    fake = world.fake
    fake.flood("sendMessage", chat=world.ada_chat, retry_after=1)
    started = time.monotonic()
    reply = await world.say(world.ada, world.ada_chat, "/streak")
    assert time.monotonic() - started >= 1.0
    assert reply.text is not None and reply.text.startswith("Current streak")
    assert len(fake.floods) == 1 and fake.backoff_violations() == []


async def test_a_server_error_while_replying_is_retried_after_a_pause(world: World) -> None:
    fake = world.fake
    fake.fail_next("sendMessage", chat=world.ada_chat, code=502, description="Bad Gateway")
    reply = await world.say(world.ada, world.ada_chat, "/streak")
    assert reply.text is not None and reply.text.startswith("Current streak")
    failed, sent = fake.calls_to("sendMessage")
    assert failed.status == 502 and sent.at - failed.at >= 0.4


async def test_a_failing_update_is_apologised_for_and_the_next_one_is_served(
        world: World, caplog: pytest.LogCaptureFixture) -> None:
    fake = world.fake
    fake.fail_next("sendMessage", chat=world.ada_chat, description="Bad Request: injected")
    apology = await world.say(world.ada, world.ada_chat, "/tip")
    assert apology.text == texts.APOLOGY
    (failure,) = [r for r in caplog.records if r.getMessage().endswith("failed")
                  and r.name == "bot.telegram.handlers"]
    assert failure.levelno == logging.ERROR and failure.exc_info is not None
    reply = await world.say(world.ada, world.ada_chat, "/tip")
    assert reply.text is not None and reply.text.startswith("Tip: ")


async def test_a_user_who_blocked_the_bot_is_left_alone_until_they_write_again(
        world: World) -> None:
    fake, chat = world.fake, world.ada_chat
    await world.say(world.ada, chat, "/start")
    update = fake.make_text_update(world.ada, chat, "/streak")
    fake.block_bot(chat)  # right after writing, before the answer
    fake.send_update(update)
    refused = await fake.wait_for(lambda c: c.method == "sendMessage" and c.status == 403)
    await eventually(lambda: unreachable_since(world, world.ada.id) is not None)
    served = await world.say(world.bob, world.bob_chat, "/tip")  # others are still served
    assert served.ok
    after = [c for c in fake.calls if c.seq > refused.seq and c.chat_id == chat.id]
    assert after == []  # no apology into the void
    back = await world.say(world.ada, chat, "/streak")  # writing again unblocks
    assert back.ok
    assert unreachable_since(world, world.ada.id) is None


async def test_blocking_the_bot_marks_the_account_unreachable_at_once(world: World) -> None:
    await world.say(world.ada, world.ada_chat, "/start")
    bot = world.fake.bot_user.to_dict()
    world.fake.send_update({"my_chat_member": {
        "chat": world.ada_chat.to_dict(), "from": world.ada.to_dict(), "date": int(time.time()),
        "old_chat_member": {"status": "member", "user": bot},
        "new_chat_member": {"status": "kicked", "user": bot, "until_date": 0}}})
    await eventually(lambda: unreachable_since(world, world.ada.id) is not None)


async def test_a_redelivered_update_records_one_walk_and_gets_one_reply(world: World) -> None:
    fake, chat = world.fake, world.ada_chat
    update_id = fake.send_text(world.ada, chat, "/log 15 min")
    await fake.next_reply(chat)
    fake.redeliver(update_id)
    following = await world.say(world.ada, chat, "/streak")
    assert following.text is not None and following.text.startswith("Current streak: 1 day")
    assert walk_minutes(world.db) == [15]
    assert len(fake.sent_to(chat)) == 2


async def test_a_redelivered_update_after_a_restart_still_records_one_walk(
        world: World) -> None:
    fake, chat = world.fake, world.ada_chat
    update_id = fake.send_text(world.ada, chat, "/log 15 min")
    await fake.next_reply(chat)
    await world.service.stop()
    world.service = TelegramService(fake_settings(fake), fake.token, world.coach)
    await world.service.start()
    fake.redeliver(update_id)
    again = await fake.next_reply(chat)
    assert again.text is not None and again.text.startswith(texts.ALREADY_HANDLED)
    assert walk_minutes(world.db) == [15]


async def test_queued_messages_find_channels_and_moved_groups_and_give_up_on_lost_chats(
        world: World) -> None:
    fake = world.fake
    notifier = TelegramNotifier(world.service.application.bot)
    post = Reply("Today's walk", buttons=(Button(texts.BUTTON_JOIN, "join"),), public=True)
    forum = fake.group_chat("Walk club", forum=True)
    await notifier.deliver(Outgoing(1, CHALLENGE, "telegram", str(forum.id), post, 0, "42"))
    in_topic = await fake.next_reply(forum)
    assert in_topic.text == "Today's walk" and in_topic.params["message_thread_id"] == 42
    moved = fake.group_chat("Walkers (supergroup)", supergroup=True)
    fake.fail_next("sendMessage", chat=world.group, description=(
        "Bad Request: group chat was upgraded to a supergroup chat"),
        parameters={"migrate_to_chat_id": moved.id})
    await notifier.deliver(Outgoing(2, CHALLENGE, "telegram", str(world.group.id), post, 0))
    assert (await fake.next_reply(moved)).text == "Today's walk"
    fake.lose_chat(world.group)
    with pytest.raises(Undeliverable, match=r"(?i)chat not found"):
        await notifier.deliver(Outgoing(3, CHALLENGE, "telegram", str(world.group.id), post, 0))
    fake.block_bot(world.bob_chat)
    with pytest.raises(Undeliverable, match="blocked"):
        await notifier.deliver(Outgoing(4, REMINDER, "telegram", str(world.bob.id), post, 0))


async def test_a_wrong_token_fails_the_start_and_leaves_nothing_running(world: World) -> None:
    wrong = world.fake.token[:-4] + "AAAA"
    service = TelegramService(fake_settings(world.fake), wrong, world.coach)
    with pytest.raises(InvalidToken) as refusal:
        await service.start()
    assert wrong not in str(refusal.value) and refusal.value.__cause__ is None
    assert not service.application.running
    assert service.application.updater is not None and not service.application.updater.running


async def test_the_token_is_taken_out_of_every_url_logged_even_at_debug(
        world: World, caplog: pytest.LogCaptureFixture) -> None:
    await world.say(world.ada, world.ada_chat, "/streak")
    urls = [r.getMessage() for r in caplog.records if r.name == "httpx"]
    assert urls and all("/bot[secret]/" in url for url in urls)
    assert all(world.fake.token not in r.getMessage() for r in caplog.records)


# ------------------------------------------------------------------ webhook


async def test_a_webhook_serves_updates_and_rejects_a_wrong_secret(
        coach: AsyncCoach, db_path: Path, clock: ManualClock,
        caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    async with telegram_world(coach, db_path, clock, webhook=True) as world:
        fake, chat = world.fake, world.ada_chat
        hook = fake.webhook
        assert hook is not None and hook.url.endswith("/telegram")
        assert hook.secret_token == world.service.webhook_secret
        assert hook.allowed_updates == ["message", "callback_query", "my_chat_member"]
        reply = await world.say(world.ada, chat, "/log 20 min")  # pushed over HTTP
        assert reply.text is not None and reply.text.startswith("Recorded: 20 min")
        update = fake.make_text_update(world.ada, chat, "/log 30 min")
        assert await fake.post_webhook(update, secret="not-the-secret") == 403
        assert await fake.post_webhook(update, secret=None) == 403
        assert await fake.post_webhook(update) == 200
        assert await fake.post_webhook(update) == 200  # Telegram retrying: same update_id
        logged = await fake.next_reply(chat)
        assert logged.text is not None and logged.text.startswith("Recorded: 30 min")
        again = await world.say(world.ada, chat, "/streak")
        assert again.text is not None and again.text.startswith("Current streak: 1 day")
        assert walk_minutes(world.db) == [20, 30]
        assert len(fake.sent_to(chat)) == 3
    assert_clean(world, caplog)


# ------------------------------------------------------------------ reminders and posts


async def test_reminders_and_challenge_posts_arrive_once_and_a_blocked_user_goes_quiet(
        coach: AsyncCoach, db_path: Path, clock: ManualClock,
        caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    async with telegram_world(coach, db_path, clock, start=False) as world, \
            running(coach, [world.service], tick=TICK, idle=0.1):
        fake = world.fake
        for user, chat in ((world.ada, world.ada_chat), (world.bob, world.bob_chat)):
            await world.say(user, chat, "/timezone Europe/Berlin")
            await world.say(user, chat, "/remind 13:05")  # noon UTC is 13:00 in Berlin
        await world.command(world.ada, world.group, "challenge_timezone", "Europe/Berlin")
        await world.command(world.ada, world.group, "challenge_time", "13:05")
        fake.block_bot(world.bob_chat)
        clock.advance(minutes=5)
        reminder = await fake.next_reply(world.ada_chat)
        post = await fake.next_reply(world.group)
        await asyncio.sleep(3 * TICK)  # the planning job runs again, and again
        assert reminder.text is not None and reminder.text.startswith("Time for a backward walk?")
        assert data_of(reminder) == ["log:5", "log:10", "log:20", "later"]
        assert post.text is not None and post.text.startswith("Today's walk challenge in Walkers")
        assert data_of(post) == ["join"]
        assert len(fake.sent_to(world.ada_chat)) == 3 and len(fake.sent_to(world.group)) == 3
        await eventually(lambda: unreachable_since(world, world.bob.id) is not None)
        accounts = {a["id"]: a["external_id"] for a in rows(db_path, "accounts")}
        chats = {c["id"]: c["external_id"] for c in rows(db_path, "chats")}
        statuses = {(d["kind"], accounts.get(d["account_id"]) or chats[d["chat_id"]]): d["status"]
                    for d in rows(db_path, "deliveries")}
        assert statuses == {("reminder", str(world.ada.id)): "sent",
                            ("reminder", str(world.bob.id)): "dead",
                            ("challenge", str(world.group.id)): "sent"}
        logged = await world.press(world.ada, world.ada_chat, reminder, "log:10")
        assert logged.text is not None and logged.text.startswith("Recorded: 10 min")
    assert_clean(world, caplog)
