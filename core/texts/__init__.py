"""Every sentence the coach says, in one place, ready for translation.

Health statements here come from shared/design/COACHING.md and nowhere else.
Templates use str.format fields; adapters never add sentences of their own.
"""

from __future__ import annotations

# The article this coach grew from (shared/design/COACHING.md, docs/coaching.md), named wherever
# the coach quotes it.
SOURCE_ARTICLE = "\u201cWhy walking backward could move your health & fitness forward\u201d"

# --- onboarding -------------------------------------------------------------------------------
WELCOME = (
    "Welcome to RetroWalk Coach!\n"
    "Backward walking (\"retro walking\") means walking with your back to the way you go. At "
    "the same speed it takes about 1.4 times the effort of walking forward (Compendium of "
    "Physical Activities), and in a trial with knee osteoarthritis (Alghadir et al. 2019), 10 "
    "supervised minutes 3 days a week for 6 weeks, on top of usual care, eased pain and "
    "disability more than usual care alone.\n"
    "I'm a coach, not a clinician or a medical device, and this is not medical advice.\n\n"
    "Quick safety check: do you have balance problems, dizziness, a recent fall, or are you "
    "recovering from surgery? Answer yes or no."
)
WELCOME_BACK = "Welcome back, {name}! Log a walk with /log 10 min, or see /help."
SCREEN_SUPPORTED = (
    "Thanks for telling me. We'll start in supported mode: walk beside a wall or a rail, or with "
    "a buddy, and please check with a clinician before you begin."
)
SCREEN_STANDARD = "Great. We'll still start gently: a few minutes, somewhere clear and flat."
ASK_TIMEZONE = (
    "So your days count right, what's your time zone? Send it like /timezone Europe/Berlin "
    "(now: {zone}). Then log your first walk, e.g. /log 5 min hallway."
)
SCREEN_ANSWER = "Please answer yes or no: balance problems, dizziness, a recent fall or surgery?"

# --- buttons ----------------------------------------------------------------------------------
BUTTON_YES = "Yes"
BUTTON_NO = "No"
BUTTON_LOG = "{minutes} min"
DIGITS_ONLY_ASCII = "Please write numbers with the digits 0-9, e.g. /log 20 min park"
CONSOLE_NO_BUTTON = "There's no button #{number} under my last message. Type what you mean instead."
BUTTON_UNDO = "Undo"
BUTTON_LATER = "Later"
BUTTON_NO_NUDGES = "No more of these"
BUTTON_FORGET_CONFIRM = "Yes, delete everything"
BUTTON_CANCEL = "Cancel"
BUTTON_JOIN = "Join the challenge"
BUTTON_UNKNOWN = "That button has expired. Send /help to see what I can do."

# --- logging ----------------------------------------------------------------------------------
LOGGED = "Recorded: {minutes} min of backward walking{place}, {day}.{extras}"
LOGGED_PLACES = {"park": " at the park", "track": " on the track",
                 "treadmill": " on the treadmill", "hallway": " in the hallway", "other": ""}
LOGGED_STEPS = " {steps} steps."
LOGGED_PAIN = " Pain {pain}/10."
LOGGED_NOTE = " Note: {note}"
ALREADY_HANDLED = (
    "I've already acted on that message once, and once is enough. Your walks are in /stats."
)
LOG_RESUMED = "Welcome back: your pause has ended."
STREAK_LINE = "Streak: {current} {days}."
STREAK_LINE_OPEN = "Streak: {current} {days}; walk today to keep it going."
STREAK_LINE_START = "No streak running yet: one walk today starts it."
WEEK_LINE = "This week: {minutes} of {goal} min ({percent}%)."
WEEK_DONE = "This week: {minutes} of {goal} min. Weekly goal reached!"
WEEK_PLAN_LINE = "This week's plan: {done} of {days} days of {minutes} min."
WEEK_PLAN_DONE = "This week's plan ({days} days of {minutes} min) is done. Well walked!"
ABOVE_PLAN = (
    "That's well above this week's plan of {minutes} min. Please build up slowly: the plan "
    "grows to 10 minutes by week 6, then about 10% a week."
)
ABOVE_PLAN_SUPPORTED = " Keep a wall, a rail or a buddy within reach."
TIP_LINE = "Tip: {tip}"
PAIN_STOP_LEVEL = 7
PAIN_WARNING = (
    "Pain that rises, or sharp pain, means stop and see a physiotherapist."
)
UNDONE = "Removed your {minutes}-minute walk from {day}. {streak}"
NOTHING_TO_UNDO = "There's no walk to undo yet. Log one with /log 10 min."
UNDO_GONE = "That walk is already gone. Your latest walks are in /stats."
NOT_A_WALK = (
    "I didn't catch a walk there. Tell me like \"walked backwards 20 minutes at the park\", "
    "or see /help."
)

