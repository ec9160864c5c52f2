"""The weekly summary: Monday at the reminder time in the person's zone and walk day, across
daylight saving time, once; last week's figures worded when claimed, a warm line for a week
without walks, skipped when off, paused or turned off; its chart drawn from plain data carried in
the claim. Every test moves an injected clock; nothing sleeps."""

from __future__ import annotations

import pickle
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import Engine, text

from core.coach import Coach
from core.delivery import WEEKLY, Outgoing
from core.identity import Platform
from core.texts import summaries as summary_texts
from tests.support import ManualClock, Person, make_coach, person, table_rows

TELEGRAM = Platform.TELEGRAM.value
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def telegram_person(coach: Coach, name: str = "ada") -> Person:
    return person(coach, name, Platform.TELEGRAM)


def engine_of(coach: Coach) -> Engine:
    return coach.uows.engine


def summaries_queued(coach: Coach) -> list[dict[str, object]]:
    return [row for row in table_rows(engine_of(coach))["deliveries"] if row["kind"] == WEEKLY]


def summaries_counted(coach: Coach) -> int:
    """How many summaries are queued, with one plain query (cheaper than every table's rows,
    for the thousands of ticks a month of planning takes)."""
    with engine_of(coach).connect() as connection:
        return int(connection.execute(text("SELECT count(*) FROM deliveries WHERE kind = :kind"),
                                      {"kind": WEEKLY}).scalar_one())


def tick_summaries(coach: Coach, clock: ManualClock, until: datetime,
                   step: timedelta = timedelta(minutes=15)) -> list[datetime]:
    """Plan every `step` up to `until`, as the scheduler would; when a summary was queued."""
    seen, at = summaries_counted(coach), []
    while clock.now < until:
        clock.advance(seconds=step.total_seconds())
        coach.plan_deliveries()
        now_seen = summaries_counted(coach)
        at += [clock.now] * (now_seen - seen)
        seen = now_seen
    return at


def local(moment: datetime, zone: str) -> str:
    return moment.astimezone(ZoneInfo(zone)).strftime("%a %Y-%m-%d %H:%M")


def weekly_claims(coach: Coach) -> list[Outgoing]:
    return [o for o in coach.claim(TELEGRAM, 50) if o.kind == WEEKLY]


def test_the_summary_comes_on_monday_at_the_reminder_time_across_both_clock_changes(
    coach: Coach, clock: ManualClock
) -> None:
    clock.set_local("Europe/Berlin", 2026, 3, 18, 12)
    ada = telegram_person(coach)
    ada.say("/timezone Europe/Berlin")
    ada.say("/remind 02:30")  # a time the spring-forward night skips
    queued = tick_summaries(coach, clock, clock.now + timedelta(days=20))
    assert [local(at, "Europe/Berlin") for at in queued] == [
        "Mon 2026-03-23 02:30", "Mon 2026-03-30 02:30", "Mon 2026-04-06 02:30"]
    ada.say("/remind 07:30")
    clock.set_local("Europe/Berlin", 2026, 10, 21, 12)  # months with the coach down
    coach.plan_deliveries()
    queued = tick_summaries(coach, clock, clock.now + timedelta(days=14))
    # Fall back on Sunday 25 October: Monday's 07:30 is still 07:30, an hour later in UTC.
    assert [local(at, "Europe/Berlin") for at in queued] == [
        "Mon 2026-10-26 07:30", "Mon 2026-11-02 07:30"]
    assert [at.strftime("%H:%M") for at in queued] == ["06:30", "06:30"]
    assert [row["occurrence"] for row in summaries_queued(coach)][-2:] == [
        "2026-10-26", "2026-11-02"]


def test_in_sydney_with_a_day_start_of_4_the_summary_keeps_to_the_monday_walk_day(
    coach: Coach, clock: ManualClock
) -> None:
    """Sydney's clocks go forward on Sunday 4 October 2026. /remind 03:00 with /daystart 4
    belongs to Monday's walk day, so it comes at 03:00 on the calendar Tuesday."""
    clock.set_local("Australia/Sydney", 2026, 9, 26, 12)
    ada = telegram_person(coach)
    ada.say("/timezone Australia/Sydney")
    ada.say("/daystart 4")
    ada.say("/remind 03:00")
    queued = tick_summaries(coach, clock, clock.now + timedelta(days=16))
    assert [local(at, "Australia/Sydney") for at in queued] == [
        "Tue 2026-09-29 03:00", "Tue 2026-10-06 03:00"]
    assert [row["occurrence"] for row in summaries_queued(coach)] == ["2026-09-28", "2026-10-05"]
    assert (queued[1] - queued[0]) == timedelta(days=7, hours=-1)  # one hour fewer that week


