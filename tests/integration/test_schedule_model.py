"""Reminders against a model: a Hypothesis state machine drives a real Coach on a SQLite file
with an injected clock, through settings changes, time zones and day starts, pauses, walks,
clock jumps across the 2026 daylight-saving dates, crashes and restarts, and dispatcher runs.

What it proves, checked against the deliveries table and what a fake platform "received" after
every step:

* safety: at most one reminder per person and walk day, queued only while reminders were on,
  never before its local due time and never more than 3 hours after it, due at the person's
  local wall-clock time (or the first minute after a time the clocks skip); never sent for a day
  with a walk logged or a pause covering it when the dispatcher took it; never received twice;
* liveness: when the coach plans within 3 hours after a due time and the settings have not
  changed since before it, the person has not walked that day and is not paused, the reminder is
  queued; and, for the simple case (fixed settings, a tick every 5-15 minutes, no walks or
  pauses), every day's reminder is received exactly once, at most 15 minutes after its time.

`test_a_reminder_turned_off_after_it_was_queued_is_not_sent` is the example it found where the
product fell short (a reminder queued before '/remind off' was still sent); fixed since.
"""

from __future__ import annotations

import contextlib
import shutil
import sqlite3
import tempfile
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    rule,
)
from sqlalchemy import Engine

from core.coach import Coach
from core.delivery import REMINDER, Outgoing
from core.domain import schedule
from core.errors import CoachError
from core.identity import Platform
from tests.support import ManualClock, make_coach, person, sqlite_engine

TELEGRAM = Platform.TELEGRAM.value
# Examples are fixed (derandomized) and slow to shrink: a failure is reported as generated.
NO_SHRINK = (Phase.explicit, Phase.generate)
LATE = timedelta(hours=3)
NAMES = ("ada", "bob", "cy")
ZONES = ("Europe/Berlin", "America/New_York", "Australia/Sydney", "Pacific/Auckland", "UTC")
# Times the clocks skip or repeat somewhere (02:00-03:00 Berlin and New York; 02:00-03:00
# Sydney/Auckland), times around a day start, and ordinary ones.
TIMES = ("02:30", "02:00", "03:00", "01:30", "00:00", "04:15", "07:30", "12:00", "23:45")
# Starts a day or two before a 2026 clock change: US spring (Mar 8), EU spring (Mar 29),
# Sydney/Auckland fall back (Apr 5), Auckland spring (Sep 27), Sydney spring (Oct 4),
# EU fall back (Oct 25), US fall back (Nov 1).
STARTS = tuple(datetime(2026, m, d, h, tzinfo=UTC) for m, d, h in (
    (3, 6, 20), (3, 27, 18), (4, 3, 9), (9, 25, 7), (10, 2, 12), (10, 23, 21), (10, 30, 15)))


def instant(raw: str | None) -> datetime | None:
    """A stored naive-UTC instant, read with the plain sqlite3 module."""
    return None if raw is None else datetime.fromisoformat(raw).replace(tzinfo=UTC)


@dataclass(frozen=True)
class Row:
    id: int
    kind: str
    person: int
    occurrence: date
    status: str
    expires_at: datetime
    created_at: datetime
    sent_at: datetime | None

    @property
    def due(self) -> datetime:
        return self.expires_at - LATE


