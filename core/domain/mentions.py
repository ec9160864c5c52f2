"""Finding the parts of a message: durations, days, clock times, places, steps, pain, and the
things that only look like durations (distances, counts, seconds, "2 hours ago").

Pure functions over a lower-cased copy of the text of the same length, so every `Mention`'s span
points into the text as typed. Each pattern masks what it matched before the next one looks, in
an order that lets the specific win over the general ("2 hours ago" before "2 hours",
"30.11.2026" before "30.11").
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from core.domain import numbers

_W = numbers.WORD_NUMBER
NUM = rf"(?:\d+(?:[.,]\d+)?|{_W})"
_NUM_HOUR = rf"(?:\d+(?:[.,]\d+)?|{_W}|an?)"
_MIN_UNIT = r"(?:minutes?|mins?|min\.?|m|minuets?|mintues?|minuts?|minits?|mns)"
_HOUR_UNIT = r"(?:hours?|hrs?|hr|h)"
_LEFT = r"(?<![\w.,:/-])"  # a number starts here, not inside another token
WEEKDAYS = {
    "monday": 0, "mon": 0, "tuesday": 1, "tue": 1, "tues": 1, "wednesday": 2, "wed": 2,
    "thursday": 3, "thu": 3, "thur": 3, "thurs": 3, "friday": 4, "fri": 4,
    "saturday": 5, "sat": 5, "sunday": 6, "sun": 6,
}
FULL_WEEKDAYS = frozenset(w for w in WEEKDAYS if len(w) > 4 or w in {"tues", "thur"})
MONTHS = {
    "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4,
    "apr": 4, "may": 5, "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8,
    "september": 9, "sept": 9, "sep": 9, "october": 10, "oct": 10, "november": 11, "nov": 11,
    "december": 12, "dec": 12,
}
PLACE_WORDS = {
    "park": "park", "parks": "park", "track": "track", "treadmill": "treadmill",
    "hallway": "hallway", "hall": "hallway", "corridor": "hallway", "other": "other",
}
_MONTH = "(" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
_WEEKDAY = "(" + "|".join(sorted(WEEKDAYS, key=len, reverse=True)) + ")"
_ORD = r"(\d{1,2})(?:st|nd|rd|th)?"


@dataclass(frozen=True)
class Mention:
    """One recognised part of a message and where it stands.

    kind: duration, clock_or_duration, bare, seconds, distance, count, vague, ago, clock,
    day, unclear_date, steps, pain, place."""

    kind: str
    start: int
    end: int
    minutes: float = 0.0
    day: date | None = None
    number: int = 0
    word: str = ""
    strong: bool = True  # a place with a preposition, a weekday spelt out


def _p(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


# --- what each pattern means ----------------------------------------------------------------
Reader = Callable[[re.Match[str], date], Mention | None]


def _fixed(kind: str, minutes: float = 0.0) -> Reader:
    return lambda m, today: Mention(kind, m.start(), m.end(), minutes)


def _hours_fraction(m: re.Match[str], today: date) -> Mention:
    extra = 30 if m.group(2) == "half" else 15
    return Mention("duration", m.start(), m.end(), numbers.value(m.group(1)) * 60 + extra)


def _hours_minutes(m: re.Match[str], today: date) -> Mention:
    minutes = numbers.value(m.group(2)) if m.group(2) else 0.0
    return Mention("duration", m.start(), m.end(), numbers.value(m.group(1)) * 60 + minutes)


def _number_as(kind: str, scale: float = 1.0) -> Reader:
    return lambda m, today: Mention(kind, m.start(), m.end(), numbers.value(m.group(1)) * scale)


def _clock_hours(m: re.Match[str], today: date) -> Mention | None:
    hours, minutes = int(m.group(1)), int(m.group(2))
    if minutes >= 60:
        return Mention("vague", m.start(), m.end())
    return Mention("duration", m.start(), m.end(), hours * 60 + minutes)


def _clock_or_duration(m: re.Match[str], today: date) -> Mention:
    hours, minutes = int(m.group(1)), int(m.group(2))
    if minutes >= 60 or hours >= 6:
        return Mention("clock", m.start(), m.end())
    return Mention("clock_or_duration", m.start(), m.end(), hours * 60 + minutes)


def _days_ago(m: re.Match[str], today: date) -> Mention:
    count = min(int(numbers.value(m.group(1))), 10_000)
    scale = 7 if m.group(2).startswith("week") else 1
    return Mention("day", m.start(), m.end(), day=today - timedelta(days=count * scale))


def _day_back(days: int) -> Reader:
    return lambda m, today: Mention("day", m.start(), m.end(), day=today - timedelta(days=days))


def _weekday(m: re.Match[str], today: date) -> Mention:
    prefix, word = (m.group(1) or "").strip(), m.group(2)
    back = (today.weekday() - WEEKDAYS[word]) % 7
    if prefix == "last" and back == 0:
        back = 7
    strong = bool(prefix) or word in FULL_WEEKDAYS
    return Mention("day", m.start(), m.end(), day=today - timedelta(days=back), strong=strong)


def _calendar(year: int, month: int, day: int, m: re.Match[str]) -> Mention:
    try:
        return Mention("day", m.start(), m.end(), day=date(year, month, day))
    except ValueError:
        return Mention("unclear_date", m.start(), m.end())


def _iso(m: re.Match[str], today: date) -> Mention:
    return _calendar(int(m.group(1)), int(m.group(2)), int(m.group(3)), m)


def _month_day(m: re.Match[str], today: date) -> Mention:
    return _named_month(int(m.group(2)), MONTHS[m.group(1)], m.group(3), m, today)


def _day_month(m: re.Match[str], today: date) -> Mention:
    return _named_month(int(m.group(1)), MONTHS[m.group(2)], m.group(3), m, today)


def _named_month(day: int, month: int, year: str | None, m: re.Match[str],
                 today: date) -> Mention:
    """'Nov 30' without a year is the latest Nov 30 not after today ('Dec 30' in January is
    last December's)."""
    if year:
        return _calendar(int(year), month, day, m)
    this_year = (month, day) <= (today.month, today.day)
    return _calendar(today.year if this_year else today.year - 1, month, day, m)


def _numeric_date(m: re.Match[str], today: date) -> Mention:
    """'11/30', '30.11.2026': read every way it could be; the best reading travels as a guess,
    but the message is always asked about."""
    first = int(m.group(1))
    second = int(m.group(2) or m.group(5))
    written_year = m.group(3) or m.group(6)
    year = int(written_year) if written_year else today.year
    year += 2000 if year < 100 else 0
    readings = set()
    for month, day in ((first, second), (second, first)):
        try:
            readings.add(date(year, month, day))
        except ValueError:
            continue
    best = min(readings, key=lambda d: abs((today - d).days)) if readings else None
    return Mention("unclear_date", m.start(), m.end(), day=best, number=len(readings))


def _steps(m: re.Match[str], today: date) -> Mention:
    return Mention("steps", m.start(), m.end(), number=int(m.group(1).replace(",", "")))


def _pain(m: re.Match[str], today: date) -> Mention:
    value = float(m.group(1))
    return Mention("pain", m.start(), m.end(), minutes=value, number=int(value))


def _place(m: re.Match[str], today: date) -> Mention:
    return Mention("place", m.start(), m.end(), word=PLACE_WORDS[m.group(2)],
                   strong=bool(m.group(1)))


# --- the patterns, most specific first ------------------------------------------------------
_PATTERNS: tuple[tuple[re.Pattern[str], Reader], ...] = (
    (_p(r"\b(\d{1,3}(?:,\d{3})+|\d+)\s*(?:steps?|stps)\b"), _steps),
    (_p(r"\bpain\s*(?:[:=]|of|level|was|is|at)?\s*(-?\d+(?:\.\d+)?)(?:\s*/\s*10|\s*out\s+of\s+10)?"),
     _pain),
    (_p(r"(?<![\w-])(\d{4})-(\d{1,2})-(\d{1,2})(?![\w-])"), _iso),
    (_p(r"(?<![\w.,:/-])(\d{1,2})(?:/(\d{1,2})(?:/(\d{2}|\d{4}))?|([.-])(\d{1,2})\4(\d{2}|\d{4}))"
        r"(?![\w/-]|[.,]\d)"), _numeric_date),
    (_p(rf"\b(?:on\s+)?(?:the\s+)?{_ORD}(?:\s+of)?\s+{_MONTH}(?:\s+(\d{{4}}))?\b"), _day_month),
    (_p(rf"\b(?:on\s+)?{_MONTH}\s+(?:the\s+)?{_ORD}(?:,?\s+(\d{{4}}))?\b"), _month_day),
    (_p(rf"\b({NUM}|an?)\s+(days?|weeks?)\s+ago\b"), _days_ago),
    (_p(rf"\b(?:{NUM}|an?|few|couple\s+of)\s*(?:{_HOUR_UNIT}|{_MIN_UNIT})\s+ago\b"),
     _fixed("ago")),
    (_p(r"\b(?:the\s+)?day\s+before\s+yesterday\b"), _day_back(2)),
    (_p(r"\byesterday(?:\s+(?:morning|afternoon|evening|night))?\b|\blast\s+night\b"),
     _day_back(1)),
    (_p(r"\b(?:today|tonight|this\s+(?:morning|afternoon|evening))\b"), _day_back(0)),
    (_p(rf"\b((?:on|last|this|past)\s+)?{_WEEKDAY}\b"), _weekday),
    (_p(r"\b(?:tomorrow|tmrw|tmr)\b"), _day_back(-1)),
    (_p(r"\b(?:last\s+week|the\s+other\s+day|recently|a\s+while\s+ago)\b"), _fixed("vague_day")),
    (_p(rf"(?:\b(?:at|around|by|from|until|till|to|since|before|after)\s+|@\s*)"
        rf"\d{{1,2}}(?:[:.]\d{{2}})?(?:\s*(?:am|pm|a\.m\.|p\.m\.|o'clock))?(?![\w:]|\s*(?:-|{_MIN_UNIT}|{_HOUR_UNIT}|sec)(?![a-z]))"),
     _fixed("clock")),
    (_p(r"(?<![\w:.])\d{1,2}(?:[:.]\d{2})?\s*(?:am|pm|a\.m\.|p\.m\.|o'clock)(?![a-z])"
        r"|\b(?:noon|midnight|lunchtime)\b"), _fixed("clock")),
    (_p(rf"{_LEFT}({NUM})\s*(?:km|kms|kilomet(?:er|re)s?|k|mi|miles?|met(?:er|re)s?|yards?"
        rf"|yds|feet|ft)(?![a-z])"), _fixed("distance")),
    (_p(rf"{_LEFT}(?:{NUM}|a\s+few|a\s+couple\s+of|several)\s*(?:times|x|laps?|rounds?|loops?"
        rf"|circuits?|reps?|sets?)(?![a-z])|\b(?:once|twice|thrice)\b"), _fixed("count")),
    (_p(rf"{_LEFT}({NUM})\s*(?:seconds?|secs?)(?![a-z])"), _number_as("seconds", 1 / 60)),
    (_p(rf"{_LEFT}(?:\d+\s*[-–]\s*\d+|{NUM}\s+(?:to|or)\s+{NUM})[\s-]*(?:{_MIN_UNIT}|{_HOUR_UNIT})"
        r"(?![a-z])"),
     _fixed("vague")),
    (_p(r"\bthree[- ]quarters?\s+of\s+an?\s+hour\b"), _fixed("duration", 45)),
    (_p(r"\b(?:a\s+)?quarter\s+(?:of\s+)?an?\s+hour\b|\ba\s+quarter[- ]hour\b"),
     _fixed("duration", 15)),
    (_p(r"\b(?:a\s+)?half\s+(?:an?\s+)?hour\b|\b(?:a\s+)?half[- ]hour\b"), _fixed("duration", 30)),
    (_p(rf"\b({_NUM_HOUR})\s*{_HOUR_UNIT}\s+and\s+a\s+(half|quarter)\b"), _hours_fraction),
    (_p(rf"\b({_NUM_HOUR})\s+and\s+a\s+(half|quarter)\s*{_HOUR_UNIT}(?![a-z])"), _hours_fraction),
    (_p(rf"(?<![\w.:/-])(\d{{1,2}})[:.](\d{{2}})\s*{_HOUR_UNIT}(?![a-z])"), _clock_hours),
    (_p(rf"(?<![\w.,:/-])({_NUM_HOUR})[\s-]*{_HOUR_UNIT}(?![a-z])\.?"
        rf"(?:\s*(?:and\s+|,\s*)?({NUM})[\s-]*(?:{_MIN_UNIT}(?![a-z]))?)?"), _hours_minutes),
    (_p(rf"{_LEFT}({NUM})[\s-]*{_MIN_UNIT}(?![a-z])"), _number_as("duration")),
    (_p(r"\b(?:a\s+few|a\s+couple\s+of|some|several|many|a)\s+(?:minutes?|mins?|hours?)\b"),
     _fixed("vague")),
    (_p(r"(?<![\w:.,/-])(\d{1,2}):(\d{2})(?![\d:])"), _clock_or_duration),
    (_p(r"((?:\b(?:at|on|in|around|round|along|through|down)\s+|@\s*)(?:(?:the|a|my|our|"
        r"local|gym's|gym|hotel|office|school|city|running)\s+)*)?\b("
        + "|".join(PLACE_WORDS) + r")\b"), _place),
    (_p(r"(?<![\w.,:/-])(-?\d+(?:[.,]\d+)?)(?![\w.:/]|,\d)"), _number_as("bare")),
)


def lower_same_length(text: str) -> str:
    """Lower case and plain apostrophes, one character for one, so spans stay true."""
    chars = (c.lower() if len(c.lower()) == 1 else c for c in text)
    return "".join(chars).replace("\u2019", "'").replace("\u2018", "'")


def find(text: str, today: date) -> list[Mention]:
    """Every part recognised in the text, in reading order."""
    scan = lower_same_length(text)
    found: list[Mention] = []
    for pattern, read in _PATTERNS:
        matches = list(pattern.finditer(scan))
        if not matches:
            continue
        for match in matches:
            mention = read(match, today)
            if mention is not None:
                found.append(mention)
        masked = list(scan)
        for match in matches:
            masked[match.start():match.end()] = " " * (match.end() - match.start())
        scan = "".join(masked)
    return sorted(found, key=lambda m: m.start)
