"""Checking what people type, one field at a time: durations, days, places, steps, pain and
notes (the typed options of Discord's /log; `core.domain.understanding` reads whole messages
with these checks).

Pure functions. Everything rejected raises `BadInput` whose text names what was wrong and shows
the right form, so adapters can answer with `str(error)`.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, timedelta

from core import texts
from core.domain.ranges import BACKDATE_DAYS, MAX_MINUTES, MAX_PAIN, MAX_STEPS
from core.errors import BadInput

MAX_NOTE = 500
MAX_MESSAGE = 1_000
PLACES = ("park", "track", "treadmill", "hallway", "other")
OUTDOOR_PLACES = frozenset({"park", "track", "other"})

_PLACE_WORDS = {
    "park": "park", "parks": "park",
    "track": "track",
    "treadmill": "treadmill",
    "hallway": "hallway", "hall": "hallway", "corridor": "hallway",
}
_WEEKDAYS = {
    "monday": 0, "mon": 0, "tuesday": 1, "tue": 1, "tues": 1, "wednesday": 2, "wed": 2,
    "thursday": 3, "thu": 3, "thur": 3, "thurs": 3, "friday": 4, "fri": 4,
    "saturday": 5, "sunday": 6,
}

_NUM = r"(-?\d+(?:[.,]\d+)?)"
_ISO_DATE = re.compile(r"(?:\bon\s+)?\b(\d{4}-\d{1,2}-\d{1,2})\b", re.IGNORECASE)
_DAYS_AGO = re.compile(r"\b(\d+)\s+days?\s+ago\b", re.IGNORECASE)
_WHEN_WORD = re.compile(
    r"\b(?:(last|on)\s+)?(today|yesterday|tomorrow|" + "|".join(_WEEKDAYS) + r")\b",
    re.IGNORECASE,
)
_CLOCK = re.compile(r"(?<![\w.:-])(-?\d+):(\d{2})(?![\d:])")
_HOURS = re.compile(
    r"(?<![\w.,])" + _NUM + r"\s*(?:h|hr|hrs|hour|hours)"
    r"(?:\s*(\d{1,2})\s*(?:m|min|mins|minutes?)?)?(?![\w])",
    re.IGNORECASE,
)
_MINUTES = re.compile(r"(?<![\w.,])" + _NUM + r"\s*(?:m|min|mins|minutes?)\b", re.IGNORECASE)
_BARE = re.compile(r"(?<![\w.,:/])" + _NUM + r"(?![\w.:/])")


@dataclass(frozen=True)
class WalkEntry:
    """A walk as the user described it, checked and ready to record."""

    minutes: int
    day: date
    place: str | None = None
    steps: int | None = None
    pain: int | None = None
    note: str = ""


def clean_message(text: str) -> str:
    """Strip control characters and outer space; refuse messages too long to be a walk log."""
    if len(text) > MAX_MESSAGE:
        raise BadInput(texts.MESSAGE_TOO_LONG.format(length=len(text), limit=MAX_MESSAGE))
    return _strip_controls(text)


def _strip_controls(text: str) -> str:
    kept = (" " if unicodedata.category(c) == "Cc" else c for c in text)
    return re.sub(r"\s+", " ", "".join(kept)).strip()


def parse_duration(raw: str) -> int:
    """Minutes in '20', '20m', '20 min', '1h15', '1:15' or '1.5 hours' (1 to 300)."""
    text = raw.strip()
    for pattern in (_CLOCK, _HOURS, _MINUTES, _BARE):
        match = pattern.fullmatch(text)
        if match:
            return _minutes_from(match, pattern)
    raise BadInput(texts.DURATION_UNREADABLE.format(text=_quote(raw)))


def _minutes_from(match: re.Match[str], pattern: re.Pattern[str]) -> int:
    first = match.group(1).replace(",", ".")
    if pattern is _CLOCK:
        hours, minutes = float(first), int(match.group(2))
        if minutes >= 60:
            raise BadInput(texts.DURATION_UNREADABLE.format(text=match.group(0)))
        total = hours * 60 + (minutes if hours >= 0 else -minutes)
    elif pattern is _HOURS:
        total = float(first) * 60 + int(match.group(2) or 0)
    else:
        total = float(first)
    return check_minutes(total)


def check_minutes(total: float) -> int:
    """Round to whole minutes and insist on one real walk: 1 to 300 minutes."""
    minutes = round(total)
    if total > MAX_MINUTES:
        raise BadInput(texts.DURATION_TOO_LONG.format(minutes=_number(total), limit=MAX_MINUTES))
    if minutes < 1:
        raise BadInput(texts.DURATION_TOO_SHORT.format(minutes=_number(total), limit=MAX_MINUTES))
    return minutes


def parse_when(raw: str, today: date) -> date:
    """The day meant by 'today', 'yesterday', a weekday, 'N days ago' or an ISO date."""
    text = raw.strip().lower()
    found = _ISO_DATE.fullmatch(text) or _DAYS_AGO.fullmatch(text) or _WHEN_WORD.fullmatch(text)
    if not found:
        raise BadInput(texts.WHEN_UNREADABLE.format(text=_quote(raw)))
    return check_day(_day_from(found, today), today)


def _day_from(match: re.Match[str], today: date) -> date:
    if match.re is _ISO_DATE:
        try:
            return date.fromisoformat(_zero_pad(match.group(1)))
        except ValueError:
            raise BadInput(texts.WHEN_UNREADABLE.format(text=match.group(1))) from None
    if match.re is _DAYS_AGO:
        return today - timedelta(days=min(int(match.group(1)), 10_000))
    word, last = match.group(2).lower(), (match.group(1) or "").lower() == "last"
    if word == "today":
        return today
    if word == "yesterday":
        return today - timedelta(days=1)
    if word == "tomorrow":
        return today + timedelta(days=1)
    back = (today.weekday() - _WEEKDAYS[word]) % 7
    return today - timedelta(days=back or (7 if last else 0))


def _zero_pad(iso: str) -> str:
    year, month, day = iso.split("-")
    return f"{year}-{int(month):02d}-{int(day):02d}"


def check_day(day: date, today: date) -> date:
    """Refuse days in the future or more than a week back."""
    if day > today:
        raise BadInput(texts.WHEN_FUTURE.format(day=day.isoformat()))
    if day < today - timedelta(days=BACKDATE_DAYS):
        raise BadInput(texts.WHEN_TOO_OLD.format(day=day.isoformat(), limit=BACKDATE_DAYS))
    return day


def parse_place(raw: str) -> str:
    """One of park, track, treadmill, hallway, other."""
    word = raw.strip().lower()
    if word in PLACES:
        return word
    if word in _PLACE_WORDS:
        return _PLACE_WORDS[word]
    raise BadInput(texts.PLACE_UNKNOWN.format(text=_quote(raw), places=", ".join(PLACES)))


def check_steps(steps: int) -> int:
    """Steps must be a plausible count for one walk."""
    if not 1 <= steps <= MAX_STEPS:
        raise BadInput(texts.STEPS_RANGE.format(limit=f"{MAX_STEPS:,}"))
    return steps


def check_pain(pain: float) -> int:
    """Pain is rated from 0 (none) to 10 (worst)."""
    if pain != int(pain) or not 0 <= pain <= MAX_PAIN:
        raise BadInput(texts.PAIN_RANGE.format(pain=_number(pain)))
    return int(pain)


def check_note(note: str) -> str:
    """Notes are stored verbatim, up to a length that fits one reply."""
    note = _strip_controls(note)
    if len(note) > MAX_NOTE:
        raise BadInput(texts.NOTE_TOO_LONG.format(length=len(note), limit=MAX_NOTE))
    return note


def _quote(text: str, limit: int = 40) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _number(value: float) -> str:
    return str(int(value)) if value == int(value) else f"{value:g}"


def entry_from_fields(
    minutes: float,
    today: date,
    *,
    place: str | None = None,
    when: str | None = None,
    steps: int | None = None,
    pain: float | None = None,
    note: str = "",
) -> WalkEntry:
    """A walk from typed options (Discord slash command fields), checked like typed text."""
    return WalkEntry(
        minutes=check_minutes(minutes),
        day=parse_when(when, today) if when and when.strip() else today,
        place=parse_place(place) if place and place.strip() else None,
        steps=check_steps(steps) if steps is not None else None,
        pain=check_pain(pain) if pain is not None else None,
        note=check_note(note),
    )
