"""A new user's first weeks (issue 9): one target, a word on overdoing it, pain that reflects
the latest walk, tips that rotate, an honest export, averages and a chart that fit a new user."""

from __future__ import annotations

import csv
import io
import json

from core.coach import Coach
from tests.support import ManualClock, Person, person


def supported_beginner(ada: Person) -> Person:
    ada.say("/start")
    ada.say("yes")
    return ada


def test_a_beginner_on_the_plan_sees_the_plans_target_everywhere(
    ada: Person, clock: ManualClock
) -> None:
    supported_beginner(ada)
    assert "This week: 3 days of 5 min" in ada.say("/plan").text
    logged = ada.say("/log 5 min hallway").text
    assert "This week's plan: 1 of 3 days of 5 min." in logged.splitlines()
    assert "150" not in logged
    assert "This week's plan: 1 of 3 days of 5 min." in ada.say("/streak").text
    assert "This week's plan: 1 of 3 days of 5 min." in ada.say("/stats").text
    assert "(this week's plan: 3 days of 5 min)" in ada.say("/stats month").text
    assert "Plan line: this week's plan, 3 days of 5 min (15 min)." in ada.say("/progress").text
    for _ in range(2):
        clock.advance(days=1)
        last = ada.say("/log 6 min hallway").text
    assert "This week's plan (3 days of 5 min) is done. Well walked!" in last


def test_a_chosen_weekly_goal_replaces_the_plans_target(ada: Person) -> None:
    ada.say("/goal 120")
    assert "This week: 5 of 120 min (4%)." in ada.say("/log 5 min").text
    assert "This week: 5 of 120 min (4%)." in ada.say("/streak").text


def test_a_walk_far_above_the_plan_gets_a_brief_word_to_build_up_slowly(
    ada: Person, clock: ManualClock
) -> None:
    supported_beginner(ada)
    ada.say("/log 5 min hallway")
    clock.advance(days=1)
    lines = ada.say("/log 75 min park").text.splitlines()
    assert lines[1] == (
        "That's well above this week's plan of 5 min. Please build up slowly: the plan grows to "
        "10 minutes by week 6, then about 10% a week. Keep a wall, a rail or a buddy within reach.")
    clock.advance(days=1)
    assert "well above" not in ada.say("/log 6 min hallway").text


def test_the_pain_line_stands_alone_follows_the_latest_walk_and_goes_with_undo(
    ada: Person, clock: ManualClock
) -> None:
    painful = ada.say("/log 10 min pain 7").text.splitlines()
    assert painful[0].endswith("Pain 7/10.")
    assert painful[1] == "Pain that rises, or sharp pain, means stop and see a physiotherapist."
    plan = ada.say("/plan").text.splitlines()
    assert "Your latest walk had pain 7/10: repeat this level or step back." in plan
    assert "Pain that rises, or sharp pain, means stop and see a physiotherapist." in plan
    ada.say("/undo")
    assert "pain" not in ada.say("/plan").text.lower()
    ada.say("/log 10 min pain 7")
    for _ in range(3):
        clock.advance(days=1)
        assert "pain" not in ada.say("/log 10 min").text.lower()
    assert "pain" not in ada.say("/plan").text.lower()


def test_pain_that_rises_is_measured_against_the_latest_rated_walk_still_stored(
    ada: Person,
) -> None:
    ada.say("/log 10 min pain 1")
    ada.say("/log 10 min pain 5")
    ada.say("/undo")
    lines = ada.say("/log 10 min pain 3").text.splitlines()
    assert lines[1] == "Pain that rises, or sharp pain, means stop and see a physiotherapist."


def test_no_tip_comes_twice_within_three_logs(ada: Person, clock: ManualClock) -> None:
    supported_beginner(ada)
    tips = []
    for place in ("hallway", "hallway", "park", "hallway", "", "park", "hallway", "treadmill"):
        reply = ada.say(f"/log 5 min {place}".strip()).text
        tips.append(reply.splitlines()[-1])
        clock.advance(days=1)
    assert all(tip.startswith("Tip: ") for tip in tips)
    for n in range(len(tips) - 3):
        assert len(set(tips[n:n + 4])) == 4, tips


