"""/log and /undo: read the walk, record it, and say what was recorded."""

from __future__ import annotations

import json
from datetime import date, timedelta

from core import texts
from core.conversation.shared import day_label, isolate, streak_line, target_line
from core.conversation.turn import Turn
from core.domain.parsing import (
    WalkEntry,
    check_day,
    check_minutes,
    check_note,
    check_pain,
    check_steps,
    parse_place,
)
from core.domain.understanding import Ask, Walk, understand
from core.errors import BadInput, NothingToDo
from core.replies import Button, Reply
from core.services import people, walks


def log(turn: Turn, args: str) -> Reply:
    """/log <duration> [place] [when] [notes]."""
    meaning = understand(args, turn.who.today, command=True)
    if isinstance(meaning, Walk):
        return record(turn, meaning.entry)
    if isinstance(meaning, Ask):
        return ask(turn, meaning)
    raise BadInput(texts.LOG_EMPTY)  # /log names a walk, so it is never mere chat


def record(turn: Turn, entry: WalkEntry) -> Reply:
    """Record a walk however it was described: what was recorded, streak, week, one tip, and
    an Undo button."""
    result = walks.log_walk(turn.uow, turn.who, turn.now, entry)
    snap, walk = result.snapshot, result.walk
    place = texts.LOGGED_PLACES.get(walk.place or "", "")
    extras = ""
    if walk.steps:
        extras += texts.LOGGED_STEPS.format(steps=f"{walk.steps:,}")
    if walk.pain is not None:
        extras += texts.LOGGED_PAIN.format(pain=walk.pain)
    if walk.note:
        extras += texts.LOGGED_NOTE.format(note=isolate(walk.note))
    lines = [texts.LOG_RESUMED] if result.resumed else []
    lines.append(texts.LOGGED.format(minutes=walk.minutes, place=place,
                                     day=day_label(walk.day, snap.today), extras=extras))
    if result.pain_warning:
        lines.append(texts.PAIN_WARNING)  # on its own line; the pain itself is in the first
    if result.above_plan is not None:
        caution = texts.ABOVE_PLAN.format(minutes=result.above_plan.minutes)
        if turn.who.person.supported or result.above_plan.supported:
            caution += texts.ABOVE_PLAN_SUPPORTED
        lines.append(caution)
    lines += [streak_line(snap.view), target_line(result.target)]
    if result.tip:
        lines.append(texts.TIP_LINE.format(tip=texts.TIPS[result.tip]))
    return Reply("\n".join(lines), buttons=(Button(texts.BUTTON_UNDO, f"undo:{walk.id}"),))


def undo(turn: Turn, args: str) -> Reply:
    """/undo: removes the latest walk."""
    return undo_walk(turn, None)


def undo_walk(turn: Turn, walk_id: int | None) -> Reply:
    """Remove a walk: the latest one, or the one under the Undo button pressed (if it is the
    sender's)."""
    result = walks.undo(turn.uow, turn.who, turn.now, walk_id)
    walk = result.walk
    return Reply(texts.UNDONE.format(minutes=walk.minutes,
                                     day=day_label(walk.day, result.snapshot.today),
                                     streak=streak_line(result.snapshot.view)))


# --- asking about an unclear walk: nothing is recorded until Yes -----------------------------
def ask(turn: Turn, question: Ask) -> Reply:
    """Say what is unclear and, with a guess, ask "Log 20 min today?" under Yes and No. The
    guess waits as the person's open question (place, steps, pain and note with it)."""
    lines = [texts.ASK_REASONS[question.reason].format(example=question.example)]
    guess = question.guess
    if guess is None:
        return Reply("\n".join([*lines, texts.ASK_EXAMPLE]))
    today = turn.who.today
    day = day_label(guess.day, today)
    if guess.day < today - timedelta(days=1):
        day = texts.ASK_ON_DAY.format(day=day)
    yes = f"log:{guess.minutes}:{guess.day:%Y%m%d}"
    rest = {"place": guess.place, "steps": guess.steps, "pain": guess.pain, "note": guess.note}
    people.ask(turn.who, f"{yes}\n{json.dumps(rest)}", turn.now)
    lines.append(texts.ASK_LOG.format(minutes=guess.minutes, day=day))
    return Reply("\n".join(lines), buttons=(Button(texts.BUTTON_YES, yes),
                                            Button(texts.BUTTON_NO, "log:no")))


def answer_ask(turn: Turn, yes: bool) -> Reply:
    """Yes or No (typed or pressed) to the open "Log 20 min today?": Yes records the guess
    once; anything after that finds the question closed."""
    question = people.pending(turn.who, turn.now)
    if question is None or not question.startswith("log:"):
        raise NothingToDo(texts.ASK_GONE)
    people.settle_question(turn.who)
    if not yes:
        return Reply(texts.ASK_DECLINED, personal=False)
    return record(turn, _guess(question, turn.who.today))


def confirm(turn: Turn, action: str) -> Reply:
    """The Yes button under a guessed walk: it counts only while that very question is open."""
    question = people.pending(turn.who, turn.now)
    if question is None or question.partition("\n")[0] != action:
        raise NothingToDo(texts.ASK_GONE)
    return answer_ask(turn, True)


def _guess(question: str, today: date) -> WalkEntry:
    """The walk a pending question holds, checked again (the day may have left the window)."""
    action, _, stored = question.partition("\n")
    _, minutes, digits = action.split(":")
    try:
        day = date(int(digits[:4]), int(digits[4:6]), int(digits[6:]))
        rest = json.loads(stored) if stored else {}
    except ValueError:
        raise NothingToDo(texts.ASK_GONE) from None
    place, steps, pain = rest.get("place"), rest.get("steps"), rest.get("pain")
    return WalkEntry(
        check_minutes(int(minutes)), check_day(day, today),
        place=parse_place(place) if isinstance(place, str) else None,
        steps=check_steps(steps) if isinstance(steps, int) else None,
        pain=check_pain(pain) if isinstance(pain, int) else None,
        note=check_note(str(rest.get("note") or "")))
