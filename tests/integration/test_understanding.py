"""Sentences and /log lines that are unclear are asked about, chat is answered, and only a
clear backward walk, or a Yes, records anything."""

from __future__ import annotations

from sqlalchemy import Engine

from core import texts
from tests.support import ManualClock, Person, walk_minutes

# The clock starts on Tuesday 24 Nov 2026; yesterday was Monday 23 Nov.


def test_a_clear_backward_walk_in_a_sentence_is_recorded_as_typed(ada: Person,
                                                                  engine: Engine) -> None:
    reply = ada.say("walked backwards for 1 hour and 15 minutes at the park yesterday")
    assert reply.text.startswith("Recorded: 75 min of backward walking at the park, yesterday.")
    assert walk_minutes(engine) == [75]


def test_things_that_are_not_backward_walks_record_nothing(ada: Person, engine: Engine) -> None:
    for text in ("I slept 4 hours", "lunch at 1:30", "watched a 2h movie",
                 "I ran 5 km in 30 minutes", "walked my dog for 30 minutes",
                 "didn't walk backwards today", "I will walk backwards tomorrow",
                 "should I walk backwards 20 minutes?"):
        reply = ada.say(text)
        assert not reply.buttons, text
        assert "Recorded" not in reply.text, text
    assert walk_minutes(engine) == []


def test_an_unclear_walk_is_asked_about_and_recorded_once_on_yes(ada: Person,
                                                                 engine: Engine) -> None:
    asked = ada.say("/log 10 min 23.11.2026")
    assert asked.text == (texts.ASK_REASONS["numeric_date"].format(example="2026-11-23")
                          + "\nLog 10 min yesterday?")
    assert [b.action for b in asked.buttons] == ["log:10:20261123", "log:no"]
    assert walk_minutes(engine) == []
    recorded = ada.press("log:10:20261123", key="telegram:callback:1")
    assert recorded.text.startswith("Recorded: 10 min of backward walking, yesterday.")
    again = ada.fail_press("log:10:20261123")
    assert again == texts.ASK_GONE
    assert walk_minutes(engine) == [10]


def test_no_records_nothing_and_closes_the_question(ada: Person, engine: Engine) -> None:
    asked = ada.say("walked backwards 90 seconds")
    assert asked.text.endswith("Log 2 min today?")
    assert ada.press("log:no").text == texts.ASK_DECLINED
    assert ada.fail_press("log:2:20261124") == texts.ASK_GONE
    assert walk_minutes(engine) == []


def test_a_typed_yes_answers_the_open_question(ada: Person, engine: Engine) -> None:
    ada.say("walked 20 min at the park on sunday")  # not said to be backward: asked
    assert ada.say("yes").text.startswith(
        "Recorded: 20 min of backward walking at the park, Sun 22 Nov. "
        "Note: \u2068walked 20 min at the park on sunday\u2069")
    assert walk_minutes(engine) == [20]


def test_a_yes_for_another_guess_or_a_forged_day_records_nothing(ada: Person,
                                                                 engine: Engine) -> None:
    ada.say("/log 2.5")
    assert ada.fail_press("log:30:20261124") == texts.ASK_GONE
    assert ada.fail_press("log:3:20261399") == texts.BUTTON_UNKNOWN
    assert walk_minutes(engine) == []
    assert ada.press("log:3:20261124").text.startswith("Recorded: 3 min")
    assert walk_minutes(engine) == [3]


def test_the_same_yes_delivered_twice_records_once(ada: Person, engine: Engine) -> None:
    ada.say("/log 90 sec")
    ada.press("log:2:20261124", key="telegram:callback:7")
    again = ada.press("log:2:20261124", key="telegram:callback:7")
    assert "already acted on that message" in again.text
    assert walk_minutes(engine) == [2]


def test_conflicts_are_asked_about_without_a_guess(ada: Person, engine: Engine) -> None:
    for text in ("/log 10 min 10 min", "/log 20 min yesterday today", "walked backwards 2 km"):
        reply = ada.say(text)
        assert not reply.buttons and texts.ASK_EXAMPLE in reply.text, text
    assert walk_minutes(engine) == []


def test_the_old_quick_log_buttons_still_record_each_press(ada: Person, engine: Engine) -> None:
    ada.press("log:10")
    ada.press("log:10")
    assert walk_minutes(engine) == [10, 10]


def test_chat_gets_a_specific_answer(ada: Person, engine: Engine) -> None:
    assert ada.say("hi").text == texts.CHAT["greeting"]
    assert ada.say("thanks!").text == texts.CHAT["thanks"]
    assert ada.say("how do I log a walk?").text == texts.CHAT["help"]
    assert ada.say("what is my streak?").text == ada.say("/streak").text
    assert ada.say("what's the plan for this week?").text == ada.say("/plan").text
    assert ada.say("show me my progress").text == texts.PROGRESS_EMPTY
    assert ada.say("didn't walk backwards today").text == texts.CHAT["negation"]
    assert walk_minutes(engine) == []
    ada.say("/log 10 min")
    assert ada.say("how many minutes have I walked this week?").text == ada.say("/stats").text


def test_notes_are_kept_verbatim_and_a_contrasted_place_is_not_taken(ada: Person) -> None:
    reply = ada.say("/log 20 min skipped the treadmill, went to the beach")
    assert reply.text.startswith("Recorded: 20 min of backward walking, today. Note: "
                                 "\u2068skipped the treadmill, went to the beach\u2069")


def test_yes_records_the_whole_guess_place_pain_and_note(ada: Person, engine: Engine) -> None:
    ada.say("/log 10 min 23.11.2026 park pain 2 felt ok")
    reply = ada.press("log:10:20261123")
    assert reply.text.splitlines()[0] == ("Recorded: 10 min of backward walking at the park, "
                                          "yesterday. Pain 2/10. Note: \u2068felt ok\u2069")


def test_a_guess_whose_day_left_the_window_is_refused(ada: Person, clock: ManualClock,
                                                      engine: Engine) -> None:
    clock.advance(hours=11)  # 23:00 on Tuesday 24 Nov
    ada.say("/log 10 min 17.11.2026")  # 7 days back: the last day that may be logged
    clock.advance(hours=2)  # the question is still open, but the next day has begun
    assert "more than 7 days ago" in ada.fail_press("log:10:20261117")
    assert walk_minutes(engine) == []


def test_how_long_is_answered_with_a_bare_duration_then_yes(ada: Person, engine: Engine) -> None:
    asked = ada.say("did my backwards walk today")
    assert asked.text.startswith(texts.ASK_REASONS["no_duration"]) and not asked.buttons
    guess = ada.say("25 min")
    assert guess.text == texts.ASK_REASONS["only_duration"] + "\nLog 25 min today?"
    assert walk_minutes(engine) == []
    assert ada.say("yes").text.startswith("Recorded: 25 min of backward walking, today.")
    assert walk_minutes(engine) == [25]
