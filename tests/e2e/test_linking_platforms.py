"""One walker on two platforms, as people do it: the real python-telegram-bot on the fake Bot API
and the real discord.py on the fake Discord, both running against one coach and one database.
A code asked for on Telegram is entered on Discord."""

from __future__ import annotations

import re
from pathlib import Path

from bot.dispatch import Dispatcher
from core.coach import AsyncCoach
from tests.e2e.discord_support import discord_world, sent_by_bot
from tests.e2e.telegram_support import rows, telegram_world
from tests.support import ManualClock, walk_minutes

CODE = re.compile(r"Your link code: ([A-Z2-9]{4}-[A-Z2-9]{4})")


async def test_a_code_asked_on_telegram_and_entered_on_discord_makes_one_walker(
        coach: AsyncCoach, db_path: Path, clock: ManualClock) -> None:
    async with telegram_world(coach, db_path, clock) as tg, \
            discord_world(coach, db_path, clock) as dc:
        logged = await tg.command(tg.ada, tg.ada_chat, "log", "10 min yesterday")
        assert logged.text is not None and logged.text.startswith("Recorded: 10 min")
        await (await dc.fake.slash(dc.ada, "log", {"minutes": 15})).response()
        in_group = await tg.command(tg.ada, tg.group, "link")
        assert in_group.text is not None and "private chat" in in_group.text
        asked = await tg.command(tg.ada, tg.ada_chat, "link")
        assert asked.text is not None
        found = CODE.search(asked.text)
        assert found, asked.text
        # The wrong platform first: Telegram's own code is refused on Telegram.
        again = await tg.command(tg.bob, tg.bob_chat, "link", found.group(1))
        assert again.text is not None and "this is Telegram too" in again.text

        synced = {c["name"]: c for c in dc.fake.synced_commands()}
        (option,) = synced["link"]["options"]
        assert option["name"] == "code" and not option.get("required")
        entered = await dc.fake.slash(dc.ada, "link", {"code": found.group(1)})
        question = await entered.original()
        assert question.ephemeral
        assert "Together: 2 walks, 25 min, a streak of 2 days." in question.content
        assert question.custom_ids == ["rw:link:yes", "rw:link:no"]
        click = await dc.fake.click(dc.ada, question, "rw:link:yes")
        (done,) = await click.followups()
        assert done.content.startswith("Linked: Telegram (Ada) and Discord (ada) are now one")

        accounts = rows(db_path, "accounts")
        assert len(rows(db_path, "people")) == 1
        assert {a["platform"] for a in accounts} == {"telegram", "discord"}
        streak = await tg.command(tg.ada, tg.ada_chat, "streak")
        assert streak.text is not None and streak.text.startswith("Current streak: 2 days")
        stats = await (await dc.fake.slash(dc.ada, "stats", {"period": "all"})).original()
        assert "Walks: 2" in stats.content
        assert sorted(walk_minutes(db_path)) == [10, 15]

        # The Telegram account is told, through the delivery queue, once.
        assert await Dispatcher(coach, tg.service.notifier()).drain() == 1
        notice = await tg.fake.next_reply(tg.ada_chat)
        assert notice.text is not None and "now linked with Discord (ada)" in notice.text
        assert await Dispatcher(coach, tg.service.notifier()).drain() == 0

        # Unlinked from Discord: Discord keeps the history; Telegram starts empty and hears so.
        parted = await (await dc.fake.slash(dc.ada, "unlink")).original()
        assert parted.content.startswith("Unlinked: Telegram (Ada) is now a new walker")
        assert len(rows(db_path, "people")) == 2
        assert await Dispatcher(coach, tg.service.notifier()).drain() == 1
        told = await tg.fake.next_reply(tg.ada_chat)
        assert told.text is not None and "unlinked from Discord (ada)" in told.text
        empty = await tg.command(tg.ada, tg.ada_chat, "streak")
        assert empty.text is not None and empty.text.startswith("Current streak: 0 days")
        kept = await (await dc.fake.slash(dc.ada, "streak")).original()
        assert kept.content.startswith("Current streak: 2 days")
        assert sent_by_bot(dc.fake.dms(dc.ada)) == []  # nothing to tell the account that asked
