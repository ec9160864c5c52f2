"""What the coach says about group challenges: /newchallenge, joining, boards and the posts the
scheduler makes. Placeholders in braces are filled in by the conversation."""

from __future__ import annotations

FORMAT_NAMES = {"capped": "capped minutes", "goal": "goal days", "team": "team total"}

# --- /newchallenge, and what is wrong with it ----------------------------------------------------
NEW_EXAMPLES = (
    '/newchallenge capped "Spring steps" 14 days from 2026-12-07 cap 30\n'
    "/newchallenge goal 10 min on 5 days over 7 days\n"
    "/newchallenge team 1000 min 14 days"
)
NEW_USAGE = ("Start a group challenge in one line: a format (capped, goal or team), how long "
             "(3 to 30 days), and optionally a name and a start day. For example:\n"
             + NEW_EXAMPLES)
NEW_FORMAT = ("Which kind of challenge? Start with capped, goal or team. For example:\n"
              + NEW_EXAMPLES)
NEW_LENGTH = ("How many days should it last? 3 to 30, for example: /newchallenge team 1000 min "
              "14 days")
NEW_LENGTH_RANGE = "A challenge lasts 3 to 30 days, not {days}. For example: 14 days"
NEW_START_PAST = ("A challenge starts today or later, not on {day}. For example: from today, "
                  "from tomorrow, from monday or from 2026-12-07")
NEW_START_FAR = "Start within the next 90 days, please. For example: from 2026-12-07"
NEW_START_UNKNOWN = ("I can't read \u2068{text}\u2069 as a start day. Try: from today, from "
                     "tomorrow, from monday or from 2026-12-07")
NEW_CAP_RANGE = "The daily cap is 5 to 300 minutes, not {minutes}. For example: cap 30"
NEW_GOAL_NEEDS = ("A goal-days challenge needs minutes and days, for example: /newchallenge "
                  "goal 10 min on 5 days over 7 days")
NEW_GOAL_MINUTES = "Minutes a day go from 1 to 300, not {minutes}. For example: 10 min on 5 days"
NEW_GOAL_DAYS = ("The goal needs 1 to {days} days (the challenge's length), not {wanted}. For "
                 "example: 10 min on 5 days over 7 days")
NEW_TEAM_NEEDS = ("A team challenge needs a shared target in minutes, for example: "
                  "/newchallenge team 1000 min 14 days")
NEW_TEAM_RANGE = "The team target is 10 to 1,000,000 minutes, not {minutes}. For example: 1000 min"
NEW_NAME_LONG = "Please keep the name to 40 characters. For example: \"Spring steps\""
NEW_NAME_NUMBER = "A name needs a letter, so it can't be mistaken for a number: \"Week 2 walk\""
NEW_NAME_TAKEN = ("This group already has a challenge called \u2068{name}\u2069. Pick another "
                  "name, in quotes: \"Spring steps 2\"")
NEW_TOO_MANY = "This group already runs {count} challenges, the most at once. End one first."
NEW_UNREAD = ("I couldn't read \u2068{text}\u2069. Put a name in quotes, for example:\n"
              + NEW_EXAMPLES)
ADMIN_ONLY = "Only group admins can start, end or cancel challenges."

DEFAULT_NAME = {"capped": "Capped minutes from {day}", "goal": "Goal days from {day}",
                "team": "Team total from {day}"}

RULES = {
    "capped": "Most minutes wins; at most {cap} minutes a day count.",
    "goal": "Walk at least {min_minutes} minutes on at least {min_days} of the {days} days, and "
            "you've made it.",
    "team": "Together we walk {target} minutes.",
}
CREATED = ("Challenge #{number} \u2068{name}\u2069 ({format}) is set: {start} to {end}.\n{rules}\n"
           "Join with /join or the button. The start is announced here{when}.")
CREATED_WHEN = " on {start} at {time}"

# --- finding a challenge ------------------------------------------------------------------------
NOT_FOUND = ("No challenge here matches \u2068{text}\u2069. See /challenges for the names and "
             "numbers.")
PICK_ONE = "Which challenge? Pick one below, or type its name or number: /join 3"
PICK_BOARD = "Which board? Type its name or number: /leaderboard 3, or /leaderboard week"

LIST_HEADER = "Challenges in {chat}:"
LIST_ROW = "#{number} \u2068{name}\u2069 ({format}), {start} to {end}, {state}, {count} in"
LIST_UPCOMING = "starts {start}"
LIST_RUNNING = "running"
LIST_ENDED = "ended"
LIST_EMPTY = "No challenges yet in {chat}. Admins start one with /newchallenge."
LIST_FOOTER = "Join with /join <name or number>; the weekly board is /leaderboard week."

# --- joining and leaving ------------------------------------------------------------------------
JOINED = ("{name} joined \u2068{challenge}\u2069. Walks you log from now on, here or in a private "
          "chat, count on its days.")
