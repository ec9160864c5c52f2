"""Benchmark of /link, in-process on a SQLite file (not a test: it prints figures).

What joining two walkers costs when both hold a history: the confirmation (both sides counted,
the joined streak folded in memory) and the merge itself (rows moved, the streak folded again
from the first walk and settled), for 0, 1,000 and 10,000 walks on each side, measured side by
side in one run, with the ratio to the smallest.

    .venv/bin/python bench/linking.py [--rounds 5]
"""

from __future__ import annotations

import sys
from pathlib import Path

# bench/core.py shares its name with the package measured: keep this folder off the import path.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]

import argparse
import re
import statistics
import tempfile
import time
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import insert, text

from core.api import Message
from core.coach import Coach
from core.identity import Platform, UserRef, private_chat
from core.persistence.engine import make_engine
from core.persistence.migrate import upgrade
from core.persistence.models import Walk
from core.persistence.uow import UnitOfWorkFactory

NOW = datetime(2026, 11, 24, 12, tzinfo=UTC)
SIZES = (0, 1_000, 10_000)
CODE = re.compile(r"Your link code: (\S+)")


def say(coach: Coach, who: UserRef, words: str) -> str:
    return coach.handle(Message(who, private_chat(who), words)).text


def give_history(coach: Coach, who: UserRef, walks: int, offset: int) -> None:
    """`walks` walks, three a day back from yesterday (offset: a different hour each side)."""
    say(coach, who, "/log 10 min")  # creates the person, and a walk today on both sides
    if not walks:
        return
    engine = coach.uows.engine
    with engine.begin() as connection:
        person = connection.execute(
            text("SELECT person_id FROM accounts WHERE platform = :p AND external_id = :e"),
            {"p": who.platform.value, "e": who.external_id}).scalar_one()
        rows = [{"person_id": person, "day": date(2026, 11, 23) - timedelta(days=n // 3),
                 "minutes": 10 + n % 7, "note": "", "recorded_at": NOW - timedelta(hours=n)}
                for n in range(offset, walks + offset)]
        connection.execute(insert(Walk), rows)
        connection.execute(text("UPDATE people SET plan_start = :d WHERE id = :i"),
                           {"d": min(r["day"] for r in rows), "i": person})


def one_link(coach: Coach, walks: int, n: int) -> tuple[float, float]:
    """Milliseconds for the confirmation and for the merge."""
    tg = UserRef(Platform.TELEGRAM, f"t{walks}-{n}", "Ada")
    dc = UserRef(Platform.DISCORD, f"d{walks}-{n}", "ada")
    give_history(coach, tg, walks, 0)
    give_history(coach, dc, walks, 1)
    found = CODE.search(say(coach, tg, "/link"))
    assert found
    started = time.perf_counter()
    asked = say(coach, dc, f"/link {found.group(1)}")
    middle = time.perf_counter()
    done = say(coach, dc, "yes")
    ended = time.perf_counter()
    assert "Join them?" in asked and done.startswith("Linked"), (asked, done)
    return (middle - started) * 1000, (ended - middle) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=5)
    rounds = parser.parse_args().rounds
    with tempfile.TemporaryDirectory() as folder:
        engine = make_engine(f"sqlite:///{Path(folder) / 'bench.db'}")
        upgrade(engine)
        coach = Coach(UnitOfWorkFactory(engine), lambda: NOW)
        results: dict[int, list[tuple[float, float]]] = {size: [] for size in SIZES}
        for n in range(rounds):  # interleaved, so a busy moment falls on every size alike
            for size in SIZES:
                results[size].append(one_link(coach, size, n))
        engine.dispose()
    base_ask = statistics.median(a for a, _ in results[SIZES[0]])
    base_merge = statistics.median(m for _, m in results[SIZES[0]])
    print(f"/link with walks on both sides, SQLite file, median of {rounds} rounds")
    print("walks per side | confirmation ms (ratio) | merge ms (ratio)")
    for size in SIZES:
        ask = statistics.median(a for a, _ in results[size])
        merge = statistics.median(m for _, m in results[size])
        print(f"{size + 1:>14,} | {ask:8.1f} ({ask / base_ask:5.1f}x)       | "
              f"{merge:8.1f} ({merge / base_merge:5.1f}x)")


if __name__ == "__main__":
    main()
