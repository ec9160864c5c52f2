"""Group challenges: joining, the weekly board with capped days, admin-only settings."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import Engine

from core import texts
from core.coach import Coach
from core.domain.challenges import daily_challenge
from tests.support import ManualClock, in_group, person, table_rows


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


def todays_post(text: str) -> str:
    """The challenge part of a /challenge answer (the settings follow after a blank line)."""
    return text.split("\n\n")[0]


def test_the_challenge_is_todays_pick_from_the_catalogue_with_a_join_button(
        coach: Coach, clock: ManualClock, engine: Engine) -> None:
    admin = in_group(person(coach, "ada"), admin=True)
    clock.set_local("UTC", 2026, 11, 25)
    reply = admin.say("/challenge")
    [chat] = table_rows(engine)["chats"]
    today = daily_challenge(int(str(chat["id"])), date(2026, 11, 25), 10)
    assert reply.public and [b.action for b in reply.buttons] == ["join"]
    assert todays_post(reply.text).splitlines() == [
        f"Today's walk challenge in Walkers: 10 min of backward walking "
        f"{texts.CHALLENGE_PLACES[today.place]}.",
        f"Focus: {texts.CHALLENGE_FOCUS[today.focus]}",
        "New to it? Start with 5 min and a buddy, wall or rail within reach.",
        f"Log it with /log 10 min {today.place}. Points count up to 30 min a day, so no one wins "
        "by overdoing it.",
    ]
    assert "goal 10 min a day" in reply.text


def test_the_challenge_changes_every_day_for_two_weeks_and_follows_the_goal(
        coach: Coach, clock: ManualClock) -> None:
    admin = in_group(person(coach, "ada"), admin=True)
    posts = []
    for n in range(14):
        day = date(2026, 11, 20) + timedelta(days=n)
        clock.set_local("UTC", day.year, day.month, day.day)
        posts.append(todays_post(admin.say("/challenge").text))
    assert len(set(posts)) == 14
    assert todays_post(admin.say("/challenge").text) == posts[-1]  # the same all day
    short = todays_post(admin.say("/challenge_goal 3").text)
    assert "3 min of backward walking" in short and "/log 3 min" in short
    assert "New to it? Keep a buddy, wall or rail within reach." in short


def test_the_challenge_day_is_the_groups_local_day(
        coach: Coach, clock: ManualClock, engine: Engine) -> None:
    admin = in_group(person(coach, "ada"), admin=True)
    admin.say("/challenge_timezone Pacific/Auckland")
    clock.set_local("UTC", 2026, 11, 25, 12)  # already the 26th in Auckland
    [chat] = table_rows(engine)["chats"]
    key = int(str(chat["id"]))
    auckland = daily_challenge(key, date(2026, 11, 26), 10)
    post = todays_post(admin.say("/challenge").text)
    assert f"Focus: {texts.CHALLENGE_FOCUS[auckland.focus]}" in post
    assert f"/log 10 min {auckland.place}." in post
