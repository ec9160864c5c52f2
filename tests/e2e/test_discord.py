"""The Discord bot as people use it: the real discord.py and DiscordService on a fake Discord,
a real coach on a SQLite file, and a clock that stands still."""

from __future__ import annotations

import gc
import logging
import re
import time
from collections.abc import AsyncIterator
from dataclasses import replace
from pathlib import Path

import aiohttp
import discord
import pytest

from bot.discord import views
from bot.discord.service import DiscordService
from bot.dispatch import Dispatcher
from core import texts
from core.api import Message
from core.coach import AsyncCoach
from core.command_table import ADMIN_COMMANDS, COMMANDS
from core.conversation.shared import quick_log_buttons
from core.delivery import REMINDER, Outgoing, Undeliverable
from core.identity import Platform, UserRef, private_chat
from core.replies import Button, Reply
from core.texts import summaries as summary_texts
from tests.e2e.discord_support import (
    World,
    discord_world,
    rows,
    sent_by_bot,
    shown,
)
from tests.fakes.discord import MANAGE_GUILD, FakeDiscordError
from tests.support import ManualClock, walk_minutes

CALLBACK = "/interactions/{interaction_id}/{interaction_token}/callback"


@pytest.fixture
async def world(coach: AsyncCoach, db_path: Path, clock: ManualClock,
                caplog: pytest.LogCaptureFixture) -> AsyncIterator[World]:
    """The bot running on a fake Discord; afterwards no unclosed sessions and no token logged."""
    caplog.set_level(logging.DEBUG)
    async with discord_world(coach, db_path, clock) as running:
        token = running.fake.token
        yield running
    gc.collect()
    messages = [r.getMessage() + (r.exc_text or "") for r in caplog.records]
    assert not [m for m in messages if "Unclosed" in m]
    assert not [m for m in messages if token in m]


async def test_the_bot_connects_without_privileged_intents_and_syncs_every_command(
        world: World) -> None:
    fake = world.fake
    assert fake.privileged_intents_requested == 0
    assert fake.intents == discord.Intents(guilds=True).value
    names = [c.name for c in COMMANDS]
    assert fake.sync_log == [(None, names), (world.guild.id, names)]
    synced = {c["name"]: c for c in fake.synced_commands()}
    for command in COMMANDS:
        assert synced[command.name]["description"] == command.summary
    for name in ADMIN_COMMANDS:
        assert synced[name]["default_member_permissions"] == str(MANAGE_GUILD)
        assert synced[name]["contexts"] == [0]
    log_options = {o["name"]: o for o in synced["log"]["options"]}
    assert (log_options["minutes"]["min_value"], log_options["minutes"]["max_value"]) == (1, 300)
    assert [c["value"] for c in log_options["place"]["choices"]] == [
        "park", "track", "treadmill", "hallway", "other"]


async def test_start_asks_the_safety_question_and_its_buttons_go_after_the_answer(
        world: World) -> None:
    fake = world.fake
    start = await fake.slash(world.ada, "start")
    welcome = await start.original()
    assert welcome.ephemeral and welcome.content == shown(texts.WELCOME)
    assert welcome.custom_ids == ["rw:screen:yes", "rw:screen:no", "rw:log:5", "rw:log:10",
                                  "rw:log:20"]
    click = await fake.click(world.ada, welcome, "rw:screen:no")
    assert (await click.response()).type == 7 and welcome.components == []
    (answer,) = await click.followups()
    expected = f"{texts.SCREEN_STANDARD}\n{texts.ASK_TIMEZONE.format(zone='UTC')}"
    assert answer.ephemeral and answer.content == shown(expected)
    assert answer.custom_ids == ["rw:log:5", "rw:log:10", "rw:log:20"]
    with pytest.raises(FakeDiscordError, match="no component"):
        await fake.click(world.ada, welcome, "rw:screen:yes")
    assert [r["supported"] for r in rows(world.db, "people")] == [0]


