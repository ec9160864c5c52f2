"""The foundations hold: the unit of work writes what changed and only that, readers never
write, two coaches at once lose nothing, and a message the platform delivers twice is acted on
once. Each test here reproduces something that once went wrong."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator
from datetime import UTC, datetime

import pytest
from sqlalchemy import Engine, event
from sqlalchemy.exc import IntegrityError

from core.coach import Coach
from core.identity import Platform
from core.persistence.engine import make_engine
from core.persistence.models import Walk
from core.persistence.uow import ReadOnlyViolation, UnitOfWorkFactory
from tests.support import (
    ManualClock,
    Person,
    in_group,
    make_coach,
    person,
    table_rows,
    walk_minutes,
)

TG = [Platform.TELEGRAM.value]
Rows = dict[str, list[dict[str, object]]]


def test_the_reminder_planner_ticks_through_30_days_of_active_lapsed_and_paused_people(
    coach: Coach, clock: ManualClock, engine: Engine
) -> None:
    """Once, settling a lapsed user's streak inside the planner wrote their streak events but
    dropped their streak state; from day 17 every tick failed and no reminder went out."""
    clock.set_local("UTC", 2026, 11, 1, 8)
    walker, lapsed, resting, newcomer = (
        person(coach, name, Platform.TELEGRAM) for name in ("walker", "lapsed", "resting", "new"))
    for someone in (walker, lapsed, resting, newcomer):
        someone.say("/summary off")  # Mondays' summaries are tested in test_weekly_summary.py
        someone.say("/remind 18:00")
    reminded: dict[str, list[int]] = {}
    for day in range(1, 31):
        clock.set_local("UTC", 2026, 11, day, 9)
        walker.say("/log 10 min")
        if day <= 8:  # eight days in a row: a freeze earned, then silence
            lapsed.say("/log 10 min")
        if day == 10:
            resting.say("/pause 5")
        for hour in (9, 18, 19):
            clock.set_local("UTC", 2026, 11, day, hour, 30)
            coach.plan_deliveries()  # must never raise
    for row in table_rows(engine)["deliveries"]:
        account = next(a for a in table_rows(engine)["accounts"] if a["id"] == row["account_id"])
        reminded.setdefault(str(account["external_id"]), []).append(
            int(str(row["occurrence"])[-2:]))
    assert "walker" not in reminded  # walked every morning
    assert reminded["lapsed"] == list(range(9, 31))
    assert reminded["resting"] == [d for d in range(1, 31) if not 10 <= d <= 14]
    assert reminded["new"] == list(range(1, 31))
    for someone in (walker, lapsed, resting, newcomer):
        assert someone.say("/log 5 min").text.startswith("Recorded: 5 min")
        assert "Current streak" in someone.say("/streak").text
        assert "Minutes:" in someone.say("/stats").text


def test_reading_commands_write_nothing(ada: Person, engine: Engine, clock: ManualClock) -> None:
    for day in range(1, 21):
        clock.set_local("UTC", 2026, 11, day, 9)
        ada.say("/log 10 min")
    clock.set_local("UTC", 2026, 11, 29, 9)  # the later days are left to settle
    before = table_rows(engine)
    for command in ("/streak", "/stats all", "/plan", "/progress", "/help", "/export"):
        ada.say(command)
    assert table_rows(engine) == before


def test_a_read_only_unit_of_work_that_changes_something_is_refused(
    ada: Person, engine: Engine
) -> None:
    ada.say("/log 10 min")
    uows = UnitOfWorkFactory(engine)
    with pytest.raises(ReadOnlyViolation), uows(write=False) as uow:
        walk = uow.walks.all(1)[0]
        walk.minutes = 99
    assert table_rows(engine)["walks"][0]["minutes"] == 10


def test_only_changed_columns_are_written(ada: Person, engine: Engine) -> None:
    ada.say("/start")
    statements: list[str] = []

    def seen(conn: object, cursor: object, statement: str, *args: object) -> None:
        statements.append(" ".join(statement.split()))

    event.listen(engine, "before_cursor_execute", seen)
    try:
        ada.say("/goal 120")
    finally:
        event.remove(engine, "before_cursor_execute", seen)
    [update] = [s for s in statements if s.startswith("UPDATE people")]
    assigned = update.split(" WHERE ")[0].removeprefix("UPDATE people SET ")
    assert [part.split("=")[0] for part in assigned.split(", ")] == ["weekly_goal", "goal_chosen"]


def concurrently(*work: Callable[[], None]) -> list[BaseException]:
    """Run each callable on its own thread, all released at once; the errors they raised."""
    errors: list[BaseException] = []
    start = threading.Barrier(len(work))

    def run(job: Callable[[], None]) -> None:
        start.wait()
        try:
            job()
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=run, args=(job,)) for job in work]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return errors


@pytest.fixture
def second_coach(database_url: str, engine: Engine, clock: ManualClock) -> Iterator[Coach]:
    """Another coach on the same database with its own engine, as a second process would be."""
    other = make_engine(database_url)
    yield make_coach(other, clock)
    other.dispose()


def test_two_coaches_writing_at_once_lose_no_update(
    coach: Coach, second_coach: Coach, engine: Engine
) -> None:
    """Once, writing back whole rows made /remind from one coach undo /goal from another."""
    person(coach, "ada").say("/start")
    goals, times = range(100, 130), [f"07:{minute:02d}" for minute in range(30)]
    errors = concurrently(
        lambda: [person(coach, "ada").say(f"/goal {goal}") for goal in goals],
        lambda: [person(second_coach, "ada").say(f"/remind {at}") for at in times],
    )
    assert errors == []
    [row] = table_rows(engine)["people"]
    assert (row["weekly_goal"], row["remind_at"]) == (129, "07:29")


def test_two_coaches_logging_for_one_person_at_once_keep_every_walk_and_one_streak(
    coach: Coach, second_coach: Coach, engine: Engine, clock: ManualClock
) -> None:
    for day in range(1, 13):  # days that settle while both coaches log
        clock.set_local("UTC", 2026, 11, day, 9)
        person(coach, "ada").say("/log 10 min")
    clock.set_local("UTC", 2026, 11, 24, 9)
    errors = concurrently(
        lambda: [person(coach, "ada").say(f"/log {n} min") for n in range(1, 21)],
        lambda: [person(second_coach, "ada").say(f"/log {n} min") for n in range(21, 41)],
    )
    assert errors == []
    assert sorted(walk_minutes(engine)) == sorted([10] * 12 + list(range(1, 41)))
    assert "Current streak: 1 day" in person(coach, "ada").say("/streak").text


def test_first_messages_at_once_make_one_person(
    database_url: str, engine: Engine, clock: ManualClock
) -> None:
    """Once, two first messages at once raised IntegrityError (look up, then insert)."""
    engines = [make_engine(database_url) for _ in range(6)]
    try:
        coaches = [make_coach(other, clock) for other in engines]
        errors = concurrently(*[
            (lambda c=c: [person(c, "zoe").say("/log 5 min"), None][1]) for c in coaches])
    finally:
        for other in engines:
            other.dispose()
    assert errors == []
    rows = table_rows(engine)
    assert len(rows["people"]) == 1 and len(rows["accounts"]) == 1
    assert walk_minutes(engine) == [5] * 6


@pytest.mark.parametrize(
    ("command", "check"),
    [("/undo", lambda rows: [w["minutes"] for w in rows["walks"]] == [10]),
     ("/pause 3", lambda rows: len(rows["pauses"]) == 1),
     ("/log 7 min", lambda rows: [w["minutes"] for w in rows["walks"]] == [10, 20, 7])],
)
def test_a_message_delivered_twice_is_acted_on_once(
    ada: Person, engine: Engine, command: str, check: Callable[[Rows], bool]
) -> None:
    """Once, a redelivered /undo removed a second walk: only /log was keyed."""
    ada.say("/log 10 min")
    ada.say("/log 20 min")
    ada.say(command, key="telegram:1:5")
    again = ada.say(command, key="telegram:1:5")
    assert "already acted on that message once" in again.text
    assert check(table_rows(engine))


def test_a_button_pressed_twice_is_acted_on_once(ada: Person, engine: Engine) -> None:
    ada.press("log:10", key="telegram:callback:77")
    ada.press("log:10", key="telegram:callback:77")
    assert walk_minutes(engine) == [10]


@pytest.mark.parametrize(
    "action", ["undo:" + "9" * 30, "log:" + "9" * 30, "log:0", "log:301", "undo:-1", "undo:",
               "join:x", "screen:maybe", "x" * 65, "log:10\n", "undo:1" + "0" * 100],
)
def test_buttons_with_forged_or_oversized_data_are_refused(
    ada: Person, engine: Engine, action: str
) -> None:
    ada.say("/log 10 min")
    before = table_rows(engine)
    refusal = ada.fail_press(action)
    assert "expired" in refusal or "300 at most" in refusal
    assert table_rows(engine) == before


def test_the_challenge_post_can_only_go_where_the_group_is(
    coach: Coach, clock: ManualClock, engine: Engine
) -> None:
    """Once, `/challenge_channel -200` in group A aimed A's post at group B, and a failed post
    then switched off B's challenge."""
    ada = person(coach, "ada", Platform.TELEGRAM)
    in_a = in_group(ada, group_id="-100", title="A", admin=True)
    in_b = in_group(person(coach, "bob", Platform.TELEGRAM), group_id="-200", title="B",
                    admin=True)
    assert "takes no other words" in in_a.fail("/challenge_channel -200")
    in_b.say("/challenge_time 09:00")
    in_a.say("/challenge_time 09:00")
    in_topic = in_group(ada, group_id="-100", title="A", admin=True, channel="42")
    in_topic.say("/challenge_channel")
    clock.set_local("UTC", 2026, 11, 25, 9, 1)
    assert coach.plan_deliveries() == 2
    posts = {p.recipient: p for p in coach.claim(Platform.TELEGRAM.value)}
    assert (posts["-100"].channel, posts["-200"].channel) == ("42", None)
    coach.undeliverable(posts["-100"], "Forbidden: bot was kicked from the group chat")
    chats = {c["external_id"]: c["challenge_on"] for c in table_rows(engine)["chats"]}
    assert chats == {"-100": False, "-200": True}


def test_statement_parameters_never_reach_errors_or_logs(
    engine: Engine, caplog: pytest.LogCaptureFixture
) -> None:
    """Once, a failing statement logged its parameters: notes and pain scores."""
    caplog.set_level(logging.DEBUG)
    uows = UnitOfWorkFactory(engine)
    with pytest.raises(IntegrityError) as failed, uows() as uow:
        uow.walks.add(Walk(person_id=404, day=datetime(2026, 11, 24).date(), minutes=5, pain=9,
                           note="my knee hurts, secret", recorded_at=datetime.now(UTC)))
    assert "secret" not in str(failed.value)
    assert "secret" not in caplog.text
