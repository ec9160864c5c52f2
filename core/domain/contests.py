"""Group challenges people join: the three formats, reading `/newchallenge`, and ranking a board.

- capped minutes: a competition; each day at most `cap` minutes count, so nobody wins by
  overdoing it;
- goal days: everyone who walks at least `min_minutes` on at least `min_days` days succeeds;
- team total: the group walks toward one shared `target` together.

Pure: dates come in, plans and ranks go out.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from core.errors import BadInput
from core.texts import challenges as words

CAPPED, GOAL, TEAM = "capped", "goal", "team"
FORMATS = (CAPPED, GOAL, TEAM)
MIN_DAYS, MAX_DAYS = 3, 30
DEFAULT_CAP = 30
MIN_CAP, MAX_CAP = 5, 300
MAX_DAY_MINUTES = 300
MIN_TARGET, MAX_TARGET = 10, 1_000_000
MAX_NAME = 40
MAX_AHEAD_DAYS = 90
MAX_OPEN = 10  # challenges open at once in one group
_FORMAT_WORDS = {
    "capped": CAPPED, "cap": CAPPED, "competition": CAPPED, "minutes": CAPPED,
    "goal": GOAL, "goals": GOAL, "goaldays": GOAL, "goal-days": GOAL, "days": GOAL,
    "team": TEAM, "together": TEAM, "total": TEAM, "teamtotal": TEAM, "team-total": TEAM,
}
_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_MIN = r"(?:min|mins|minute|minutes|m)\b"
_QUOTED = re.compile(r"[\"“”'‘’«»]([^\"“”'‘’«»]*)[\"“”'‘’«»]")
_GOAL = re.compile(rf"\b(\d+)\s*{_MIN}\s*(?:a\s+day\s+|each\s+day\s+|per\s+day\s+)?"
                   r"(?:on|for|in)\s+(?:at\s+least\s+)?(\d+)\s*(?:of\s+the\s+)?days?\b")
_LENGTH = re.compile(r"\b(?:over|for|lasting|during)?\s*(\d+)\s*-?\s*days?\b(?:\s+long\b)?")
_CAP = re.compile(rf"\b(?:cap(?:ped)?(?:\s+at|\s+of)?\s+(\d+)\s*(?:{_MIN})?(?:\s+a\s+day)?"
                  rf"|(\d+)\s*{_MIN}\s*(?:a\s+day\s+)?cap)")
_TARGET = re.compile(rf"\b(?:target\s+(?:of\s+)?)?(\d[\d,]*)\s*{_MIN}")
_START = re.compile(r"\b(?:from|starting|starts|start|beginning|on)\s+"
                    r"(today|tomorrow|\d{4}-\d{2}-\d{2}|next\s+\w+|\w+)\b")
_FILLER = frozenset({"challenge", "a", "the", "of", "named", "called", "name", "and", ","})


@dataclass(frozen=True)
class Plan:
    """A challenge as an admin asked for it."""

    format: str
    name: str
    start: date
    days: int
    cap: int | None = None
    min_minutes: int | None = None
    min_days: int | None = None
    target: int | None = None

    @property
    def last_day(self) -> date:
        """The challenge's last day."""
        return self.start + timedelta(days=self.days - 1)

    @property
    def middle_day(self) -> date:
        """The day of the quiet mid-way update."""
        return self.start + timedelta(days=self.days // 2)


def _start_day(text: str, today: date) -> date:
    """'today', 'tomorrow', a weekday (the next one, today included) or an ISO date."""
    text = text.removeprefix("next").strip()
    if text == "today":
        return today
    if text == "tomorrow":
        return today + timedelta(days=1)
    for n, name in enumerate(_WEEKDAYS):
        if len(text) >= 3 and name.startswith(text):
            return today + timedelta(days=(n - today.weekday()) % 7)
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise BadInput(words.NEW_START_UNKNOWN.format(text=text[:20])) from None


def _take(pattern: re.Pattern[str], text: str) -> tuple[re.Match[str] | None, str]:
    """The first match of `pattern`, and the text with it blanked out."""
    match = pattern.search(text)
    if match is None:
        return None, text
    return match, f"{text[:match.start()]} {text[match.end():]}"


def parse_new(raw: str, today: date) -> Plan:
    """Read `/newchallenge` arguments: a format word first, then in any order the length
    (`14 days`), a start (`from 2026-12-07`, `from monday`), a name (in quotes, or the words left
    over) and the format's numbers (`cap 30`; `10 min on 5 days`; `1000 min`). Raises BadInput
    with an example for anything missing, out of range or unread."""
    raw = raw.strip()
    if not raw:
        raise BadInput(words.NEW_USAGE)
    quoted = _QUOTED.search(raw)
    name = quoted.group(1).strip() if quoted else ""
    rest = (raw[:quoted.start()] + " " + raw[quoted.end():]) if quoted else raw
    rest = rest.lower()
    head, _, rest = rest.strip().partition(" ")
    kind = _FORMAT_WORDS.get(head.strip(":,"))
    if kind is None:
        raise BadInput(words.NEW_FORMAT)
    cap = min_minutes = min_days = target = None
    if kind == GOAL:
        goal, rest = _take(_GOAL, rest)
        if goal is None:
            raise BadInput(words.NEW_GOAL_NEEDS)
        min_minutes, min_days = int(goal.group(1)), int(goal.group(2))
    start_match, rest = _take(_START, rest)
    start = _start_day(start_match.group(1), today) if start_match else today
    length, rest = _take(_LENGTH, rest)
    if length is None:
        raise BadInput(words.NEW_LENGTH)
    days = int(length.group(1))
    if kind == CAPPED:
        capped, rest = _take(_CAP, rest)
        cap = int(capped.group(1) or capped.group(2)) if capped else DEFAULT_CAP
    if kind == TEAM:
        aim, rest = _take(_TARGET, rest)
        if aim is None:
            raise BadInput(words.NEW_TEAM_NEEDS)
        target = int(aim.group(1).replace(",", ""))
    left = [w for w in re.split(r"\s+", rest.strip(" ,.")) if w and w not in _FILLER]
    if left and name:
        raise BadInput(words.NEW_UNREAD.format(text=" ".join(left)[:30]))
    if left:  # unquoted words left over: the name, as typed
        name = _unquoted_name(raw, left)
    plan = Plan(kind, name or words.DEFAULT_NAME[kind].format(day=start.isoformat()), start,
                days, cap, min_minutes, min_days, target)
    check(plan, today)
    return plan


def _unquoted_name(raw: str, left: list[str]) -> str:
    """The left-over words with the capitals they were typed with."""
    typed = {w.lower(): w for w in raw.split()}
    return " ".join(typed.get(w, w) for w in left)


def check(plan: Plan, today: date) -> None:
    """Refuse a plan out of range, with the reason and an example."""
    if not MIN_DAYS <= plan.days <= MAX_DAYS:
        raise BadInput(words.NEW_LENGTH_RANGE.format(days=plan.days))
    if plan.start < today:
        raise BadInput(words.NEW_START_PAST.format(day=plan.start.isoformat()))
    if plan.start > today + timedelta(days=MAX_AHEAD_DAYS):
        raise BadInput(words.NEW_START_FAR)
    if len(plan.name) > MAX_NAME:
        raise BadInput(words.NEW_NAME_LONG)
    if not any(c.isalpha() for c in plan.name):
        raise BadInput(words.NEW_NAME_NUMBER)
    if plan.cap is not None and not MIN_CAP <= plan.cap <= MAX_CAP:
        raise BadInput(words.NEW_CAP_RANGE.format(minutes=plan.cap))
    if plan.min_minutes is not None and not 1 <= plan.min_minutes <= MAX_DAY_MINUTES:
        raise BadInput(words.NEW_GOAL_MINUTES.format(minutes=plan.min_minutes))
    if plan.min_days is not None and not 1 <= plan.min_days <= plan.days:
        raise BadInput(words.NEW_GOAL_DAYS.format(days=plan.days, wanted=plan.min_days))
    if plan.target is not None and not MIN_TARGET <= plan.target <= MAX_TARGET:
        raise BadInput(words.NEW_TEAM_RANGE.format(minutes=plan.target))


# --- boards ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Score:
    """One entrant's totals over the challenge's days: capped points, all minutes, and the days
    that reached the goal's minutes."""

    person_id: int
    name: str
    points: int
    minutes: int
    goal_days: int


@dataclass(frozen=True)
class Ranked:
    """A score with its place; tied scores share a place (1, 2, 2, 4)."""

    rank: int
    score: Score


def value(kind: str, score: Score) -> int:
    """What a format ranks by: capped points, goal days, or minutes given to the team."""
    if kind == CAPPED:
        return score.points
    if kind == GOAL:
        return score.goal_days
    return score.minutes


def rank(kind: str, scores: Iterable[Score]) -> list[Ranked]:
    """Scores best first; equal values share a place and the next place skips (1, 2, 2, 4);
    within a place, by name."""
    ordered = sorted(scores, key=lambda s: (-value(kind, s), s.name.lower(), s.person_id))
    ranked: list[Ranked] = []
    for n, score in enumerate(ordered):
        same = ranked and value(kind, ranked[-1].score) == value(kind, score)
        ranked.append(Ranked(ranked[-1].rank if same else n + 1, score))
    return ranked


def winners(kind: str, ranked: Sequence[Ranked], min_days: int = 0) -> list[Score]:
    """Capped: everyone sharing first place with points above zero. Goal days: everyone who
    reached `min_days`. Team total has no winners (see `team_total`)."""
    if kind == CAPPED:
        return [r.score for r in ranked if r.rank == 1 and r.score.points > 0]
    if kind == GOAL:
        return [r.score for r in ranked if r.score.goal_days >= min_days]
    return []


def team_total(scores: Iterable[Score]) -> int:
    """Minutes the whole group walked for the challenge."""
    return sum(s.minutes for s in scores)


@dataclass(frozen=True)
class Logged:
    """A walk as a challenge sees it: its day, minutes and when it was logged."""

    day: date
    minutes: int
    recorded_at: datetime


def totals(walks: list[Logged], plan: Plan, joined: datetime,
           ends: datetime) -> tuple[int, int, int]:
    """An entrant's (points, minutes, goal days) counted afresh from their walks: those on the
    challenge's days, logged between joining and the end."""
    last = plan.start + timedelta(days=plan.days)
    by_day: dict[date, int] = {}
    for walk in walks:
        if plan.start <= walk.day < last and joined <= walk.recorded_at < ends:
            by_day[walk.day] = by_day.get(walk.day, 0) + walk.minutes
    changes = [day_change(0, minutes, plan) for minutes in by_day.values()]
    return (sum(c[0] for c in changes), sum(c[1] for c in changes), sum(c[2] for c in changes))


def day_change(before: int, after: int, plan: Plan) -> tuple[int, int, int]:
    """How an entrant's (points, minutes, goal days) change when their minutes counted on one
    day go from `before` to `after`."""
    cap = plan.cap if plan.cap is not None else MAX_TARGET
    floor = plan.min_minutes or 1
    return (min(after, cap) - min(before, cap), after - before,
            int(after >= floor) - int(before >= floor))
