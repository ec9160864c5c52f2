"""Safety tips (COACHING.md) and which one fits a walk, never the same one twice in a row."""

from __future__ import annotations

from dataclasses import dataclass

from core import texts

GENERAL_ORDER = (
    "clear_path", "shoulder", "buddy", "treadmill", "toe_heel", "steady_speed", "stop", "hallway",
)
FIRST_DAYS = 3


@dataclass(frozen=True)
class WalkContext:
    """What the coach knows about the walk just logged."""

    place: str | None
    walking_days: int
    supported: bool
    pain: int | None = None
    pain_rose: bool = False


def candidates(context: WalkContext) -> list[str]:
    """Tips that fit this walk, most fitting first."""
    keys: list[str] = []
    if context.pain_rose or (context.pain is not None and context.pain >= texts.PAIN_STOP_LEVEL):
        keys.append("pain")
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


def choose_tip(context: WalkContext, last: str | None) -> str:
    """The most fitting tip that differs from the one shown last; pain advice always wins."""
    keys = candidates(context)
    if keys[0] == "pain":
        return "pain"
    return next(k for k in keys if k != last)


def next_general_tip(last: str | None) -> str:
    """The next tip in the rotation used by /tip."""
    if last not in GENERAL_ORDER:
        return GENERAL_ORDER[0]
    return GENERAL_ORDER[(GENERAL_ORDER.index(last) + 1) % len(GENERAL_ORDER)]
