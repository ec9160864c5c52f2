"""Benchmark of a cluster on PostgreSQL (not a test: it prints figures).

For 1, 2 and 4 processes, side by side in one run, on one fresh PostgreSQL database each:

* /log through webhook replicas: that many `retrowalk run --role web` processes share one
  webhook secret; PEOPLE people (chats) each post /log to a replica (round robin by chat) and
  write again when the answer arrived, for --seconds. Figures: updates answered a second, and
  the replicas' CPU seconds per update (read from /proc). Ratios: 2 over 1 (throughput), 4 over
  2 (cost per update).
* A reminder fan-out through workers: one scheduler and that many `--role worker` processes
  send --reminders reminders through the fake Telegram with Telegram's flood limits. Only the
  worker holding the sender lock sends (one sender per bot token); the others stand by. Figures:
  the send rate over Telegram's 30 a second, 429s received, the busiest second.

The fake Telegram, the load and the processes share this machine's cores.

    .venv/bin/python bench/scale.py [--seconds 20] [--people 200] [--reminders 3000]
    .venv/bin/python bench/scale.py --only fanout --workers 3 --reminders 10000  # the full count
"""

from __future__ import annotations

import sys
from pathlib import Path

# bench/telegram.py would shadow the telegram package: keep this folder off the import path, and
# the repository (for the fakes in tests/) on it.
HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != HERE]
sys.path.insert(0, str(HERE.parent))

import argparse
import asyncio
import os
import socket
import tempfile
import time
from dataclasses import dataclass

from core.persistence.engine import make_engine
from core.persistence.migrate import upgrade
from tests import postgres
from tests.e2e.cluster_support import (
    Role,
    busiest_second,
    role_env,
    sent_to,
    set_up_due,
    until,
)
from tests.fakes.telegram import FakeTelegram

TELEGRAM_RATE = 30.0
SECRET = "bench-replicas-secret"
COUNTS = (1, 2, 4)


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Logs:
    replicas: int
    answered: int
    seconds: float
    cpu: float

    @property
    def rate(self) -> float:
        return self.answered / self.seconds

    @property
    def cost(self) -> float:
        """CPU milliseconds per update, over all replicas."""
        return 1000 * self.cpu / max(self.answered, 1)


@dataclass
class FanOut:
    workers: int
    sent: int
    seconds: float
    floods: int
    busiest: int

    @property
    def rate(self) -> float:
        return (self.sent - 1) / self.seconds if self.seconds else 0.0


async def logs_through_replicas(admin: str, replicas: int, people: int,
                                seconds: float) -> Logs:
    with postgres.database(admin) as url, tempfile.TemporaryDirectory() as folder:
        engine = make_engine(url)
        upgrade(engine)
        engine.dispose()
        async with FakeTelegram() as telegram:
            ports = [free_port() for _ in range(replicas)]
            hooks = [f"http://127.0.0.1:{port}/telegram" for port in ports]
            roles = []
            for port in ports:
                roles.append(await Role.start("web", Path(folder), {
                    **role_env(url, telegram), "RETROWALK_TELEGRAM_WEBHOOK_URL": hooks[0],
                    "RETROWALK_TELEGRAM_WEBHOOK_LISTEN": "127.0.0.1",
                    "RETROWALK_TELEGRAM_WEBHOOK_PORT": str(port),
                    "RETROWALK_TELEGRAM_WEBHOOK_SECRET": SECRET, "RETROWALK_LOG_LEVEL": "WARNING"}))
            try:
                await until(lambda: len(telegram.calls_to("setWebhook")) >= replicas, 60,
                            "replicas listening")
                await asyncio.sleep(1.0)
                walkers = [telegram.user(f"W{n}") for n in range(people)]
                chats = [telegram.private_chat(w) for w in walkers]
                for n, (walker, chat) in enumerate(zip(walkers, chats, strict=True)):  # warm up
                    update = telegram.make_text_update(walker, chat, "/start")
                    await telegram.pusher.post(hooks[n % replicas], update, SECRET)
                    await telegram.next_reply(chat, timeout=30)
                answered = 0
                cpu_before = sum(cpu_seconds(r.process.pid) for r in roles)
                started = time.monotonic()
                deadline = started + seconds

                async def person(n: int) -> None:
                    nonlocal answered
                    walker, chat = walkers[n], chats[n]
                    while time.monotonic() < deadline:
                        update = telegram.make_text_update(walker, chat, f"/log {1 + n % 50} min")
                        await telegram.pusher.post(hooks[n % replicas], update, SECRET)
                        await telegram.next_reply(chat, timeout=30)
                        answered += 1

                await asyncio.gather(*(person(n) for n in range(people)))
                elapsed = time.monotonic() - started
                cpu = sum(cpu_seconds(r.process.pid) for r in roles) - cpu_before
            finally:
                for role in roles:
                    await role.stop()
        return Logs(replicas, answered, elapsed, cpu)