# --- asking about an unclear walk, and chatting -------------------------------------------------
ASK_REASONS = {
    "no_duration": "How long did you walk backwards?",
    "vague_duration": "I need one number for how long you walked.",
    "distance": "I count minutes, not distance.",
    "count": "I count minutes, not laps or rounds.",
    "seconds": "I count whole minutes, not seconds.",
    "fraction": "I count whole minutes.",
    "two_durations": "I found two durations there, and one walk has one.",
    "two_days": "I found two days there, and one walk has one.",
    "two_pains": "I found two pain ratings there, and one walk has one.",
    "numeric_date": "A date like that can be read two ways; write it like {example}.",
    "vague_day": "Which day was it? Say today, yesterday, a weekday or a date like 2026-11-30.",
    "clock_or_duration": "Is that a time of day, or how long you walked?",
    "no_unit": "Is that number minutes?",
    "not_said_backward": "I only count backward walks.",
    "short_weekday": "Did you mean a day of the week?",
    "only_duration": "A backward walk?",
}
ASK_LOG = "Log {minutes} min {day}?"
ASK_ON_DAY = "on {day}"
ASK_EXAMPLE = "Tell me like this: /log 20 min yesterday"
ASK_DECLINED = "OK, nothing logged. Log a walk any time like /log 20 min yesterday."
ASK_GONE = "That question is already answered or has expired. Your walks are in /stats."
CHAT = {
    "greeting": (
        "Hello! Tell me about a backward walk, like \"walked backwards 20 minutes at the "
        "park\", or log it with /log 20 min. /help lists everything."
    ),
    "thanks": "You're welcome! Walk safe, and look over your shoulder.",
    "help": (
        "Log a walk with /log 20 min park yesterday, or just write \"walked backwards 20 "
        "minutes at the park\". /help lists every command with an example."
    ),
    "future": "Sounds like a plan! Once you've walked, tell me, e.g. /log 20 min.",
    "negation": (
        "That's OK: rest days happen, and a freeze can cover a missed day. When you walk, log "
        "it with /log 20 min."
    ),
    "someone_else": (
        "Good for them! I log your own walks: when you walk backwards, tell me like /log 20 min."
    ),
    "habit": "A fine habit! I record walks one at a time: log today's like /log 20 min.",
    "question": (
        "I'm a coach for logging backward walks, so I can't answer everything: /safety has the "
        "checklist and /plan your next step. Log a walk with /log 20 min."
    ),
    "other_activity": (
        "I only count backward walks. When you walk backwards, log it with /log 20 min."
    ),
    "unknown": NOT_A_WALK,
}

