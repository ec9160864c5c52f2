"""One walker on two platforms: link codes, joining two people into one, parting them again.

The person who asked for the code survives a link: the account that enters the code, with
everything of its person (walks, pauses, processed messages, challenge memberships), moves to
them; their settings are kept and only their gaps are filled from the other side; the streak is
folded again from the joined history. `/unlink` leaves the history with the account that asks
and makes each other account a new walker of its own.
"""

from __future__ import annotations

import hashlib
import math
import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from core.delivery import dump_reply
from core.domain.streaks import StreakView
from core.errors import BadInput, NotAllowed, NothingToDo
from core.persistence.models import Account, LinkCode, Pause, Person
from core.persistence.uow import UnitOfWork
from core.replies import Reply
from core.services import contests, people, streaks, weekly
from core.services.people import Who
from core.texts import linking as say

# Unambiguous when read aloud or typed: no 0/O, 1/I/L.
ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
LENGTH = 8
LIFETIME = timedelta(minutes=10)
CONFIRM_WINDOW = timedelta(minutes=10)
MAX_WRONG = 5
WRONG_WINDOW = timedelta(minutes=10)
# Codes that ended this long ago are deleted when their person asks for a new one.
KEEP_CODES = timedelta(days=1)
PENDING_LINK = "link"  # "link:<code id>": a link waiting for Yes
# A one-off message to an account, queued with its words (the delivery queue sends it once).
NOTICE = "notice"
NOTICE_LIFETIME = timedelta(days=2)
EXAMPLE = "K7QM-R3XP"


@dataclass(frozen=True)
class Side:
    """One of the two people being joined, as the confirmation shows them."""

    accounts: list[Account]
    walks: int
    minutes: int


@dataclass(frozen=True)
class Issued:
    """A new code, shown once."""

    code: str


@dataclass(frozen=True)
class Wrong:
    """A code that matches nothing; `left`: wrong codes still accepted before the pause."""

    left: int


@dataclass(frozen=True)
class Preview:
    """What a link would join, waiting for Yes."""

    asker: Side
    joining: Side
    streak: int


@dataclass(frozen=True)
class Linked:
    """Two people joined into one walker."""

    keep: Person
    accounts: list[Account]
    walks: int
    minutes: int
    streak: StreakView
    keep_platform: str


def display(code: str) -> str:
    """The code as shown: two groups of four."""
    return f"{code[:4]}-{code[4:]}"


def _hash(code: str) -> str:
    return hashlib.sha256(code.encode("ascii")).hexdigest()


def _normal(raw: str) -> str:
    """The code as typed, without spaces or dashes, in capitals; refused when it cannot be one."""
    code = "".join(raw.split()).replace("-", "").upper()
    if len(code) != LENGTH or any(c not in ALPHABET for c in code):
        raise BadInput(say.CODE_MALFORMED.format(length=LENGTH, example=EXAMPLE))
    return code


def issue(uow: UnitOfWork, who: Who, now: datetime) -> Issued:
    """A new one-time code for this person and account; earlier unused ones stop working."""
    uow.links.retire_codes(who.id, now, now - KEEP_CODES)
    code = "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))
    assert who.account.id is not None
    uow.links.add_code(LinkCode(person_id=who.id, account_id=who.account.id,
                                code_hash=_hash(code), created_at=now,
                                expires_at=now + LIFETIME))
    return Issued(display(code))


def accounts(uow: UnitOfWork, who: Who) -> list[Account]:
    """The person's accounts, the one writing first."""
    mine = uow.links.accounts_on(who.id)
    return sorted(mine, key=lambda a: a.id != who.account.id)


def enter(uow: UnitOfWork, who: Who, raw: str, now: datetime) -> Wrong | Preview | Linked:
    """A code entered: wrong (counted), a link to confirm (both sides hold walks), or done.
    Codes used, expired, from this platform or for a walker already joined are refused."""
    failures = uow.links.failures_after(who.id, now - WRONG_WINDOW)
    if len(failures) >= MAX_WRONG:
        wait = failures[-MAX_WRONG] + WRONG_WINDOW - now
        raise NotAllowed(say.TOO_MANY.format(minutes=max(1, math.ceil(wait.total_seconds() / 60))))
    typed = _normal(raw)
    code = uow.links.code_by_hash(_hash(typed))
    if code is None:
        uow.links.add_failure(who.id, now)
        return Wrong(MAX_WRONG - len(failures) - 1)
    asker, asker_account = _check(uow, who, code, now, display(typed))
    mine, theirs = _side(uow, who.person), _side(uow, asker)
    if mine.walks and theirs.walks:
        who.person.pending = f"{PENDING_LINK}:{code.id}"
        who.person.pending_until = now + CONFIRM_WINDOW
        return Preview(theirs, mine, _joined_streak(uow, asker, who.person, now))
    return _join(uow, code, asker, asker_account, who, now)