async def test_a_walk_logged_with_typed_options_is_recorded_and_shown_only_to_its_walker(
        world: World) -> None:
    options = {"minutes": 20, "place": "park", "when": "yesterday", "steps": 1500, "pain": 2,
               "note": "felt *steady* @everyone"}
    ix = await world.fake.slash(world.ada_m, "log", options)
    reply = await ix.response()
    assert reply.type == 4 and reply.ephemeral
    assert reply.data["allowed_mentions"] == {"parse": []}
    assert reply.content.startswith(
        "Recorded: 20 min of backward walking at the park, yesterday. 1,500 steps. Pain 2/10. "
        "Note: \u2068felt \\*steady\\* @everyone\u2069")
    assert walk_minutes(world.db) == [20]
    (walk,) = rows(world.db, "walks")
    assert (walk["place"], walk["steps"], walk["pain"]) == ("park", 1500, 2)
    assert (await ix.original()).custom_ids == [f"rw:undo:{walk['id']}"]


async def test_bad_values_get_the_cores_refusal_privately_and_nothing_is_written(
        world: World) -> None:
    fake = world.fake
    future = await fake.slash(world.ada_m, "log", {"minutes": 10, "when": "tomorrow"})
    refusal = await future.response()
    assert refusal.ephemeral and "is in the future" in refusal.content
    long_note = await fake.slash(world.ada_m, "log", {"minutes": 10, "note": "x" * 600})
    assert (await long_note.response()).content == shown(
        texts.NOTE_TOO_LONG.format(length=600, limit=500))
    with pytest.raises(FakeDiscordError, match="outside"):
        await fake.slash(world.ada_m, "log", {"minutes": 301})
    with pytest.raises(FakeDiscordError, match="must be one of"):
        await fake.slash(world.ada_m, "log", {"minutes": 10, "place": "beach"})
    assert walk_minutes(world.db) == []


async def test_every_personal_command_answers_privately(world: World) -> None:
    conversation: list[tuple[str, dict[str, object], str]] = [
        ("streak", {}, "Current streak: 0 days"),
        ("stats", {"period": "month"}, shown(texts.STATS_EMPTY["month"])),
        ("plan", {}, "Beginner plan, level 1"),
        ("tip", {}, "Tip: "),
        ("safety", {}, shown(texts.SAFETY)),
        ("myth", {}, shown(texts.MYTH)),
        ("goal", {"minutes": 120}, "Weekly goal set to 120 minutes."),
        ("goal", {}, shown(texts.GOAL_SHOW.format(goal=120))),
        ("timezone", {"zone": "Europe/Berlin"}, "Time zone set to Europe/Berlin."),
        ("daystart", {"hour": 4}, shown(texts.DAY_START_SET.format(hour=4))),
        ("pause", {"days": 3}, "Paused until"),
        ("resume", {}, shown(texts.RESUMED)),
        ("remind", {"time": "07:30"}, shown(texts.REMIND_SET.format(time="07:30",
                                                                    zone="Europe/Berlin"))),
        ("remind", {"time": "off"}, shown(texts.REMIND_OFF)),
        ("summary", {"state": "off"}, shown(summary_texts.SUMMARY_OFF)),
        ("summary", {}, shown("Weekly summaries: off.")),
        ("undo", {}, shown(texts.NOTHING_TO_UNDO)),
        ("join", {}, shown(texts.GROUP_ONLY)),
    ]
    for command, options, expected in conversation:
        reply = await (await world.fake.slash(world.ada, command, options)).response()
        assert reply.ephemeral, command
        assert reply.content.startswith(expected), (command, reply.content)
    help_ = await (await world.fake.slash(world.ada, "help")).response()
    (embed,) = help_.embeds
    assert help_.ephemeral and embed["title"] == texts.HELP_HEADER
    assert "/log" in embed["description"] and len(embed["description"]) <= 4096
    with pytest.raises(FakeDiscordError, match="not available in DMs"):
        await world.fake.slash(world.ada, "challenge_goal", {"minutes": 5})


async def test_the_undo_button_removes_the_walk_and_then_disappears(world: World) -> None:
    fake = world.fake
    logged = await (await fake.slash(world.ada_m, "log", {"minutes": 15})).original()
    assert walk_minutes(world.db) == [15]
    click = await fake.click(world.ada_m, logged, logged.custom_ids[0])
    assert (await click.response()).type == 7 and logged.components == []
    (answer,) = await click.followups()
    assert answer.ephemeral and answer.content.startswith("Removed your 15-minute walk from today")
    assert walk_minutes(world.db) == []