# --- bad input --------------------------------------------------------------------------------
LOG_EMPTY = "How long did you walk? Example: /log 20 min park"
DURATION_MISSING = "I couldn't find a duration in \"{text}\". Example: /log 20 min park"
DURATION_UNREADABLE = (
    "\"{text}\" isn't a duration I know. Use minutes or hours, e.g. 20, 20 min, 1h15 or 1:15."
)
DURATION_TOO_SHORT = (
    "{minutes} minutes can't be a walk: use 1 to {limit} minutes. Example: /log 10 min"
)
DURATION_TOO_LONG = (
    "{minutes} minutes is more than one walk can be ({limit} at most). Example: /log 45 min"
)
WHEN_UNREADABLE = (
    "\"{text}\" isn't a day I know. Use today, yesterday, a weekday or a date like 2026-11-20."
)
WHEN_FUTURE = "{day} is in the future. Log today or up to 7 days back, e.g. /log 20 min yesterday"
WHEN_TOO_OLD = (
    "{day} is more than {limit} days ago; I can only backdate a week. "
    "Example: /log 20 min yesterday"
)
PLACE_UNKNOWN = (
    "\"{text}\" isn't a place I know. Choose one of: {places}. Example: /log 20 min park"
)
STEPS_RANGE = "Steps should be between 1 and {limit}. Example: /log 20 min 1500 steps"
PAIN_RANGE = "Pain is a whole number from 0 to 10, not {pain}. Example: /log 20 min pain 2"
NOTE_TOO_LONG = (
    "That note is {length} characters; keep it under {limit}. "
    "Example: /log 20 min park felt steady"
)
MESSAGE_TOO_LONG = (
    "That message is {length:,} characters; I read up to {limit:,}. "
    "Example: /log 20 min park felt steady"
)
TIMEZONE_MISSING = "Which time zone? Example: /timezone Europe/Berlin (your zone now: {zone})"
TIMEZONE_UNKNOWN = (
    "\"{text}\" isn't a time zone I know. Use an Area/City name or UTC, "
    "e.g. /{command} America/New_York"
)
TIMEZONE_DID_YOU_MEAN = (
    "\"{text}\" isn't a time zone I know. Did you mean {zones}? Example: /{command} {example}"
)
OR = " or "
TIMEZONE_SET = (
    "Time zone set to {zone}. It's {time} there now, so a walk logged now counts for {day}."
)
DAY_START_RANGE = (
    "\"{text}\" isn't an hour I can use: your day can start at 0 to {limit}. Example: /daystart 4"
)
DAY_START_SET = "Your day now starts at {hour:02d}:00: walks before then count for the day before."
DAY_HELD = (
    "Walks keep the day they were logged for, and you have one on {day}, so that stays your "
    "today until the clock reaches it."
)
DAY_START_SHOW = "Your day starts at {hour:02d}:00. Change it like /daystart 4"
REMIND_TIME_INVALID = (
    "\"{text}\" isn't a time. Use 24-hour HH:MM, e.g. /remind 07:30, or /remind off"
)
REMIND_SET = (
    "I'll remind you at {time} ({zone}) on days you haven't walked yet, and, while you hold a "
    "streak of 3 days or more, nudge you 3 hours before your day ends."
)
REMIND_OFF = "Reminders are off. Turn them on with /remind 07:30"
REMIND_SHOW = "Reminders: {state}. Change with /remind 07:30 or /remind off"
GOAL_INVALID = (
    "\"{text}\" isn't a weekly goal I can use: give minutes per week from {low} to {high}. "
    "Example: /goal 150"
)
GOAL_SET = "Weekly goal set to {goal} minutes. {week}"
GOAL_SHOW_PLAN = (
    "You're following the beginner plan, so this week's target is {days} days of {minutes} min. "
    "To aim for minutes a week instead, set a goal like /goal 150 (WHO guidance for adults is "
    "150-300 minutes of moderate activity a week)."
)
GOAL_SHOW = (
    "Your weekly goal is {goal} minutes. WHO guidance for adults is 150-300 minutes of moderate "
    "activity a week. Change it like /goal 120"
)
PAUSE_INVALID = "Pause for 1 to {limit} days, e.g. /pause 7, or just /pause until /resume."
PAUSED_FOR = (
    "Paused until {until}. Your streak is safe and reminders rest. /resume when you're back."
)
PAUSED_OPEN = "Paused. Your streak is safe and reminders rest. Send /resume when you're back."
RESUMED = "Welcome back! Your streak picks up from here."
NOT_PAUSED = "You're not paused. To pause, send /pause or /pause 7"
UNKNOWN_COMMAND = "I don't know /{name}. Send /help to see every command with an example."
UNKNOWN_COMMAND_CLOSE = "No command /{name}. Did you mean /{command}? Example: {example}"
EXTRA_ARGUMENTS = "/{name} takes no extra words. Example: /{name}"
STATS_PERIOD_INVALID = "Choose week, month or all, e.g. /stats month"

