"""A worker with a Telegram and a Discord token keeps sending Telegram's reminders while Discord
cannot be reached: one platform's outage (or a refused token) must not stop the other's.

A scheduler and one worker (`retrowalk run --role ...`) on one PostgreSQL and the fake Telegram;
the Discord API URL points at a port nobody listens on. The worker logs that the Discord sender
could not start and tries it again later; every Telegram reminder and post arrives meanwhile.
"""

from __future__ import annotations

import signal
import socket
from pathlib import Path

import pytest
from sqlalchemy import Engine

from tests.e2e.cluster_support import Role, role_env, sent_to, set_up_due, until
from tests.fakes.telegram import FakeTelegram

WALKERS = 12

pytestmark = pytest.mark.timeout(120)


def closed_port() -> int:
    """A local port nothing listens on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def test_telegram_reminders_go_out_while_discord_cannot_be_reached(
    tmp_path: Path, cluster_db: tuple[str, Engine]
) -> None:
    url, engine = cluster_db
    async with FakeTelegram(strict_limits=True) as telegram:
        walkers = [telegram.user(f"Walker{n}") for n in range(WALKERS)]
        chats = {telegram.private_chat(w).id for w in walkers}
        admin = telegram.user("Admin")
        group = telegram.group_chat("Walkers", admins=[admin])
        set_up_due(engine, walkers, [(group, admin)])
        env = {**role_env(url, telegram), "RETROWALK_DISCORD_TOKEN": "discord-secret-token",
               "RETROWALK_DISCORD_API_URL": f"http://127.0.0.1:{closed_port()}/api/v10"}
        worker = await Role.start("worker", tmp_path, env)
        scheduler = await Role.start("scheduler", tmp_path, env)
        try:
            await until(lambda: set(sent_to(telegram, chats | {group.id})) == chats | {group.id},
                        60, "every Telegram reminder and post arrived")
            await until(lambda: "the discord sender could not start" in worker.log, 10,
                        "the worker said why Discord is not sending")
        finally:
            worker_log = await worker.stop(signal.SIGTERM)
            scheduler_log = await scheduler.stop(signal.SIGTERM)

    assert worker.sending_for("telegram") and not worker.sending_for("discord")
    assert worker.process.returncode == 0, worker_log[-3000:]
    assert scheduler.process.returncode == 0, scheduler_log[-3000:]
    assert "Traceback" not in worker_log, worker_log[-3000:]
    assert "discord-secret-token" not in worker_log + scheduler_log
    assert set(sent_to(telegram, chats).values()) == {1}
