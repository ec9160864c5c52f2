"""Group challenges people join: /newchallenge, /endchallenge, /cancelchallenge, /challenges,
/join, /leave, /leaderboard, the Join button, and the words of the scheduler's posts.

A group sees members' challenge totals only (minutes, days, a rank), never a walk's place, pain
or note. Names are shown as their owners set them, isolated, and never as a mention."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from core import texts
from core.conversation import groups
from core.conversation.shared import calendar_label, isolate
from core.conversation.turn import Turn
from core.delivery import CONTEST_END, CONTEST_MID, CONTEST_START, SEASON
from core.domain import contests as rules
from core.domain import days as local
from core.domain.challenges import DAILY_CAP_MINUTES
from core.domain.contests import CAPPED, GOAL, TEAM, Ranked
from core.errors import NotAllowed, NothingToDo
from core.persistence.models import Chat, Contest
from core.persistence.uow import UnitOfWork
from core.replies import Button, Reply
from core.services import challenges, contests, weekly
from core.services.contests import Board
from core.texts import challenges as words

TOP = 10
MAX_BUTTONS = 5


def shown(name: str) -> str:
    """A member's name on a board: isolated (right-to-left names cannot reorder the line) and
    never a mention (a word joiner after '@' keeps Telegram from linking or notifying)."""
    return isolate((name or texts.SOMEONE).replace("@", "@\u2060")[:64])


def _require_admin(turn: Turn) -> None:
    if not turn.message.is_admin:
        raise NotAllowed(words.ADMIN_ONLY)


def _join_button(contest: Contest) -> Button:
    return Button(words.BUTTON_JOIN.format(name=contest.name[:24]), f"join:{contest.id}")


def _rules(contest: Contest) -> str:
    return words.RULES[contest.format].format(
        cap=contest.cap, min_minutes=contest.min_minutes, min_days=contest.min_days,
        days=contest.days, target=contest.target)


def _last_day(contest: Contest) -> date:
    return contest.start_day + timedelta(days=contest.days - 1)


def newchallenge(turn: Turn, args: str) -> Reply:
    """/newchallenge: an admin starts a group challenge."""
    chat = turn.chat()
    _require_admin(turn)
    plan = rules.parse_new(args, contests.today_in(chat, turn.now))
    contest = contests.create(turn.uow, turn.who, chat, plan, turn.now)
    when = "" if plan.start == contests.today_in(chat, turn.now) else words.CREATED_WHEN.format(
        start=calendar_label(plan.start), time=chat.challenge_time)
    return Reply(words.CREATED.format(
        number=contest.id, name=contest.name, format=words.FORMAT_NAMES[contest.format],
        start=calendar_label(plan.start), end=calendar_label(plan.last_day),
        rules=_rules(contest), when=when), buttons=(_join_button(contest),), public=True)


def endchallenge(turn: Turn, args: str) -> Reply:
    """/endchallenge <name|number>: an admin ends a running challenge now; results follow."""
    chat = turn.chat()
    _require_admin(turn)
    if not args.strip():
        raise NothingToDo(words.WHICH_TO_END)
    contest = contests.find(turn.uow, chat, args, open_only=True)
    contests.end_now(contest, chat, turn.now)
    return Reply(words.ENDED.format(name=contest.name), public=True)


def cancelchallenge(turn: Turn, args: str) -> Reply:
    """/cancelchallenge <name|number>: an admin removes a challenge; no results."""
    chat = turn.chat()
    _require_admin(turn)
    if not args.strip():
        raise NothingToDo(words.WHICH_TO_END.replace("/endchallenge", "/cancelchallenge"))
    contest = contests.find(turn.uow, chat, args)
    contests.cancel(turn.uow, contest)
    return Reply(words.CANCELLED.format(name=contest.name), public=True)


def _state(contest: Contest, today: date) -> str:
    if contest.status != "open" or today > _last_day(contest):
        return words.LIST_ENDED
    if today < contest.start_day:
        return words.LIST_UPCOMING.format(start=calendar_label(contest.start_day))
    return words.LIST_RUNNING


def list_challenges(turn: Turn, args: str) -> Reply:
    """/challenges: the group's challenges with their numbers."""
    chat = turn.chat()
    title = chat.title or texts.THIS_GROUP
    found = turn.uow.contests.in_chat(chat.key)[-TOP:]
    if not found:
        return Reply(words.LIST_EMPTY.format(chat=title), public=True)
    counts = turn.uow.contests.counts([c.key for c in found])
    today = contests.today_in(chat, turn.now)
    rows = [words.LIST_ROW.format(
        number=c.id, name=c.name, format=words.FORMAT_NAMES[c.format],
        start=calendar_label(c.start_day), end=calendar_label(_last_day(c)),
        state=_state(c, today), count=counts.get(c.key, 0)) for c in found]
    return Reply("\n".join([words.LIST_HEADER.format(chat=title), *rows, words.LIST_FOOTER]),
                 public=True)