# --- streak, stats, progress, plan --------------------------------------------------------------
STREAK = (
    "Current streak: {current} {days} (best {best}).\n"
    "Freezes held: {freezes} of {max_freezes}. You earn one for every 7 days in a row; "
    "one is spent for you on a missed day.\n"
    "Habit strength: {strength}%.{used}{today}"
)
STREAK_USED = "\nFreezes used: {days}."
STREAK_TODAY_OPEN = "\nNo walk yet today: one walk keeps the streak going."
STREAK_TODAY_START = "\nNo walk yet today: one walk starts a new streak."
STREAK_TODAY_DONE = "\nToday is done. Well walked!"
STREAK_PAUSED = "\nYou're paused: paused days neither break nor extend the streak."
STATS = (
    "{title}\n"
    "Minutes: {minutes}\n"
    "Walks: {walks}\n"
    "Active days: {active_days}\n"
    "Effort: up to {met_minutes} MET-minutes\n"
    "{goal_line}"
)
STATS_TITLE = {"week": "This week (from {start})", "month": "This month (from {start})",
               "all": "All time (since {start})"}
STATS_EMPTY = {"week": "No walks this week yet. Log one with /log 10 min.",
               "month": "No walks this month yet. Log one with /log 10 min.",
               "all": "No walks yet. Log one with /log 10 min."}
STATS_GOAL_WEEK = "Weekly goal: {minutes} of {goal} min ({percent}%)"
STATS_GOAL_AVERAGE = "Average week: {average} min (goal {goal})"
STATS_PLAN_AVERAGE = "Average week: {average} min (this week's plan: {days} days of {minutes} min)"
STATS_EFFORT_NOTE = (
    "MET-minutes assume 3.5 mph (6.0 METs, Compendium of Physical Activities); "
    "slower walks cost less."
)
PROGRESS_CAPTION = "Your last {weeks} {week_word}: {total} min in all. {line}"
PROGRESS_GOAL = "Goal line: {goal} min a week."
PROGRESS_PLAN = "Plan line: this week's plan, {days} days of {minutes} min ({total} min)."
PROGRESS_EMPTY = "No walks to chart yet. Log one with /log 10 min and come back."
CHART_TITLE = "Backward walking, minutes per week"
CHART_GOAL = "Weekly goal ({goal} min)"
CHART_PLAN = "This week's plan ({days} × {minutes} min)"
CHART_DAYS_TITLE = "Days walked"
CHART_DAYS_LEGEND = "darker = more minutes"
CHART_Y = "minutes"
CHART_THIS_WEEK = "this week"
PLAN = (
    "Beginner plan, level {level}: {stage}\n"
    "This week: {days} days of {minutes} min{support}. Done so far: {done} of {days} days.\n"
    "{next}"
)
PLAN_STAGES = {
    "start": "weeks 1-2, getting started",
    "build": "weeks 3-6, building toward 10 minutes",
    "grow": "growing about 10% a week",
    "beyond": "you've built the base",
}
PLAN_SUPPORT = ", with support (a wall, a rail or a buddy)"
PLAN_NEXT = {
    "start": "Then we build to 10 minutes, 3 days a week.",
    "build": (
        "This builds toward the dose of a knee-osteoarthritis trial: 10 minutes, 3 days a week "
        "for 6 weeks (Alghadir et al. 2019). Studies in people with knee osteoarthritis found "
        "less pain and better function (Lin et al. 2025, a meta-analysis of 13 trials)."
    ),
    "grow": "Add about 10% a week; after that, a gentle incline, then a little speed.",
    "beyond": "Next: a gentle incline (treadmill), then a little more speed.",
}
PLAN_RULES = (
    "A week where you reach the target moves you up a level; a blank week steps you back one."
)
PLAN_PAIN_LEVEL = 5
PLAN_PAIN = "Your latest walk had pain {pain}/10: repeat this level or step back."

