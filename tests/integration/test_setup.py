"""/setup in the core: the panel, its buttons, and who may press them (on SQLite and
PostgreSQL)."""

from __future__ import annotations

from sqlalchemy import Engine

from core import texts
from core.coach import Coach
from core.texts import setup as words
from tests.support import ManualClock, in_group, person, table_rows


def chat(engine: Engine) -> dict[str, object]:
    (row,) = table_rows(engine)["chats"]
    return row


def test_the_panel_shows_the_settings_and_ticks_the_current_choices(coach: Coach) -> None:
    admin = in_group(person(coach, "ada"), admin=True, channel="5")
    panel = admin.say("/setup")
    assert panel.public
    assert panel.text.splitlines()[:5] == [
        "Daily challenge settings for Walkers", "Daily post: on", "Time: 09:00 (UTC)",
        "Posted in: the group's main chat", "Goal: 10 min a day"]
    labels = [b.label for b in panel.buttons]
    assert labels[2] == "\u2713 09:00" and labels[5] == "\u2713 UTC"
    assert [row[0].action for row in panel.button_rows] == [
        "setup:off", "setup:time:0700", "setup:tz:UTC", "setup:here"]


def test_each_button_changes_its_setting_and_moves_the_next_post(
        coach: Coach, engine: Engine, clock: ManualClock) -> None:
    admin = in_group(person(coach, "ada"), admin=True, channel="5")
    admin.say("/setup")
    admin.press("setup:tz:Asia/Tokyo")  # any zone an admin could type is fine on a button too
    shown = admin.press("setup:time:0700").text
    assert shown.startswith("Done: the daily post now comes at 07:00 (Asia/Tokyo).")
    # Tuesday 12:00 UTC is 21:00 in Tokyo: the next 07:00 there is Wednesday's, 22:00 UTC.
    assert str(chat(engine)["post_next"]).startswith("2026-11-24 22:00")
    assert "Posted in: here, where /setup was used" in admin.press("setup:here").text
    elsewhere = in_group(person(coach, "ada"), admin=True, channel="9")
    assert "Posted in: another channel or topic" in elsewhere.say("/setup").text
    assert admin.press("setup:off").text.startswith(words.DONE_OFF)
    assert chat(engine)["post_next"] is None
    admin.press("setup:on")
    row = chat(engine)
    assert (row["challenge_on"], row["challenge_time"], row["timezone"], row["post_channel"]) == (
        True, "07:00", "Asia/Tokyo", "5")
    assert row["post_next"] is not None


def test_members_are_refused_on_the_command_and_on_every_button(
        coach: Coach, engine: Engine) -> None:
    member = in_group(person(coach, "bob"))
    assert member.fail("/setup") == words.ADMINS_ONLY
    for action in ("setup:off", "setup:time:1800", "setup:tz:Europe/Berlin", "setup:here"):
        assert member.fail_press(action) == words.ADMINS_ONLY
    assert table_rows(engine)["chats"] == []  # a refusal writes nothing, not even the group


def test_forged_or_unknown_panel_buttons_are_refused_with_a_short_answer(coach: Coach) -> None:
    admin = in_group(person(coach, "ada"), admin=True)
    assert admin.fail_press("setup:time:2500") == texts.BUTTON_UNKNOWN
    assert admin.fail_press("setup:tz:Europe/Berlin;drop") == texts.BUTTON_UNKNOWN
    assert "Mars/Base" in admin.fail_press("setup:tz:Mars/Base")
    assert person(coach, "cy").fail("/setup") == texts.GROUP_ONLY


def test_a_redelivered_press_changes_nothing_more(coach: Coach, engine: Engine) -> None:
    admin = in_group(person(coach, "ada"), admin=True)
    admin.press("setup:off", key="press-1")
    admin.say("/challenge_time 07:30")  # turns the post back on
    again = admin.press("setup:off", key="press-1")
    assert again.text == texts.ALREADY_HANDLED and not again.buttons
    assert chat(engine)["challenge_on"]
