"""/log and /undo: read the walk, record it, and say what was recorded."""

from __future__ import annotations

from core import texts
from core.conversation.shared import day_label, isolate, streak_line, target_line
from core.conversation.turn import Turn
from core.domain.parsing import WalkEntry, parse_log
from core.replies import Button, Reply
from core.services import walks


def log(turn: Turn, args: str) -> Reply:
    """/log <duration> [place] [when] [notes]."""
    return record(turn, parse_log(args, turn.who.today))


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
    result = walks.undo(turn.uow, turn.who, walk_id)
    walk = result.walk
    return Reply(texts.UNDONE.format(minutes=walk.minutes,
                                     day=day_label(walk.day, result.snapshot.today),
                                     streak=streak_line(result.snapshot.view)))