async def test_quick_log_buttons_record_a_walk_on_every_tap(world: World) -> None:
    fake = world.fake
    welcome = await (await fake.slash(world.ada, "start")).original()
    first = await fake.click(world.ada, welcome, "rw:log:10")
    reply = await first.response()
    assert reply.type == 4 and reply.ephemeral and reply.content.startswith("Recorded: 10 min")
    again = await fake.click(world.ada, welcome, "rw:log:5")
    assert (await again.response()).content.startswith("Recorded: 5 min")
    assert walk_minutes(world.db) == [10, 5]


async def test_buttons_keep_working_after_a_restart(world: World) -> None:
    logged = await (await world.fake.slash(world.ada, "log", {"minutes": 12})).original()
    await world.restart()
    click = await world.fake.click(world.ada, logged, logged.custom_ids[0])
    (answer,) = await click.followups()
    assert answer.content.startswith("Removed your 12-minute walk")
    assert walk_minutes(world.db) == []


async def test_forget_confirmed_with_its_button_deletes_every_row_of_that_person(
        world: World) -> None:
    fake = world.fake
    await (await fake.slash(world.ada, "log", {"minutes": 10})).response()
    await (await fake.slash(world.bea, "log", {"minutes": 30})).response()
    in_server = await (await fake.slash(world.ada_m, "forget")).response()
    assert in_server.ephemeral and in_server.content == shown(texts.FORGET_GROUP)
    question = await (await fake.slash(world.ada, "forget")).original()
    assert question.content == shown(texts.FORGET_ASK)
    kept = await fake.click(world.ada, question, "rw:forget:no")
    assert (await kept.followups())[0].content == shown(texts.FORGET_KEPT)
    assert walk_minutes(world.db) == [10, 30]
    question = await (await fake.slash(world.ada, "forget")).original()
    done = await fake.click(world.ada, question, "rw:forget:yes")
    (answer,) = await done.followups()
    assert answer.ephemeral and answer.content == shown(texts.FORGET_DONE)
    assert walk_minutes(world.db) == [30]
    everything = repr([rows(world.db, t) for t in ("people", "accounts", "walks")])
    assert str(world.ada.id) not in everything and str(world.bea.id) in everything


async def test_the_challenge_its_join_button_and_the_leaderboard_are_public(
        world: World) -> None:
    fake = world.fake
    post = await (await fake.slash(world.ada_m, "challenge")).original()
    assert not post.ephemeral and post.content.startswith(
        "Today's walk challenge in Walkers: 10 min of backward walking ")
    assert "\nFocus: " in post.content and "Log it with /log 10 min " in post.content
    assert post.custom_ids == ["rw:join"]
    joined = await (await fake.click(world.bea_m, post, "rw:join")).response()
    assert joined.type == 4 and not joined.ephemeral
    assert joined.content == shown(texts.JOINED.format(name="bea", chat="Walkers"))
    assert post.custom_ids == ["rw:join"]  # everyone may still join
    ada_joins = await (await fake.slash(world.ada_m, "join")).response()
    assert not ada_joins.ephemeral and ada_joins.content.startswith("ada joined")
    await (await fake.slash(world.ada_m, "log", {"minutes": 20})).response()
    board = await (await fake.slash(world.bea_m, "leaderboard")).original()
    assert not board.ephemeral
    assert "1. \u2068ada\u2069: 20 pts" in board.content
    assert "2. \u2068bea\u2069: 0 pts" in board.content
    left = await (await fake.slash(world.ada_m, "leave")).response()
    assert not left.ephemeral and left.content.startswith("ada left")
    public = [m.content[:20] for m in fake.channel_messages(world.general)]
    assert len(public) == 5


