"""Who is writing: people, their accounts and their settings."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from core import texts
from core.domain import days as local
from core.domain import schedule
from core.domain.ranges import MAX_GOAL, MAX_PAUSE_DAYS, MIN_GOAL
from core.errors import BadInput, NothingToDo
from core.identity import UserRef
from core.persistence.models import Account, Pause, Person
from core.persistence.uow import UnitOfWork

PENDING_SCREEN = "screen"
PENDING_FORGET = "forget"
PENDING_LOG = "log"  # "log:<minutes>:<YYYYMMDD>": a guessed walk waiting for Yes
PENDING_WINDOWS = {PENDING_SCREEN: timedelta(days=1), PENDING_FORGET: timedelta(minutes=10),
                   PENDING_LOG: timedelta(hours=12)}


@dataclass
class Who:
    """The person behind a message, their account, and their local today."""

    person: Person
    account: Account
    today: date

    @property
    def id(self) -> int:
        """The person's id."""
        return self.person.key

    @property
    def name(self) -> str:
        """How to address them."""
        return self.account.display_name or texts.SOMEONE


def today_for(person: Person, now: datetime) -> date:
    """The person's local day right now, by the clock alone."""
    return local.local_day(now, person.timezone, person.day_start_hour)


def today_of(uow: UnitOfWork, person: Person, now: datetime) -> date:
    """The person's today: their local day, never before a day they have already logged a walk
    for. Walks keep the day they were logged for; only a new time zone or a later day start
    can put the clock's day behind one (Auckland to Honolulu, /daystart 4 at 01:00), and then
    today waits for the clock to catch up, so no walk lies in the future and none drops out of
    this week."""
    return _not_before(today_for(person, now), uow.walks.last_day(person.key))


def _not_before(today: date, last: date | None) -> date:
    return last if last is not None and last > today else today


def find(uow: UnitOfWork, user: UserRef, now: datetime, *, lock: bool = False) -> Who | None:
    """The person behind an account, if they are known (`lock`: held until commit)."""
    found = uow.people.by_account_with_last_day(user.platform.value, user.external_id, lock=lock)
    if found is None:
        return None
    person, account, last_day = found
    return Who(person, account, _not_before(today_for(person, now), last_day))


def is_current(who: Who, user: UserRef) -> bool:
    """True when nothing about the account needs writing: reachable, with the same name."""
    name = user.display_name[:100]
    return who.account.unreachable_since is None and (not name or name == who.account.display_name)


def identify(uow: UnitOfWork, user: UserRef, now: datetime) -> Who:
    """The person behind an account, created on first contact, their row held until commit;
    writing marks them reachable."""
    who = find(uow, user, now, lock=True)
    if who is None:
        person, account = uow.people.create(user.platform.value, user.external_id,
                                            user.display_name[:100], now)
        who = Who(person, account, today_for(person, now))
    if who.account.unreachable_since is not None:
        who.account.unreachable_since = None
    if user.display_name and user.display_name[:100] != who.account.display_name:
        who.account.display_name = user.display_name[:100]
    return who


def mark_unreachable(uow: UnitOfWork, user: UserRef, now: datetime) -> None:
    """Record that the platform refused delivery (blocked, DMs closed) until they write again."""
    who = find(uow, user, now, lock=True)
    if who is not None:
        mark_account_unreachable(who.account, now)


def mark_account_unreachable(account: Account, now: datetime) -> None:
    """The platform refuses to deliver to this account until the person writes again."""
    if account.unreachable_since is None:
        account.unreachable_since = now


def ask(who: Who, pending: str, now: datetime) -> None:
    """Remember that the next plain answer (yes/no) belongs to a question."""
    who.person.pending = pending
    who.person.pending_until = now + PENDING_WINDOWS[pending.partition(":")[0]]


def pending(who: Who, now: datetime) -> str | None:
    """The open question, if it has not expired."""
    until = who.person.pending_until
    if who.person.pending and until is not None and now <= until:
        return who.person.pending
    return None


def settle_question(who: Who) -> None:
    """Close the open question."""
    who.person.pending = None
    who.person.pending_until = None


def answer_screen(who: Who, needs_support: bool) -> None:
    """Store the safety-screen answer: yes means supported mode (wall, rail or buddy)."""
    who.person.supported = needs_support
    settle_question(who)


def set_timezone(uow: UnitOfWork, who: Who, raw: str, now: datetime) -> bool:
    """Set the IANA time zone; days are counted in it from now on. True when a walk already
    logged holds today ahead of the clock there (see `today_of`)."""
    who.person.timezone = local.parse_timezone(raw)
    reschedule_reminder(who.person, now)
    return _new_today(uow, who, now)


def set_day_start(uow: UnitOfWork, who: Who, raw: str, now: datetime) -> bool:
    """Set the hour the user's day starts. True when a walk already logged holds today ahead
    of the clock (see `today_of`)."""
    who.person.day_start_hour = local.parse_day_start(raw)
    reschedule_reminder(who.person, now)
    return _new_today(uow, who, now)


