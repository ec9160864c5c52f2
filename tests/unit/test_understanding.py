"""What a message means: the examples from issue 9, one by one."""

from __future__ import annotations

from datetime import date

import pytest

from core.domain.parsing import WalkEntry
from core.domain.understanding import Ask, Chat, Walk, understand
from core.errors import BadInput

TODAY = date(2026, 12, 2)  # a Wednesday


def _day(offset: int) -> date:
    return date.fromordinal(TODAY.toordinal() + offset)


@pytest.mark.parametrize(
    ("text", "minutes", "offset"),
    [("walked backwards for 1 hour and 15 minutes", 75, 0),
     ("walked backwards at 7:30 for 20 min", 20, 0),
     ("walked backwards 30 min 2 hours ago", 30, 0),
     ("walked backwards for twenty minutes", 20, 0),
     ("walked backwards for half an hour", 30, 0),
     ("an hour and a quarter of retro walking", 75, 0),
     ("a quarter of an hour walking backwards", 15, 0),
     ("walked backwards twenty-five minutes last sunday", 25, -3),
     ("walked backward 10 min on sat", 10, -4),
     ("walked backwards 20 min on 30th nov", 20, -2)],
)
def test_sentences_about_a_backward_walk_are_read_right(text: str, minutes: int,
                                                        offset: int) -> None:
    meaning = understand(text, TODAY)
    assert isinstance(meaning, Walk)
    assert (meaning.entry.minutes, meaning.entry.day) == (minutes, _day(offset))
    assert meaning.entry.note == text


@pytest.mark.parametrize(
    ("args", "minutes", "offset"),
    [("10 min sat", 10, -4), ("10 min sun", 10, -3), ("10 min on sat", 10, -4),
     ("10 min Nov 30", 10, -2), ("10 min 2026-11-30", 10, -2), ("1h15 treadmill pain 2", 75, 0)],
)
def test_log_days_are_read_not_kept_as_notes(args: str, minutes: int, offset: int) -> None:
    meaning = understand(args, TODAY, command=True)
    assert isinstance(meaning, Walk)
    assert (meaning.entry.minutes, meaning.entry.day, meaning.entry.note) == (
        minutes, _day(offset), "")


@pytest.mark.parametrize(
    ("text", "intent"),
    [("I slept 4 hours", "other_activity"), ("lunch at 1:30", "other_activity"),
     ("watched a 2h movie", "other_activity"), ("I ran 5 km in 30 minutes", "other_activity"),
     ("walked my dog for 30 minutes", "other_activity"), ("hi", "greeting"),
     ("hello 👋", "greeting"), ("thanks", "thanks"), ("how do I log a walk?", "help"),
     ("what is my streak?", "streak"), ("I will walk backwards tomorrow", "future"),
     ("didn't walk backwards today", "negation"),
     ("should I walk backwards 20 minutes?", "question")],
)
def test_chat_is_told_apart_from_walks(text: str, intent: str) -> None:
    assert understand(text, TODAY) == Chat(intent)


@pytest.mark.parametrize(
    ("text", "command", "reason", "guess"),
    [("walked backwards 2 km", False, "distance", None),
     ("3 times around the block", True, "count", None),
     ("90 sec", True, "seconds", 2), ("2.5", True, "fraction", 3),
     ("10 min 10 min", True, "two_durations", None),
     ("10 min pain 2 pain 9", True, "two_pains", 10),
     ("20 min yesterday today", True, "two_days", None),
     ("walked backwards 1:15", False, "clock_or_duration", 75),
     ("walked 20 min today", False, "not_said_backward", 20)],
)
def test_unclear_walks_are_asked_about_with_the_best_guess(text: str, command: bool,
                                                           reason: str, guess: int | None) -> None:
    meaning = understand(text, TODAY, command=command)
    assert isinstance(meaning, Ask) and meaning.reason == reason
    assert (meaning.guess.minutes if meaning.guess else None) == guess


@pytest.mark.parametrize("args", ["10 min 30.11.2026", "10 min 11/30", "10 min 30/11/2026"])
def test_numeric_dates_are_asked_about_with_the_iso_form(args: str) -> None:
    meaning = understand(args, TODAY, command=True)
    assert meaning == Ask(WalkEntry(10, _day(-2)), "numeric_date", "2026-11-30")


def test_a_log_note_is_the_rest_verbatim_and_a_contrasted_place_is_not_taken() -> None:
    meaning = understand("20 min skipped the treadmill, went to the beach", TODAY, command=True)
    assert meaning == Walk(WalkEntry(20, TODAY, note="skipped the treadmill, went to the beach"))


def test_a_place_counts_in_a_sentence_only_when_it_is_where_the_walk_was() -> None:
    at_park = understand("walked backwards 20 min at the park", TODAY)
    instead = understand("walked backwards 20 min instead of at the park", TODAY)
    assert isinstance(at_park, Walk) and at_park.entry.place == "park"
    assert isinstance(instead, Walk) and instead.entry.place is None


@pytest.mark.parametrize(("args", "needle"), [
    ("", "How long did you walk"), ("abc", "couldn't find a duration"),
    ("900 min", "more than one walk"), ("20 min tomorrow", "in the future"),
    ("20 min 2026-10-25", "more than 7 days ago"), ("10 min pain 11", "Pain is a whole number")])
def test_a_log_that_cannot_be_a_walk_is_refused_with_the_right_form(args: str,
                                                                    needle: str) -> None:
    with pytest.raises(BadInput) as refusal:
        understand(args, TODAY, command=True)
    assert needle in str(refusal.value)


def test_a_month_day_without_a_year_is_the_latest_one_not_after_today() -> None:
    new_year = date(2027, 1, 2)
    meaning = understand("20 min Dec 30", new_year, command=True)
    assert isinstance(meaning, Walk) and meaning.entry.day == date(2026, 12, 30)