def test_the_summary_gives_last_weeks_figures_against_the_goal_and_a_chart(
    coach: Coach, clock: ManualClock
) -> None:
    clock.set_local("UTC", 2026, 11, 17, 12)  # a Tuesday two weeks back
    ada = telegram_person(coach)
    ada.say("/goal 60")
    ada.say("/remind 08:00")
    ada.say("/log 40 min")  # the week before last: not counted
    clock.set_local("UTC", 2026, 11, 24, 12)
    ada.say("/log 20 min park")
    ada.say("/log 10 min")  # the same day again
    clock.set_local("UTC", 2026, 11, 28, 12)
    ada.say("/log 15 min")
    clock.set_local("UTC", 2026, 11, 30, 8, 5)
    coach.plan_deliveries()
    [summary] = weekly_claims(coach)
    assert summary.reply.title == "Your week, Mon 23 Nov to Sun 29 Nov"
    lines = summary.reply.text.splitlines()
    assert lines[0] == "45 minutes of backward walking in 3 walks, on 2 of 7 days."
    assert lines[1] == "That's 75% of your weekly goal of 60 minutes. Every minute counts."
    assert [b.action for b in summary.reply.buttons][-1] == "summary:off"
    assert summary.reply.image is None and summary.picture is not None
    # Plain data crosses to another process: the call and its figures survive pickling.
    chart = pickle.loads(pickle.dumps(summary.picture))()
    assert chart.data.startswith(PNG_MAGIC) and chart.mime_type == "image/png"
    assert chart.filename == "retrowalk-weekly-1-20261130.png"


def test_a_week_without_walks_gets_a_warm_welcome_back_and_no_chart(
    coach: Coach, clock: ManualClock
) -> None:
    clock.set_local("UTC", 2026, 11, 10, 12)
    lapsed, newcomer = telegram_person(coach, "lapsed"), telegram_person(coach, "newcomer")
    lapsed.say("/log 20 min")  # two weeks before the summary's week
    for someone in (lapsed, newcomer):
        someone.say("/remind 08:00")
    clock.set_local("UTC", 2026, 11, 30, 8, 0)
    coach.plan_deliveries()
    words = {o.recipient: o for o in weekly_claims(coach)}
    assert words["lapsed"].reply.text == summary_texts.WEEKLY_WELCOME_BACK
    assert words["newcomer"].reply.text == summary_texts.WEEKLY_FIRST
    assert all(o.picture is None for o in words.values())


def test_the_summary_is_queued_once_however_often_planning_runs_or_the_coach_restarts(
    engine: Engine, clock: ManualClock
) -> None:
    clock.set_local("UTC", 2026, 11, 29, 12)
    telegram_person(make_coach(engine, clock), "ada").say("/remind 08:00")
    clock.set_local("UTC", 2026, 11, 30, 8, 0)
    for _ in range(3):
        restarted = make_coach(engine, clock)
        restarted.plan_deliveries()
        clock.advance(minutes=30)
    assert len(summaries_queued(restarted)) == 1
    assert len(weekly_claims(restarted)) == 1
    assert weekly_claims(restarted) == []  # claimed already: not handed out twice


def test_no_summary_when_turned_off_paused_or_reminders_off(
    coach: Coach, clock: ManualClock
) -> None:
    clock.set_local("UTC", 2026, 11, 28, 12)
    names = ("on", "off", "button", "paused", "remind_off", "paused_later", "off_later")
    people = {name: telegram_person(coach, name) for name in names}
    for someone in people.values():
        someone.say("/remind 08:00")
    assert people["off"].say("/summary off").text == summary_texts.SUMMARY_OFF
    assert people["button"].press("summary:off").text == summary_texts.SUMMARY_OFF
    people["paused"].say("/pause 3")
    people["remind_off"].say("/remind off")
    clock.set_local("UTC", 2026, 11, 30, 8, 0)
    coach.plan_deliveries()
    assert sorted(r["account_id"] for r in summaries_queued(coach)) == [1, 6, 7]
    # Queued, then paused or turned off before it was sent: skipped when claimed.
    people["paused_later"].say("/pause 2")
    people["off_later"].say("/summary off")
    assert [o.recipient for o in weekly_claims(coach)] == ["on"]
    assert sorted(str(r["status"]) for r in summaries_queued(coach)) == ["sending", "skipped"]


def test_summary_on_and_off_answer_plainly_and_bad_input_gets_an_example(
    coach: Coach, clock: ManualClock
) -> None:
    ada = telegram_person(coach)
    shown = ada.say("/summary").text
    assert shown == "Weekly summaries: on. Change with /summary on or /summary off"
    assert ada.say("/summary on").text == summary_texts.SUMMARY_ON_NO_REMINDER
    ada.say("/remind 07:30")
    assert ada.say("/summary on").text.startswith("Weekly summaries are on: last week in figures")
    assert ada.fail("/summary weekly") == "\"weekly\" isn't on or off. For example: /summary off"
    assert "/summary <on|off>" in ada.say("/help").text
    ada.say("/summary off")
    clock.set_local("UTC", 2026, 12, 7, 7, 30)
    coach.plan_deliveries()
    assert summaries_queued(coach) == []
    ada.say("/summary on")
    clock.set_local("UTC", 2026, 12, 14, 7, 30)
    coach.plan_deliveries()
    assert [r["occurrence"] for r in summaries_queued(coach)] == ["2026-12-14"]
