"""Group challenges people join, through the real coach on SQLite and PostgreSQL: each format's
board and results, caps and ties, walks in other time zones, leaving and /forget, admin rights,
and the scheduler's posts going out once each at the group's local times."""

from __future__ import annotations

from sqlalchemy import Engine

from core.coach import Coach
from core.delivery import CHALLENGE, CONTEST_END, CONTEST_MID, CONTEST_START, SEASON, Outgoing
from core.identity import Platform
from tests.support import ManualClock, Person, in_group, person, table_rows

CONSOLE = Platform.CONSOLE.value


def group(coach: Coach, name: str, admin: bool = False) -> Person:
    return in_group(person(coach, name), admin=admin)


def sent(coach: Coach, message_ids: dict[str, str] | None = None) -> list[Outgoing]:
    """Plan, claim and mark sent everything due now; the posts other than the daily one."""
    coach.plan_deliveries()
    out = coach.claim(CONSOLE, 50)
    for n, outgoing in enumerate(out):
        coach.delivered(outgoing, (message_ids or {}).get(outgoing.kind, str(100 + n)))
    return [o for o in out if o.kind != CHALLENGE]


def test_a_capped_challenge_counts_capped_days_after_joining_with_shared_places(
        coach: Coach, clock: ManualClock, engine: Engine) -> None:
    clock.set_local("UTC", 2026, 11, 30, 8)  # a Monday
    anna = group(coach, "anna", admin=True)
    created = anna.say('/newchallenge capped "Spring steps" 7 days from today cap 30')
    assert "Challenge #1 \u2068Spring steps\u2069 (capped minutes)" in created.text
    assert [b.action for b in created.buttons] == ["join:1"]
    ben, cai, dee, eve = (group(coach, n) for n in ("ben", "cai", "dee", "eve"))
    assert "Only group admins" in ben.fail('/newchallenge team 100 min 5 days')
    assert "Only group admins" in ben.fail("/cancelchallenge 1")
    assert "Only group admins" in ben.fail("/endchallenge 1")
    person(coach, "ben").say("/log 10 min")  # before joining: does not count
    clock.advance(minutes=1)
    assert "\u2068Ben\u2069 joined \u2068Spring steps\u2069" in ben.say("/join").text
    assert "joined" in cai.press("join:1").text
    assert "already in" in cai.say("/join spring").text
    dee.say("/join 1")
    eve.say("/join #1")
    person(coach, "cai").say("/timezone Pacific/Auckland")
    person(coach, "ben").say("/log 45 min")        # capped at 30
    person(coach, "cai").say("/log 25 min")        # Cai's Tuesday in Auckland
    person(coach, "dee").say("/log 60 min")
    person(coach, "eve").say("/log 90 min")
    clock.set_local("UTC", 2026, 12, 1, 10)
    ben.say("/log 20 min")                          # logged in the group: counts too
    person(coach, "cai").say("/log 25 min")
    assert "Dee\u2069 left" in dee.say("/leave spring steps").text
    eve_alone = person(coach, "eve")
    eve_alone.say("/forget")
    eve_alone.say("yes")
    board = ben.say("/leaderboard").text
    assert "1. \u2068Ben\u2069: 50 min" in board
    assert "1. \u2068Cai\u2069: 50 min" in board
    assert "Dee" not in board and "Eve" not in board
    assert "park" not in board and "pain" not in board
    assert not [r for r in table_rows(engine)["challenge_entries"] if r["display_name"] == "Eve"]
    assert "Only group admins" in ben.fail("/endchallenge 1")
    clock.advance(minutes=1)
    assert "ends now" in anna.say("/endchallenge spring").text
    person(coach, "ben").say("/log 30 min")         # after the end: does not count
    [end] = sent(coach)  # the start post was due a day ago: too late to be worth sending
    assert end.kind == CONTEST_END
    assert "Shared win: \u2068Ben\u2069, \u2068Cai\u2069, with 50 min each." in end.reply.text
    assert sent(coach) == []
    clock.advance(days=9)
    assert sent(coach) == []
    assert "final" in ben.say("/leaderboard 1").text