async def test_challenge_settings_refuse_a_member_without_manage_server_and_obey_an_admin(
        world: World) -> None:
    fake = world.fake
    await (await fake.slash(world.ada_m, "challenge")).response()
    with pytest.raises(FakeDiscordError, match="cannot see /challenge_goal"):
        await fake.slash(world.ada_m, "challenge_goal", {"minutes": 25})
    fake.allow_command(world.guild, "challenge_goal", world.ada_m)  # a server may unhide it
    refused = await (await fake.slash(world.ada_m, "challenge_goal", {"minutes": 25})).response()
    assert refused.ephemeral and refused.content == shown(texts.ADMIN_ONLY)
    assert [c["daily_goal"] for c in rows(world.db, "chats")] == [10]
    changed = await (await fake.slash(world.bea_m, "challenge_goal", {"minutes": 25})).response()
    assert not changed.ephemeral and "goal 25 min a day" in changed.content
    await (await fake.slash(world.bea_m, "challenge_time", {"time": "07:30"})).response()
    await (await fake.slash(world.bea_m, "challenge_timezone",
                            {"zone": "Europe/Berlin"})).response()
    await (await fake.slash(world.bea_m, "challenge_channel",
                            {"channel": world.posts})).response()
    (chat,) = rows(world.db, "chats")
    assert (chat["external_id"], chat["title"]) == (str(world.guild.id), "Walkers")
    assert (chat["daily_goal"], chat["challenge_time"], chat["timezone"]) == (
        25, "07:30", "Europe/Berlin")
    assert chat["post_channel"] == str(world.posts.id)
    here = await fake.slash(world.bea_m, "challenge_channel", channel=world.general)
    await here.response()
    assert rows(world.db, "chats")[0]["post_channel"] == str(world.general.id)


async def test_time_zones_are_suggested_as_they_are_typed(world: World) -> None:
    personal = await world.fake.autocomplete(world.ada, "timezone", {"zone": "europe/ber"},
                                             focused="zone")
    assert [c["value"] for c in await personal.choices()][:1] == ["Europe/Berlin"]
    server = await world.fake.autocomplete(world.bea_m, "challenge_timezone", {"zone": "tokyo"},
                                           focused="zone")
    assert [c["value"] for c in await server.choices()] == ["Asia/Tokyo"]


async def test_help_explains_one_command_chosen_as_it_is_typed(world: World) -> None:
    typed = await world.fake.autocomplete(world.ada, "help", {"command": "st"},
                                          focused="command")
    assert [c["value"] for c in await typed.choices()] == ["start", "streak", "stats"]
    reply = await (await world.fake.slash(world.ada, "help", {"command": "stats"})).response()
    assert reply.ephemeral and reply.content.startswith("/stats [week")
    assert reply.content.endswith("Example: /stats month")


async def test_progress_sends_the_chart_as_an_image_inside_an_embed(world: World) -> None:
    fake = world.fake
    await (await fake.slash(world.ada, "log", {"minutes": 25})).response()
    ix = await fake.slash(world.ada, "progress")
    assert (await ix.response()).type == 5
    chart = await ix.original(timeout=15)
    assert chart.ephemeral
    (attachment,) = chart.attachments
    assert re.fullmatch(r"retrowalk-progress-\d+-\d{8}T\d{6}Z\.png", attachment.filename)
    assert attachment.data.startswith(b"\x89PNG")
    (embed,) = chart.embeds
    assert embed["image"]["url"] == attachment.url
    assert embed["description"].startswith("Your last 1 week: 25 min in all.")
    async with aiohttp.ClientSession() as http, http.get(attachment.url) as response:
        assert await response.read() == attachment.data


async def test_export_sends_two_private_files_byte_for_byte(world: World) -> None:
    fake = world.fake
    await (await fake.slash(world.ada, "log", {"minutes": 25, "place": "track"})).response()
    ix = await fake.slash(world.ada, "export")
    export = await ix.original(timeout=10)
    user = UserRef(Platform.DISCORD, str(world.ada.id), "ada")
    expected = world.coach.coach.command(Message(user, private_chat(user)), "export")
    assert export.ephemeral and export.content == shown(expected.text)
    assert [(a.filename, a.data) for a in export.attachments] == [
        (f.filename, f.data) for f in expected.files]
    assert export.attachments[0].data.startswith(b"day,minutes,place")


