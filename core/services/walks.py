"""Logging and undoing walks."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from core import texts
from core.domain.parsing import WalkEntry
from core.domain.plan import PlanWeek, far_above
from core.domain.tips import FIRST_DAYS, WalkContext, choose_tip, pain_calls_for_care, remember_tip
from core.errors import BadInput, NothingToDo
from core.persistence.models import Walk
from core.persistence.uow import UnitOfWork
from core.services import contests, people, reports, streaks, weekly
from core.services.people import Who
from core.services.reports import WeekTarget
from core.services.streaks import Snapshot


@dataclass(frozen=True)
class Logged:
    """A walk just recorded, with what the reply needs."""

    walk: Walk
    snapshot: Snapshot
    target: WeekTarget
    tip: str | None
    resumed: bool = False
    pain_warning: bool = False  # pain rose since the last rated walk, or was sharp
    above_plan: PlanWeek | None = None  # the plan's week when this walk went far beyond it


@dataclass(frozen=True)
class Undone:
    """A walk removed, and the streak after it."""

    walk: Walk
    snapshot: Snapshot


def log_walk(uow: UnitOfWork, who: Who, now: datetime, entry: WalkEntry) -> Logged:
    """Record a walk for its local day."""
    person = who.person
    if person.streak_through is not None and entry.day <= person.streak_through:
        raise BadInput(texts.WHEN_TOO_OLD.format(day=entry.day.isoformat(), limit=7))
    pauses = uow.pauses.overlapping(who.id, streaks.window_start(person, who.today), who.today)
    resumed = entry.day == who.today and people.end_pause_for_walk(uow, who, pauses)
    previous_pain = uow.walks.last_rated_pain(who.id)
    walk = uow.walks.add(Walk(
        person_id=who.id, day=entry.day, minutes=entry.minutes, recorded_at=now,
        steps=entry.steps, place=entry.place, pain=entry.pain, note=entry.note))
    if person.plan_start is None or entry.day < person.plan_start:
        person.plan_start = entry.day
    contests.walked(uow, who.id, walk, now)
    weekly.walked(uow, who.id, walk.day)
    first = streaks.window_start(person, who.today)
    by_day = uow.walks.minutes_by_day(who.id, min(first, reports.plan_window(who)), who.today)
    snap = streaks.snapshot(uow, person, who.today, settle=True, pauses=pauses, minutes=by_day)
    context = WalkContext(
        place=entry.place,
        # Before anything is settled the snapshot holds every day walked so far.
        walking_days=len(snap.minutes) if person.streak_through is None else FIRST_DAYS + 1,
        supported=bool(person.supported),
        pain=entry.pain,
        pain_rose=_pain_rose(previous_pain, entry.pain),
    )
    recent = [key for key in person.recent_tips.split(",") if key]
    tip = choose_tip(context, recent)
    person.recent_tips = ",".join(remember_tip(recent, tip))
    person.last_tip = tip
    status = reports.plan_status(uow, who, by_day=by_day, just_logged=walk)
    above = status.week if far_above(status.week, entry.minutes) else None
    return Logged(walk, snap, reports.week_target(uow, who, status), tip, resumed,
                  pain_calls_for_care(context), above)


def _pain_rose(before: int | None, now: int | None) -> bool:
    return before is not None and now is not None and now > before


def undo(uow: UnitOfWork, who: Who, now: datetime, walk_id: int | None = None) -> Undone:
    """Remove the user's latest walk, or the one a button refers to."""
    walk = uow.walks.get(who.id, walk_id) if walk_id else uow.walks.latest(who.id)
    if walk is None:
        raise NothingToDo(texts.UNDO_GONE if walk_id else texts.NOTHING_TO_UNDO)
    through = who.person.streak_through
    if through is not None and walk.day <= through:
        streaks.reset(uow, who.person)
    uow.walks.remove(walk)
    contests.walked(uow, who.id, walk, now, removed=True)
    weekly.walked(uow, who.id, walk.day)
    return Undone(walk, streaks.snapshot(uow, who.person, who.today, settle=True))