async def fan_out(admin: str, workers: int, reminders: int) -> FanOut:
    with postgres.database(admin) as url, tempfile.TemporaryDirectory() as folder:
        engine = make_engine(url)
        upgrade(engine)
        async with FakeTelegram(strict_limits=True) as telegram:
            walkers = [telegram.user(f"Walker{n}") for n in range(reminders)]
            chats = {telegram.private_chat(w).id for w in walkers}
            set_up_due(engine, walkers, [])
            env = {**role_env(url, telegram), "RETROWALK_LOG_LEVEL": "WARNING"}
            roles = [await Role.start("scheduler", Path(folder), env)]
            roles += [await Role.start("worker", Path(folder), env) for _ in range(workers)]
            try:
                await until(lambda: len(sent_to(telegram, chats)) >= reminders,
                            120 + reminders / 10, "every reminder sent")
            finally:
                for role in roles:
                    await role.stop()
            times = [c.at for c in telegram.calls_to("sendMessage") if c.ok]
            result = FanOut(workers, len(times), max(times) - min(times),
                            len(telegram.floods), busiest_second(telegram))
        engine.dispose()
    return result


async def main(seconds: float, people: int, reminders: int, only: str | None,
               workers: list[int]) -> None:
    with postgres.server() as admin:
        if admin is None:
            raise SystemExit("no PostgreSQL server reachable and no binaries to start one")
        logs = [await logs_through_replicas(admin, n, people, seconds) for n in COUNTS
                if only in (None, "logs")]
        fans = [await fan_out(admin, n, reminders) for n in workers if only in (None, "fanout")]
    if logs:
        print_logs(logs, people, seconds)
    if fans:
        print_fans(fans, reminders)


def print_logs(logs: list[Logs], people: int, seconds: float) -> None:
    print(f"/log through webhook replicas ({people} people, {seconds:.0f} s each, "
          f"{os.cpu_count()} cores)")
    for r in logs:
        print(f"  {r.replicas} replica(s): {r.rate:7.1f} updates/s  "
              f"{r.cost:6.2f} ms CPU per update  ({r.answered} answered)")
    one, two, four = logs
    print(f"  throughput 2 over 1:      {two.rate / one.rate:.2f}x")
    print(f"  throughput 4 over 2:      {four.rate / two.rate:.2f}x")
    print(f"  cost per update 4 over 2: {four.cost / two.cost:.2f}x")


def print_fans(fans: list[FanOut], reminders: int) -> None:
    print(f"reminder fan-out ({reminders} reminders, 1 scheduler, strict Telegram limits)")
    for f in fans:
        print(f"  {f.workers} worker(s): {f.rate:5.1f}/s = {f.rate / TELEGRAM_RATE:.2f} of "
              f"the limit; 429s {f.floods}; busiest second {f.busiest}; sent {f.sent}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--people", type=int, default=200)
    parser.add_argument("--reminders", type=int, default=3000)
    parser.add_argument("--only", choices=("logs", "fanout"))
    parser.add_argument("--workers", default="1,2,4", help="worker counts for the fan-out")
    args = parser.parse_args()
    asyncio.run(main(args.seconds, args.people, args.reminders, args.only,
                     [int(n) for n in args.workers.split(",")]))