# --- tips, safety, myth ------------------------------------------------------------------------
TIPS = {
    "clear_path": (
        "Make sure nothing is in your way: cars, potholes, trees. A park or a track is the best "
        "place."
    ),
    "shoulder": "Keep looking over your shoulder to check what is coming.",
    "buddy": "New to it? Bring a buddy to keep you out of harm's way.",
    "treadmill": (
        "On a treadmill, start slow. While you're new, clip the safety key, hold the rails and go "
        "at about half your forward speed. The advice not to hold the handrails (the article "
        + SOURCE_ARTICLE + ", citing the Asian Heart Institute) is for people who are already "
        "steady."
    ),
    "toe_heel": "Roll from toe to heel with each step.",
    "steady_speed": "Keep one speed through a walk; don't change pace mid-bout.",
    "stop": "Stop if you feel tired, dizzy or lose your balance.",
    "hallway": "Indoors, a hallway with a wall to touch works well.",
    "support": "Keep a wall, a rail or a buddy within reach while your balance builds.",
    "pain": PAIN_WARNING,
}
SAFETY = (
    "Safety checklist\n"
    "1. Make sure nothing is in your way (cars, potholes, trees). A park or a track is best.\n"
    "2. Keep looking over your shoulder to check what is coming.\n"
    "3. New to it? Bring a buddy to keep you out of harm's way.\n"
    "4. Treadmill: start slow. Beginners clip the safety key, hold the rails and go at about half "
    "their forward speed; the no-handrails advice is for people already steady.\n"
    "5. Roll from toe to heel, keep one speed, and stop if tired, dizzy or losing balance.\n"
    "6. Indoors, a hallway with a wall to touch works well.\n\n"
    "If you have balance problems, dizziness, recent falls, or are recovering from surgery: start "
    "supported and check with a clinician first. After a walk you can rate pain 0-10 "
    "(/log 10 min pain 2). Pain that rises, or sharp pain, means stop and see a "
    "physiotherapist.\n\n"
    "RetroWalk Coach is not a medical device and nothing it says is medical advice."
)
MYTH = (
    "Folklore check: \"100 steps backward equal 1,000 steps forward.\"\n"
    "It's a popular saying (the article " + SOURCE_ARTICLE + " repeats it), but no study "
    "supports a "
    "10x factor. Measured heart rate and oxygen use walking backward are about 1.2-1.5x forward "
    "walking (Flynn 1994; Chaloupka 1997; Hooper 2004), and practice lowers the extra cost. "
    "The Compendium of Physical Activities puts backward walking at 6.0 METs against 4.3 for "
    "brisk forward walking at 3.5 mph: about 1.4x.\n"
    "Fun fact, not a health claim: backward walking appears in the Shanhaijing, an ancient Chinese "
    "text with an immortal who walked backward around the world."
)

# --- export and forget -------------------------------------------------------------------------
EXPORT = "Here is everything I hold about you: {walks} as CSV, and all of it as JSON."
EXPORT_GROUP = "Your data is personal: send /export to me in a private chat."
FORGET_ASK = (
    "This deletes every walk, setting and record I hold about you, for good. "
    "Reply yes to confirm; anything else keeps it."
)
FORGET_DONE = "Done: everything about you is deleted. If you come back, /start begins afresh."
FORGET_KEPT = "Kept everything. Nothing was deleted."
FORGET_GROUP = "Deleting your data is personal: send /forget to me in a private chat."