async def test_direct_messages_arrive_with_buttons_and_closed_dms_are_refused_for_good(
        world: World) -> None:
    fake, notifier = world.fake, world.service.notifier()
    reply = Reply("Time for a walk @everyone", buttons=quick_log_buttons())
    reminder = Outgoing(1, REMINDER, "discord", str(world.ada.id), reply, 1)
    await notifier.deliver(reminder)
    (dm,) = sent_by_bot(fake.dms(world.ada))
    assert dm.content == "Time for a walk @everyone"
    assert dm.custom_ids == ["rw:log:5", "rw:log:10", "rw:log:20"]
    tap = await fake.click(world.ada, dm, "rw:log:20")
    assert (await tap.response()).content.startswith("Recorded: 20 min")
    long = Reply("\n".join(f"line {n} " + "x" * 90 for n in range(60)))
    await notifier.deliver(replace(reminder, reply=long))
    parts = [m.content for m in sent_by_bot(fake.dms(world.ada))[1:]]
    assert len(parts) == 3 and all(len(p) <= 2000 for p in parts)
    assert "\n".join(parts) == long.text
    fake.block_dms(world.bea)
    with pytest.raises(Undeliverable):
        await notifier.deliver(replace(reminder, recipient=str(world.bea.id)))


async def test_reminders_and_challenge_posts_are_delivered_by_the_dispatcher(
        world: World) -> None:
    fake, coach, client = world.fake, world.coach, world.service.client
    runners = fake.guild("Runners")
    lobby = fake.text_channel(runners, "lobby")
    boss = fake.member(runners, world.bea, admin=True)
    await fake.wait_for(lambda: client.get_guild(runners.id), 5, "the bot to see Runners")
    await (await fake.slash(world.ada, "remind", {"time": "12:15"})).response()
    await (await fake.slash(world.bea, "remind", {"time": "12:20"})).response()
    fake.block_dms(world.bea)
    for admin in (world.bea_m, boss):
        await (await fake.slash(admin, "challenge_time", {"time": "12:10"})).response()
    await (await fake.slash(world.bea_m, "challenge_channel",
                            {"channel": world.posts})).response()
    world.clock.advance(minutes=25)
    assert await coach.plan_deliveries() == 4
    assert await Dispatcher(coach, world.service.notifier()).drain() == 4
    (reminder,) = sent_by_bot(fake.dms(world.ada))
    assert reminder.content.startswith("Time for a backward walk?")
    assert reminder.custom_ids == ["rw:log:5", "rw:log:10", "rw:log:20", "rw:later"]
    later = await fake.click(world.ada, reminder, "rw:later")
    assert (await later.response()).content.startswith("All right: I'll remind you once more")
    (post,) = fake.channel_messages(world.posts)
    assert post.content.startswith("Today's walk challenge in Walkers")
    assert post.custom_ids == ["rw:join"]
    (elsewhere,) = sent_by_bot(fake.channel_messages(lobby))
    assert elsewhere.content.startswith("Today's walk challenge in Runners")
    assert outcomes(world.db) == {str(world.ada.id): "sent", str(world.bea.id): "dead",
                                  str(world.guild.id): "sent", str(runners.id): "sent"}
    unreachable = {a["external_id"]: a["unreachable_since"] for a in rows(world.db, "accounts")}
    assert unreachable[str(world.bea.id)] is not None and unreachable[str(world.ada.id)] is None


def outcomes(db: Path) -> dict[str, str]:
    """What became of each queued message, by the account (reminders) or server (posts) it
    was for."""
    accounts = {a["id"]: a["external_id"] for a in rows(db, "accounts")}
    chats = {c["id"]: c["external_id"] for c in rows(db, "chats")}
    return {accounts.get(d["account_id"]) or chats[d["chat_id"]]: d["status"]
            for d in rows(db, "deliveries") if d["kind"] != "snooze"}


async def test_a_redelivered_interaction_never_logs_a_walk_twice(world: World) -> None:
    fake = world.fake
    ix = await fake.slash(world.ada, "log", {"minutes": 10})
    await ix.response()
    await fake.gateway.dispatch("INTERACTION_CREATE", ix.payload)
    await fake.wait_for(lambda: len(fake.calls_to("POST", CALLBACK)) >= 3, 5,
                        "the bot to try answering the repeat")
    assert walk_minutes(world.db) == [10]


