"""Safety tips (COACHING.md) and which one fits a walk: none repeats within three logs unless
the walk calls for it (the stop-if-dizzy advice after pain)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from core import texts

GENERAL_ORDER = (
    "clear_path", "shoulder", "buddy", "treadmill", "toe_heel", "steady_speed", "stop", "hallway",
)
FIRST_DAYS = 3
RECENT_TIPS = 3  # a tip shown after one of the last three logs is not shown again


@dataclass(frozen=True)
class WalkContext:
    """What the coach knows about the walk just logged."""

    place: str | None
    walking_days: int
    supported: bool
    pain: int | None = None
    pain_rose: bool = False


def pain_calls_for_care(context: WalkContext) -> bool:
    """Pain that rose since the last rated walk, or sharp pain (7/10 or more)."""
    return context.pain_rose or (
        context.pain is not None and context.pain >= texts.PAIN_STOP_LEVEL)


def candidates(context: WalkContext) -> list[str]:
    """Tips that fit this walk, most fitting first (the pain advice itself is its own line of
    the reply, not a tip)."""
    keys: list[str] = []
    if pain_calls_for_care(context):
        keys.append("stop")
    if context.place == "treadmill":
        keys.append("treadmill")
    if context.supported:
        keys.append("support")
    if context.walking_days <= FIRST_DAYS:
        keys.append("buddy")
    if context.place in ("park", "track", "other"):
        keys += ["shoulder", "clear_path"]
    if context.place == "hallway":
        keys.append("hallway")
    keys += ["toe_heel", "steady_speed", "stop"]
    return list(dict.fromkeys(keys))


def choose_tip(context: WalkContext, recent: Sequence[str]) -> str:
    """The most fitting tip not shown in the last three logs (`recent`, newest first); after
    painful walks the stop-if-dizzy advice comes again whatever was shown before."""
    if pain_calls_for_care(context):
        return "stop"
    shown = set(recent[:RECENT_TIPS])
    fresh = [k for k in candidates(context) if k not in shown]
    if fresh:
        return fresh[0]
    return next(k for k in GENERAL_ORDER if k not in shown)


def remember_tip(recent: Sequence[str], tip: str) -> list[str]:
    """The recent tips after showing `tip`, newest first."""
    return [tip, *recent][:RECENT_TIPS]


def next_general_tip(last: str | None) -> str:
    """The next tip in the rotation used by /tip."""
    if last not in GENERAL_ORDER:
        return GENERAL_ORDER[0]
    return GENERAL_ORDER[(GENERAL_ORDER.index(last) + 1) % len(GENERAL_ORDER)]