# --- groups and challenges ---------------------------------------------------------------------
GROUP_ONLY = "That works in a group or server channel, where the challenge lives."
ADMIN_ONLY = "Only group admins can change challenge settings."
CHALLENGE = (
    "Today's walk challenge in {chat}: {goal} min of backward walking {place}.\n"
    "Focus: {focus}\n"
    "{starter}\n"
    "Log it with /log {goal} min {log_place}. Points count up to {cap} min a day, so "
    "no one wins by overdoing it.{members}"
)
# Where to walk, each with its safety cue (COACHING.md: safety tips 1 and 4, and the hallway).
CHALLENGE_PLACES = {
    "park": "in a park, on a path with nothing in your way (no cars, potholes or trees)",
    "track": "on a track, in a lane with nothing in your way",
    "hallway": "in a hallway, with a wall to touch",
    "treadmill": (
        "on a treadmill, starting slow, with the safety key clipped and, while you're new, a hand "
        "on the rails"
    ),
}
# One focus a day (COACHING.md: its safety tips and the physical therapists' technique advice).
CHALLENGE_FOCUS = {
    "shoulder": "keep looking over your shoulder to check what is coming.",
    "toe_heel": "roll from toe to heel with each step.",
    "steady_speed": "keep one steady speed from start to finish.",
    "easy_pace": "go at a comfortable pace; points count minutes, not speed.",
    "buddy": "bring a buddy, maybe someone from this group, to keep you out of harm's way.",
    "check_in": "check in with yourself; stop if you feel tired, dizzy or off balance.",
}
CHALLENGE_STARTER = "New to it? Start with {minutes} min and a buddy, wall or rail within reach."
CHALLENGE_STARTER_SHORT = "New to it? Keep a buddy, wall or rail within reach."
CHALLENGE_MEMBERS = " {count} walking this week."
JOINED = "{name} joined the {chat} challenge. Log walks with /log and see /leaderboard."
ALREADY_JOINED = "{name}, you're already in the {chat} challenge. See /leaderboard."
LEFT = "{name} left the {chat} challenge. Walks you logged stay yours."
NOT_A_MEMBER = "You're not in this challenge. Join with /join"
LEADERBOARD = "{chat}: this week's board (points = minutes, at most {cap} a day)\n{rows}"
LEADERBOARD_ROW = "{rank}. {name}: {points} pts, {days} {day_word}"
LEADERBOARD_EMPTY = "No one has joined the {chat} challenge yet. /join to be the first."
CHALLENGE_SETTINGS = (
    "Challenge settings for {chat}: daily post {state} at {time} ({zone}), goal {goal} min a day."
)
CHALLENGE_SETTINGS_HINT = (
    "Admins change them with /setup (buttons), or the shortcuts /challenge_time 07:30 (or off), "
    "/challenge_timezone Europe/Berlin, /challenge_goal 10, and /challenge_channel sent where "
    "the post should go."
)
CHALLENGE_CHANNEL_HERE = (
    "Send /challenge_channel in the channel or topic where the daily post should go; it takes "
    "no other words. Example: /challenge_channel"
)
CHALLENGE_CHANNEL_OTHER_SERVER = "That channel is in another server: choose one of this one's."
CHALLENGE_GOAL_INVALID = (
    "A daily challenge goal is 1 to {limit} minutes. Example: /challenge_goal 10"
)

# --- misc --------------------------------------------------------------------------------------
DAY_WORDS = ("day", "days")
WEEK_WORDS = ("week", "weeks")
WEEKDAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
MONTH_NAMES = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
SOMEONE = "friend"
TODAY = "today"
YESTERDAY = "yesterday"
SENT_PRIVATELY = "{name}, that's personal, so I've sent it to you in a private message."
OPEN_PRIVATE_CHAT = (
    "{name}, that's personal, so I answer it only in private: open a chat with me ({link}), "
    "press Start, and ask there."
)
APOLOGY = (
    "Sorry, something went wrong on my side. If you were logging a walk, check /stats before "
    "trying again."
)
HELP_HEADER = "RetroWalk Coach: commands, each with an example"
HELP_FOOTER = (
    "In a private chat you can also just write: walked backwards 20 minutes at the park yesterday"
)


WALK_WORDS = ("walk", "walks")


def plural_days(count: int) -> str:
    """'day' or 'days' for a count."""
    return DAY_WORDS[0] if count == 1 else DAY_WORDS[1]


def plural_weeks(count: int) -> str:
    """'week' or 'weeks' for a count."""
    return WEEK_WORDS[0] if count == 1 else WEEK_WORDS[1]


def count_walks(count: int) -> str:
    """'1 walk', '3 walks'."""
    return f"{count:,} {WALK_WORDS[0] if count == 1 else WALK_WORDS[1]}"


