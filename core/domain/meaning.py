"""The three things a message can mean (Walk, Ask, Chat), and how recognised parts become
one of them."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import date

from core.domain.mentions import Mention
from core.domain.parsing import (
    WalkEntry,
    check_day,
    check_minutes,
    check_note,
    check_pain,
    check_steps,
)
from core.domain.ranges import MAX_MINUTES
from core.errors import BadInput

INTENTS = ("greeting", "thanks", "help", "streak", "stats", "progress", "plan", "safety",
           "future", "negation", "habit", "someone_else", "question", "other_activity", "unknown")
REASONS = ("no_duration", "vague_duration", "distance", "count", "seconds", "fraction",
           "two_durations", "two_days", "two_pains", "numeric_date", "vague_day",
           "clock_or_duration", "no_unit", "not_said_backward", "short_weekday",
           "only_duration")


@dataclass(frozen=True)
class Walk:
    """A backward walk that happened, clear enough to record."""

    entry: WalkEntry


@dataclass(frozen=True)
class Ask:
    """About a backward walk, but something is unclear; `guess` is the best reading, if any.
    `example` is the right form of the unclear part (an ISO date), when there is one."""

    guess: WalkEntry | None
    reason: str
    example: str = ""


@dataclass(frozen=True)
class Chat:
    """Not a walk to record: what the message is about instead (one of INTENTS)."""

    intent: str


Meaning = Walk | Ask | Chat

DURATIONS = frozenset({"duration", "clock_or_duration", "bare"})
_JOINERS = frozenset({"for", "at", "on", "in", "and", "&", "+", "-", ",", ";", "–", "—", "of",
                      "the", "was", "with", "walked", "walk", "backwards", "backward", "retro",
                      "about", "around", "approx", "~", "/", "|", "."})
_WORD = re.compile(r"\S+")


# --- shared by /log and sentences ---------------------------------------------------------------
def build(durations: list[Mention], parts: list[Mention], today: date, *, place: str | None,
          note: str, bare_ok: bool) -> Meaning:
    """A Walk from the recognised parts, or an Ask naming what is unclear."""
    days = [m for m in parts if m.kind == "day"]
    pains = [m for m in parts if m.kind == "pain"]
    steps = [m for m in parts if m.kind == "steps"]
    unclear_dates = [m for m in parts if m.kind == "unclear_date"]
    if not durations:
        return Ask(None, "no_duration")
    if len(durations) > 1:
        return Ask(None, "two_durations")
    duration = durations[0]
    minutes = duration.minutes
    if duration.kind == "seconds" and half_up(minutes) < 1:
        return Ask(None, "seconds")
    if minutes > MAX_MINUTES or half_up(minutes) < 1:
        check_minutes(minutes)  # raises with the right form
    day = today
    reason = ""
    if len(days) + len(unclear_dates) > 1:
        reason = "two_days"
    elif unclear_dates:
        reason = "numeric_date"
        day = unclear_dates[0].day or today
    elif days:
        assert days[0].day is not None
        day = check_day(days[0].day, today)
    if any(m.kind == "vague_day" for m in parts):
        reason = reason or "vague_day"
    pain = None
    if len(pains) > 1:
        reason = reason or "two_pains"
    elif pains:
        pain = check_pain(pains[0].minutes)
    step_count = check_steps(steps[0].number) if len(steps) == 1 else None
    if minutes != int(minutes):
        reason = reason or "fraction"
    if duration.kind == "clock_or_duration" and not bare_ok:
        reason = reason or "clock_or_duration"
    if duration.kind == "bare" and not bare_ok:
        reason = reason or "no_unit"
    if any(m.kind in ("seconds", "distance", "count", "vague") for m in parts):
        reason = reason or next(_other_reason(m) for m in parts
                                if m.kind in ("seconds", "distance", "count", "vague"))
    entry = WalkEntry(half_up(minutes), day, place, step_count, pain, check_note(note))
    if reason:
        return _asking(entry, reason, today, unclear_dates)
    return Walk(entry)


def _other_reason(mention: Mention) -> str:
    return "vague_duration" if mention.kind == "vague" else mention.kind


def _asking(entry: WalkEntry, reason: str, today: date, unclear: list[Mention]) -> Ask:
    if reason == "two_days":
        return Ask(None, reason)
    if reason == "numeric_date":
        day = unclear[0].day
        example = (day or today).isoformat()
        readable = day is not None and unclear[0].number == 1
        in_window = readable and day is not None and _in_window(day, today)
        return Ask(entry if in_window else None, reason, example)
    if reason == "two_pains":
        return Ask(WalkEntry(entry.minutes, entry.day, entry.place, entry.steps, None,
                             entry.note), reason)
    if reason == "vague_day":
        return Ask(None, reason)
    return Ask(entry, reason)


def _in_window(day: date, today: date) -> bool:
    try:
        check_day(day, today)
    except BadInput:
        return False
    return True


def half_up(minutes: float) -> int:
    """Whole minutes, halves rounded up (2.5 -> 3)."""
    return math.floor(minutes + 0.5)


def leading(text: str, every: list[Mention]) -> tuple[list[Mention], int]:
    """The mentions at the start of the text and where the note starts: at the first word that
    is no mention, or at the joining words ("and", "the") just before it."""
    by_start = {m.start: m for m in every if m.kind != "ago"}
    taken: list[Mention] = []
    position, joined = 0, -1
    while True:
        while position < len(text) and text[position].isspace():
            position += 1
        if position >= len(text):
            return taken, len(text)
        mention = by_start.get(position)
        if mention is not None and mention.kind == "bare" and any(
                m.kind in DURATIONS for m in taken):
            mention = None  # a number after the duration belongs to the note ("0.5 incline")
        if mention is not None:
            taken.append(mention)
            position, joined = mention.end, -1
            continue
        word = _WORD.match(text, position)
        assert word is not None
        if word.group(0).lower().strip(",;") in _JOINERS or not word.group(0).strip(",;:-"):
            joined = position if joined < 0 else joined
            position = word.end()
            continue
        return taken, joined if joined >= 0 else position
