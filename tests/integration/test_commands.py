"""Every command through the coach on a real SQLite file, as a user would use it."""

from __future__ import annotations

import csv
import io
import itertools
import json

import pytest
from sqlalchemy import Engine

from core.coach import Coach
from core.command_table import COMMANDS
from core.identity import Platform
from tests.support import ManualClock, Person, in_group, person, walk_minutes


def test_the_scripted_first_conversation_welcomes_records_and_counts_a_streak(ada: Person) -> None:
    assert "Welcome to RetroWalk Coach" in ada.say("/start").text
    logged = ada.say("/log 10 min park")
    assert logged.text.startswith("Recorded: 10 min of backward walking at the park, today.")
    assert "Current streak: 1 day" in ada.say("/streak").text


def test_start_explains_warns_screens_and_offers_quick_logs(ada: Person) -> None:
    reply = ada.say("/start")
    assert "not medical advice" in reply.text
    assert "balance problems, dizziness, a recent fall" in reply.text
    assert [b.action for b in reply.buttons] == ["screen:yes", "screen:no", "log:5", "log:10",
                                                 "log:20"]


def test_answering_yes_to_the_screen_puts_the_user_in_supported_mode(ada: Person) -> None:
    ada.say("/start")
    reply = ada.say("yes")
    assert "supported mode" in reply.text
    assert "/timezone" in reply.text
    assert "with support (a wall, a rail or a buddy)" in ada.say("/plan").text


def test_the_screen_can_be_answered_with_a_button(ada: Person) -> None:
    ada.say("/start")
    assert "start gently" in ada.press("screen:no").text
    assert "Welcome back, Ada" in ada.say("/start").text


def test_help_lists_every_command_with_an_example(ada: Person) -> None:
    text = ada.say("/help").text
    for command in COMMANDS:
        assert f"/{command.name}" in text
        assert command.example in text


@pytest.mark.parametrize("command", [c for c in COMMANDS if not c.in_groups_only])
def test_every_personal_command_answers_with_its_example(ada: Person, command: object) -> None:
    ada.say("/log 10 min")
    example = command.example  # type: ignore[attr-defined]
    if example == "/resume":
        ada.say("/pause")
    if example == "/unlink":  # there must be a link to undo: Ada's Telegram account asks
        asked = person(ada.coach, "ada", Platform.TELEGRAM).say("/link").text
        ada.say("/link " + asked.split("code: ")[1].split()[0])
    reply = ada.say(example)
    assert reply.text.strip()


@pytest.mark.parametrize("command", [c for c in COMMANDS if c.in_groups_only])
def test_every_group_command_answers_in_a_group(ada: Person, command: object) -> None:
    admin = in_group(ada, admin=True)
    admin.say("/join")
    if command.name in ("endchallenge", "cancelchallenge"):  # type: ignore[attr-defined]
        admin.say("/newchallenge team 1000 min 14 days")  # one to end or cancel
    reply = admin.say(command.example)  # type: ignore[attr-defined]
    assert reply.text.strip()


def test_a_log_reply_confirms_streak_week_and_one_tip_with_an_undo_button(ada: Person) -> None:
    ada.say("/goal 150")
    reply = ada.say("/log 20 min park 1500 steps felt steady")
    lines = reply.text.splitlines()
    assert lines[0] == ("Recorded: 20 min of backward walking at the park, today. 1,500 steps. "
                        "Note: \u2068felt steady\u2069")
    assert lines[1].startswith("That's well above this week's plan of 5 min.")
    assert lines[2] == "Streak: 1 day."
    assert lines[3] == "This week: 20 of 150 min (13%)."
    assert lines[4].startswith("Tip: New to it? Bring a buddy")
    assert reply.buttons[0].label == "Undo"


def test_tips_follow_the_walk_and_do_not_repeat(ada: Person, clock: ManualClock) -> None:
    first = []
    for _ in range(4):  # four walking days: no longer new to it
        first.append(ada.say("/log 10 min hallway").text.splitlines()[-1])
        clock.advance(days=1)
    assert first[0] == "Tip: New to it? Bring a buddy to keep you out of harm's way."
    assert first[1] == "Tip: Indoors, a hallway with a wall to touch works well."
    assert all(a != b for a, b in itertools.pairwise(first))
    treadmill = ada.say("/log 10 min treadmill").text
    assert "clip the safety key, hold the rails" in treadmill
    park = [ada.say("/log 5 min park").text.splitlines()[-1] for _ in range(3)]
    assert park[0] == "Tip: Keep looking over your shoulder to check what is coming."
    assert park[0] != park[1] != park[2]


