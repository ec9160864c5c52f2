"""The outbound queue: reminders and challenge posts queued once, claimed, and their outcomes."""

from __future__ import annotations

from sqlalchemy import Engine

from core.coach import Coach
from core.delivery import REMINDER
from core.identity import Platform
from tests.support import ManualClock, Person, in_group, person, table_rows

TG = [Platform.TELEGRAM.value]


def plan(coach: Coach) -> int:
    return coach.plan_deliveries()


def claim(coach: Coach) -> list:
    return coach.claim(Platform.TELEGRAM.value)


def telegram_person(coach: Coach, name: str = "ada") -> Person:
    return person(coach, name, Platform.TELEGRAM)


def test_a_reminder_is_queued_once_at_local_time_with_quick_log_buttons(
    coach: Coach, clock: ManualClock
) -> None:
    ada = telegram_person(coach)
    ada.say("/timezone Asia/Tokyo")
    ada.say("/remind 07:30")
    clock.set_local("Asia/Tokyo", 2026, 11, 25, 7, 29)
    assert plan(coach) == 0
    clock.set_local("Asia/Tokyo", 2026, 11, 25, 7, 30)
    assert plan(coach) == 1
    clock.advance(minutes=5)
    assert plan(coach) == 0  # the same day's reminder is never queued twice
    [outgoing] = claim(coach)
    assert outgoing.kind == REMINDER and outgoing.recipient == "ada"
    assert "Time for a backward walk?" in outgoing.reply.text
    assert [b.action for b in outgoing.reply.buttons] == ["log:5", "log:10", "log:20", "later"]
    assert claim(coach) == []  # leased: not handed out twice


def test_no_reminder_after_a_walk_while_paused_or_too_late(
    coach: Coach, clock: ManualClock
) -> None:
    ada, bob, cy = (telegram_person(coach, n) for n in ("ada", "bob", "cy"))
    for someone in (ada, bob, cy):
        someone.say("/remind 18:00")
    clock.set_local("UTC", 2026, 11, 24, 9)
    ada.say("/log 10 min")
    bob.say("/pause 3")
    clock.set_local("UTC", 2026, 11, 24, 21, 1)  # more than 3 hours late for cy
    assert plan(coach) == 0
    clock.set_local("UTC", 2026, 11, 25, 18, 0)
    assert plan(coach) == 2  # ada and cy; bob is still paused


def test_a_failed_send_is_retried_later_and_given_up_after_eight_attempts(
    coach: Coach, clock: ManualClock, engine: Engine
) -> None:
    telegram_person(coach).say("/remind 12:00")
    plan(coach)
    for attempt in range(8):
        [outgoing] = claim(coach)
        assert outgoing.attempts == attempt + 1
        coach.retry_delivery(outgoing, 30, "timeout")
        assert claim(coach) == []
        clock.advance(seconds=31)
    statuses = [r["status"] for r in table_rows(engine)["deliveries"]]
    assert statuses == ["dead"]


def test_an_undeliverable_reminder_marks_the_account_unreachable_until_they_write(
    coach: Coach, clock: ManualClock, engine: Engine
) -> None:
    ada = telegram_person(coach)
    ada.say("/remind 12:00")
    plan(coach)
    [outgoing] = claim(coach)
    coach.undeliverable(outgoing, "Forbidden: bot was blocked by the user")
    [account] = table_rows(engine)["accounts"]
    assert account["unreachable_since"] is not None
    clock.advance(days=1)
    assert plan(coach) == 0  # not messaged again
    ada.say("/streak")  # writing again makes them reachable
    assert table_rows(engine)["accounts"][0]["unreachable_since"] is None
    clock.advance(days=1)  # today's time went by while they could not be reached; tomorrow's
    assert plan(coach) == 1


def test_a_lease_that_runs_out_hands_the_message_out_again(
    coach: Coach, clock: ManualClock
) -> None:
    telegram_person(coach).say("/remind 12:00")
    plan(coach)
    [first] = claim(coach)
    clock.advance(minutes=3)  # the sender died without reporting
    [again] = claim(coach)
    assert again.id == first.id and again.attempts == 2
    coach.delivered(again)
    clock.advance(minutes=3)
    assert claim(coach) == []


def test_the_daily_challenge_post_goes_to_the_chosen_channel_once(
    coach: Coach, clock: ManualClock
) -> None:
    admin = in_group(telegram_person(coach), group_id="-100", admin=True)
    admin.say("/challenge_time 07:00")
    admin.say("/challenge_timezone Europe/Berlin")
    clock.set_local("Europe/Berlin", 2026, 11, 25, 7, 2)
    assert plan(coach) == 1
    assert plan(coach) == 0
    [post] = claim(coach)
    assert post.recipient == "-100" and post.reply.public
    assert [b.action for b in post.reply.buttons] == ["join"]
    # The post is today's challenge, just as /challenge shows it in the group.
    assert post.reply.text == admin.say("/challenge").text.split("\n\n")[0]
    coach.undeliverable(post, "Forbidden: bot was kicked")
    clock.advance(days=1)
    assert plan(coach) == 0  # the bot left the group: no more posts there


def test_forget_removes_queued_reminders_too(coach: Coach, engine: Engine) -> None:
    ada = telegram_person(coach)
    ada.say("/remind 12:00")
    plan(coach)
    ada.say("/forget")
    ada.say("yes")
    assert table_rows(engine)["deliveries"] == []