async def test_a_wrong_token_fails_the_start_and_leaves_nothing_open(world: World) -> None:
    service = DiscordService(world.settings(), "not-a-token", world.coach)
    with pytest.raises(discord.LoginFailure):
        await service.start()
    assert service.client.is_closed()
    assert world.fake.api_url == discord.http.Route.BASE


async def test_a_rate_limited_interaction_callback_is_waited_out(world: World) -> None:
    fake = world.fake
    fake.rate_limit("POST", CALLBACK, retry_after=0.3)
    started = time.monotonic()
    reply = await (await fake.slash(world.ada, "tip")).response()
    assert reply.content.startswith("Tip: ") and time.monotonic() - started >= 0.3
    assert [c.status for c in fake.calls_to("POST", CALLBACK)] == [429, 200]


async def test_a_slow_answer_is_deferred_in_time_and_then_edited_in(world: World) -> None:
    fake = world.fake
    fake.settings.interaction_timeout = 10.0  # measured below rather than enforced
    world.coach._executor.submit(time.sleep, 2.5)  # the coach's worker is busy
    ix = await fake.slash(world.ada, "streak")
    first = await ix.response()
    assert first.type == 5 and first.ephemeral
    assert ix.acked_at is not None and ix.acked_at - ix.created_at < 3.0
    final = await ix.original(timeout=10)
    assert final.ephemeral and final.content.startswith("Current streak: 0 days")
    assert fake.calls_to("PATCH", "/webhooks/{webhook_id}/{webhook_token}/messages/@original")


async def test_an_unexpected_failure_is_logged_and_apologised_for(
        world: World, caplog: pytest.LogCaptureFixture) -> None:
    world.coach._executor.shutdown()  # as if the database worker had died
    reply = await (await world.fake.slash(world.ada, "streak")).response()
    assert reply.ephemeral and reply.content == shown(texts.APOLOGY)
    (failure,) = [r for r in caplog.records if r.name == "bot.discord.hooks"]
    assert failure.levelno == logging.ERROR and failure.exc_info is not None


async def test_the_token_never_reaches_a_log_line(
        world: World, caplog: pytest.LogCaptureFixture) -> None:
    await (await world.fake.slash(world.ada, "log", {"minutes": 10})).response()
    await world.restart()
    assert any(r.name.startswith("discord") for r in caplog.records)
    logged = "\n".join(r.getMessage() + (r.exc_text or "") for r in caplog.records)
    assert world.fake.token not in logged


async def test_buttons_never_expire_even_on_ephemeral_messages() -> None:
    view = views.view_for(Reply("x", buttons=(Button("Undo", "undo:1"), Button("Join", "join"))))
    assert view is not None
    view.timeout = 15 * 60.0  # what discord.py does to views sent ephemerally
    assert view.timeout is None
    with pytest.raises(ValueError, match="no Discord button"):
        views.item_for(Button("?", "dance"))


async def test_the_yes_and_no_under_a_guessed_walk_have_discord_buttons() -> None:
    view = views.view_for(Reply("Log 2 min today?", buttons=(
        Button("Yes", "log:2:20261124"), Button("No", "log:no"))))
    assert view is not None
    assert [getattr(item, "custom_id", None) for item in view.children] == [
        "rw:log:2:20261124", "rw:log:no"]


async def test_a_slow_refusal_of_a_public_command_stays_private(world: World) -> None:
    fake = world.fake
    fake.settings.interaction_timeout = 10.0
    world.coach._executor.submit(time.sleep, 2.5)
    ix = await fake.slash(world.ada_m, "leave")
    first = await ix.response()
    assert first.type == 5 and not first.ephemeral  # a group post was expected
    (refusal,) = await ix.followups(timeout=10)
    assert refusal.ephemeral and refusal.content == shown(texts.NOT_A_MEMBER)
    assert ix.original_message is not None and ix.original_message.deleted
    assert fake.channel_messages(world.general) == []