def test_posts_go_out_once_each_at_the_groups_local_times_and_the_update_edits_the_start(
        coach: Coach, clock: ManualClock) -> None:
    clock.set_local("Europe/Berlin", 2026, 11, 29, 20)  # Sunday evening in Berlin
    anna = group(coach, "anna", admin=True)
    anna.say("/newchallenge team 300 min 7 days from monday")
    anna.say("/challenge_timezone Europe/Berlin")  # after creating: its posts follow
    anna.say("/challenge_time 07:30")
    group(coach, "ben").say("/join")
    assert sent(coach) == []
    clock.set_local("Europe/Berlin", 2026, 11, 30, 7, 29)
    assert sent(coach) == []
    clock.set_local("Europe/Berlin", 2026, 11, 30, 7, 30)
    [start] = sent(coach, {CONTEST_START: "555"})
    assert start.kind == CONTEST_START and start.edit is None
    assert "starts today" in start.reply.text and start.reply.buttons[0].action == "join:1"
    assert sent(coach) == []
    person(coach, "ben").say("/log 40 min")
    clock.set_local("Europe/Berlin", 2026, 12, 3, 7, 29)
    assert [o.kind for o in sent(coach)] == []
    clock.set_local("Europe/Berlin", 2026, 12, 3, 7, 31)
    [middle] = sent(coach)
    assert middle.kind == CONTEST_MID and middle.edit == "555" and middle.reply.quiet
    assert "Together: 40 of 300 min (13%)" in middle.reply.text
    clock.set_local("Europe/Berlin", 2026, 12, 6, 7, 31)
    assert sent(coach) == []
    clock.set_local("Europe/Berlin", 2026, 12, 7, 7, 30)
    outs = sent(coach)
    kinds = sorted(o.kind for o in outs)
    assert kinds == [CONTEST_END, SEASON]
    end = next(o for o in outs if o.kind == CONTEST_END)
    assert "Together: 40 of 300 min (13%)" in end.reply.text
    assert "\u2068Ben\u2069: 40 min" in end.reply.text
    clock.advance(minutes=5)
    assert sent(coach) == []


def test_a_goal_days_challenge_names_everyone_who_succeeded(
        coach: Coach, clock: ManualClock) -> None:
    clock.set_local("UTC", 2026, 11, 30, 8)
    anna = group(coach, "anna", admin=True)
    reply = anna.say("/newchallenge goal 10 min on 2 days over 3 days")
    assert "Walk at least 10 minutes on at least 2 of the 3 days" in reply.text
    ben, cai = group(coach, "ben"), group(coach, "cai")
    ben.say("/join")
    cai.say("/join")
    person(coach, "ben").say("/log 10 min")
    person(coach, "cai").say("/log 9 min")
    clock.advance(days=1)
    person(coach, "ben").say("/log 12 min")
    person(coach, "cai").say("/log 30 min")
    board = ben.say("/leaderboard").text
    assert "1. \u2068Ben\u2069: 2/2 days \u2713" in board
    assert "2. \u2068Cai\u2069: 1/2 days" in board
    clock.set_local("UTC", 2026, 12, 3, 9)
    end = [o for o in sent(coach) if o.kind == CONTEST_END]
    assert "Made it: \u2068Ben\u2069." in end[0].reply.text


def test_several_challenges_each_have_a_board_and_join_offers_a_choice(
        coach: Coach, clock: ManualClock) -> None:
    clock.set_local("UTC", 2026, 11, 30, 8)
    anna = group(coach, "anna", admin=True)
    anna.say('/newchallenge capped "Sprint" 5 days')
    anna.say('/newchallenge team "Together" 1000 min 10 days')
    assert "already has a challenge called" in anna.fail('/newchallenge capped "sprint" 5 days')
    ben = group(coach, "ben")
    pick = ben.say("/join")
    assert [b.action for b in pick.buttons] == ["join:1", "join:2"]
    ben.press("join:2")
    person(coach, "ben").say("/log 20 min")
    assert "Together: 20 of 1000 min" in ben.say("/leaderboard together").text
    assert "No one has joined yet" in ben.say("/leaderboard sprint").text
    assert "#1" in ben.say("/challenges").text
    assert "cancelled" in anna.say("/cancelchallenge sprint").text
    assert "Sprint" not in ben.say("/challenges").text
    assert "Ben\u2069 left this group's challenges" in ben.say("/leave").text
    creator = person(coach, "anna")
    creator.say("/forget")
    creator.say("yes")
    assert "Together" in ben.say("/challenges").text  # the group's challenge outlives its maker