# --- commands: name -> (arguments, what it does, example) ---------------------------------------
COMMAND_HELP: dict[str, tuple[str, str, str]] = {
    "start": ("", "Begin: what backward walking is, a safety check, your time zone", "/start"),
    "help": ("[command]", "Every command with an example, or one command's own", "/help log"),
    "log": ("<duration> [place] [when] [notes]", "Record a backward walk",
            "/log 20 min park yesterday felt steady"),
    "undo": ("", "Remove your last logged walk", "/undo"),
    "streak": ("", "Current and best streak, freezes and habit strength", "/streak"),
    "stats": ("[week|month|all]", "Minutes, walks, active days and effort", "/stats month"),
    "progress": ("", "A chart of your recent weeks against your goal", "/progress"),
    "plan": ("", "The beginner plan: where you stand and this week's target", "/plan"),
    "tip": ("", "One safety tip", "/tip"),
    "safety": ("", "The full safety checklist", "/safety"),
    "myth": ("", "The 100-vs-1,000 steps saying, checked", "/myth"),
    "goal": ("<minutes per week>", "Set your weekly goal (default 150)", "/goal 150"),
    "timezone": ("<Area/City>", "Set your time zone so days count right",
                 "/timezone Europe/Berlin"),
    "daystart": ("<hour>", "For night owls: the hour your day starts", "/daystart 4"),
    "pause": ("[days]", "Pause without losing your streak", "/pause 7"),
    "resume": ("", "End a pause", "/resume"),
    "remind": ("<HH:MM|off>", "A daily reminder at your local time", "/remind 07:30"),
    "export": ("", "All your data as CSV and JSON", "/export"),
    "forget": ("", "Delete everything about you (asks first)", "/forget"),
    "challenge": ("", "Today's group walk challenge", "/challenge"),
    "join": ("", "Join this group's walk challenge", "/join"),
    "leave": ("", "Leave this group's walk challenge", "/leave"),
    "leaderboard": ("", "This week's challenge board", "/leaderboard"),
    "challenge_time": ("<HH:MM|off>", "Admins: when the daily challenge is posted",
                       "/challenge_time 07:30"),
    "challenge_timezone": ("<Area/City>", "Admins: the group's time zone",
                           "/challenge_timezone Europe/Berlin"),
    "challenge_goal": ("<minutes>", "Admins: the daily challenge goal", "/challenge_goal 10"),
    "challenge_channel": ("", "Admins: post the daily challenge in this channel",
                          "/challenge_channel"),
}
HELP_GROUP_HEADER = "In groups:"
HELP_ONE = "{usage}\n{summary}.\nExample: {example}{where}"
HELP_ONE_GROUPS = "\nWorks in groups and servers."
HELP_ONE_ADMINS = "\nWorks in groups and servers, for their admins."
HELP_ONE_PRIVATE = "\nWorks in a private chat with me."
HELP_ONE_LOG = (
    "\nDurations: 20, 20m, 20 min, 1h15, 1:15, 1.5 hours (1 to {limit} minutes). "
    "When: today, yesterday, a weekday, 3 days ago or 2026-11-20 (up to 7 days back). "
    "Places: {places}. Also 1500 steps, pain 2 (0-10) and a note."
)
THIS_GROUP = "this group"
ON = "on"
OFF = "off"
CONSOLE_HINT = (
    "RetroWalk Coach in your terminal. Type /start to begin, /help for commands, Ctrl-D to leave."
)
CONSOLE_GOODBYE = "Bye for now! Everything you logged is saved."
REMINDER = "Time for a backward walk? {streak} Tap a button to log it, or send /log 15 min park."
STREAK_NUDGE = (
    "Your {current}-day streak is still open today. A few minutes of backward walking keeps it; "
    "tap a button when you're done."
)
NUDGES_OFF = (
    "Done: no more streak nudges. Your daily reminder stays as it is (/remind off turns it off)."
)
SNOOZED = "All right: I'll remind you once more at {time}."
SNOOZED_ALREADY = "I'll remind you once more today, at {time}; one more nudge is enough."

# --- option descriptions, for platforms with typed options (Discord) ----------------------------
OPTION_HELP: dict[str, dict[str, str]] = {
    "log": {"minutes": "How long you walked backward, in minutes (1-300)",
            "place": "Where you walked",
            "when": "today, yesterday, a weekday or a date like 2026-11-20 (up to 7 days back)",
            "steps": "Steps counted, if you know them",
            "pain": "Pain during or after the walk, 0 (none) to 10 (worst)",
            "note": "A note to keep with this walk"},
    "help": {"command": "One command to explain, like log; empty: every command"},
    "stats": {"period": "This week, this month, or all time"},
    "goal": {"minutes": "Minutes of backward walking per week (10-2100)"},
    "timezone": {"zone": "Your time zone, like Europe/Berlin"},
    "daystart": {"hour": "The hour your day starts, 0 to 12"},
    "pause": {"days": "How many days; leave empty to pause until /resume"},
    "remind": {"time": "HH:MM on a 24-hour clock, or off"},
    "challenge_time": {"time": "HH:MM on a 24-hour clock, or off"},
    "challenge_timezone": {"zone": "The server's time zone, like Europe/Berlin"},
    "challenge_goal": {"minutes": "Minutes a day, 1 to 120"},
    "challenge_channel": {"channel": "Where the daily challenge is posted; empty: this channel"},
}
