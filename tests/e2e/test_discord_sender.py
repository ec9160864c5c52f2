"""A cluster's Discord sender (`DiscordService(receive=False)`) logs in over HTTP and never
connects to the gateway, so it has no copy of any server: reminders by DM, posts in a chosen
channel or a server's default one, and edits in place must all work over REST alone. The real
discord.py on the fake Discord, which counts gateway connections."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest

from bot.discord.service import DiscordService
from core.coach import AsyncCoach
from core.delivery import CHALLENGE, CONTEST_MID, REMINDER, Outgoing, Undeliverable
from core.replies import Reply
from tests.e2e.discord_support import fake_settings, sent_by_bot
from tests.fakes.discord import FakeChannel, FakeDiscord, FakeGuild, FakeUser


@dataclass
class Sender:
    fake: FakeDiscord
    service: DiscordService
    guild: FakeGuild
    general: FakeChannel
    posts: FakeChannel
    ada: FakeUser


@pytest.fixture
async def sender(coach: AsyncCoach) -> AsyncIterator[Sender]:
    async with FakeDiscord() as fake:
        guild = fake.guild("Walkers")
        general, posts = fake.text_channel(guild, "general"), fake.text_channel(guild, "posts")
        ada = fake.user("ada")
        fake.member(guild, ada)
        service = DiscordService(fake_settings(fake, guild), fake.token, coach, receive=False)
        await service.start()
        try:
            yield Sender(fake, service, guild, general, posts, ada)
        finally:
            await service.stop()


def post(n: int, server: FakeGuild, text: str, channel: FakeChannel | None = None, *,
         kind: str = CHALLENGE, edit: str | None = None) -> Outgoing:
    return Outgoing(n, kind, "discord", str(server.id), Reply(text), 0,
                    channel=str(channel.id) if channel else None, edit=edit)


async def test_a_sender_only_logs_in_and_sends_dms_posts_and_edits_over_http(
    sender: Sender
) -> None:
    fake, notifier = sender.fake, sender.service.notifier()
    assert sender.service.ready()
    assert fake.connections == [] and fake.identifies == 0
    assert fake.sync_log == [], "a sender synced the slash commands"

    assert await notifier.deliver(Outgoing(1, REMINDER, "discord", str(sender.ada.id),
                                           Reply("Time for your backward walk"), 0)) is None
    default = await notifier.deliver(post(2, sender.guild, "Today's challenge"))
    chosen = await notifier.deliver(post(3, sender.guild, "Challenge starts", sender.posts))
    edited = await notifier.deliver(post(4, sender.guild, "Halfway there", sender.posts,
                                         kind=CONTEST_MID, edit=chosen))

    assert [m.content for m in sent_by_bot(fake.dms(sender.ada))] == [
        "Time for your backward walk"]
    [first] = sent_by_bot(fake.channel_messages(sender.general))
    assert first.content == "Today's challenge" and default == str(first.id)
    [start] = sent_by_bot(fake.channel_messages(sender.posts))
    assert edited == chosen == str(start.id)
    assert start.content == "Halfway there" and start.edited_timestamp is not None
    assert fake.connections == [], "a sender connected to the gateway"


async def test_a_sender_gives_up_where_discord_says_it_cannot_send(sender: Sender) -> None:
    fake, notifier = sender.fake, sender.service.notifier()
    fake.block_dms(sender.ada)
    with pytest.raises(Undeliverable, match="50007"):
        await notifier.deliver(Outgoing(1, REMINDER, "discord", str(sender.ada.id),
                                        Reply("Walk?"), 0))
    elsewhere = fake.text_channel(fake.guild("Other"), "general")
    with pytest.raises(Undeliverable, match="not in server"):
        await notifier.deliver(post(2, sender.guild, "Today's challenge", elsewhere))
    assert fake.channel_messages(elsewhere) == []
    assert fake.connections == []
