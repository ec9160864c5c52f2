"""What /setup says: the group admins' settings panel for the daily challenge post."""

from __future__ import annotations

# /help's line for /setup: (arguments, what it does, example).
COMMAND_HELP: dict[str, tuple[str, str, str]] = {
    "setup": ("", "Admins: the daily challenge post's settings, with buttons", "/setup"),
}

PANEL = (
    "Daily challenge settings for {chat}\n"
    "Daily post: {state}\n"
    "Time: {time} ({zone})\n"
    "Posted in: {where}\n"
    "Goal: {goal} min a day"
)
PANEL_HINT = (
    "Press a button, or type /challenge_time 07:30 for another time, "
    "/challenge_timezone Europe/Berlin for another zone, /challenge_goal 15 for the goal."
)
STATE_ON = "on"
STATE_OFF = "off (no daily post)"
WHERE_MAIN = "the group's main chat"
WHERE_HERE = "here, where /setup was used"
WHERE_OTHER = "another channel or topic (press Post here to move it here)"
DONE_ON = "Done: the daily post is on."
DONE_OFF = "Done: no more daily posts until an admin turns them on again."
DONE_TIME = "Done: the daily post now comes at {time} ({zone})."
DONE_ZONE = "Done: the group's time zone is now {zone}; the post comes at {time} there."
DONE_HERE = "Done: the daily post will come here."

BUTTON_ON = "Turn daily post on"
BUTTON_OFF = "Turn daily post off"
BUTTON_HERE = "Post here"
CURRENT_MARK = "\u2713 {label}"

ADMINS_ONLY = (
    "Only this group's admins can change its challenge settings. Today's challenge is at "
    "/challenge."
)

# --- the terminal chat playing a group (retrowalk chat --group NAME [--admin]) ----------------
CONSOLE_GROUP_HINT = (
    "This terminal is the group {group}, and you are {user}{role}. Friends can take turns: "
    'start a line with "as bob:" to speak as bob once ("as bob: /join"), or type "as bob" '
    "alone to switch. "
    "Try /challenge, /join, /log 15 min, /leaderboard{admin_hint}."
)
CONSOLE_ROLE_ADMIN = ", one of its admins"
CONSOLE_ADMIN_HINT = " and, as its admin, /setup"
CONSOLE_NOW_AS = "Now speaking as {name}{role}."
CONSOLE_AS_USAGE = 'Say who, in one word: "as bob"'
# Above a reply holding the speaker's own data: Telegram sends it to their private chat and
# Discord shows it to them alone; the group never sees it.
CONSOLE_ONLY_TO = "[to {name} only, never shown to the group]"

CONSOLE_POSTED = "Posted in {group}:"
CONSOLE_FOR = "For {name}:"
