"""Benchmark of group challenge boards, in-process on a SQLite file (not a test: it prints
figures and ratios measured side by side in one run).

1. /leaderboard of a capped challenge with 10,000 entrants who walked on each of 7 days (70,000
   walks), and the same group's weekly board, through the coach as adapters call it
   (target: at most 50 ms).
2. /log by members in 20 active challenges against /log by members in none, interleaved, each
   walking about once a day over the challenges' four weeks (target: at most 1.5x).

    .venv/bin/python bench/board.py [--members 10000] [--logs 500]
"""

from __future__ import annotations

import sys
from pathlib import Path

# bench/core.py shares its name with the package measured: keep this folder off the import path.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from sqlalchemy import insert

from core.api import Message
from core.coach import Coach
from core.identity import ChatKind, ChatRef, Platform, UserRef, private_chat
from core.persistence.engine import make_engine
from core.persistence.migrate import upgrade
from core.persistence.models import Account, Entry, Member, Person, Walk, WeekTotal
from core.persistence.uow import UnitOfWorkFactory
from core.persistence.weekly import WEEKDAYS

START = datetime(2026, 11, 30, 8, tzinfo=UTC)  # a Monday
DAYS = 7
CHALLENGES = 20
WALKERS = 20  # members in the 20 challenges who log, and as many in none
PROFILE = False


class Clock:
    """The benchmark's clock: moved forward by hand."""

    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> datetime:
        return self.now


def user(name: str) -> UserRef:
    return UserRef(Platform.CONSOLE, name, name)


def group(n: int) -> ChatRef:
    return ChatRef(Platform.CONSOLE, f"group{n}", ChatKind.GROUP, f"Group {n}")


def timed(calls: int, call: Callable[[int], object]) -> list[float]:
    """Per-call latencies (ms) of `calls` sequential calls."""
    latencies = []
    for n in range(calls):
        t0 = time.perf_counter()
        call(n)
        latencies.append((time.perf_counter() - t0) * 1000)
    return latencies


def pct(values: list[float], p: int) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[p - 1]


def fill(engine: object, members: int, challenge_id: int, chat_id: int) -> None:
    """`members` people in one challenge and on the weekly board, each with a walk a day."""
    with engine.begin() as connection:  # type: ignore[attr-defined]
        first = 1000
        ids = range(first, first + members)
        connection.execute(insert(Person), [{"id": i, "created_at": START} for i in ids])
        connection.execute(insert(Account), [
            {"person_id": i, "platform": "console", "external_id": f"m{i}",
             "display_name": f"Member {i}", "created_at": START} for i in ids])
        minutes = {i: [5 + (i * 7 + d * 13) % 50 for d in range(DAYS)] for i in ids}
        connection.execute(insert(Entry), [
            {"challenge_id": challenge_id, "person_id": i, "display_name": f"Member {i}",
             "joined_at": START, "points": sum(min(m, 30) for m in minutes[i]),
             "minutes": sum(minutes[i]), "goal_days": DAYS} for i in ids])
        connection.execute(insert(Member), [
            {"chat_id": chat_id, "person_id": i, "display_name": f"Member {i}",
             "joined_at": START} for i in ids])
        connection.execute(insert(WeekTotal), [  # kept as /log keeps them
            {"chat_id": chat_id, "week_start": START.date(), "person_id": i,
             "points": sum(min(m, 30) for m in minutes[i]), "days": DAYS,
             "last_day": (START + timedelta(days=DAYS - 1)).date(),
             **{day: min(m, 30) for day, m in zip(WEEKDAYS, minutes[i], strict=True)}}
            for i in ids])
        connection.execute(insert(Walk), [
            {"person_id": i, "day": (START + timedelta(days=d)).date(),
             "minutes": minutes[i][d], "note": "",
             "recorded_at": START + timedelta(days=d, hours=1)}
            for i in ids for d in range(DAYS)])


def main(members: int, logs: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        engine = make_engine(f"sqlite:///{Path(folder) / 'bench.db'}")
        upgrade(engine)
        clock = Clock()
        coach = Coach(UnitOfWorkFactory(engine), clock)
        admin = user("admin")

        def say(who: UserRef, chat: ChatRef, text: str, admin_rights: bool = False) -> str:
            return coach.handle(Message(who, chat, text, is_admin=admin_rights)).text

        say(admin, group(0), '/newchallenge capped "Big board" 7 days', True)
        fill(engine, members, 1, 1)
        clock.now = START + timedelta(days=DAYS - 1, hours=12)
        board = say(admin, group(0), "/leaderboard 1")
        assert "1. " in board and f"and {members - 10} more" in board, board
        if PROFILE:
            import cProfile
            import pstats
            cProfile.runctx("say(admin, group(0), '/leaderboard 1')", globals(), locals(),
                            "/tmp/board.prof")
            pstats.Stats("/tmp/board.prof").sort_stats("cumulative").print_stats(25)
        print(f"Boards: {members:,} entrants, {members * DAYS:,} walks, SQLite file, one core\n")
        for label, text in (("challenge board (/leaderboard 1)", "/leaderboard 1"),
                            ("weekly board (/leaderboard week)", "/leaderboard week")):
            lat = timed(30, lambda n, t=text: say(admin, group(0), t))
            print(f"{label:<36} p50 {pct(lat, 50):7.1f} ms   max {max(lat):7.1f} ms"
                  f"   (target: at most 50 ms)")

        # Members in 20 running challenges (two groups of 10) and members in none, each walking
        # about once a day as people do (a walk logged again and again on the same days would
        # measure how many walks a day holds, not how many challenges a walker is in).
        busy = [user(f"busy{n}") for n in range(WALKERS)]
        idle = [user(f"idle{n}") for n in range(WALKERS)]
        clock.now = START
        for n in range(CHALLENGES):
            chat = group(1 + n // 10)
            say(admin, chat, f'/newchallenge team "Team {n}" 1000 min 30 days', True)
            for who in busy:
                say(who, chat, f"/join Team {n}")
        for who in busy + idle:  # warm caches and code paths: the first walk of the first day
            coach.handle(Message(who, private_chat(who), "/log 1 min", key=f"w{who}"))
        results: dict[str, list[float]] = {"busy": [], "idle": []}
        for n in range(logs):  # interleaved, so both see the same machine
            # Each walker's next walk, a day and two hours after their last.
            clock.now = START + timedelta(hours=1 + (n // WALKERS) * 26)
            for name, who in (("busy", busy[n % WALKERS]), ("idle", idle[n % WALKERS])):
                t0 = time.perf_counter()
                coach.handle(Message(who, private_chat(who), f"/log {n % 50 + 1} min park",
                                     key=f"{name}:{n}"))
                results[name].append((time.perf_counter() - t0) * 1000)
        busy_p50, idle_p50 = pct(results["busy"], 50), pct(results["idle"], 50)
        print(f"\n/log, {logs:,} each, interleaved")
        print(f"{'members in 20 challenges':<26} p50 {busy_p50:6.2f} ms   "
              f"p99 {pct(results['busy'], 99):6.2f} ms")
        print(f"{'members in none':<26} p50 {idle_p50:6.2f} ms   "
              f"p99 {pct(results['idle'], 99):6.2f} ms")
        print(f"ratio 20/none: p50 {busy_p50 / idle_p50:.2f}x, "
              f"p99 {pct(results['busy'], 99) / pct(results['idle'], 99):.2f}x"
              "   (target: at most 1.5x)")
        engine.dispose()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--members", type=int, default=10_000)
    parser.add_argument("--logs", type=int, default=500)
    arguments = parser.parse_args()
    main(arguments.members, arguments.logs)
