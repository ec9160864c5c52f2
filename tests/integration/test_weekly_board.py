"""The weekly board read from kept totals, on SQLite and PostgreSQL: on a random history of walks
logged, undone and logged for earlier days by walkers in time zones far from the group's, of
members joining and leaving and the group moving its time zone mid-week, it is exactly the board
summed from the walks (the query the coach used before the totals were kept); and /link,
/unlink and /forget keep it so."""

from __future__ import annotations

import re
from contextlib import suppress
from datetime import UTC, date, datetime, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, case, func, select
from sqlmodel import SQLModel, col

from core import texts
from core.coach import Coach
from core.domain import days as local
from core.domain.challenges import DAILY_CAP_MINUTES, Standing, ranked
from core.errors import CoachError
from core.identity import Platform
from core.persistence.models import Chat, Member, Walk, WeekTotal
from core.persistence.uow import UnitOfWork, UnitOfWorkFactory
from core.persistence.weekly import KEPT
from core.services import weekly
from tests.support import ManualClock, in_group, make_coach, person

ZONES = ("Pacific/Kiritimati", "Pacific/Pago_Pago", "UTC", "Asia/Tokyo", "America/Los_Angeles")
NAMES = ("ann", "bob", "cy", "dee", "eli")
GROUP_ZONES = ("UTC", "Pacific/Pago_Pago", "Pacific/Kiritimati", "Europe/Berlin")


def summed(uow: UnitOfWork, chat_id: int, first: date, last: date) -> list[Standing]:
    """The board as the coach summed it before (ChatRepository.week_points, then ranked)."""
    per_day = (
        select(col(Walk.person_id).label("pid"), func.sum(Walk.minutes).label("m"))
        .join(Member, col(Member.person_id) == col(Walk.person_id))
        .where(Member.chat_id == chat_id, Walk.day >= first, Walk.day <= last)
        .group_by(col(Walk.person_id), col(Walk.day)).subquery())
    day = per_day.c.m
    totals = (
        select(per_day.c.pid.label("pid"),
               func.sum(case((day > DAILY_CAP_MINUTES, DAILY_CAP_MINUTES), else_=day))
               .label("points"), func.count().label("days"))
        .group_by(per_day.c.pid).subquery())
    rows = uow.session.execute(
        select(col(Member.person_id), col(Member.display_name),
               func.coalesce(totals.c.points, 0), func.coalesce(totals.c.days, 0))
        .outerjoin(totals, totals.c.pid == col(Member.person_id))
        .where(col(Member.chat_id) == chat_id))
    return ranked((int(p), str(n) or texts.SOMEONE, int(pts), int(d)) for p, n, pts, d in rows)


def expected(standings: list[Standing], caller: int | None, top: int) -> weekly.WeekBoard:
    """What the board shows of the summed standings: the best `top` with shared places, and
    the caller's place when further down."""
    ranks: list[int] = []
    for n, s in enumerate(standings):
        ranks.append(ranks[-1] if n and standings[n - 1].points == s.points else n + 1)
    mine = [(r, s) for r, s in list(zip(ranks, standings, strict=True))[top:]
            if s.person_id == caller]
    return weekly.WeekBoard(standings[:top], ranks[:top], len(standings),
                            mine[0] if mine else None)


def assert_same_boards(engine: Engine, clock: ManualClock) -> None:
    """Every caller's board of this week (through the group's today) and of the last two
    weeks, at two and at ten places, equals the summed one."""
    with UnitOfWorkFactory(engine)(write=False) as uow:
        for chat in list(uow.session.scalars(select(Chat))):
            same_boards(uow, chat, clock)
    assert_kept_rows(engine)


def assert_kept_rows(engine: Engine) -> None:
    """The kept rows are exactly those counted afresh from the members' walks: none left
    behind on a board someone left, none missing."""
    with UnitOfWorkFactory(engine)(write=False) as uow:
        members = uow.session.execute(select(col(Member.chat_id), col(Member.person_id))).all()
        wanted = {(chat, week, person, *(totals[name] for name in KEPT))
                  for chat, person in members
                  for week, totals in weekly.by_week(
                      uow.walks.minutes_by_day(person, date.min, date.max).items())}
        kept = {tuple(row) for row in uow.session.execute(select(
            col(WeekTotal.chat_id), col(WeekTotal.week_start), col(WeekTotal.person_id),
            *(getattr(WeekTotal, name) for name in KEPT)))}
    assert kept == wanted