def test_rising_pain_brings_the_stop_and_see_a_physiotherapist_advice(ada: Person) -> None:
    ada.say("/log 10 min pain 1")
    reply = ada.say("/log 10 min pain 4")
    assert "Pain that rises, or sharp pain, means stop and see a physiotherapist." in reply.text


def test_undo_removes_only_the_last_walk(ada: Person, engine: Engine) -> None:
    ada.say("/log 10 min")
    ada.say("/log 25 min")
    assert "Removed your 25-minute walk from today" in ada.say("/undo").text
    assert walk_minutes(engine) == [10]
    ada.say("/undo")
    assert "no walk to undo" in ada.fail("/undo")


def test_the_undo_button_removes_the_walk_it_was_shown_with(ada: Person, engine: Engine) -> None:
    first = ada.say("/log 10 min")
    ada.say("/log 25 min")
    ada.press(first.buttons[0].action)
    assert walk_minutes(engine) == [25]
    assert "already gone" in ada.fail_press(first.buttons[0].action)


def test_stats_sum_the_week_the_month_and_all_time(ada: Person, clock: ManualClock) -> None:
    clock.set_local("UTC", 2026, 11, 2)
    ada.say("/log 30 min")
    clock.set_local("UTC", 2026, 11, 24)
    ada.say("/log 20 min")
    ada.say("/log 10 min yesterday")
    week = ada.say("/stats").text
    assert "Minutes: 30\nWalks: 2\nActive days: 2" in week
    assert "up to 180 MET-minutes" in week
    assert "This week's plan: 2 of 3 days of 5 min." in week
    assert "Minutes: 60\nWalks: 3" in ada.say("/stats month").text
    ada.say("/goal 150")
    assert "Weekly goal: 30 of 150 min (20%)" in ada.say("/stats").text
    assert "All time (since 2026-11-02)" in ada.say("/stats all").text
    assert "Choose week, month or all" in ada.fail("/stats year")


def test_progress_sends_a_png_chart(ada: Person) -> None:
    assert "No walks to chart yet" in ada.say("/progress").text
    ada.say("/log 10 min")
    reply = ada.say("/progress")
    assert reply.image is not None
    assert reply.image.data.startswith(b"\x89PNG\r\n\x1a\n")
    assert reply.text == ("Your last 1 week: 10 min in all. "
                          "Plan line: this week's plan, 3 days of 5 min (15 min).")
    ada.say("/goal 150")
    assert "Goal line: 150 min a week." in ada.say("/progress").text


def test_plan_shows_the_level_and_this_weeks_target(ada: Person, clock: ManualClock) -> None:
    clock.set_local("UTC", 2026, 11, 2)
    for day in (2, 4, 6):
        clock.set_local("UTC", 2026, 11, day)
        ada.say("/log 5 min")
    for day in (9, 11, 13):
        clock.set_local("UTC", 2026, 11, day)
        ada.say("/log 6 min")
    clock.set_local("UTC", 2026, 11, 17)
    ada.say("/log 7 min")
    text = ada.say("/plan").text
    assert text.startswith("Beginner plan, level 3: weeks 3-6")
    assert "This week: 3 days of 7 min. Done so far: 1 of 3 days." in text


def test_safety_and_myth_state_only_sourced_facts(ada: Person) -> None:
    safety = ada.say("/safety").text
    assert "not a medical device" in safety
    myth = ada.say("/myth").text
    assert "no study supports a 10x factor" in myth
    assert "1.2-1.5x" in myth


