"""The user's local day: their IANA time zone, shifted by the hour their day starts."""

from __future__ import annotations

import difflib
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo, available_timezones

from core import texts
from core.domain.ranges import MAX_DAY_START
from core.errors import BadInput


def zone(name: str) -> ZoneInfo:
    """The time zone for a stored IANA name."""
    return ZoneInfo(name)


def local_day(instant: datetime, zone_name: str, day_start_hour: int = 0) -> date:
    """The day an instant belongs to for someone whose day starts at `day_start_hour` local time."""
    local = instant.astimezone(ZoneInfo(zone_name))
    return (local - timedelta(hours=day_start_hour)).date()


def week_start(day: date) -> date:
    """Monday of the week holding `day`."""
    return day - timedelta(days=day.weekday())


def month_start(day: date) -> date:
    """First day of the month holding `day`."""
    return day.replace(day=1)


def days_between(first: date, last: date) -> list[date]:
    """Every day from `first` to `last`, both included."""
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


# The areas of the IANA database's Area/City names. Other names it ships ("localtime",
# "Factory", "EST5EDT", "US/Eastern", "Etc/GMT-14", "posixrules") are aliases, placeholders or
# fixed offsets with inverted signs: none is a place a person lives, so none is offered.
REGIONS = frozenset({"Africa", "America", "Antarctica", "Arctic", "Asia", "Atlantic", "Australia",
                     "Europe", "Indian", "Pacific"})
UTC = "UTC"
_UTC_NAMES = frozenset({"gmt", "z", "zulu", "uct", "universal", "greenwich", "utc"})


@lru_cache(maxsize=1)
def _zones() -> dict[str, str]:
    return {name.lower(): name for name in available_timezones()
            if name == UTC or (name.partition("/")[0] in REGIONS and "/" in name)}


@lru_cache(maxsize=1)
def _cities() -> dict[str, list[str]]:
    cities: dict[str, list[str]] = {}
    for key, name in sorted(_zones().items()):
        cities.setdefault(key.rpartition("/")[2], []).append(name)
    return cities


def parse_timezone(raw: str, command: str = "timezone") -> str:
    """The canonical IANA name for 'Europe/Berlin', 'europe/berlin' or 'UTC'; anything else is
    refused with the closest names (`command` is the one its example shows)."""
    name = _zones().get(raw.strip().lower().replace(" ", "_"))
    if name is not None:
        return name
    shown = raw.strip()[:40]
    close = close_timezones(raw)
    if close:
        raise BadInput(texts.TIMEZONE_DID_YOU_MEAN.format(
            text=shown, zones=texts.OR.join(close), command=command, example=close[0]))
    raise BadInput(texts.TIMEZONE_UNKNOWN.format(text=shown, command=command))


def close_timezones(typed: str, limit: int = 3) -> list[str]:
    """Zones someone probably meant: a city alone ('Berlin'), a typo ('Europe/Berln'), or part
    of a name ('york')."""
    needle = typed.strip().lower().replace(" ", "_")
    if not needle:
        return []
    city = needle.rpartition("/")[2]
    found = [UTC] if city in _UTC_NAMES else list(_cities().get(city, []))
    found += [_zones()[key] for key in difflib.get_close_matches(needle, list(_zones()), 3, 0.8)]
    for key in difflib.get_close_matches(city, list(_cities()), 3, 0.8):
        found += _cities()[key]
    if len(needle) >= 3:
        found += suggest_timezones(needle, limit)
    return list(dict.fromkeys(found))[:limit]


def suggest_timezones(prefix: str, limit: int = 25) -> list[str]:
    """Time zone names containing `prefix`, best matches first, for autocomplete."""
    needle = prefix.strip().lower().replace(" ", "_")
    names = sorted(_zones().values())
    starts = [n for n in names if n.lower().startswith(needle)]
    contains = [n for n in names if needle in n.lower() and n not in starts]
    return (starts + contains)[:limit]


def _is_number(text: str) -> bool:
    """ASCII digits only: str.isdigit() also accepts '²' and '٣', which int() refuses or reads."""
    return text.isascii() and text.isdigit()


def parse_day_start(raw: str) -> int:
    """An hour from 0 to 12 at which the user's day begins."""
    text = raw.strip().lower().removesuffix("h").removesuffix(":00")
    if not _is_number(text) or int(text) > MAX_DAY_START:
        raise BadInput(texts.DAY_START_RANGE.format(text=raw.strip()[:20], limit=MAX_DAY_START))
    return int(text)


def parse_clock_time(raw: str) -> time:
    """A reminder time such as '07:30' or '19:05' (24-hour clock)."""
    text = raw.strip()
    parts = text.split(":")
    if len(parts) == 2 and all(_is_number(p) and len(p) <= 2 for p in parts):
        hour, minute = int(parts[0]), int(parts[1])
        if hour < 24 and minute < 60 and len(parts[1]) == 2:
            return time(hour, minute)
    raise BadInput(texts.REMIND_TIME_INVALID.format(text=text[:20]))