class Tables:
    """The tables the model checks, read with plain SQL (not the coach's own queries)."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def _query(self, sql: str) -> list[tuple[object, ...]]:
        with sqlite3.connect(self.path) as conn:
            return conn.execute(sql).fetchall()

    def deliveries(self) -> list[Row]:
        return [Row(int(i), str(k), int(p), date.fromisoformat(str(o)), str(s),
                    instant(str(e)) or _never(), instant(str(c)) or _never(),
                    instant(None if t is None else str(t)))
                for i, k, p, o, s, e, c, t in self._query(
                    "SELECT d.id, d.kind, a.person_id, d.occurrence, d.status, d.expires_at,"
                    " d.created_at, d.sent_at FROM deliveries d"
                    " JOIN accounts a ON a.id = d.account_id"
                    # The model is of daily reminders: the streak nudge has tests of its own.
                    " WHERE d.kind = 'reminder' ORDER BY d.id")]

    def person_ids(self) -> dict[str, int]:
        return {str(n): int(p) for n, p in self._query(
            "SELECT external_id, person_id FROM accounts")}

    def walked(self) -> set[tuple[int, date]]:
        return {(int(p), date.fromisoformat(str(d)))
                for p, d in self._query("SELECT DISTINCT person_id, day FROM walks")}

    def pauses(self) -> list[tuple[int, date, date | None]]:
        return [(int(p), date.fromisoformat(str(s)), None if e is None else
                 date.fromisoformat(str(e)))
                for p, s, e in self._query("SELECT person_id, start_day, end_day FROM pauses")]

    def paused(self, person: int, day: date) -> bool:
        return any(p == person and s <= day and (e is None or day <= e)
                   for p, s, e in self.pauses())


def _never() -> datetime:
    raise AssertionError("a NOT NULL instant was NULL")


@dataclass
class Settings:
    remind_at: str | None = None
    zone: str = "UTC"
    day_start: int = 0
    changed_at: datetime | None = None


def wall_time_is(due: datetime, at: str, zone: str) -> bool:
    """Independent of the product: `due` shows `at` on the clocks of `zone`, or `at` does not
    exist there that day (clocks skipped it) and `due` is the first minute after the gap."""
    local = due.astimezone(ZoneInfo(zone))
    wanted = schedule.parse_hhmm(at)
    if local.time().replace(tzinfo=None) == wanted:
        return local.fold == 0  # the first of a time the clocks show twice
    naive = datetime.combine(local.date(), wanted)
    round_trip = naive.replace(tzinfo=ZoneInfo(zone)).astimezone(UTC).astimezone(ZoneInfo(zone))
    skipped = round_trip.replace(tzinfo=None) != naive
    just_after = timedelta(0) < local.replace(tzinfo=None) - naive <= timedelta(hours=1)
    before = (due - timedelta(minutes=1)).astimezone(ZoneInfo(zone)).replace(tzinfo=None)
    return skipped and just_after and before < naive


# One migrated template database, copied for every example (migrating costs far more than a
# whole example).
_TEMPLATE: Path | None = None


def fresh_database(folder: Path) -> Path:
    global _TEMPLATE
    if _TEMPLATE is None:
        template = Path(tempfile.mkdtemp(prefix="schedmodel-")) / "template.db"
        sqlite_engine(template).dispose()
        _TEMPLATE = template
    target = folder / "coach.db"
    shutil.copyfile(_TEMPLATE, target)
    return target


class ReminderModel(RuleBasedStateMachine):
    """The coach, a fake platform that records what it received, and a model of the rules."""

    def __init__(self) -> None:
        super().__init__()
        self.folder = Path(tempfile.mkdtemp(prefix="schedmodel-"))
        self.path = fresh_database(self.folder)
        self.tables = Tables(self.path)
        self.engine: Engine | None = None
        self.clock = ManualClock(STARTS[0])
        self.coach: Coach | None = None
        self.settings = {name: Settings() for name in NAMES}
        self.received: list[tuple[int, int, date, datetime]] = []  # delivery, person, day, at
        self.seen: set[int] = set()
        self.excused: set[tuple[int, date]] = set()

    # ----------------------------------------------------------------- plumbing

    def start_coach(self) -> Coach:
        self.engine = sqlite_engine(self.path)
        self.coach = make_coach(self.engine, self.clock)
        return self.coach

    def teardown(self) -> None:
        if self.engine is not None:
            self.engine.dispose()
        shutil.rmtree(self.folder, ignore_errors=True)

    def say(self, name: str, text: str) -> None:
        assert self.coach is not None
        # A refusal (e.g. /resume when not paused) writes nothing.
        with contextlib.suppress(CoachError):
            person(self.coach, name, Platform.TELEGRAM).say(text)

    def changed(self, name: str) -> None:
        self.settings[name].changed_at = self.clock.now

    # ----------------------------------------------------------------- rules

    @initialize(start=st.sampled_from(STARTS))
    def begin(self, start: datetime) -> None:
        self.clock.now = start
        self.start_coach()
        for name in NAMES:
            self.say(name, "/start")
            # The model is of daily reminders; weekly summaries have their own tests
            # (test_weekly_summary.py).
            self.say(name, "/summary off")
            self.say(name, "/remind 07:30")
            self.settings[name].remind_at = "07:30"
            self.changed(name)
        self.ids = self.tables.person_ids()
        self.names = {pid: name for name, pid in self.ids.items()}

    @rule(name=st.sampled_from(NAMES), at=st.sampled_from((*TIMES, "off")))
    def remind(self, name: str, at: str) -> None:
        self.say(name, f"/remind {at}")
        self.settings[name].remind_at = None if at == "off" else at
        self.changed(name)

    @rule(name=st.sampled_from(NAMES), zone=st.sampled_from(ZONES))
    def timezone(self, name: str, zone: str) -> None:
        self.say(name, f"/timezone {zone}")
        self.settings[name].zone = zone
        self.changed(name)

    @rule(name=st.sampled_from(NAMES), hour=st.sampled_from((0, 3, 4, 6)))
    def daystart(self, name: str, hour: int) -> None:
        self.say(name, f"/daystart {hour}")
        self.settings[name].day_start = hour
        self.changed(name)

    @rule(name=st.sampled_from(NAMES), days=st.sampled_from(("", "1", "2")))
    def pause(self, name: str, days: str) -> None:
        self.say(name, f"/pause {days}".strip())

    @rule(name=st.sampled_from(NAMES))
    def resume(self, name: str) -> None:
        self.say(name, "/resume")

    @rule(name=st.sampled_from(NAMES), when=st.sampled_from(("", " yesterday")))
    def walk(self, name: str, when: str) -> None:
        self.say(name, f"/log 10 min{when}")

    @rule(minutes=st.one_of(st.integers(1, 59), st.integers(60, 2 * 24 * 60)))
    def advance(self, minutes: int) -> None:
        self.clock.advance(minutes=minutes)

    @rule(name=st.sampled_from(NAMES),
          offset=st.one_of(st.sampled_from((0, 1, 179, 180, 181)), st.integers(-30, 240)))
    def near_next_due(self, name: str, offset: int) -> None:
        """Jump to around someone's next due time (before, in or past its late window), where
        the scheduler plans."""
        s = self.settings[name]
        if s.remind_at is None:
            return
        _, due = schedule.next_due(self.clock.now, schedule.parse_hhmm(s.remind_at), s.zone,
                                   s.day_start)
        self.clock.now = max(self.clock.now, due + timedelta(minutes=offset))
        self.plan_and_check()

    @rule()
    def restart(self) -> None:
        """The process dies and comes back: a fresh engine and Coach on the same file."""
        assert self.engine is not None
        self.engine.dispose()
        self.start_coach()

    @rule()
    def plan(self) -> None:
        self.plan_and_check()

    @rule()
    def dispatch(self) -> None:
        self.dispatch_and_check()

    @rule(keep=st.integers(0, 3))
    def crash_mid_dispatch(self, keep: int) -> None:
        """Claim, send and record `keep` messages, then die before trying the rest: their
        lease runs out after 2 minutes and another dispatcher sends them."""
        assert self.coach is not None
        batch = self.claim_and_check(limit=5)
        for outgoing in batch[:keep]:
            self.receive(outgoing)
        self.restart()

    @rule(steps=st.lists(st.integers(5, 15), min_size=4, max_size=60))
    def tick(self, steps: list[int]) -> None:
        """The scheduler at work for a while: plan and dispatch every 5-15 minutes."""
        for minutes in steps:
            self.clock.advance(minutes=minutes)
            self.plan_and_check()
            self.dispatch_and_check()

    # ----------------------------------------------------------------- steps with checks

    def plan_and_check(self) -> None:
        assert self.coach is not None
        now = self.clock.now
        walked = self.tables.walked()
        due_now = self.due_now()
        # A day walked or paused when the coach looked is not reminded of, even if the walk is
        # undone or the pause ended later that day.
        self.excused |= {(pid, day) for pid, day in due_now
                         if (pid, day) in walked or self.tables.paused(pid, day)}
        self.coach.plan_deliveries()
        rows = self.tables.deliveries()
        fresh = [r for r in rows if r.id not in self.seen]
        self.seen |= {r.id for r in fresh}
        for row in fresh:
            name = self.names[row.person]
            s = self.settings[name]
            assert row.kind == REMINDER
            assert s.remind_at is not None, f"queued for {name} with reminders off: {row}"
            assert row.created_at == now
            assert row.due <= now < row.due + LATE, f"queued early or late: {row} at {now}"
            assert wall_time_is(row.due, s.remind_at, s.zone), (row, s)
            assert schedule.occurrence(row.occurrence, schedule.parse_hhmm(s.remind_at),
                                       s.zone, s.day_start) == row.due, (row, s)
            assert (row.person, row.occurrence) not in walked, f"queued after a walk: {row}"
            assert not self.tables.paused(row.person, row.occurrence), f"queued paused: {row}"
        # Liveness: a stable setting that came due within the late window is queued.
        queued = {(r.person, r.occurrence) for r in rows}
        for key, name in due_now.items():
            assert key in queued or key in self.excused, (
                f"{name}'s reminder for {key[1]} not queued at {now}; {self.settings[name]}")

    def due_now(self) -> dict[tuple[int, date], str]:
        """The (person, walk day) whose reminder came due under settings unchanged since before
        it, at most 3 hours ago."""
        now, found = self.clock.now, {}
        for name, s in self.settings.items():
            if s.remind_at is None or s.changed_at is None:
                continue
            day, due = schedule.latest_due(now, schedule.parse_hhmm(s.remind_at), s.zone,
                                           s.day_start)
            if s.changed_at <= due and now - due < LATE:
                found[(self.ids[name], day)] = name
        return found

    def claim_and_check(self, limit: int = 20) -> list[Outgoing]:
        assert self.coach is not None
        now = self.clock.now
        walked = self.tables.walked()
        batch = self.coach.claim(TELEGRAM, limit)
        rows = {r.id: r for r in self.tables.deliveries()}
        for outgoing in batch:
            if outgoing.kind != REMINDER:
                continue  # a streak nudge: outside the model
            row = rows[outgoing.id]
            assert row.status == "sending"
            assert row.due <= now < row.expires_at, f"handed out too late: {row} at {now}"
            assert (row.person, row.occurrence) not in walked, f"sent after a walk: {row}"
            assert not self.tables.paused(row.person, row.occurrence), f"sent paused: {row}"
            # Not checked here: reminders turned off after queueing (a known gap, see
            # test_a_reminder_turned_off_after_it_was_queued_is_not_sent).
        return batch

    def receive(self, outgoing: Outgoing) -> None:
        """The platform accepted it; the dispatcher records it."""
        assert self.coach is not None
        if outgoing.kind != REMINDER:
            self.coach.delivered(outgoing)
            return
        row = {r.id: r for r in self.tables.deliveries()}[outgoing.id]
        self.received.append((row.id, row.person, row.occurrence, self.clock.now))
        self.coach.delivered(outgoing)

    def dispatch_and_check(self) -> None:
        while batch := self.claim_and_check():
            for outgoing in batch:
                self.receive(outgoing)

    # ----------------------------------------------------------------- invariants

    @invariant()
    def once_and_never_late(self) -> None:
        if self.coach is None:
            return
        rows = self.tables.deliveries()
        keys = Counter((r.kind, r.person, r.occurrence) for r in rows)
        assert not [k for k, n in keys.items() if n > 1], keys
        for row in rows:
            assert row.status in ("pending", "sending", "sent", "missed", "skipped"), row
            if row.status == "sent":
                assert row.sent_at is not None and row.due <= row.sent_at < row.expires_at, row
        by_delivery = Counter(d for d, _, _, _ in self.received)
        assert not [d for d, n in by_delivery.items() if n > 1], "a reminder received twice"
        by_day = Counter((p, day) for _, p, day, _ in self.received)
        assert not [k for k, n in by_day.items() if n > 1], "two reminders for one walk day"
        due = {r.id: r.due for r in rows}
        for delivery, _, _, at in self.received:
            assert due[delivery] <= at < due[delivery] + LATE, (delivery, at)


ReminderModel.TestCase.settings = settings(
    max_examples=50, stateful_step_count=40, deadline=None, derandomize=True, database=None,
    phases=NO_SHRINK,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
test_reminders_follow_the_model = ReminderModel.TestCase


# ----------------------------------------------------------------- the simple case, exactly


@settings(max_examples=8, deadline=None, derandomize=True, database=None, phases=NO_SHRINK,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(start=st.sampled_from(STARTS), zone=st.sampled_from(ZONES),
       at=st.sampled_from(TIMES), day_start=st.sampled_from((0, 3, 4)),
       steps=st.lists(st.integers(5, 15), min_size=8, max_size=8), restart_every=st.integers(7, 40))
def test_ticking_every_few_minutes_sends_every_days_reminder_exactly_once(
    tmp_path_factory: pytest.TempPathFactory, start: datetime, zone: str, at: str,
    day_start: int, steps: list[int], restart_every: int
) -> None:
    """Liveness in the simple case: fixed settings, nobody walks or pauses, the scheduler plans
    and dispatches every 5-15 minutes (with a restart now and then) for 3 days across a clock
    change: each walk day's reminder arrives exactly once, at most 15 minutes after its time."""
    path = fresh_database(tmp_path_factory.mktemp("simple"))
    clock = ManualClock(start)
    engine = sqlite_engine(path)
    coach = make_coach(engine, clock)
    ada = person(coach, "ada", Platform.TELEGRAM)
    ada.say(f"/timezone {zone}")
    ada.say(f"/daystart {day_start}")
    ada.say("/summary off")  # a daily reminder's liveness; summaries are tested on their own
    ada.say(f"/remind {at}")
    set_at = clock.now
    received: list[tuple[date, datetime]] = []
    tables = Tables(path)
    n = 0
    while clock.now < start + timedelta(days=3):
        clock.advance(minutes=steps[n % len(steps)])
        n += 1
        if n % restart_every == 0:
            engine.dispose()
            engine = sqlite_engine(path)
            coach = make_coach(engine, clock)
        coach.plan_deliveries()
        while batch := coach.claim(TELEGRAM):
            for outgoing in batch:
                coach.delivered(outgoing)
                row = {r.id: r for r in tables.deliveries()}[outgoing.id]
                received.append((row.occurrence, clock.now))
    end = clock.now
    engine.dispose()
    wanted = schedule.parse_hhmm(at)
    expected = []
    day = schedule.walk_day_of(set_at, zone, day_start) - timedelta(days=1)
    while (due := schedule.occurrence(day, wanted, zone, day_start)) <= end:
        if due >= set_at:
            expected.append((day, due))
        day += timedelta(days=1)
    if expected and len(received) < len(expected) and expected[-1][1] > end - timedelta(
            minutes=15):
        expected.pop()  # due in the last tick's gap: not yet looked at
    assert [d for d, _ in received] == [d for d, _ in expected], (received, expected)
    for (_, got), (_, due) in zip(received, expected, strict=True):
        assert timedelta(0) <= got - due <= timedelta(minutes=15), (got, due)
        assert wall_time_is(due, at, zone)


