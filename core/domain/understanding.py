"""What a message means: a backward walk to record, a walk to ask about, or a chat.

`understand(text, today, command=...)` answers `Walk`, `Ask` or `Chat`, and raises only
`BadInput` (for a `/log` that cannot be a walk: no duration, 0 or 900 minutes, a day in the
future or too long ago, pain 11).

Rules, kept simple so people can predict them:
- A plain sentence is a walk only when it says the walk was backward ("backwards", "backward",
  "retro", "reverse") and a walk ("walked", "walking", "retro walk"), reports it (no question,
  no "didn't" or "wanted to", no "will"/"tomorrow"/"planned", no "usually", not someone else's,
  not a video about it), and holds exactly one duration, at most one day and at most one pain.
  Its note is the whole sentence, verbatim. A place counts only after a preposition ("at the
  park") and never when contrasted ("instead of the treadmill", "skipped the treadmill").
- `/log` arguments are read from the start: duration, day, place, steps and pain in any order,
  with joining words ("for", "at", "on", "and", commas) between them. The note is the rest of
  the text from the first word that is none of these, verbatim ("note:" before it is dropped).
- Anything unclear is asked about, with the best guess when there is one: a distance, a count,
  seconds, a fraction of a minute, a range or a hedge ("10-15 min", "20 min, maybe 25"), two
  durations/days/pains, a numeric date like 11/30 (ISO dates such as 2026-11-30 are read), a
  clock time that could be a duration, a walk not said to be backward (or backward but not
  said to be a walk).
- Days: today, yesterday, "N days ago", weekday names (the most recent such day, today
  included; "last <today's weekday>" is a week ago), "Nov 30" / "30 November", ISO dates.
  "2 hours ago" and "at 7:30" are times of day, not durations.
"""

from __future__ import annotations

import re
from datetime import date

from core import texts
from core.domain import mentions as found
from core.domain import sentences
from core.domain.meaning import DURATIONS, Ask, Chat, Meaning, Walk, build, half_up, leading
from core.domain.mentions import Mention
from core.domain.parsing import WalkEntry, clean_message
from core.domain.ranges import MAX_MINUTES
from core.errors import BadInput

__all__ = ["Ask", "Chat", "Meaning", "Walk", "understand"]

_NOTE_PREFIX = re.compile(r"^(?:note|notes)\s*[:=-]\s*", re.IGNORECASE)


def understand(text: str, today: date, *, command: bool = False) -> Meaning:
    """What the text means; `command` for the arguments of `/log`, which is a walk by name."""
    cleaned = clean_message(text)
    if any(c.isdecimal() and not c.isascii() for c in cleaned):
        # Digits of other scripts would pass as numbers; only 0-9 are read, as everywhere.
        raise BadInput(texts.DIGITS_ONLY_ASCII)
    if command:
        return _command(cleaned, today)
    return sentences.read(cleaned, today)


# --- /log -------------------------------------------------------------------------------------
def _command(text: str, today: date) -> Meaning:
    if not text:
        raise BadInput(texts.LOG_EMPTY)
    every = found.find(text, today)
    fields, note_start = leading(text, every)
    note = _NOTE_PREFIX.sub("", text[note_start:].strip())
    if not any(m.kind in DURATIONS for m in fields):
        unclear = _unclear_without_duration(fields, today)
        if unclear is not None:
            return unclear
        later = [m for m in every if m.kind in ("duration", "clock_or_duration")]
        if len(later) == 1:
            return _ask_or_raise(later[0].minutes, today, "no_duration")
        raise BadInput(texts.DURATION_MISSING.format(text=_quote(text)))
    durations = [m for m in fields if m.kind in DURATIONS]
    if len(durations) > 1 and any(m.kind != "clock_or_duration" for m in durations):
        durations = [m for m in durations if m.kind != "clock_or_duration"]
    places = [m for m in fields if m.kind == "place"]
    return build(durations, fields, today, place=places[0].word if len(places) == 1 else None,
                 note=note, bare_ok=True)


def _unclear_without_duration(leading: list[Mention], today: date) -> Ask | None:
    for kind in ("seconds", "distance", "count", "vague"):
        for mention in leading:
            if mention.kind == kind:
                if kind == "seconds":
                    return _ask_or_raise(mention.minutes, today, "seconds")
                return Ask(None, "vague_duration" if kind == "vague" else kind)
    return None


def _ask_or_raise(minutes: float, today: date, reason: str) -> Ask:
    guess = half_up(minutes)
    if 1 <= guess <= MAX_MINUTES:
        return Ask(WalkEntry(guess, today), reason)
    return Ask(None, reason)




def _quote(text: str, limit: int = 40) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
