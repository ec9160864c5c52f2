"""A cluster's workers send Discord's deliveries too: a scheduler and two workers with a Discord
and a Telegram token, on one PostgreSQL, the fake Discord (its rate limits enforced) and the fake
Telegram; the Discord sender is killed with SIGKILL mid-run and the standby sends the rest.

Every process is `retrowalk run --role worker|scheduler` in its own process group. The workers
start first and one takes each sender lock (its first drain finds nothing: nothing is planned
yet); only then does the scheduler start, so every DM that arrives was planned by it and sent on
a drain it deferred for Discord. The workers only send: they log in to Discord over HTTP, and
the fake sees no gateway connection at all. As in tests/e2e/test_cluster.py, the deliveries the
killed sender had claimed come back when their lease runs out: the test moves `lease_until` of
those rows into the past instead of waiting.
"""

from __future__ import annotations

import signal
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import Engine

from core.identity import ChatKind, ChatRef, Platform, UserRef
from tests.e2e.cluster_support import (
    Role,
    ask_due,
    leased,
    let_leases_run_out,
    role_env,
    sent_to,
    set_up_due,
    statuses,
    until,
)
from tests.e2e.discord_support import sent_by_bot
from tests.fakes.discord import FakeDiscord, FakeGuild, FakeUser
from tests.fakes.telegram import FakeTelegram

DISCORD_WALKERS = 30
TELEGRAM_WALKERS = 6
KILL_AFTER = DISCORD_WALKERS // 3

pytestmark = pytest.mark.timeout(120)


def set_up_discord_due(engine: Engine, walkers: list[FakeUser], guild: FakeGuild,
                       admin: FakeUser) -> None:
    """Each Discord walker asked a minute ago for a reminder at this minute, and the server's
    admin for its daily challenge post (no channel chosen: the server's first writable one)."""
    ask_due(engine, [UserRef(Platform.DISCORD, str(w.id), w.username) for w in walkers],
            [(ChatRef(Platform.DISCORD, str(guild.id), ChatKind.GROUP, guild.name),
              UserRef(Platform.DISCORD, str(admin.id), admin.username))])


def dms(fake: FakeDiscord, walkers: list[FakeUser]) -> Counter[int]:
    """DMs the bot sent, per walker who got any."""
    return Counter({w.id: n for w in walkers if (n := len(sent_by_bot(fake.dms(w))))})


async def test_workers_send_discord_dms_over_http_and_a_standby_takes_over_a_killed_sender(
    tmp_path: Path, cluster_db: tuple[str, Engine]
) -> None:
    url, engine = cluster_db
    async with FakeDiscord() as discord, FakeTelegram(strict_limits=True) as telegram:
        guild = discord.guild("Walkers")
        general = discord.text_channel(guild, "general")
        admin = discord.member(guild, discord.user("admin"), admin=True).user
        walkers = [discord.member(guild, discord.user(f"walker{n}")).user
                   for n in range(DISCORD_WALKERS)]
        tg_walkers = [telegram.user(f"Walker{n}") for n in range(TELEGRAM_WALKERS)]
        tg_chats = {telegram.private_chat(w).id for w in tg_walkers}
        set_up_discord_due(engine, walkers, guild, admin)
        set_up_due(engine, tg_walkers, [])
        env = role_env(url, telegram) | {
            "RETROWALK_DISCORD_TOKEN": discord.token,
            "RETROWALK_DISCORD_API_URL": discord.api_url,
            "RETROWALK_DISCORD_GATEWAY_URL": discord.gateway_url}
        workers = [await Role.start("worker", tmp_path, env) for _ in range(2)]
        roles = list(workers)
        try:
            await until(lambda: all(any(w.sending_for(p) for w in workers)
                                    for p in ("discord", "telegram")), 60,
                        "a worker took each sender lock")
            assert dms(discord, walkers) == {}, "sent before anything was planned"
            roles.append(await Role.start("scheduler", tmp_path, env))
            await until(lambda: sum(dms(discord, walkers).values()) >= KILL_AFTER
                        and bool(leased(engine)), 60, "a third of the DMs sent, some in flight")
            [sender] = [w for w in workers if w.sending_for("discord")]
            await sender.stop(signal.SIGKILL)
            at_kill = sum(dms(discord, walkers).values())
            held = leased(engine)
            assert at_kill < DISCORD_WALKERS, "the DMs were all sent before the kill"
            assert let_leases_run_out(engine) == len(held)
            [standby] = [w for w in workers if w is not sender]
            await until(lambda: standby.sending_for("discord"), 30, "the standby took over")
            await until(lambda: len(dms(discord, walkers)) == DISCORD_WALKERS
                        and bool(sent_by_bot(discord.channel_messages(general)))
                        and set(sent_to(telegram, tg_chats)) == tg_chats, 60,
                        "every DM, the post and every Telegram reminder arrived")
            await until(lambda: set(statuses(engine)) == {"sent"}, 30, "all recorded as sent")
        finally:
            logs = {id(r): await r.stop() for r in roles}
        received = dms(discord, walkers)
        posts = sent_by_bot(discord.channel_messages(general))
        limited = [c for c in discord.calls if c.status == 429]
        connections = list(discord.connections)
        syncs = list(discord.sync_log)

    for role in roles:
        if role is not sender:
            assert role.process.returncode == 0, logs[id(role)][-3000:]
            assert "Traceback" not in logs[id(role)], logs[id(role)][-5000:]
        assert discord.token not in logs[id(role)] and telegram.token not in logs[id(role)]
    repeated = {user for user, n in received.items() if n > 1}
    duplicates = sum(n - 1 for n in received.values())
    print(f"\ncluster on Discord: {DISCORD_WALKERS} DMs + 1 post + {TELEGRAM_WALKERS} Telegram "
          f"reminders, 1 scheduler, 2 workers; SIGKILL to the Discord sender after {at_kill}; "
          f"{len(held)} leased to it; duplicates {duplicates}; 429s {len(limited)}")
    assert connections == [], "a worker connected to the Discord gateway"
    assert syncs == [], "a worker synced the slash commands"
    assert {int(h) for h in held} >= repeated and duplicates <= 1, received
    assert len(posts) == 1
    assert set(sent_to(telegram, tg_chats).values()) == {1}
    assert statuses(engine) == {"sent": DISCORD_WALKERS + 1 + TELEGRAM_WALKERS}
    assert limited == []