# ----------------------------------------------------------------- found by the model


def test_a_reminder_turned_off_after_it_was_queued_is_not_sent(tmp_path: Path) -> None:
    engine = sqlite_engine(tmp_path / "coach.db")
    clock = ManualClock(datetime(2026, 3, 27, 6, 0, tzinfo=UTC))
    coach = make_coach(engine, clock)
    ada = person(coach, "ada", Platform.TELEGRAM)
    ada.say("/remind 07:30")
    clock.now = datetime(2026, 3, 27, 7, 30, tzinfo=UTC)
    assert coach.plan_deliveries() == 1
    clock.advance(minutes=1)
    ada.say("/remind off")
    clock.advance(minutes=1)
    try:
        assert coach.claim(TELEGRAM) == []
    finally:
        engine.dispose()


def test_the_model_records_no_time_in_a_skipped_hour() -> None:
    """A check of the oracle itself: 02:30 on Berlin's spring-forward night is due at 03:00."""
    due = datetime(2026, 3, 29, 1, 0, tzinfo=UTC)  # 03:00 CEST
    assert wall_time_is(due, "02:30", "Europe/Berlin")
    assert not wall_time_is(due, "02:30", "UTC")
    assert wall_time_is(datetime(2026, 3, 28, 1, 30, tzinfo=UTC), "02:30", "Europe/Berlin")
    assert time(2, 30) == schedule.parse_hhmm("02:30")