def test_the_stop_tip_comes_after_pain_even_when_just_shown(ada: Person) -> None:
    first = ada.say("/log 10 min pain 8").text.splitlines()[-1]
    second = ada.say("/log 10 min pain 8").text.splitlines()[-1]
    assert first == second == "Tip: Stop if you feel tired, dizzy or lose your balance."


def test_export_shows_the_real_streak_and_every_field_of_every_walk(
    ada: Person, clock: ManualClock
) -> None:
    for _ in range(6):
        ada.say("/log 10 min park 1200 steps pain 2 felt steady")
        clock.advance(days=1)
    clock.advance(days=-1)
    assert "Current streak: 6 days" in ada.say("/streak").text
    walks_csv, everything = ada.say("/export").files
    data = json.loads(everything.data)
    assert data["streak"]["current"] == 6
    rows = list(csv.DictReader(io.StringIO(walks_csv.data.decode())))
    assert rows[0] == {"day": "2026-11-24", "minutes": "10", "place": "park", "steps": "1200",
                       "pain": "2", "note": "felt steady",
                       "recorded_at": "2026-11-24T12:00:00+00:00"}
    assert data["walks"][0] == {"day": "2026-11-24", "minutes": 10, "place": "park",
                                "steps": 1200, "pain": 2, "note": "felt steady",
                                "recorded_at": "2026-11-24T12:00:00+00:00"}


def test_export_and_chart_files_are_named_per_user_and_time(
    coach: Coach, clock: ManualClock
) -> None:
    ada, bob = person(coach, "ada"), person(coach, "bob")
    for someone in (ada, bob):
        someone.say("/log 10 min")
    names = [f.filename for someone in (ada, bob) for f in someone.say("/export").files]
    charts = [someone.say("/progress").image for someone in (ada, bob)]
    clock.advance(minutes=1)
    later = [f.filename for f in ada.say("/export").files]
    names += [c.filename for c in charts if c is not None] + later
    assert len(set(names)) == len(names) == 8
    assert names[0].startswith("retrowalk-walks-") and names[0].endswith(".csv")
    assert names[1].endswith(".json") and names[4].endswith(".png")


def test_averages_start_at_the_first_walk(ada: Person, clock: ManualClock) -> None:
    clock.set_local("UTC", 2026, 11, 27)
    ada.say("/goal 150")
    ada.say("/log 30 min")
    ada.say("/log 30 min yesterday")
    assert "Average week: 60 min (goal 150)" in ada.say("/stats month").text
    assert "Average week: 60 min (goal 150)" in ada.say("/stats all").text


def test_the_chart_fits_a_new_walker_and_a_veteran(ada: Person, clock: ManualClock) -> None:
    ada.say("/log 10 min")
    assert ada.say("/progress").text.startswith("Your last 1 week: 10 min in all.")
    clock.advance(days=14)
    assert ada.say("/progress").text.startswith("Your last 3 weeks: 10 min in all.")
    clock.advance(days=7 * 30)
    ada.say("/log 10 min")
    assert ada.say("/progress").text.startswith("Your last 12 weeks: 10 min in all.")


def test_timezone_and_streak_wording_read_right(ada: Person) -> None:
    reply = ada.say("/timezone Europe/Berlin").text
    assert "today is today" not in reply
    assert "a walk logged now counts for today (2026-11-24)" in reply
    streak = ada.say("/streak").text
    assert "keeps the streak going" not in streak
    assert "one walk starts a new streak" in streak


def test_empty_stats_say_no_walks_once(ada: Person) -> None:
    assert ada.say("/stats all").text == "No walks yet. Log one with /log 10 min."
    assert ada.say("/stats").text == "No walks this week yet. Log one with /log 10 min."


def test_the_myth_names_the_article(ada: Person) -> None:
    myth = ada.say("/myth").text
    assert "grew from" not in myth
    assert "Why walking backward could move your health & fitness forward" in myth


def test_a_streak_open_yesterday_still_asks_for_todays_walk(
    ada: Person, clock: ManualClock
) -> None:
    ada.say("/log 10 min")
    clock.advance(days=1)
    assert "one walk keeps the streak going" in ada.say("/streak").text
