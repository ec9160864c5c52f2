"""Group challenges: joining, the weekly board with capped days, admin-only settings."""

from __future__ import annotations

from core.coach import Coach
from tests.support import ManualClock, in_group, person


def test_members_join_once_and_the_board_caps_each_day(coach: Coach, clock: ManualClock) -> None:
    ada, bob = person(coach, "ada"), person(coach, "bob")
    ada_g, bob_g = in_group(ada), in_group(bob)
    assert "Ada joined the Walkers challenge" in ada_g.say("/join").text
    assert "already in" in ada_g.say("/join").text
    assert "Bob joined" in bob_g.press("join").text
    clock.set_local("UTC", 2026, 11, 23)
    ada.say("/log 120 min")  # counts 30
    bob.say("/log 25 min")
    clock.set_local("UTC", 2026, 11, 24)
    bob.say("/log 20 min")
    board = ada_g.say("/leaderboard")
    assert board.public
    assert board.text.splitlines()[1:] == [
        "1. \u2068Bob\u2069: 45 pts, 2 days",
        "2. \u2068Ada\u2069: 30 pts, 1 day",
    ]


def test_walks_logged_in_a_group_belong_to_the_sender(coach: Coach) -> None:
    ada = person(coach, "ada")
    in_group(ada).say("/log@RetroWalkBot 15 min park")
    assert "Minutes: 15" in ada.say("/stats").text


def test_leaving_keeps_the_walks(coach: Coach) -> None:
    ada = person(coach, "ada")
    group = in_group(ada)
    group.say("/join")
    ada.say("/log 10 min")
    assert "left the Walkers challenge" in group.say("/leave").text
    assert "No one has joined" in group.say("/leaderboard").text
    assert "Minutes: 10" in ada.say("/stats").text


def test_only_group_admins_change_challenge_settings(coach: Coach) -> None:
    ada = person(coach, "ada")
    member, admin = in_group(ada), in_group(ada, admin=True)
    for command in ("/challenge_time 07:30", "/challenge_timezone Europe/Berlin",
                    "/challenge_goal 15", "/challenge_channel"):
        assert "Only group admins" in member.fail(command)
    assert "daily post on at 07:30" in admin.say("/challenge_time 07:30").text
    assert "(Europe/Berlin)" in admin.say("/challenge_timezone Europe/Berlin").text
    assert "goal 15 min a day" in admin.say("/challenge_goal 15").text
    assert "daily post off" in admin.say("/challenge_time off").text
    assert "isn't a time" in admin.fail("/challenge_time 25:00")


def test_challenge_commands_in_a_private_chat_point_to_a_group(coach: Coach) -> None:
    assert "group or server channel" in person(coach, "ada").fail("/join")
