"""Reminders and daily posts by stored due instants: on time in local time across day starts and
daylight saving time, once, never late, still true when sent, and planning that costs what is
due rather than how many people exist. Every test moves an injected clock; nothing sleeps."""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import Engine, event

from core.coach import Coach
from core.delivery import Outgoing
from core.identity import Platform
from tests.support import ManualClock, Person, in_group, person, table_rows

TELEGRAM = Platform.TELEGRAM.value


def telegram_person(coach: Coach, name: str = "ada") -> Person:
    return person(coach, name, Platform.TELEGRAM)


def tick_through(coach: Coach, clock: ManualClock, until: datetime,
                 step: timedelta = timedelta(minutes=30)) -> list[tuple[datetime, int]]:
    """Plan every `step` up to `until`, as the scheduler would; when something was queued."""
    queued = []
    while clock.now < until:
        clock.advance(seconds=step.total_seconds())
        if count := coach.plan_deliveries():
            queued.append((clock.now, count))
    return queued


def local(moment: datetime, zone: str) -> str:
    return moment.astimezone(ZoneInfo(zone)).strftime("%Y-%m-%d %H:%M")


def test_a_reminder_before_the_day_start_comes_once_a_day_at_its_own_time(
    coach: Coach, clock: ManualClock
) -> None:
    """Once: with /daystart 4 and /remind 03:00 it was queued at 03:00 and 04:00 on the first day
    and at 04:00 every day after."""
    clock.set_local("UTC", 2026, 11, 24, 12)
    ada = telegram_person(coach)
    ada.say("/daystart 4")
    ada.say("/remind 03:00")
    queued = tick_through(coach, clock, clock.now + timedelta(days=4),
                          step=timedelta(minutes=15))
    assert [(local(at, "UTC"), n) for at, n in queued] == [
        ("2026-11-25 03:00", 1), ("2026-11-26 03:00", 1), ("2026-11-27 03:00", 1),
        ("2026-11-28 03:00", 1)]
    occurrences = [row["occurrence"] for row in table_rows(coach_engine(coach))["deliveries"]]
    # 03:00 on the 25th is still the 24th's walk day.
    assert occurrences == ["2026-11-24", "2026-11-25", "2026-11-26", "2026-11-27"]


def coach_engine(coach: Coach) -> Engine:
    return coach.uows.engine


def test_reminders_keep_local_time_across_daylight_saving_in_both_directions(
    coach: Coach, clock: ManualClock
) -> None:
    clock.set_local("Europe/Berlin", 2026, 3, 27, 12)
    early, morning = telegram_person(coach, "early"), telegram_person(coach, "morning")
    for someone, at in ((early, "02:30"), (morning, "07:30")):
        someone.say("/timezone Europe/Berlin")
        someone.say("/summary off")  # Monday 26 October would queue one beside the reminder
        someone.say(f"/remind {at}")
    queued = tick_through(coach, clock, clock.now + timedelta(days=3),
                          step=timedelta(minutes=5))
    assert [local(at, "Europe/Berlin") for at, _ in queued] == [
        "2026-03-28 02:30", "2026-03-28 07:30",
        # Spring forward: 02:30 does not exist on the 29th; 03:00 is the first minute after it.
        "2026-03-29 03:00", "2026-03-29 07:30",
        "2026-03-30 02:30", "2026-03-30 07:30"]
    clock.set_local("Europe/Berlin", 2026, 10, 24, 12)
    coach.plan_deliveries()  # months went by with the coach down: nothing late is sent
    queued = tick_through(coach, clock, clock.now + timedelta(days=2),
                          step=timedelta(minutes=5))
    # Fall back: 02:30 happens twice on the 25th and is reminded once.
    assert [local(at, "Europe/Berlin") for at, _ in queued] == [
        "2026-10-25 02:30", "2026-10-25 07:30", "2026-10-26 02:30", "2026-10-26 07:30"]
    assert all(count == 1 for _, count in queued)


def test_a_late_evening_reminder_missed_in_an_outage_is_sent_after_midnight_not_lost(
    coach: Coach, clock: ManualClock
) -> None:
    clock.set_local("America/New_York", 2026, 11, 24, 12)
    ada = telegram_person(coach)
    ada.say("/timezone America/New_York")
    ada.say("/remind 23:30")
    clock.set_local("America/New_York", 2026, 11, 25, 0, 45)  # down from 23:00 to 00:45
    assert coach.plan_deliveries() == 1
    [row] = table_rows(coach_engine(coach))["deliveries"]
    assert row["occurrence"] == "2026-11-24"
    clock.set_local("America/New_York", 2026, 11, 25, 23, 29)
    assert coach.plan_deliveries() == 0


