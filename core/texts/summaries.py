"""What the coach says about the weekly summary: the Monday message, its chart, /summary.

Health statements come from shared/design/COACHING.md: habits take weeks to months and a missed
stretch does not undo them; after missed days, step back a little and build up again.
"""

from __future__ import annotations

# --- /summary ---------------------------------------------------------------------------------
COMMAND_HELP: dict[str, tuple[str, str, str]] = {
    "summary": ("<on|off>", "A weekly summary with your chart, Monday at your reminder time",
                "/summary off"),
}
OPTION_HELP: dict[str, dict[str, str]] = {
    "summary": {"state": "on or off; leave empty to see the setting"},
}
SUMMARY_ON = (
    "Weekly summaries are on: last week in figures, with your chart, each Monday at {time} "
    "({zone}). /summary off stops them."
)
SUMMARY_ON_NO_REMINDER = (
    "Weekly summaries are on. They come with your daily reminder, which is off: set one with "
    "/remind 07:30 and the first summary comes on Monday at that time."
)
SUMMARY_OFF = (
    "Done: no more weekly summaries. Your daily reminder stays as it is; /summary on brings "
    "them back."
)
SUMMARY_SHOW = "Weekly summaries: {state}. Change with /summary on or /summary off"
SUMMARY_INVALID = "\"{text}\" isn't on or off. For example: /summary off"
BUTTON_NO_SUMMARIES = "No weekly summaries"

# --- the Monday message -----------------------------------------------------------------------
WEEKLY_TITLE = "Your week, {start} to {end}"
WEEKLY_FIGURES = "{minutes} minutes of backward walking in {walks}, on {days} of 7 days."
WEEKLY_PLAN_MET = "The plan's week was {days} days of {minutes} min, and you did it. Well done!"
WEEKLY_PLAN_PART = (
    "The plan's week was {days} days of {minutes} min; you did {done}. Every one of them counts."
)
WEEKLY_GOAL_MET = "That meets your weekly goal of {goal} minutes. Well done!"
WEEKLY_GOAL_PART = (
    "That's {percent}% of your weekly goal of {goal} minutes. Every minute counts."
)
WEEKLY_AHEAD = "A new week starts today."
WEEKLY_WELCOME_BACK = (
    "No walks last week, and that's all right: a missed stretch doesn't undo a habit. Welcome "
    "back whenever you're ready; after a break, start a little below where you left off and "
    "build up again. A few minutes somewhere clear is a fine way in."
)
WEEKLY_FIRST = (
    "Your first backward walk is still ahead: 5 minutes somewhere clear and flat, with a wall "
    "or rail within reach, is a fine start. Send /log 5 min hallway when you've done it."
)
CHART_LAST_WEEK = "last week"
CHART_LAST_PLAN = "Last week's plan ({days} × {minutes} min)"
