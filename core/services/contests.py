"""Group challenges people join: create, find, join and leave, end or cancel, boards, and the
posts the scheduler makes (start, a quiet mid-way update, results; the weekly board)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from core.delivery import CONTEST_END, CONTEST_MID, CONTEST_START, SEASON
from core.domain import contests, schedule
from core.domain import days as local
from core.domain.contests import Plan, Ranked, Score
from core.errors import BadInput, NothingToDo
from core.persistence.contests import Totals
from core.persistence.models import Chat, Contest, Entry, Walk
from core.persistence.uow import UnitOfWork
from core.services import weekly
from core.services.challenges import reschedule_season
from core.services.deliveries import Planned
from core.services.people import Who
from core.texts import challenges as words

START, MID, END = "start", "mid", "end"
KIND_OF = {START: CONTEST_START, MID: CONTEST_MID, END: CONTEST_END}
# Start and mid-way posts missed while the coach was down are dropped after this; the results
# are worth posting late.
LATE_POST = timedelta(hours=3)
LATE_RESULTS = timedelta(days=2)
PLAN_BATCH = 100
_MIDNIGHT = time(0, 0)


@dataclass(frozen=True)
class Board:
    """A challenge's standings as of a day: the top entrants with their places (shared when
    tied), how many take part, their minutes together, and the caller's own place."""

    contest: Contest
    ranked: list[Ranked]
    today: date
    count: int = 0
    total: int = 0
    mine: Ranked | None = None


RANKED_BY = {contests.CAPPED: "points", contests.GOAL: "goal_days", contests.TEAM: "minutes"}


def _post_at(chat: Chat, day: date) -> datetime:
    """The chat's post time on `day`, in its time zone."""
    return schedule.wall_instant(day, schedule.parse_hhmm(chat.challenge_time), chat.timezone)


def today_in(chat: Chat, now: datetime) -> date:
    """The chat's local date."""
    return local.local_day(now, chat.timezone)


def create(uow: UnitOfWork, who: Who, chat: Chat, plan: Plan, now: datetime) -> Contest:
    """A new challenge in the chat; its start post is due at the chat's post time on its first
    day (at once if that has passed)."""
    open_ones = uow.contests.in_chat(chat.key, open_only=True)
    if len(open_ones) >= contests.MAX_OPEN:
        raise BadInput(words.NEW_TOO_MANY.format(count=len(open_ones)))
    if any(c.name.lower() == plan.name.lower() for c in open_ones):
        raise BadInput(words.NEW_NAME_TAKEN.format(name=plan.name))
    ends_at = _ends_at(chat, plan)
    return uow.contests.add(Contest(
        chat_id=chat.key, format=plan.format, name=plan.name, start_day=plan.start,
        days=plan.days, cap=plan.cap, target=plan.target, min_minutes=plan.min_minutes,
        min_days=plan.min_days, status="open", created_by=who.id, created_at=now,
        ends_at=ends_at, next_post=START, next_post_at=max(now, _post_at(chat, plan.start))))


def as_plan(contest: Contest) -> Plan:
    """The challenge's rules as the domain knows them."""
    return Plan(contest.format, contest.name, contest.start_day, contest.days, contest.cap,
                contest.min_minutes, contest.min_days, contest.target)


def find(uow: UnitOfWork, chat: Chat, typed: str, *, open_only: bool = False) -> Contest:
    """The chat's challenge named or numbered in `typed` ('3', '#3', 'spring steps', or the
    start of a name when only one begins so)."""
    text = typed.strip().lstrip("#").strip().strip("\"“”'").strip()
    found = uow.contests.in_chat(chat.key, open_only=open_only)
    if text.isdigit():
        match = [c for c in found if c.id == int(text)]
    else:
        match = [c for c in found if c.name.lower() == text.lower()]
        match = match or [c for c in found if c.name.lower().startswith(text.lower())]
        # The open one wins over an ended namesake.
        match = [c for c in match if c.status == "open"] or match
    if len(match) != 1 or not text:
        raise NothingToDo(words.NOT_FOUND.format(text=typed.strip()[:40]))
    return match[0]


def open_in(uow: UnitOfWork, chat: Chat) -> list[Contest]:
    """The chat's challenges still to come or running."""
    return uow.contests.in_chat(chat.key, open_only=True)


