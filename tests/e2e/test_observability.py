"""`retrowalk run` as operators watch it: /healthz, /readyz and /metrics on the health port,
JSON log lines with the platform and command, and never a token, a note or a pain score."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import aiohttp
from prometheus_client.parser import text_string_to_metric_families

from bot.app import database_check
from bot.health import HealthServer
from bot.telegram.service import TelegramService
from core.coach import AsyncCoach
from core.persistence.engine import make_engine
from tests.e2e.telegram_support import fake_settings, free_port
from tests.e2e.test_run import STARTUP, start_coach, stop_coach
from tests.fakes.telegram import FakeTelegram

NOTE = "felt wobbly near the old oak tree"


async def get(port: int, path: str) -> tuple[int, str]:
    async with aiohttp.ClientSession() as session, session.get(
            f"http://127.0.0.1:{port}{path}") as response:
        return response.status, await response.text()


def samples(exposition: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """Every sample of a Prometheus text exposition, by name and labels."""
    return {(s.name, tuple(sorted(s.labels.items()))): s.value
            for family in text_string_to_metric_families(exposition) for s in family.samples}


async def test_a_running_bot_answers_health_readiness_and_metrics_and_logs_json_lines(
    tmp_path: Path
) -> None:
    port = free_port()
    async with FakeTelegram() as telegram:
        process = await start_coach(tmp_path, {
            "RETROWALK_TELEGRAM_TOKEN": telegram.token,
            "RETROWALK_TELEGRAM_API_URL": telegram.base_url,
            "RETROWALK_TELEGRAM_FILE_URL": telegram.base_file_url,
            "RETROWALK_HEALTH_PORT": str(port),
            "RETROWALK_HEALTH_LISTEN": "127.0.0.1",
            "RETROWALK_LOG_FORMAT": "json",
        })
        try:
            await telegram.wait_until_polling(timeout=STARTUP)
            assert await get(port, "/healthz") == (200, "ok\n")
            status, body = await get(port, "/readyz")
            assert (status, json.loads(body)) == (200, {"database": True, "telegram": True})
            ada = telegram.user("Ada", username="ada")
            chat = telegram.private_chat(ada)
            telegram.send_text(ada, chat, f"/log 15 min park pain 3 {NOTE}")
            assert "Recorded: 15 min" in (await telegram.next_reply(chat, 10)).text
            telegram.send_text(ada, chat, "/streak")
            await telegram.next_reply(chat, 10)
            status, exposition = await get(port, "/metrics")
            assert status == 200
            seen = samples(exposition)
            updates = "retrowalk_updates_total"
            assert seen[(updates, (("command", "log"), ("platform", "telegram")))] == 1
            assert seen[(updates, (("command", "streak"), ("platform", "telegram")))] == 1
            assert seen[("retrowalk_reply_seconds_count", (("platform", "telegram"),))] == 2
            assert seen[("retrowalk_queue_depth", (("status", "pending"),))] == 0
            assert ("retrowalk_planning_seconds_count", ()) in seen
        finally:
            log = await stop_coach(process)
    assert process.returncode == 0, log
    lines = [json.loads(line) for line in log.splitlines() if line.strip()]
    assert lines and all({"time", "level", "logger", "message"} <= line.keys() for line in lines)
    assert any(line.get("platform") == "telegram" and line.get("command") == "log"
               for line in lines), log
    assert telegram.token not in log
    assert NOTE not in log and "pain 3" not in log


async def test_readiness_fails_while_telegram_is_not_connected_or_the_database_is_gone(
    tmp_path: Path, coach: AsyncCoach
) -> None:
    folder = tmp_path / "data"
    folder.mkdir()
    engine = make_engine(f"sqlite:///{folder / 'coach.db'}")
    async with FakeTelegram() as telegram:
        service = TelegramService(fake_settings(telegram), telegram.token, coach,
                                  rate_limited=False)

        async def telegram_ready() -> bool:
            return service.ready()

        server = HealthServer("127.0.0.1", 0, {"database": database_check(engine),
                                               "telegram": telegram_ready})
        await server.start()
        try:
            status, body = await get(server.port, "/readyz")
            assert (status, json.loads(body)) == (503, {"database": True, "telegram": False})
            engine.dispose()
            shutil.rmtree(folder)
            status, body = await get(server.port, "/readyz")
            assert (status, json.loads(body)) == (503, {"database": False, "telegram": False})
            assert (await get(server.port, "/healthz"))[0] == 200
        finally:
            await server.stop()
            await service.stop()
            engine.dispose()


def test_a_health_port_already_taken_stops_the_bot_with_one_line_naming_it(
    tmp_path: Path
) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        env = {k: v for k, v in os.environ.items() if not k.startswith("RETROWALK_")}
        refused = subprocess.run(
            [sys.executable, "-m", "bot", "run"], cwd=tmp_path, capture_output=True, text=True,
            timeout=60, env={**env, "RETROWALK_TELEGRAM_TOKEN": "1:never-used",
                             "RETROWALK_TELEGRAM_API_URL": "http://127.0.0.1:9/bot",
                             "RETROWALK_HEALTH_LISTEN": "127.0.0.1",
                             "RETROWALK_HEALTH_PORT": str(port)})
    assert refused.returncode == 2
    assert refused.stderr.strip().splitlines()[-1].startswith(
        f"Can't serve health and metrics on 127.0.0.1:{port}")
    assert "Traceback" not in refused.stderr and "never-used" not in refused.stderr


def test_a_health_port_out_of_range_is_refused_before_anything_starts(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("RETROWALK_")}
    refused = subprocess.run([sys.executable, "-m", "bot", "run"], cwd=tmp_path, text=True,
                             capture_output=True, timeout=60,
                             env={**env, "RETROWALK_HEALTH_PORT": "70000"})
    assert refused.returncode == 2
    assert refused.stderr.startswith("RETROWALK_HEALTH_PORT=70000 can't be used")