def test_a_message_not_sent_within_its_late_window_is_marked_missed_never_sent_late(
    coach: Coach, clock: ManualClock
) -> None:
    ada = telegram_person(coach)
    ada.say("/remind 12:30")
    clock.advance(minutes=30)
    assert coach.plan_deliveries() == 1
    clock.advance(hours=3)  # the dispatcher was down all that time
    assert coach.claim(TELEGRAM) == []
    [row] = table_rows(coach_engine(coach))["deliveries"]
    assert row["status"] == "missed"


def test_a_reminder_is_dropped_at_send_time_after_a_walk_or_a_pause(
    coach: Coach, clock: ManualClock
) -> None:
    ada, bob, cy = (telegram_person(coach, name) for name in ("ada", "bob", "cy"))
    for someone in (ada, bob, cy):
        someone.say("/remind 12:30")
    clock.advance(minutes=30)
    assert coach.plan_deliveries() == 3
    ada.say("/log 10 min")  # walked after it was queued
    bob.say("/pause 2")
    [outgoing] = coach.claim(TELEGRAM)
    assert outgoing.recipient == "cy"
    statuses = Counter(row["status"] for row in table_rows(coach_engine(coach))["deliveries"])
    assert statuses == {"skipped": 2, "sending": 1}


def test_only_the_dispatcher_holding_the_lease_records_the_outcome(
    coach: Coach, clock: ManualClock
) -> None:
    ada = telegram_person(coach)
    ada.say("/remind 12:30")
    clock.advance(minutes=30)
    coach.plan_deliveries()
    [first] = coach.claim(TELEGRAM)
    clock.advance(minutes=3)  # the first dispatcher stalled; its lease ran out
    [second] = coach.claim(TELEGRAM)
    assert second.id == first.id and second.lease != first.lease
    coach.undeliverable(first, "Forbidden: bot was blocked by the user")  # stale: ignored
    assert coach.retry_delivery(first, 10, "timeout") is False
    coach.delivered(second)
    rows = table_rows(coach_engine(coach))
    assert rows["deliveries"][0]["status"] == "sent"
    assert rows["accounts"][0]["unreachable_since"] is None


def test_finished_deliveries_are_purged_after_two_weeks(coach: Coach, clock: ManualClock) -> None:
    ada = telegram_person(coach)
    ada.say("/summary off")  # 13 days on is a Monday: only the reminder is queued then
    ada.say("/remind 12:30")
    clock.advance(minutes=30)
    coach.plan_deliveries()
    [outgoing] = coach.claim(TELEGRAM)
    coach.delivered(outgoing)
    clock.advance(days=13)
    assert coach.plan_deliveries() == 1
    assert coach.purge_deliveries() == 0
    clock.advance(days=2)
    assert coach.purge_deliveries() == 1
    assert len(table_rows(coach_engine(coach))["deliveries"]) == 1  # the newer one stays


def test_a_daily_post_follows_the_chat_time_zone_and_is_off_when_turned_off(
    coach: Coach, clock: ManualClock
) -> None:
    clock.set_local("Australia/Sydney", 2026, 10, 2, 12)
    admin = telegram_person(coach, "admin")
    group = in_group(admin, "-100", "Walkers", admin=True)
    group.say("/challenge_timezone Australia/Sydney")
    group.say("/challenge_time 02:15")
    queued = tick_through(coach, clock, clock.now + timedelta(days=3),
                          step=timedelta(minutes=5))
    # Summer time starts on 4 October at 02:00: 02:15 that night is 03:00.
    assert [local(at, "Australia/Sydney") for at, _ in queued] == [
        "2026-10-03 02:15", "2026-10-04 03:00", "2026-10-05 02:15"]
    group.say("/challenge_time off")
    assert tick_through(coach, clock, clock.now + timedelta(days=2)) == []


def count_statements(engine: Engine, work: object) -> int:
    statements = []

    def record(*args: object) -> None:
        statements.append(args[2])

    event.listen(engine, "before_cursor_execute", record)
    try:
        assert callable(work)
        work()
    finally:
        event.remove(engine, "before_cursor_execute", record)
    return len(statements)