def join(uow: UnitOfWork, who: Who, contest: Contest, now: datetime) -> bool:
    """Enter the person; False when they already were in. Ended challenges take no one."""
    if contest.status != "open":
        raise NothingToDo(words.ENDED_ALREADY.format(challenge=contest.name, number=contest.id))
    return uow.contests.add_entry(Entry(challenge_id=contest.key, person_id=who.id,
                                        display_name=who.name, joined_at=now))


def leave(uow: UnitOfWork, who: Who, contest: Contest) -> None:
    """Take the person out; their walks stay theirs."""
    entry = uow.contests.entry(contest.key, who.id)
    if entry is None:
        raise NothingToDo(words.NOT_IN.format(challenge=contest.name, number=contest.id))
    uow.contests.remove_entry(entry)


def leave_all(uow: UnitOfWork, who: Who, chat: Chat) -> int:
    """Leave every challenge of the chat; how many."""
    entries = uow.contests.entries_of(who.id, chat.key)
    for entry in entries:
        uow.contests.remove_entry(entry)
    return len(entries)


def end_now(contest: Contest, chat: Chat, now: datetime) -> None:
    """End a running challenge early: walks logged from now on no longer count, and the
    results are due at once."""
    if contest.start_day > today_in(chat, now):
        raise NothingToDo(words.END_NOT_RUNNING.format(name=contest.name, number=contest.id))
    if contest.status != "open":
        raise NothingToDo(words.ENDED_ALREADY.format(challenge=contest.name, number=contest.id))
    contest.ends_at = min(contest.ends_at, now)
    contest.next_post, contest.next_post_at = END, now


def cancel(uow: UnitOfWork, contest: Contest) -> None:
    """Remove the challenge, its entries and its posts still to come; no results."""
    uow.contests.remove(contest)


def board(uow: UnitOfWork, contest: Contest, chat: Chat, now: datetime, *,
          caller: int | None = None, top: int = 10) -> Board:
    """The standings as of now, read from the entrants' kept totals: the best `top` and the
    caller's own place."""
    by = RANKED_BY[contest.format]
    best = [_score(t) for t in uow.contests.top(contest.key, by, top)]
    count, total = uow.contests.size(contest.key)
    mine = None
    entry = uow.contests.entry(contest.key, caller) if caller is not None else None
    if entry is not None:
        value = getattr(entry, by)
        mine = Ranked(uow.contests.better_than(contest.key, by, value) + 1, Score(
            entry.person_id, entry.display_name, entry.points, entry.minutes, entry.goal_days))
    return Board(contest, contests.rank(contest.format, best), today_in(chat, now), count,
                 total, mine)


def _score(totals: Totals) -> Score:
    return Score(totals.person_id, totals.name, totals.points, totals.minutes, totals.goal_days)


def reached(uow: UnitOfWork, contest: Contest, limit: int = 30) -> tuple[list[str], int]:
    """Who reached a goal-days challenge's goal (at most `limit` names), and how many."""
    return uow.contests.reaching(contest.key, contest.min_days or 0, limit)


def walked(uow: UnitOfWork, person_id: int, walk: Walk, now: datetime, *,
           removed: bool = False) -> None:
    """A walk was logged (or, `removed`, undone): change the person's kept totals in every
    challenge not yet over that counts it (its day is one of the challenge's, and it was logged
    after joining). One query when they are in none, and one more to change the totals."""
    entries = [a for a in uow.contests.active_on(person_id, walk.day, now)
               if walk.day < a.start_day + timedelta(days=a.days)
               and a.joined_at <= walk.recorded_at < a.ends_at]
    changes = []
    for a in entries:
        after = a.day_minutes
        before = after + walk.minutes if removed else after - walk.minutes
        plan = Plan(a.format, "", a.start_day, a.days, a.cap, a.min_minutes)
        points, minutes, goal_days = contests.day_change(before, after, plan)
        changes.append({"challenge": a.challenge_id, "points": points,
                        "add_minutes": minutes, "add_days": goal_days})
    uow.contests.add_totals(person_id, changes)


def recount(uow: UnitOfWork, person_id: int) -> None:
    """Count the person's kept totals afresh from their walks, in every challenge they are in
    (after two accounts' histories were joined, or parted)."""
    for entry in uow.contests.every_entry_of(person_id):
        contest = uow.contests.get(entry.challenge_id)
        if contest is None:
            continue
        plan = as_plan(contest)
        walks = uow.contests.walks_between(person_id, plan.start, plan.last_day)
        entry.points, entry.minutes, entry.goal_days = contests.totals(
            walks, plan, entry.joined_at, contest.ends_at)


