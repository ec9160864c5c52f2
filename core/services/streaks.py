"""The streak as of today: settled days come from the stored checkpoint, recent days are folded
fresh on every call, so backdated walks (at most a week back) always count."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from core.domain import days as local
from core.domain.streaks import (
    DayStatus,
    EventKind,
    StreakEvent,
    StreakState,
    StreakView,
    fold,
)
from core.persistence.models import Pause, Person
from core.persistence.uow import UnitOfWork

# Days older than this can no longer receive walks (backdating stops at 7 days; the margin
# covers a time-zone change moving "today" by a day), so they are folded once and stored.
SETTLE_LAG = 10
HISTORY_DAYS = 30


@dataclass(frozen=True)
class Snapshot:
    """The streak view and the minutes of the days around it."""

    view: StreakView
    minutes: dict[date, int]
    today: date

    def week_minutes(self) -> int:
        """Minutes walked in the current local week (Monday to today)."""
        start = local.week_start(self.today)
        return sum(m for d, m in self.minutes.items() if start <= d <= self.today)


def state_of(person: Person) -> StreakState:
    """The stored checkpoint."""
    return StreakState(
        person.streak_through, person.streak_current, person.streak_best,
        person.streak_freezes, person.streak_run, person.streak_score,
    )


def _store(person: Person, state: StreakState) -> None:
    person.streak_through = state.through
    person.streak_current, person.streak_best = state.current, state.best
    person.streak_freezes, person.streak_run = state.freezes, state.run
    person.streak_score = state.score


def reset(uow: UnitOfWork, person: Person) -> None:
    """Forget the checkpoint so the streak is folded again from the first walk (after undoing an
    old walk)."""
    _store(person, StreakState())
    uow.events.clear(person.key)


def _status(day: date, minutes: dict[date, int], pauses: list[Pause]) -> DayStatus:
    if minutes.get(day, 0) > 0:
        return DayStatus.WALKED
    if any(p.covers(day) for p in pauses):
        return DayStatus.PAUSED
    return DayStatus.MISSED


def window_start(person: Person, today: date) -> date:
    """The first day a snapshot reads: the oldest unsettled day, the open days, this week."""
    settle_through = today - timedelta(days=SETTLE_LAG)
    return min(_unsettled(person, today), settle_through + timedelta(days=1),
               local.week_start(today))


def _unsettled(person: Person, today: date) -> date:
    if person.streak_through is not None:
        return person.streak_through + timedelta(days=1)
    # Nothing settled yet: start at the first walk (plan_start is the earliest day walked).
    return person.plan_start or today


def snapshot(
    uow: UnitOfWork, person: Person, today: date, *, settle: bool = False,
    history: bool = False, pauses: list[Pause] | None = None,
    minutes: dict[date, int] | None = None,
) -> Snapshot:
    """Fold the days since the checkpoint through today. Days that can no longer change are
    stored as the new checkpoint when `settle` is set (in units of work that write); otherwise
    they are folded in memory only, so reading never writes.

    `pauses` may carry the pauses from `window_start` on, and `minutes` the minutes by day
    from at least `window_start` on, already loaded by the caller."""
    settle_through = today - timedelta(days=SETTLE_LAG)
    state = state_of(person)
    unsettled = _unsettled(person, today)
    first = window_start(person, today)
    if minutes is None:
        minutes = uow.walks.minutes_by_day(person.key, first, today)
    else:
        minutes = {day: m for day, m in minutes.items() if first <= day <= today}
    if pauses is None:
        pauses = uow.pauses.overlapping(person.key, first, today)
    settled: list[StreakEvent] = []
    if unsettled <= settle_through:
        state, settled = fold(state, _statuses(unsettled, settle_through, minutes, pauses))
        if settle:
            _store(person, state)
            uow.events.add(person.key, [(e.day, e.kind.value) for e in settled])
            settled = []
    open_first = max(unsettled, settle_through + timedelta(days=1))
    walked_today = minutes.get(today, 0) > 0
    last_open = today if walked_today else today - timedelta(days=1)
    state, fresh = fold(state, _statuses(open_first, last_open, minutes, pauses))
    used = _freezes_used(uow, person.key, today, settled + fresh) if history else ()
    view = StreakView(state.current, max(state.best, state.current), state.freezes, state.score,
                      walked_today, used)
    return Snapshot(view, minutes, today)


def _statuses(
    first: date, last: date, minutes: dict[date, int], pauses: list[Pause]
) -> list[tuple[date, DayStatus]]:
    if first > last:
        return []
    return [(day, _status(day, minutes, pauses)) for day in local.days_between(first, last)]


def _freezes_used(
    uow: UnitOfWork, person_id: int, today: date, fresh: list[StreakEvent]
) -> tuple[date, ...]:
    since = today - timedelta(days=HISTORY_DAYS)
    stored = uow.events.since(person_id, since, EventKind.FREEZE_USED)
    days = [row.day for row in stored] + [e.day for e in fresh
                                          if e.kind is EventKind.FREEZE_USED and e.day >= since]
    return tuple(sorted(set(days)))
