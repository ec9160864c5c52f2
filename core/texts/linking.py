"""What the coach says about /link and /unlink: one walker on two platforms."""

from __future__ import annotations

PLATFORM_NAMES = {"telegram": "Telegram", "discord": "Discord", "console": "the terminal chat"}
ACCOUNT = "{platform} ({name})"

CODE = (
    "Your link code: {code}\n"
    "On your other platform (Telegram or Discord), send /link {code} in a private chat with me "
    "within {minutes} minutes. It works once, and only to join that account to you: keep it to "
    "yourself."
)
LINKED_ALREADY = (
    "You're one walker on {accounts}. /unlink in a private chat separates them again (the "
    "account you send it from keeps your history)."
)
PRIVATE_ONLY = (
    "Linking accounts happens in a private chat with me, not in a group. Send /link there."
)
CODE_MALFORMED = (
    "A link code has {length} letters and digits, like /link {example}. Send /link on your "
    "other platform to get one."
)
CODE_WRONG = "That code isn't right. Check it and try again, like /link {example}."
CODE_WRONG_LAST = (
    "That code isn't right either. After one more wrong code I'll stop taking codes for a while."
)
TOO_MANY = "Too many wrong codes. Please wait {minutes} min, then try again."
CODE_USED = "That code has already been used. Send /link on your other platform for a new one."
CODE_EXPIRED = (
    "That code has expired (codes last {minutes} minutes). Send /link on your other platform "
    "for a new one."
)
CODE_OWN = (
    "That's the code you asked for here. Send it from your other platform: /link {code} in a "
    "private chat with me on Telegram or Discord."
)
ALREADY_SAME = "This account is already linked with that walker: nothing to do."
SAME_PLATFORM = (
    "That code was made on {platform}, and this is {platform} too. Enter it on your other "
    "platform."
)
TAKEN = (
    "That walker already has a {platform} account. A walker has one account per platform: "
    "/unlink it there first."
)
THIS_LINKED = (
    "This account is already linked with {accounts}. /unlink here first, then enter the code."
)
CONFIRM = (
    "Both accounts hold walks, so this joins two histories into one:\n"
    "- {asker}: {asker_walks}, {asker_minutes} min\n"
    "- {joining}: {joining_walks}, {joining_minutes} min\n"
    "Together: {walks}, {minutes} min, a streak of {streak} {days}. Settings from {keep} are "
    "kept (gaps filled from the other). Join them?"
)
DECLINED = "OK, nothing was joined. The code still works until it expires."
CONFIRM_GONE = "That question has expired or was already answered. Send /link for a new code."
LINKED = (
    "Linked: {accounts} are now one walker, with {walks} and {minutes} min together. {streak}\n"
    "Settings from {keep} are kept. /unlink separates them again."
)
NOT_LINKED = "This account isn't linked with another, so there's nothing to unlink."
UNLINKED = (
    "Unlinked: {accounts} {becomes} a new walker, starting empty (I've told {them}). Your walks, "
    "streak and settings stay here."
)
NOTICE_UNLINKED = (
    "This {platform} account was unlinked from {other}: it's now a walker of its own, starting "
    "empty. Your earlier walks stay with the {other} account. /start to begin again, or /link to "
    "join them once more."
)
NOTICE_LINKED = (
    "This {platform} account is now linked with {other}: one walker, one history. If that wasn't "
    "you, send /unlink here."
)
BUTTON_JOIN = "Yes, join them"
BUTTON_KEEP = "No"

COMMAND_HELP: dict[str, tuple[str, str, str]] = {
    "link": ("[code]", "One walker on Telegram and Discord: get a code, or enter one",
             "/link K7QM-R3XP"),
    "unlink": ("", "Separate your linked accounts again", "/unlink"),
}
OPTION_HELP: dict[str, dict[str, str]] = {
    "link": {"code": "The code from /link on your other platform; empty: get a code"},
}