def _ends_at(chat: Chat, plan: Plan) -> datetime:
    """Midnight after the challenge's last day, in the chat's time zone: counting stops."""
    return schedule.wall_instant(plan.last_day + timedelta(days=1), _MIDNIGHT, chat.timezone)


def reschedule_posts(uow: UnitOfWork, chat: Chat, now: datetime) -> None:
    """The group's post time or time zone changed: each open challenge still counting ends at
    midnight after its last day in the new zone (not before now), and its next post moves to
    the new local time of its day (not before now, nor before the end for the results)."""
    for contest in open_in(uow, chat):
        plan = as_plan(contest)
        if contest.ends_at > now:  # not over, nor ended early
            contest.ends_at = max(now, _ends_at(chat, plan))
        day = {START: plan.start, MID: plan.middle_day,
               END: plan.last_day + timedelta(days=1)}.get(contest.next_post or "")
        if day is None or contest.next_post_at is None or contest.next_post_at <= now:
            continue  # nothing to come, or due already (ended early): the planner has it
        contest.next_post_at = max(now, _post_at(chat, day))
        if contest.next_post == END:
            contest.next_post_at = max(contest.next_post_at, contest.ends_at)


def plan_posts(uow: UnitOfWork, now: datetime, limit: int = PLAN_BATCH) -> Planned:
    """Queue the challenge posts due now, each once per challenge and kind; move each
    challenge on to its next post (start, mid, end, then none)."""
    due = uow.contests.due(now, limit)
    rows = []
    for contest, chat in due:
        # Posts missed while the coach was down are skipped up to the one due now.
        while contest.next_post is not None and contest.next_post_at is not None \
                and contest.next_post_at <= now:
            late = LATE_RESULTS if contest.next_post == END else LATE_POST
            if now - contest.next_post_at < late:
                rows.append({"kind": KIND_OF[contest.next_post], "platform": chat.platform,
                             "chat_id": chat.key, "occurrence": str(contest.key),
                             "not_before": now, "expires_at": contest.next_post_at + late,
                             "created_at": now})
            _advance(contest, chat)
    return Planned(uow.deliveries.enqueue_many(rows), len(due) == limit)


def _advance(contest: Contest, chat: Chat) -> None:
    if contest.next_post == START:
        middle = contests.Plan(contest.format, contest.name, contest.start_day,
                               contest.days).middle_day
        contest.next_post, contest.next_post_at = MID, _post_at(chat, middle)
        if contest.next_post_at >= contest.ends_at:  # ended early before the middle
            contest.next_post, contest.next_post_at = END, contest.ends_at
    elif contest.next_post == MID:
        last = contest.start_day + timedelta(days=contest.days - 1)
        results = _post_at(chat, last + timedelta(days=1))
        contest.next_post, contest.next_post_at = END, max(results, contest.ends_at)
    else:
        contest.status, contest.next_post, contest.next_post_at = "ended", None, None


def plan_seasons(uow: UnitOfWork, now: datetime, limit: int = PLAN_BATCH) -> Planned:
    """Queue the weekly boards due now (the week that just ended), once per chat and week,
    where anyone on the board walked that week; move each chat on to next Monday."""
    chats = uow.contests.seasons_due(now, limit)
    rows = []
    for chat in chats:
        due_at = chat.season_next
        assert due_at is not None
        while chat.season_next is not None and chat.season_next <= now:  # the latest Monday due
            due_at = chat.season_next
            reschedule_season(chat, due_at + timedelta(microseconds=1))
        week = local.week_start(today_in(chat, due_at)) - timedelta(days=7)
        if now - due_at < LATE_POST and uow.weeks.members(chat.key) > 0 \
                and weekly.anyone_walked(uow, chat.key, week):
            rows.append({"kind": SEASON, "platform": chat.platform, "chat_id": chat.key,
                         "occurrence": week.isoformat(), "not_before": now,
                         "expires_at": due_at + LATE_POST, "created_at": now})
    return Planned(uow.deliveries.enqueue_many(rows), len(chats) == limit)