def join(turn: Turn, args: str) -> Reply:
    """/join [challenge]: the one challenge open here, the one named, or a choice of buttons;
    with none open, the group's weekly board. Joining a challenge puts you on the weekly board
    too."""
    chat = turn.chat()
    if args.strip():
        return _join(turn, chat, contests.find(turn.uow, chat, args, open_only=True))
    open_ones = contests.open_in(turn.uow, chat)
    if not open_ones:
        return groups.join(turn, "")
    if len(open_ones) == 1:
        return _join(turn, chat, open_ones[0])
    buttons = tuple(Button(_join_button(c).label, f"join:{c.id}", row=n)
                    for n, c in enumerate(open_ones[:MAX_BUTTONS]))
    return Reply(words.PICK_ONE, buttons=buttons, personal=False)


def press_join(turn: Turn, contest_id: int) -> Reply:
    """The Join button under a challenge's announcement."""
    chat = turn.chat()
    contest = turn.uow.contests.get(contest_id)
    if contest is None or contest.chat_id != chat.key:
        raise NothingToDo(words.NOT_FOUND.format(text=f"#{contest_id}"))
    return _join(turn, chat, contest)


def _join(turn: Turn, chat: Chat, contest: Contest) -> Reply:
    new = contests.join(turn.uow, turn.who, contest, turn.now)
    challenges.join(turn.uow, turn.who, chat, turn.now)
    template = words.JOINED if new else words.ALREADY_IN
    return Reply(template.format(name=shown(turn.who.name), challenge=contest.name,
                                 number=contest.id), public=True)


def leave(turn: Turn, args: str) -> Reply:
    """/leave [challenge]: one challenge, or (without a name) every challenge of this group and
    its weekly board."""
    chat = turn.chat()
    if args.strip():
        contest = contests.find(turn.uow, chat, args)
        contests.leave(turn.uow, turn.who, contest)
        return Reply(words.LEFT.format(name=shown(turn.who.name), challenge=contest.name),
                     public=True)
    left = contests.leave_all(turn.uow, turn.who, chat)
    if not left:
        return groups.leave(turn, "")
    if turn.uow.chats.member(chat.key, turn.who.id) is not None:
        challenges.leave(turn.uow, turn.who, chat)
    return Reply(words.LEFT_ALL.format(name=shown(turn.who.name)), public=True)


def leaderboard(turn: Turn, args: str) -> Reply:
    """/leaderboard [challenge|week|last]: a challenge's board, this week's or last week's."""
    chat = turn.chat()
    typed = args.strip().lower()
    if typed in ("week", "weekly", "this week", "season"):
        return groups.leaderboard(turn, "")
    if typed in ("last", "last week"):
        return season_board(turn.uow, chat, turn.now, weeks_back=1, caller=turn.who.id)
    if typed:
        contest = contests.find(turn.uow, chat, args)
    else:
        open_ones = contests.open_in(turn.uow, chat)
        if not open_ones:
            return groups.leaderboard(turn, "")
        if len(open_ones) > 1:
            return Reply("\n".join([words.PICK_BOARD, *(
                f"#{c.id} {isolate(c.name)}" for c in open_ones)]), public=True)
        contest = open_ones[0]
    result = contests.board(turn.uow, contest, chat, turn.now, caller=turn.who.id)
    return Reply(render_board(result), public=True)


def _row(kind: str, entry: Ranked, needed: int) -> str:
    s = entry.score
    if kind == CAPPED:
        return words.BOARD_CAPPED_ROW.format(rank=entry.rank, name=shown(s.name), points=s.points)
    if kind == GOAL:
        mark = words.SUCCEEDED_MARK if s.goal_days >= needed else ""
        return words.BOARD_GOAL_ROW.format(rank=entry.rank, name=shown(s.name),
                                           done=min(s.goal_days, needed), needed=needed,
                                           mark=mark)
    return words.BOARD_TEAM_ROW.format(rank=entry.rank, name=shown(s.name), minutes=s.minutes)


def _value(kind: str, entry: Ranked, needed: int) -> str:
    s = entry.score
    if kind == CAPPED:
        return words.BOARD_YOU_CAPPED.format(points=s.points)
    if kind == GOAL:
        return words.BOARD_YOU_GOAL.format(done=min(s.goal_days, needed), needed=needed)
    return words.BOARD_YOU_TEAM.format(minutes=s.minutes)


def _header(result: Board) -> str:
    contest, today = result.contest, result.today
    if contest.status != "open" or today > _last_day(contest):
        state = words.STATE_ENDED
    elif today < contest.start_day:
        state = words.STATE_UPCOMING.format(start=calendar_label(contest.start_day))
    else:
        state = words.STATE_DAY.format(day=(today - contest.start_day).days + 1,
                                       days=contest.days)
    return words.BOARD_HEADER.format(
        number=contest.id, name=contest.name, format=words.FORMAT_NAMES[contest.format],
        start=calendar_label(contest.start_day), end=calendar_label(_last_day(contest)),
        state=state)


