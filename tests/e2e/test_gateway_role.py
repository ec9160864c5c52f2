"""`retrowalk run --role gateway`: a Discord gateway process running the shards it is given
(discord.py's AutoShardedClient) on the shared PostgreSQL, answering slash commands."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from tests.e2e.cluster_support import Role, until
from tests.fakes.discord import FakeDiscord

pytestmark = pytest.mark.timeout(120)


async def test_a_gateway_process_runs_its_shard_and_answers_slash_commands(
    tmp_path: Path, cluster_db: tuple[str, Engine]
) -> None:
    url, engine = cluster_db
    async with FakeDiscord() as discord:
        guild = discord.guild("Walkers")
        discord.text_channel(guild, "general")
        bea = discord.member(guild, discord.user("bea"))
        gateway = await Role.start("gateway", tmp_path, {
            "RETROWALK_DATABASE_URL": url, "RETROWALK_DISCORD_TOKEN": discord.token,
            "RETROWALK_DISCORD_API_URL": discord.api_url,
            "RETROWALK_DISCORD_GATEWAY_URL": discord.gateway_url,
            "RETROWALK_DISCORD_SHARD_IDS": "0", "RETROWALK_DISCORD_SHARD_COUNT": "1",
            "RETROWALK_HEALTH_PORT": "0"})
        try:
            await until(lambda: "running as gateway" in gateway.log, 60, "the gateway is up")
            interaction = await discord.slash(bea, "log", {"minutes": 20, "place": "track"})
            answer = await interaction.response()
        finally:
            log = await gateway.stop()
        shards = [p.get("shard") for p in discord.gateway.identify_payloads]
    assert gateway.process.returncode == 0, log[-3000:]
    assert "Traceback" not in log and discord.token not in log
    assert shards == [[0, 1]]
    assert "Recorded: 20 min of backward walking on the track" in (
        answer.content + "".join(str(e) for e in answer.embeds))
    with engine.connect() as connection:
        assert connection.execute(text("SELECT minutes FROM walks")).scalars().all() == [20]
