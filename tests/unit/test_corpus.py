"""The labelled corpus (tests/corpus/messages.tsv): what people really send, and what it means.

Each line is `message<TAB>walk<TAB>minutes<TAB>day offset`, `message<TAB>ask[<TAB>reason]` or
`message<TAB>chat[<TAB>intent]`; days count from a fixed today. Messages starting with "/log "
are read as the command's arguments. The figures are printed with every assertion.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.domain.parsing import MAX_MESSAGE
from core.domain.understanding import Ask, Chat, Walk, understand
from core.errors import BadInput

TODAY = date(2026, 12, 2)  # a Wednesday
CORPUS = Path(__file__).parent.parent / "corpus" / "messages.tsv"


@dataclass
class Figures:
    """How the reader did on the corpus."""

    walks: int = 0
    walks_right: int = 0
    not_walks: int = 0
    false_logs: list[str] = field(default_factory=list)
    missed: list[str] = field(default_factory=list)
    crashes: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        share = 100 * self.walks_right / max(self.walks, 1)
        return (f"clear walks right: {self.walks_right}/{self.walks} ({share:.1f}%); "
                f"false logs: {len(self.false_logs)}/{self.not_walks} {self.false_logs}; "
                f"crashes: {self.crashes}; missed: {self.missed}")


def _meaning(message: str) -> Walk | Ask | Chat | BadInput:
    command = message.startswith("/log")
    try:
        return understand(message[4:] if command else message, TODAY, command=command)
    except BadInput as refusal:
        return refusal


def measure() -> Figures:
    """Read every labelled message and count."""
    figures = Figures()
    for line in CORPUS.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        message, label, *rest = line.split("\t")
        try:
            meaning = _meaning(message)
        except Exception as error:  # the corpus test must see every kind of escape
            figures.crashes.append(f"{message!r}: {error!r}")
            continue
        if label == "walk":
            figures.walks += 1
            minutes, offset = int(rest[0]), int(rest[1])
            expected = (minutes, TODAY + timedelta(days=offset))
            if isinstance(meaning, Walk) and (meaning.entry.minutes, meaning.entry.day) == expected:
                figures.walks_right += 1
            else:
                figures.missed.append(f"{message!r} -> {meaning!r}")
        else:
            figures.not_walks += 1
            if isinstance(meaning, Walk):
                figures.false_logs.append(f"{message!r} ({label}) -> {meaning.entry}")
    return figures


def test_the_corpus_has_enough_of_every_kind() -> None:
    labels = [line.split("\t")[1] for line in CORPUS.read_text(encoding="utf-8").splitlines()
              if line.strip() and not line.startswith("#")]
    assert len(labels) >= 260
    assert labels.count("walk") >= 110
    assert labels.count("chat") >= 70
    assert labels.count("ask") >= 60


def test_nothing_that_is_not_a_clear_walk_is_logged() -> None:
    figures = measure()
    print(figures)
    assert not figures.crashes, str(figures)
    assert not figures.false_logs, str(figures)


def test_clear_walks_are_read_with_the_right_minutes_and_day() -> None:
    figures = measure()
    assert figures.walks_right >= 0.95 * figures.walks, str(figures)


_TEXT = st.text(max_size=MAX_MESSAGE + 50)
_WORDY = st.lists(st.sampled_from(
    ["walked", "backwards", "20", "min", "1:15", "at", "the", "park", "yesterday", "sat",
     "11/30", "2026-11-30", "pain", "5", "steps", "1,500", "hours", "ago", "twenty", "half",
     "an", "hour", "and", "a", "quarter", "km", "times", "sec", "?", "didn't", "tomorrow",
     "2.5", "-", ",", "note:", "🚶", "300", "0", "treadmill", "last", "sunday", "nov", "30th"]),
    max_size=14).map(" ".join)


def _well_formed(meaning: Walk | Ask | Chat) -> None:
    entries = []
    if isinstance(meaning, Walk):
        entries.append(meaning.entry)
    elif isinstance(meaning, Ask):
        assert meaning.reason
        if meaning.guess is not None:
            entries.append(meaning.guess)
    else:
        assert meaning.intent
    for entry in entries:  # a walk, or the guess a Yes would record
        assert 1 <= entry.minutes <= 300
        assert TODAY - timedelta(days=7) <= entry.day <= TODAY
        assert len(entry.note) <= 500
        assert entry.pain is None or 0 <= entry.pain <= 10
        assert entry.steps is None or 1 <= entry.steps <= 100_000


@settings(max_examples=400, deadline=None)
@given(st.one_of(_TEXT, _WORDY), st.booleans())
def test_any_text_is_understood_or_refused_with_bad_input(text: str, command: bool) -> None:
    try:
        meaning = understand(text, TODAY, command=command)
    except BadInput as refusal:
        assert str(refusal)
        return
    _well_formed(meaning)


@pytest.mark.parametrize("text", ["/log ٢٠ min", "/log 20 min pain ٣", "/log 1٥00 steps 10 min",
                                  "walked backwards ٢٠ minutes"])
def test_digits_of_other_scripts_are_refused_with_an_example(text: str) -> None:
    command = text.startswith("/log ")
    with pytest.raises(BadInput, match="digits 0-9"):
        understand(text.removeprefix("/log "), TODAY, command=command)
