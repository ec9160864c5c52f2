"""Reading walks from what people type: the field checks, and /log lines read whole."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.domain.parsing import (
    MAX_MESSAGE,
    WalkEntry,
    entry_from_fields,
    parse_duration,
    parse_when,
)
from core.domain.understanding import Ask, Walk, understand
from core.errors import BadInput

TODAY = date(2026, 11, 24)  # a Tuesday


def parse_log(args: str, today: date) -> WalkEntry:
    """/log arguments that must be a clear walk."""
    meaning = understand(args, today, command=True)
    assert isinstance(meaning, Walk), meaning
    return meaning.entry


@pytest.mark.parametrize(
    ("text", "minutes"),
    [("20", 20), ("20m", 20), ("20 min", 20), ("20 mins", 20), ("20 minutes", 20),
     ("1h15", 75), ("1h 15", 75), ("1h15m", 75), ("1:15", 75), ("1h", 60), ("2 hours", 120),
     ("1.5h", 90), ("300", 300), ("0:05", 5)],
)
def test_durations_in_every_usual_form_are_read(text: str, minutes: int) -> None:
    assert parse_duration(text) == minutes


@pytest.mark.parametrize(
    ("text", "needle"),
    [("0", "0 minutes can't be a walk"), ("-5", "-5 minutes"), ("301", "300 at most"),
     ("900 min", "900 minutes is more"), ("6h", "360 minutes"), ("abc", "isn't a duration"),
     ("1:75", "isn't a duration")],
)
def test_impossible_durations_are_refused_with_the_right_form(text: str, needle: str) -> None:
    with pytest.raises(BadInput) as error:
        parse_duration(text)
    assert needle in str(error.value)


@pytest.mark.parametrize(
    ("text", "day"),
    [("today", TODAY), ("yesterday", date(2026, 11, 23)), ("monday", date(2026, 11, 23)),
     ("Tuesday", TODAY), ("last tuesday", date(2026, 11, 17)), ("sunday", date(2026, 11, 22)),
     ("2026-11-20", date(2026, 11, 20)), ("2026-11-17", date(2026, 11, 17)),
     ("3 days ago", date(2026, 11, 21))],
)
def test_days_are_read_relative_to_today(text: str, day: date) -> None:
    assert parse_when(text, TODAY) == day


@pytest.mark.parametrize(
    ("text", "needle"),
    [("tomorrow", "in the future"), ("2026-12-01", "in the future"),
     ("2026-10-25", "more than 7 days ago"), ("8 days ago", "more than 7 days ago"),
     ("2026-02-30", "isn't a day"), ("someday", "isn't a day")],
)
def test_days_in_the_future_or_long_ago_are_refused(text: str, needle: str) -> None:
    with pytest.raises(BadInput) as error:
        parse_when(text, TODAY)
    assert needle in str(error.value)


def test_a_full_log_line_is_split_into_its_parts() -> None:
    entry = parse_log("25 min park yesterday 1,500 steps pain 2/10 felt steady", TODAY)
    assert entry == WalkEntry(25, date(2026, 11, 23), "park", 1500, 2, "felt steady")


def test_a_plain_sentence_is_read_as_a_walk_and_kept_as_its_note() -> None:
    text = "walked backwards 20 minutes at the park yesterday"
    assert understand(text, TODAY) == Walk(WalkEntry(20, date(2026, 11, 23), "park", note=text))


@pytest.mark.parametrize(
    ("text", "place"),
    [("10 treadmill", "treadmill"), ("10 min on the track", "track"),
     ("10 in the hallway", "hallway"), ("10 min corridor", "hallway"), ("10 other", "other")],
)
def test_places_are_recognised(text: str, place: str) -> None:
    assert parse_log(text, TODAY).place == place


def test_sql_looking_notes_are_kept_verbatim() -> None:
    note = "'); DROP TABLE walks;--"
    assert parse_log(f"10 min {note}", TODAY).note == note


def test_emoji_and_right_to_left_notes_are_kept() -> None:
    assert parse_log("10 min 🚶‍♀️ مرحبا", TODAY).note == "🚶‍♀️ مرحبا"


def test_a_sunny_note_does_not_move_the_walk_to_sunday() -> None:
    assert parse_log("10 min lovely sun today", TODAY).day == TODAY


@pytest.mark.parametrize(
    ("text", "needle"),
    [("", "How long did you walk"), ("abc", "couldn't find a duration in \"abc\""),
     ("-5", "-5 minutes"), ("0", "0 minutes"), ("900 min", "900 minutes"),
     ("10 min pain 11", "Pain is a whole number from 0 to 10"),
     ("10 min 0 steps", "Steps should be between"),
     ("10 min " + "x" * 600, "keep it under 500"),
     ("x" * 5000, "5,000 characters")],
)
def test_bad_log_lines_name_the_problem_and_show_an_example(text: str, needle: str) -> None:
    with pytest.raises(BadInput) as error:
        understand(text, TODAY, command=True)
    assert needle in str(error.value)
    assert "e.g." in str(error.value) or "Example" in str(error.value)


def test_typed_fields_are_checked_like_text() -> None:
    entry = entry_from_fields(15, TODAY, place="Park", when="yesterday", steps=900, pain=1,
                              note=" ok ")
    assert entry == WalkEntry(15, date(2026, 11, 23), "park", 900, 1, "ok")
    with pytest.raises(BadInput):
        entry_from_fields(15, TODAY, place="beach")
    with pytest.raises(BadInput):
        entry_from_fields(400, TODAY)


@pytest.mark.parametrize("text", ["hello there", "I have 3 kids", "pain 5", ""])
def test_chatter_without_a_walk_is_not_taken_for_one(text: str) -> None:
    assert not isinstance(understand(text, TODAY), Walk)


@given(st.text(max_size=MAX_MESSAGE + 50))
def test_any_log_line_is_a_walk_a_question_or_a_specific_refusal(text: str) -> None:
    try:
        meaning = understand(text, TODAY, command=True)
    except BadInput as error:
        assert str(error)
        return
    if isinstance(meaning, Ask):
        assert meaning.reason
        return
    assert isinstance(meaning, Walk)
    entry = meaning.entry
    assert 1 <= entry.minutes <= 300
    assert TODAY.toordinal() - 7 <= entry.day.toordinal() <= TODAY.toordinal()
    assert len(entry.note) <= 500