def answer(uow: UnitOfWork, who: Who, yes: bool, now: datetime) -> Linked | None:
    """Yes or No to a link waiting for confirmation; None when it was declined."""
    question = people.pending(who, now)
    if question is None or not question.startswith(f"{PENDING_LINK}:"):
        raise NothingToDo(say.CONFIRM_GONE)
    people.settle_question(who)
    if not yes:
        return None
    code = uow.links.code(int(question.partition(":")[2]))
    if code is None:
        raise NothingToDo(say.CONFIRM_GONE)
    # Checked again: the code may have been used, or the accounts linked, meanwhile. The
    # confirmation has its own window, so the code's ten minutes may run out while reading.
    asker, asker_account = _check(uow, who, code, now, None)
    return _join(uow, code, asker, asker_account, who, now)


def _check(uow: UnitOfWork, who: Who, code: LinkCode, now: datetime,
           typed: str | None) -> tuple[Person, Account]:
    """The asker and their account when this account may use `code`; else the refusal.
    `typed` is None when re-checked at confirmation (the code's expiry no longer counts)."""
    if code.used_at is not None:
        raise NothingToDo(say.CODE_USED)
    # A code ended early by a newer /link stays ended, even for a question already asked.
    retired = code.expires_at < code.created_at + LIFETIME
    if (typed is not None or retired) and code.expires_at <= now:
        raise NothingToDo(say.CODE_EXPIRED.format(minutes=int(LIFETIME.total_seconds() // 60)))
    if code.person_id == who.id:
        if code.account_id == who.account.id:
            raise NothingToDo(say.CODE_OWN.format(code=typed or ""))
        raise NothingToDo(say.ALREADY_SAME)
    asker = uow.session.get(Person, code.person_id, with_for_update=True)
    asker_account = uow.people.account(code.account_id)
    if asker is None or asker_account is None or asker_account.person_id != asker.id:
        raise NothingToDo(say.CODE_USED)  # the asker forgot everything, or unlinked that account
    platform = who.account.platform
    if asker_account.platform == platform:
        raise NotAllowed(say.SAME_PLATFORM.format(platform=platform_name(platform)))
    theirs = {a.platform for a in uow.links.accounts_on(asker.key)}
    mine = uow.links.accounts_on(who.id)
    if len(mine) > 1:
        others = [a for a in mine if a.id != who.account.id]
        raise NotAllowed(say.THIS_LINKED.format(accounts=names(others)))
    if platform in theirs:
        raise NotAllowed(say.TAKEN.format(platform=platform_name(platform)))
    return asker, asker_account


def _side(uow: UnitOfWork, person: Person) -> Side:
    totals = uow.walks.totals(person.key)
    return Side(uow.links.accounts_on(person.key), totals.walks, totals.minutes)


def _settings(keep: Person, gone: Person) -> dict[str, Any]:
    """The joined walker's settings: `keep`'s, with its gaps (values never chosen) filled from
    `gone`'s. Supported mode wins from either side: it is the safer answer."""
    chosen: dict[str, Any] = {}
    if keep.timezone == "UTC" and gone.timezone != "UTC":
        chosen["timezone"] = gone.timezone
    if keep.day_start_hour == 0 and gone.day_start_hour != 0:
        chosen["day_start_hour"] = gone.day_start_hour
    if not keep.goal_chosen and gone.goal_chosen:
        chosen |= {"weekly_goal": gone.weekly_goal, "goal_chosen": True}
    if keep.remind_at is None and gone.remind_at is not None:
        chosen |= {"remind_at": gone.remind_at, "nudges": gone.nudges}
    if keep.supported is None or gone.supported:
        chosen["supported"] = keep.supported if gone.supported is None else (
            bool(keep.supported) or gone.supported)
    starts = [d for d in (keep.plan_start, gone.plan_start) if d is not None]
    chosen["plan_start"] = min(starts) if starts else None
    chosen["created_at"] = min(keep.created_at, gone.created_at)
    return chosen


def _joined_streak(uow: UnitOfWork, keep: Person, gone: Person, now: datetime) -> int:
    """The streak the joined walker would have today, folded from both histories in memory."""
    probe = Person(timezone=keep.timezone, day_start_hour=keep.day_start_hour,
                   created_at=keep.created_at)
    for name, value in _settings(keep, gone).items():
        setattr(probe, name, value)
    lasts = [d for d in (uow.walks.last_day(keep.key), uow.walks.last_day(gone.key)) if d]
    today = people.today_for(probe, now)
    today = max([today, *lasts])
    first = probe.plan_start or today
    minutes: dict[date, int] = {}
    pauses: list[Pause] = []
    for person in (keep, gone):
        for day, walked in uow.walks.minutes_by_day(person.key, first, today).items():
            minutes[day] = minutes.get(day, 0) + walked
        pauses += uow.pauses.overlapping(person.key, first, today)
    return streaks.snapshot(uow, probe, today, minutes=minutes, pauses=pauses).view.current


def _join(uow: UnitOfWork, code: LinkCode, keep: Person, keep_account: Account, who: Who,
          now: datetime) -> Linked:
    """Join `who`'s person into `keep`, in this one unit of work."""
    gone = who.person
    code.used_at = now
    had_reminder = keep.remind_at is not None
    kept_ids = [a.id for a in uow.links.accounts_on(keep.key) if a.id is not None]
    moving = uow.links.accounts_on(gone.key)
    for name, value in _settings(keep, gone).items():
        setattr(keep, name, value)
    for account in moving:
        account.person_id = keep.key
    uow.session.flush()
    uow.links.move_rows(gone.key, keep.key)
    uow.links.move_memberships(gone.key, keep.key)
    uow.links.move_entries(gone.key, keep.key)
    moved_ids = [a.id for a in moving if a.id is not None]
    # The joined walker is reminded at the kept time: reminders queued for the other side's
    # time are dropped, and so is a second copy of one queued on both sides.
    uow.links.skip_personal(moved_ids, duplicating=None if had_reminder else kept_ids)
    uow.people.delete(gone)
    uow.session.flush()
    uow.session.expire_all()
    contests.recount(uow, keep.key)
    weekly.recount(uow, keep.key)
    streaks.reset(uow, keep)
    today = people.today_of(uow, keep, now)
    view = streaks.snapshot(uow, keep, today, settle=True).view
    people.reschedule_reminder(keep, now)
    for account in moving:
        _notice(uow, keep_account, say.NOTICE_LINKED.format(
            platform=platform_name(keep_account.platform), other=names([account])), now)
    totals = uow.walks.totals(keep.key)
    return Linked(keep, uow.links.accounts_on(keep.key), totals.walks, totals.minutes, view,
                  keep_account.platform)


def unlink(uow: UnitOfWork, who: Who, now: datetime) -> list[Account]:
    """Every other account of this person becomes a new, empty walker (with this one's time
    zone, day start and safety answer, so its days count right); this account keeps the
    history. The accounts let go, each told by a message of its own."""
    others = [a for a in uow.links.accounts_on(who.id) if a.id != who.account.id]
    if not others:
        raise NothingToDo(say.NOT_LINKED)
    person = who.person
    for account in others:
        fresh = Person(created_at=now, timezone=person.timezone,
                       day_start_hour=person.day_start_hour, supported=person.supported)
        uow.session.add(fresh)
        uow.session.flush()
        account.person_id = fresh.key
        uow.session.flush()
        # Its group challenges go with it: membership there is that account's.
        uow.links.move_memberships(who.id, fresh.key, account.platform)
        uow.links.move_entries(who.id, fresh.key, account.platform)
        uow.links.skip_personal([account.id] if account.id is not None else [])
        _notice(uow, account, say.NOTICE_UNLINKED.format(
            platform=platform_name(account.platform), other=names([who.account])), now)
    uow.session.flush()
    uow.session.expire_all()
    for person_id in (who.id, *(a.person_id for a in others)):
        contests.recount(uow, person_id)
        weekly.recount(uow, person_id)
    return others


def _notice(uow: UnitOfWork, account: Account, text: str, now: datetime) -> None:
    """Queue a one-off message to an account, sent once by its platform's dispatcher."""
    # Each notice is its own occurrence: a link and an unlink in one instant are two messages.
    occurrence = f"{now.isoformat()}#{secrets.token_hex(4)}"
    uow.deliveries.enqueue(kind=NOTICE, platform=account.platform, account_id=account.id,
                           occurrence=occurrence, payload=dump_reply(Reply(text)),
                           not_before=now, expires_at=now + NOTICE_LIFETIME, created_at=now)


def platform_name(platform: str) -> str:
    """'Telegram', 'Discord', 'the terminal chat'."""
    return say.PLATFORM_NAMES.get(platform, platform)


def names(accounts: list[Account]) -> str:
    """'Telegram (Ada) and Discord (ada)'."""
    shown = [say.ACCOUNT.format(platform=platform_name(a.platform), name=a.display_name or "?")
             for a in accounts]
    return shown[0] if len(shown) == 1 else ", ".join(shown[:-1]) + " and " + shown[-1]