def render_board(result: Board, *, header: bool = True) -> str:
    """The top ten (ties share a place), the team's total against its target, and the caller's
    own place when it is further down."""
    contest, ranked = result.contest, result.ranked
    kind, needed = contest.format, contest.min_days or 0
    lines = [_header(result)] if header else []
    if kind == TEAM:
        target = contest.target or 1
        lines.append(words.BOARD_TEAM_TOTAL.format(
            total=result.total, target=target,
            percent=min(999, round(100 * result.total / target))))
    if not ranked:
        lines.append(words.BOARD_EMPTY.format(number=contest.id))
        return "\n".join(lines)
    lines += [_row(kind, entry, needed) for entry in ranked]
    if result.count > len(ranked):
        lines.append(words.BOARD_MORE.format(count=result.count - len(ranked)))
    mine = result.mine
    if mine is not None and all(r.score.person_id != mine.score.person_id for r in ranked):
        lines.append(words.BOARD_YOU.format(rank=mine.rank, count=result.count,
                                            value=_value(kind, mine, needed)))
    return "\n".join(lines)


def season_board(uow: UnitOfWork, chat: Chat, now: datetime, *, weeks_back: int,
                 caller: int | None = None) -> Reply:
    """A finished week's board of the group (the weekly season), from the walks as they are:
    someone who used /forget is on no board."""
    this_week = local.week_start(local.local_day(now, chat.timezone))
    return week_board(uow, chat, this_week - timedelta(days=7 * weeks_back), caller=caller)


def week_board(uow: UnitOfWork, chat: Chat, start: date, *, intro: str = "",
               caller: int | None = None) -> Reply:
    """The board of the week from Monday `start`: capped points, ties sharing a place."""
    title = chat.title or texts.THIS_GROUP
    end = start + timedelta(days=6)
    board = weekly.board(uow, chat.key, start, caller=caller)
    if not board.anyone_walked:
        return Reply(words.SEASON_LAST_EMPTY.format(chat=title, start=calendar_label(start),
                                                    end=calendar_label(end)), public=True)
    rows = groups.week_rows(board)
    text = "\n".join([words.SEASON_LAST_HEADER.format(
        chat=title, start=calendar_label(start), end=calendar_label(end),
        cap=DAILY_CAP_MINUTES), *rows])
    return Reply(intro.format(chat=title, start=calendar_label(start), end=calendar_label(end),
                              board=text) if intro else text, public=True)


# --- the posts the scheduler makes -------------------------------------------------------------
def post(uow: UnitOfWork, kind: str, chat_id: int, occurrence: str,
         now: datetime) -> tuple[Reply, str | None]:
    """The words of a challenge post or a weekly board, as of now, and the platform's id of an
    earlier message to edit in place (the start post, for the mid-way update)."""
    chat = uow.chats.get(chat_id)
    assert chat is not None
    if kind == SEASON:
        return week_board(uow, chat, date.fromisoformat(occurrence),
                          intro=words.POST_SEASON), None
    contest = uow.contests.get(int(occurrence))
    assert contest is not None  # a cancelled challenge's posts are skipped when claimed
    title = chat.title or texts.THIS_GROUP
    if kind == CONTEST_START:
        text = words.POST_START.format(
            name=contest.name, chat=title, format=words.FORMAT_NAMES[contest.format],
            days=contest.days, end=calendar_label(_last_day(contest)), rules=_rules(contest),
            number=contest.id)
        return Reply(text, buttons=(_join_button(contest),), public=True), None
    result = contests.board(uow, contest, chat, now)
    board = render_board(result, header=False)
    if kind == CONTEST_END:
        return Reply(words.POST_END.format(name=contest.name, result=_result(uow, result),
                                           board=board), public=True), None
    if kind == CONTEST_MID:
        day = min(contest.days, (result.today - contest.start_day).days + 1)
        text = words.POST_MID.format(name=contest.name, day=day, days=contest.days, board=board)
        return Reply(text, buttons=(_join_button(contest),), public=True,
                     quiet=True), contest.start_message
    raise AssertionError(f"no words for {kind}")


def _result(uow: UnitOfWork, result: Board) -> str:
    contest, ranked = result.contest, result.ranked
    if contest.format == TEAM:
        total, target = result.total, contest.target or 1
        if total >= target:
            return words.RESULT_TEAM_DONE.format(total=total, target=target)
        return words.RESULT_TEAM_SHORT.format(total=total, target=target,
                                              percent=round(100 * total / target))
    if contest.format == GOAL:
        reached, count = contests.reached(uow, contest)
        names = ", ".join(shown(name) for name in reached)
        if count > len(reached):
            names += " " + words.BOARD_MORE.format(count=count - len(reached))
        return words.RESULT_GOAL.format(names=names) if reached else words.RESULT_GOAL_NONE
    won = rules.winners(contest.format, ranked)
    names = ", ".join(shown(s.name) for s in won)
    if not won:
        return words.RESULT_NOBODY
    template = words.RESULT_CAPPED_TIE if len(won) > 1 else words.RESULT_CAPPED
    return template.format(winners=names, points=won[0].points)