def _new_today(uow: UnitOfWork, who: Who, now: datetime) -> bool:
    who.today = today_of(uow, who.person, now)
    return who.today != today_for(who.person, now)


def set_goal(who: Who, raw: str) -> None:
    """Set the weekly goal in minutes."""
    text = raw.strip().lower().removesuffix("min").removesuffix("minutes").strip()
    if not (text.isascii() and text.isdigit()) or not MIN_GOAL <= int(text) <= MAX_GOAL:
        shown = raw.strip()[:20]
        raise BadInput(texts.GOAL_INVALID.format(text=shown, low=MIN_GOAL, high=MAX_GOAL))
    who.person.weekly_goal = int(text)
    who.person.goal_chosen = True  # from now on the goal, not the plan, sets the week's target


def set_reminder(who: Who, raw: str, now: datetime) -> time | None:
    """Set the daily reminder time, or turn reminders off with 'off'."""
    if raw.strip().lower() in ("off", "none", "stop", "no"):
        who.person.remind_at = None
        reschedule_reminder(who.person, now)
        return None
    at = local.parse_clock_time(raw)
    who.person.remind_at = at.strftime("%H:%M")
    who.person.nudges = True  # setting a reminder turns the streak nudge back on
    reschedule_reminder(who.person, now)
    return at


def reschedule_reminder(person: Person, after: datetime) -> None:
    """Keep the stored next reminder instant in step with the reminder time, the time zone
    and the day start: the first occurrence at or after `after` (None when reminders are off)."""
    if person.remind_at is None:
        person.remind_next = person.nudge_next = person.summary_next = None
        return
    _, person.remind_next = schedule.next_due(after, schedule.parse_hhmm(person.remind_at),
                                              person.timezone, person.day_start_hour)
    reschedule_nudge(person, after)
    reschedule_summary(person, after)


def reschedule_summary(person: Person, after: datetime) -> None:
    """Keep the next weekly summary in step: for people with reminders and summaries on, the
    next Monday of their walk days at their reminder time (None otherwise)."""
    if person.remind_at is None or not person.summaries:
        person.summary_next = None
        return
    _, person.summary_next = schedule.next_weekly(
        after, schedule.parse_hhmm(person.remind_at), person.timezone, person.day_start_hour)


def set_summaries(person: Person, on: bool, after: datetime) -> None:
    """Weekly summaries on or off (they come only while reminders are on)."""
    person.summaries = on
    reschedule_summary(person, after)


def reschedule_nudge(person: Person, after: datetime) -> None:
    """Keep the next "streak at risk" nudge in step: for people with reminders and nudges on,
    NUDGE_HOURS_BEFORE_END hours before their day ends (None otherwise)."""
    if person.remind_at is None or not person.nudges:
        person.nudge_next = None
        return
    _, person.nudge_next = schedule.next_due(after, schedule.nudge_time(person.day_start_hour),
                                             person.timezone, person.day_start_hour)


def stop_nudges(person: Person) -> None:
    """No more "streak at risk" nudges (reminders stay as they are)."""
    person.nudges = False
    person.nudge_next = None


def active_pause(uow: UnitOfWork, who: Who, since: date | None = None) -> Pause | None:
    """The pause covering today (or starting by `since`), if any."""
    pauses = uow.pauses.overlapping(who.id, who.today, since or who.today)
    return pauses[0] if pauses else None


def pause(uow: UnitOfWork, who: Who, raw: str) -> date | None:
    """Pause for a number of days or until /resume; returns the last paused day.

    The pause starts today, or tomorrow when today already has a walk (that day is done)."""
    text = raw.strip().lower().removesuffix("days").removesuffix("day").strip()
    if text and (not (text.isascii() and text.isdigit()) or not 1 <= int(text) <= MAX_PAUSE_DAYS):
        raise BadInput(texts.PAUSE_INVALID.format(limit=MAX_PAUSE_DAYS))
    walked_today = bool(uow.walks.minutes_by_day(who.id, who.today, who.today))
    start = who.today + timedelta(days=1 if walked_today else 0)
    end = start + timedelta(days=int(text) - 1) if text else None
    current = active_pause(uow, who, start)
    if current is not None:
        current.end_day = end
    else:
        uow.pauses.add(Pause(person_id=who.id, start_day=start, end_day=end))
    return end


def resume(uow: UnitOfWork, who: Who) -> None:
    """End the pause: today counts normally again."""
    current = active_pause(uow, who, who.today + timedelta(days=1))
    if current is None:
        raise NothingToDo(texts.NOT_PAUSED)
    _end(uow, who, current)


def _end(uow: UnitOfWork, who: Who, pause: Pause) -> None:
    if pause.start_day >= who.today:
        uow.pauses.remove(pause)
    else:
        pause.end_day = who.today - timedelta(days=1)


def end_pause_for_walk(uow: UnitOfWork, who: Who, pauses: list[Pause]) -> bool:
    """A walk today ends a pause covering today; `pauses` is updated in place. True if one ended."""
    for pause in pauses:
        if pause.covers(who.today):
            _end(uow, who, pause)
            if pause.start_day >= who.today:
                pauses.remove(pause)
            return True
    return False