def same_boards(uow: UnitOfWork, chat: Chat, clock: ManualClock) -> None:
    """The chat's boards of this week and the two before, for every caller, equal the summed."""
    today = local.local_day(clock(), chat.timezone)
    monday = local.week_start(today)
    people = [None, *(p for p, in uow.session.execute(
        select(col(Member.person_id)).where(col(Member.chat_id) == chat.key)))]
    for start, through in ((monday, today), (monday - timedelta(days=7), None),
                           (monday - timedelta(days=14), None)):
        last = through or start + timedelta(days=6)
        standings = summed(uow, chat.key, start, last)
        for caller in people:
            for top in (2, 10):
                kept = weekly.board(uow, chat.key, start, through, caller=caller, top=top)
                assert kept == expected(standings, caller, top), (start, through, caller)
        assert weekly.anyone_walked(uow, chat.key, start) == any(
            s.points for s in summed(uow, chat.key, start, start + timedelta(days=6)))


def empty(engine: Engine) -> None:
    with engine.begin() as connection:
        for table in reversed(SQLModel.metadata.sorted_tables):
            connection.execute(table.delete())


steps = st.lists(st.one_of(
    st.tuples(st.just("log"), st.sampled_from(NAMES), st.integers(1, 70),
              st.sampled_from(["", " yesterday"])),
    st.tuples(st.just("undo"), st.sampled_from(NAMES)),
    st.tuples(st.just("join"), st.sampled_from(NAMES)),
    st.tuples(st.just("leave"), st.sampled_from(NAMES)),
    st.tuples(st.just("hours"), st.integers(1, 40)),
    st.tuples(st.just("zone"), st.sampled_from(GROUP_ZONES)),
), min_size=5, max_size=40)


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(steps=steps, start_hour=st.integers(0, 23))
def test_the_kept_board_is_the_board_summed_from_the_walks(
        engine: Engine, steps: list[tuple[object, ...]], start_hour: int) -> None:
    empty(engine)
    clock = ManualClock(datetime(2026, 11, 26, start_hour, tzinfo=UTC))  # a Thursday
    coach = make_coach(engine, clock)
    walkers = {name: person(coach, name) for name in NAMES}
    admin = in_group(person(coach, "admin"), admin=True)
    admin.say("/join")
    for name, zone in zip(NAMES, ZONES, strict=True):
        walkers[name].say(f"/timezone {zone}")
    for kind, *args in steps:
        if kind == "hours":
            clock.advance(hours=int(str(args[0])))
        elif kind == "zone":
            admin.say(f"/challenge_timezone {args[0]}")
        else:
            walker = walkers[str(args[0])]
            text = f"/log {args[1]} min{args[2]}" if kind == "log" else f"/{kind}"
            # An undo with nothing to undo, leaving twice: refused, and nothing changes.
            with suppress(CoachError):
                coach.handle((walker if kind in ("log", "undo") else in_group(walker))
                             .message(text))
        assert_same_boards(engine, clock)


def test_link_unlink_and_forget_keep_the_boards_of_both_sides(
        coach: Coach, clock: ManualClock, engine: Engine) -> None:
    clock.set_local("UTC", 2026, 12, 2, 12)  # a Wednesday
    tg, dc = person(coach, "ada", Platform.TELEGRAM), person(coach, "ada", Platform.DISCORD)
    in_group(tg, "tg-group").say("/join")
    in_group(dc, "dc-server").say("/join")
    in_group(person(coach, "bob", Platform.DISCORD), "dc-server").say("/join")
    tg.say("/log 20 min")
    tg.say("/log 15 min yesterday")
    dc.say("/log 25 min")  # the same day on the other side: 45 minutes, capped at 30
    assert_same_boards(engine, clock)
    code = re.search(r"Your link code: ([A-Z2-9-]+)", tg.say("/link").text)
    assert code is not None
    dc.say(f"/link {code.group(1)}")
    assert dc.say("yes").text.startswith("Linked")
    assert_same_boards(engine, clock)
    board = in_group(dc, "dc-server").say("/leaderboard").text
    assert "1. \u2068Ada\u2069: 45 pts, 2 days" in board, board
    tg.say("/unlink")  # the Telegram account keeps the history; Discord starts afresh
    assert_same_boards(engine, clock)
    tg.say("/forget")
    tg.say("yes")
    assert_same_boards(engine, clock)
    with UnitOfWorkFactory(engine)(write=False) as uow:
        assert uow.session.scalars(select(WeekTotal)).all() == []  # Discord's Ada walked nothing