ALREADY_IN = "{name}, you're already in \u2068{challenge}\u2069. See /leaderboard {number}"
ENDED_ALREADY = "\u2068{challenge}\u2069 has ended; see /leaderboard {number} for its results."
LEFT = "{name} left \u2068{challenge}\u2069. Walks you logged stay yours."
LEFT_ALL = "{name} left this group's challenges and weekly board. Walks you logged stay yours."
NOT_IN = "You're not in \u2068{challenge}\u2069. Join with /join {number}"
BUTTON_JOIN = "Join \u2068{name}\u2069"

# --- boards ---------------------------------------------------------------------------------
BOARD_HEADER = "#{number} \u2068{name}\u2069 ({format}), {start} to {end}{state}"
STATE_UPCOMING = ", starts {start}"
STATE_DAY = ", day {day} of {days}"
STATE_ENDED = ", final"
BOARD_CAPPED_ROW = "{rank}. {name}: {points} min"
BOARD_GOAL_ROW = "{rank}. {name}: {done}/{needed} days{mark}"
BOARD_TEAM_ROW = "{rank}. {name}: {minutes} min"
BOARD_TEAM_TOTAL = "Together: {total} of {target} min ({percent}%)."
BOARD_YOU = "You: {rank}. of {count}, {value}"
BOARD_YOU_CAPPED = "{points} min"
BOARD_YOU_GOAL = "{done}/{needed} days"
BOARD_YOU_TEAM = "{minutes} min"
BOARD_MORE = "... and {count} more"
BOARD_EMPTY = "No one has joined yet. /join {number} to be the first."
SUCCEEDED_MARK = " \u2713"

SEASON_LAST_HEADER = ("{chat}: the board of {start} to {end} (points = minutes, at most {cap} "
                      "a day)")
SEASON_LAST_EMPTY = "No one on {chat}'s board walked from {start} to {end}."

# --- posts the scheduler makes ---------------------------------------------------------------
POST_START = ("\U0001F3C1 Challenge \u2068{name}\u2069 starts today in {chat}: {format}, {days} "
              "days, to {end}.\n{rules}\nPress Join (or /join {number}); walks you log after "
              "joining count, in a private chat too.")
POST_MID = "Halfway through \u2068{name}\u2069 (day {day} of {days}):\n{board}"
POST_END = "\U0001F3C6 \u2068{name}\u2069 is over. {result}\n{board}"
RESULT_CAPPED = "Winner: {winners}, with {points} min."
RESULT_CAPPED_TIE = "Shared win: {winners}, with {points} min each."
RESULT_NOBODY = "No one logged a walk for it this time."
RESULT_GOAL = "Made it: {names}. Well walked!"
RESULT_GOAL_NONE = "No one reached the goal this time; every walk still counted for you."
RESULT_TEAM_DONE = "Target reached: {total} of {target} min together!"
RESULT_TEAM_SHORT = "Together: {total} of {target} min ({percent}%). Good going all the same."
POST_SEASON = ("\U0001F4C5 {chat}: the week of {start} to {end} is done.\n{board}\n"
               "A new week starts now.")

# --- ending ---------------------------------------------------------------------------------
ENDED = "\u2068{name}\u2069 ends now; the results follow here shortly."
CANCELLED = "\u2068{name}\u2069 is cancelled; no results will be posted."
END_NOT_RUNNING = ("\u2068{name}\u2069 hasn't started yet, so there's nothing to end. "
                   "/cancelchallenge {number} removes it.")
WHICH_TO_END = "Which challenge? Give its name or number: /endchallenge 3 (see /challenges)."

# --- the command table ------------------------------------------------------------------------
# Merged over core.texts.COMMAND_HELP by core.command_table: usage, summary, example.
COMMAND_HELP: dict[str, tuple[str, str, str]] = {
    "join": ("[challenge]", "Join a group challenge (or the weekly board)", "/join"),
    "leave": ("[challenge]", "Leave one challenge, or all of this group's", "/leave"),
    "leaderboard": ("[challenge|week|last]", "A challenge's board, or this or last week's",
                    "/leaderboard"),
    "challenges": ("", "This group's challenges, with their numbers", "/challenges"),
    "newchallenge": ("<capped|goal|team> ...", "Admins: start a group challenge",
                     "/newchallenge team 1000 min 14 days"),
    "endchallenge": ("<challenge>", "Admins: end a challenge now, with results",
                     "/endchallenge 1"),
    "cancelchallenge": ("<challenge>", "Admins: cancel a challenge, no results",
                        "/cancelchallenge 1"),
}
OPTION_HELP: dict[str, dict[str, str]] = {
    "join": {"challenge": "Its name or number; empty: the one running here"},
    "leave": {"challenge": "Its name or number; empty: all of this group's"},
    "leaderboard": {"challenge": "Its name or number, week, or last (last week)"},
    "newchallenge": {
        "format": "capped: most minutes, capped a day; goal: N min on M days; team: one target",
        "days": "How many days, 3 to 30",
        "name": "A name, up to 40 characters",
        "start": "today, tomorrow, a weekday or 2026-12-07",
        "minutes": "capped: the daily cap (30); goal: minutes a day; team: the target",
        "goal_days": "goal: on how many days",
    },
    "endchallenge": {"challenge": "Its name or number"},
    "cancelchallenge": {"challenge": "Its name or number"},
}