def test_the_weekly_board_is_posted_on_monday_and_kept_as_last_week(
        coach: Coach, clock: ManualClock) -> None:
    clock.set_local("UTC", 2026, 11, 30, 8)
    ben, cai = group(coach, "ben"), group(coach, "cai")
    ben.say("/join")
    cai.say("/join")
    person(coach, "ben").say("/log 20 min")
    person(coach, "cai").say("/log 20 min")
    clock.set_local("UTC", 2026, 12, 7, 9, 1)
    [season] = [o for o in sent(coach) if o.kind == SEASON]
    assert "1. \u2068Ben\u2069: 20 pts" in season.reply.text
    assert "1. \u2068Cai\u2069: 20 pts" in season.reply.text
    assert sent(coach) == []
    last = ben.say("/leaderboard last").text
    assert "Mon 30 Nov to Sun 6 Dec" in last and "\u2068Cai\u2069: 20 pts" in last
    assert "20" not in ben.say("/leaderboard week").text.split("\n", 1)[1]


def test_undoing_a_walk_takes_its_minutes_off_every_board_it_counted_on(
        coach: Coach, clock: ManualClock) -> None:
    clock.set_local("UTC", 2026, 11, 30, 8)
    anna = group(coach, "anna", admin=True)
    anna.say('/newchallenge capped "Capped" 5 days cap 30')
    anna.say('/newchallenge team "Team" 100 min 5 days')
    ben = group(coach, "ben")
    ben.press("join:1")
    ben.press("join:2")
    clock.advance(minutes=1)
    alone = person(coach, "ben")
    alone.say("/log 25 min")
    alone.say("/log 15 min")
    assert "\u2068Ben\u2069: 30 min" in ben.say("/leaderboard capped").text
    assert "Together: 40 of 100 min" in ben.say("/leaderboard team").text
    alone.say("/undo")
    assert "\u2068Ben\u2069: 25 min" in ben.say("/leaderboard capped").text
    assert "Together: 25 of 100 min" in ben.say("/leaderboard team").text


def test_a_new_time_zone_moves_the_end_of_counting_and_the_results_with_the_groups_days(
        coach: Coach, clock: ManualClock) -> None:
    """Created in UTC, then the group moves to New York: its last day now ends at midnight in
    New York (05:00 UTC), so a walk on that Sunday evening there still counts, and the results
    come at the post time of Monday in New York."""
    clock.set_local("UTC", 2026, 11, 30, 8)
    anna = group(coach, "anna", admin=True)
    anna.say('/newchallenge team "Walkabout" 100 min 7 days from today')
    ben = group(coach, "ben")
    ben.say("/join")
    clock.advance(minutes=1)
    anna.say("/challenge_timezone America/New_York")
    anna.say("/challenge_time 08:00")
    walker = person(coach, "ben")
    walker.say("/timezone America/New_York")
    clock.set_local("America/New_York", 2026, 12, 6, 21)  # Sunday, the last day, in New York
    walker.say("/log 30 min")  # 02:00 UTC on Monday: after the old end, before the new
    assert "Together: 30 of 100 min" in ben.say("/leaderboard 1").text
    sent(coach)  # the weekly board and anything else due by now
    clock.set_local("America/New_York", 2026, 12, 7, 7, 59)
    assert [o.kind for o in sent(coach)] == []
    clock.set_local("America/New_York", 2026, 12, 7, 8, 0)
    [end] = [o for o in sent(coach) if o.kind == CONTEST_END]
    assert "Together: 30 of 100 min" in end.reply.text
    clock.advance(minutes=1)
    walker.say("/log 30 min")  # after the end in New York: does not count
    assert "Together: 30 of 100 min" in ben.say("/leaderboard 1").text