def test_settings_commands_store_and_echo(ada: Person) -> None:
    # Until a goal is chosen the plan's week is the target, and /goal says so.
    assert "this week's target is 3 days of 5 min" in ada.say("/goal").text
    assert "Weekly goal set to 120 minutes" in ada.say("/goal 120").text
    assert "Your weekly goal is 120 minutes" in ada.say("/goal").text
    assert "Time zone set to Europe/Berlin" in ada.say("/timezone europe/berlin").text
    assert "starts at 04:00" in ada.say("/daystart 4").text
    assert "remind you at 07:30 (Europe/Berlin)" in ada.say("/remind 07:30").text
    assert "Reminders are off" in ada.say("/remind off").text


@pytest.mark.parametrize(
    ("text", "needle"),
    [("/log", "How long did you walk? Example: /log 20 min park"),
     ("/log -5", "-5 minutes can't be a walk"), ("/log 0", "0 minutes can't be a walk"),
     ("/log abc", "couldn't find a duration in \"abc\""),
     ("/log 900 min", "900 minutes is more than one walk can be"),
     ("/log 20 min 2026-11-30", "is in the future"),
     ("/log 20 min 2026-10-25", "more than 7 days ago"),
     ("/timezone Mars/Base", "\"Mars/Base\" isn't a time zone I know"),
     ("/timezone", "Which time zone?"),
     ("/remind 25:00", "\"25:00\" isn't a time"), ("/goal lots", "/goal 150"),
     ("/daystart 30", "/daystart 4"), ("/pause 500", "/pause 7"),
     ("/resume", "You're not paused"), ("/streak please", "takes no extra words"),
     ("/dance", "I don't know /dance"), ("x" * 5000, "That message is 5,000 characters")],
)
def test_bad_input_gets_a_specific_answer_and_changes_nothing(
    ada: Person, engine: Engine, text: str, needle: str
) -> None:
    from tests.support import table_rows

    ada.say("/log 10 min")
    before = table_rows(engine)
    assert needle in ada.fail(text)
    assert table_rows(engine) == before


def test_a_plain_sentence_without_a_walk_gets_a_gentle_pointer(ada: Person) -> None:
    assert "I didn't catch a walk there" in ada.say("the weather is lovely").text
    assert ada.say("hello coach").text.startswith("Hello! Tell me about a backward walk")


def test_the_same_platform_message_twice_records_one_walk(ada: Person, engine: Engine) -> None:
    ada.say("/log 15 min park", key="telegram:1:42")
    again = ada.say("/log 15 min park", key="telegram:1:42")
    assert "already acted on that message once" in again.text
    assert walk_minutes(engine) == [15]


def test_hostile_text_is_stored_verbatim_and_harmless(ada: Person, engine: Engine) -> None:
    note = "Robert'); DROP TABLE walks;-- <b>x</b> 🚶 שלום"
    ada.say(f"/log 10 min {note}")
    assert walk_minutes(engine) == [10]
    exported = ada.say("/export").files[1].data.decode()
    assert json.loads(exported)["walks"][0]["note"] == note


def test_export_gives_walks_as_csv_and_everything_as_json(ada: Person) -> None:
    ada.say("/log 10 min park")
    ada.say("/log 20 min yesterday")
    ada.say("/pause 2")
    reply = ada.say("/export")
    walks_csv, everything = reply.files
    rows = list(csv.DictReader(io.StringIO(walks_csv.data.decode())))
    assert [(r["day"], r["minutes"], r["place"]) for r in rows] == [
        ("2026-11-23", "20", ""), ("2026-11-24", "10", "park")]
    data = json.loads(everything.data)
    assert data["accounts"] == [{"platform": "console", "id": "ada", "name": "Ada",
                                 "since": "2026-11-24T12:00:00+00:00"}]
    assert data["pauses"] == [{"from": "2026-11-25", "to": "2026-11-26"}]
    assert {"settings", "walks", "streak_history", "challenges"} <= data.keys()


def test_only_your_own_data_is_seen_and_changed(coach: Coach, engine: Engine) -> None:
    ada, bob = person(coach, "ada"), person(coach, "bob")
    logged = ada.say("/log 30 min")
    bob.say("/log 5 min")
    assert "already gone" in bob.fail_press(logged.buttons[0].action)
    assert "Minutes: 5\n" in bob.say("/stats").text
    assert "Minutes: 30\n" in ada.say("/stats").text
    assert sorted(walk_minutes(engine)) == [5, 30]