def test_planning_reads_what_is_due_not_everyone(coach: Coach, clock: ManualClock) -> None:
    """Once, every tick loaded everyone with a reminder and, for three hours after their time,
    recomputed each one's streak: cost grew with users, not with what was due."""
    engine = coach_engine(coach)
    walkers = [telegram_person(coach, f"walker{n}") for n in range(60)]
    for someone in walkers[:10]:
        someone.say("/remind 12:30")
    quiet = count_statements(engine, coach.plan_deliveries)
    for someone in walkers[10:]:
        someone.say("/remind 12:30")
    assert count_statements(engine, coach.plan_deliveries) == quiet  # 10 or 60 people: same
    clock.advance(minutes=30)
    assert coach.plan_deliveries() == 60
    clock.advance(minutes=30)  # within the late window: nothing is looked at again
    assert count_statements(engine, coach.plan_deliveries) == quiet


def test_claimed_messages_carry_what_the_notifier_needs(coach: Coach, clock: ManualClock) -> None:
    ada = telegram_person(coach)
    ada.say("/remind 12:30")
    clock.advance(minutes=30)
    coach.plan_deliveries()
    [outgoing] = coach.claim(TELEGRAM)
    assert isinstance(outgoing, Outgoing) and outgoing.lease and outgoing.recipient == "ada"


def test_later_under_a_reminder_reminds_once_more_two_hours_on(
    coach: Coach, clock: ManualClock
) -> None:
    ada = telegram_person(coach)
    ada.say("/timezone Europe/Berlin")
    ada.say("/remind 13:30")  # 12:30 UTC
    clock.advance(minutes=30)
    coach.plan_deliveries()
    [reminder] = coach.claim(TELEGRAM)
    coach.delivered(reminder)
    assert reminder.reply.buttons[-1].action == "later"
    assert ada.press("later").text == "All right: I'll remind you once more at 15:30."
    assert ada.press("later").text.startswith("I'll remind you once more today, at 15:30")
    clock.advance(minutes=119)
    assert coach.claim(TELEGRAM) == []
    clock.advance(minutes=1)
    [again] = coach.claim(TELEGRAM)
    assert again.reply.text.startswith("Time for a backward walk?")
    assert [b.action for b in again.reply.buttons] == ["log:5", "log:10", "log:20"]  # no Later
    coach.delivered(again)
    clock.advance(days=1)
    coach.plan_deliveries()
    [tomorrow] = coach.claim(TELEGRAM)
    coach.delivered(tomorrow)
    ada.press("later")
    ada.say("/log 10 min")  # walked before the second nudge: it is not sent
    clock.advance(hours=2)
    assert coach.claim(TELEGRAM) == []


def test_a_streak_at_risk_nudge_comes_three_hours_before_the_day_ends_and_can_be_stopped(
    coach: Coach, clock: ManualClock
) -> None:
    clock.set_local("Europe/Berlin", 2026, 11, 20, 9)
    keen, new, walked, late = (telegram_person(coach, n) for n in ("keen", "new", "walked", "late"))
    for someone, at in ((keen, "08:00"), (new, "08:00"), (walked, "08:00"), (late, "22:00")):
        someone.say("/timezone Europe/Berlin")
        someone.say(f"/remind {at}")
    for day in (21, 22, 23):  # three days in a row for all but the newcomer
        clock.set_local("Europe/Berlin", 2026, 11, day, 9)
        for someone in (keen, walked, late):
            someone.say("/log 10 min")
    clock.set_local("Europe/Berlin", 2026, 11, 24, 9)
    walked.say("/log 10 min")
    coach.plan_deliveries()  # the 08:00 reminders
    for outgoing in coach.claim(TELEGRAM):
        coach.delivered(outgoing)
    clock.set_local("Europe/Berlin", 2026, 11, 24, 20, 59)
    assert coach.plan_deliveries() == 0
    clock.set_local("Europe/Berlin", 2026, 11, 24, 21, 0)
    # keen only: new has no streak, walked walked today, late's own reminder comes after 21:00.
    assert coach.plan_deliveries() == 1
    [nudge] = coach.claim(TELEGRAM)
    assert nudge.recipient == "keen" and nudge.kind == "nudge"
    assert nudge.reply.text.startswith("Your 3-day streak is still open today.")
    assert nudge.reply.buttons[-1].action == "nudges:off"
    coach.delivered(nudge)
    assert keen.press("nudges:off").text.startswith("Done: no more streak nudges.")
    clock.set_local("Europe/Berlin", 2026, 11, 25, 21, 0)
    coach.plan_deliveries()
    nudged = [o.recipient for o in coach.claim(TELEGRAM) if o.kind == "nudge"]
    assert nudged == ["walked"]  # four days in a row, not today; keen turned them off
