"""Plain sentences: is this a report of a backward walk, a question, a greeting, or something
else? (The rules are listed in `core.domain.understanding`.)"""

from __future__ import annotations

import re
from datetime import date

from core.domain import mentions as found
from core.domain.meaning import Ask, Chat, Meaning, Walk, build, leading
from core.domain.mentions import Mention, lower_same_length


def _words(*patterns: str) -> re.Pattern[str]:
    return re.compile(r"(?<![\w'])(?:" + "|".join(patterns) + r")(?![\w'])")


BACKWARD = _words(r"back[- ]?wards?", r"backwords?", r"bakwards?", r"backwads?", r"bckwards?",
                  r"retro(?:[- ]?walk\w*)?", r"reverse(?:d)?", r"in\s+reverse")
_RETRO_WALK = re.compile(r"retro[- ]?walk|back[- ]?walk")
_WALK = _words(r"walk(?:s|ed|ing)?", r"wlk(?:ed)?", r"walkd", r"stroll(?:ed)?")
_FORWARD = _words(r"forwards?", r"normal(?:ly)?", r"regular(?:ly)?", r"dogs?", r"puppy",
                  r"to\s+(?:work|school|the\s+(?:shop|store|station|office|bus))", r"hike[ds]?",
                  r"hiking", r"errands?", r"commute")
_OTHER = _words(r"ran", r"run(?:ning)?", r"jog(?:ged|ging)?", r"slept", r"sleep", r"nap(?:ped)?",
                r"movie", r"film", r"lunch", r"dinner", r"breakfast", r"swam", r"swim(?:ming)?",
                r"bike[ds]?", r"biking", r"cycled?", r"cycling", r"gym", r"yoga", r"workout",
                r"worked", r"meeting", r"drove", r"driving", r"read", r"cooked", r"played",
                r"watched", r"studied", r"rowed", r"danced", r"stretch(?:ed|ing)?",
                r"meditat(?:ed|ion)", r"sprint(?:ed)?", r"lifted", r"weights", r"elliptical",
                r"parking", r"parked", r"games?", r"gaming", r"music", r"song", r"album")
_NEGATION = _words(r"didn'?t", r"did\s+not", r"didnt", r"haven'?t", r"have\s+not", r"havent",
                   r"hasn'?t", r"couldn'?t", r"could\s+not", r"couldnt", r"can'?t", r"cannot",
                   r"wasn'?t\s+able", r"won'?t", r"not\s+(?:walk\w*|go|today)",
                   r"no\s+(?:backward\w*|retro|walk\w*)", r"never", r"too\s+(?:tired|sore)",
                   r"(?:skipped|missed|forgot)(?:\s+\S+){0,2}\s+(?:walk\w*|backward\w*|retro)",
                   r"(?:skipped|missed|forgot)\s+(?:it|today)", r"(?:skip|miss)\s+today",
                   r"wanted\s+to", r"meant\s+to", r"was\s+going\s+to", r"supposed\s+to",
                   r"(?:would|should|could)\s+have", r"(?:would|should|could)'ve")
_FUTURE = _words(r"will", r"i'll", r"ill\s+walk", r"gonna", r"going\s+to\s+(?:walk|try|do)",
                 r"plan(?:ning)?\s+to", r"want\s+to", r"wanna", r"hope\s+to", r"intend\w*",
                 r"tomorrow", r"tmrw", r"tmr", r"later\s+today", r"next\s+week", r"shall",
                 r"about\s+to", r"later", r"planned", r"scheduled", r"aim(?:ing)?\s+to",
                 r"(?:next|this\s+coming)\s+\w+day", r"would(?:n't)?\s+(?:be|like|love|help)",
                 r"i'd\s+(?:like|love)")
_MEDIA = _words(r"videos?", r"youtube", r"article", r"podcast", r"documentary", r"tiktok",
                r"reels?", r"watching", r"reading\s+about", r"read\s+about")
_SOMEONE_ELSE = re.compile(
    r"(?<!\w)(?:my\s+(?:husband|wife|partner|son|daughter|kids?|mum|mom|mother|dad|father|"
    r"friend|dog|cat|neighbou?r|brother|sister|grandma|grandpa|boss|colleague|coworker)|he|she|"
    r"they)\s+(?:\w+\s+)?(?:walked|did|went|tried|ran|has|had)\b")
_HABIT = _words(r"usually", r"normally", r"always", r"often",
                r"every\s+(?:day|morning|evening|week)", r"each\s+day", r"(?:a|per)\s+day",
                r"daily")
_QUESTION_START = re.compile(
    r"^(?:how|what|what's|whats|why|when|where|which|who|should|can|could|would|is|are|am|"
    r"do|does|did\s+i|will|any|tell\s+me|explain)\b")
_NOT_A_DAY = re.compile(r"(?:\b(?:the|a|i|we|he|she|they|and|then|just|had|have|has)\s+)$")
_VERB_AFTER = re.compile(r"\s+(?:on|down|up|in|at|with|there|for|by|around)\b")
_HEDGE = _words(r"maybe", r"perhaps", r"not\s+sure", r"or\s+so", r"probably", r"i\s+think",
                r"give\s+or\s+take")
_IS_IT_OK = _words(r"is\s+(?:that|it|this)\s+(?:ok|okay|enough|good|too\s+much|normal|bad)")
_GREETING = re.compile(
    r"^(?:hi+|hello+|hey+|hiya|howdy|yo|heya|good\s+(?:morning|afternoon|evening|day)|morning|"
    r"evening|greetings|hallo|hola|bonjour|salut|sup|what's\s+up|👋)(?:\s+(?:there|coach|bot|"
    r"everyone|all|friend|again))?[\s!.,:)😀😊🙂👋]*$")
_THANKS = re.compile(
    r"^(?:thanks?(?:\s+(?:you|a\s+lot|so\s+much|coach|again))*|thank\s+you(?:\s+(?:so\s+much|"
    r"coach|very\s+much))?|thx|ty|tysm|cheers|much\s+appreciated|great,?\s+thanks|ok\s+thanks|"
    r"🙏|👍)[\s!.,:)😀😊🙂🙏👍❤️]*$")
_TOPICS = (
    ("help", _words(r"help", r"how\s+(?:do|can|should)\s+i\s+(?:log|record|add|enter|use|"
                    r"track|start)", r"how\s+does\s+(?:this|it)\s+work", r"commands?",
                    r"what\s+can\s+you\s+do", r"instructions?", r"how\s+to\s+log")),
    ("streak", _words(r"streaks?")),
    ("progress", _words(r"progress", r"chart", r"graph")),
    ("stats", _words(r"stats", r"statistics",
                     r"how\s+(?:much|many|far|long)(?:\s+\w+)?\s+(?:have|did)\s+i",
                     r"how\s+many\s+(?:walks|minutes|days)",
                     r"my\s+total", r"in\s+total", r"so\s+far\s+this")),
    ("plan", _words(r"plan", r"schedule", r"program(?:me)?", r"what\s+should\s+i\s+do",
                    r"target")),
    ("safety", _words(r"safe(?:ty)?", r"dangerous", r"danger", r"risk\w*", r"fall(?:ing)?",
                      r"dizz\w*", r"injur\w*")),
)
_REPORT = _words(r"walked", r"did", r"done", r"went", r"finished", r"completed", r"managed",
                 r"got\s+in", r"had", r"tried", r"today", r"yesterday", r"this\s+morning",
                 r"just")
_CONTRAST = _words(r"skipped", r"skip", r"not", r"no", r"instead", r"rather", r"than",
                   r"without", r"avoided", r"instead\s+of", r"didn'?t", r"closed", r"except")
_SHORT = 6  # words: a greeting or a thank-you longer than this is read as something more


def read(text: str, today: date) -> Meaning:
    """The meaning of a plain sentence (already cleaned)."""
    scan = lower_same_length(text)
    if not scan.strip():
        return Chat("unknown")
    every = found.find(text, today)
    durations = [m for m in every if m.kind in ("duration", "clock_or_duration")]
    backward = BACKWARD.search(scan) is not None
    walk = _WALK.search(scan) is not None
    chat = _chat(scan, backward, bool(durations))
    if chat is not None:
        return chat
    if backward and (walk or _RETRO_WALK.search(scan)):
        return _walk(text, scan, every, today)
    if durations and not backward and not walk:
        answer = _only_fields(text, every, today)  # "20 min", answering "How long?"
        if answer is not None:
            return answer
    if durations and not _OTHER.search(scan) and not _FORWARD.search(scan) and (walk or backward):
        # A walk not said to be backward, or backward but not said to be a walk: ask.
        meaning = _walk(text, scan, every, today)
        if isinstance(meaning, Walk):
            return Ask(meaning.entry, "not_said_backward")
        return meaning if isinstance(meaning, Ask) else Chat("unknown")
    if _OTHER.search(scan) or walk or durations:
        return Chat("other_activity")
    return Chat("unknown")


def _chat(scan: str, backward: bool, has_duration: bool) -> Chat | None:
    """Greetings, thanks, questions, topics, negation and plans for later."""
    words = len(scan.split())
    if not has_duration and not backward and words <= _SHORT:
        if _GREETING.match(scan.strip()):
            return Chat("greeting")
        if _THANKS.match(scan.strip()):
            return Chat("thanks")
    question = (scan.rstrip().endswith("?") or _QUESTION_START.match(scan.strip()) is not None
                or _IS_IT_OK.search(scan) is not None)
    if question or not has_duration:
        for intent, pattern in _TOPICS:
            if pattern.search(scan) and (question or not backward):
                return Chat(intent)
    if question:
        return Chat("question")
    if _NEGATION.search(scan):
        return Chat("negation")
    if _FUTURE.search(scan):
        return Chat("future")
    if _HABIT.search(scan):
        return Chat("habit")
    if _MEDIA.search(scan):
        return Chat("other_activity")
    if _SOMEONE_ELSE.search(scan):
        return Chat("someone_else")
    if not has_duration and not backward and (_GREETING.match(scan.split(",")[0].strip())):
        return Chat("greeting")
    return None


def _walk(text: str, scan: str, every: list[Mention], today: date) -> Meaning:
    """A sentence about a backward walk: the walk, or what to ask about it."""
    durations = [m for m in every if m.kind in ("duration", "clock_or_duration")]
    if len(durations) > 1:
        durations = [m for m in durations if m.kind == "duration"] or durations
    if not durations:
        bare = [m for m in every if m.kind == "bare" and m.minutes >= 1]
        if len(bare) == 1 and not any(m.kind in ("distance", "count", "seconds") for m in every):
            durations = bare
    if not durations:
        unclear = [m for m in every if m.kind in ("seconds", "distance", "count", "vague")]
        if unclear:
            kinds = [m.kind for m in unclear]
            reason = {"vague": "vague_duration"}.get(kinds[0], kinds[0])
            if kinds[0] == "seconds" and len(unclear) == 1:
                return build(unclear, every, today, place=None, note=text, bare_ok=False)
            return Ask(None, reason)
        if _REPORT.search(scan):
            return Ask(None, "no_duration")
        return Chat("unknown")
    short_days = [m for m in every if m.kind == "day" and not m.strong
                  and not _NOT_A_DAY.search(scan[max(0, m.start - 8):m.start])
                  and not _VERB_AFTER.match(scan, m.end)]
    parts = [m for m in every if (m.kind not in ("place", "bare") or m in durations)
             and (m.kind != "day" or m.strong or m in short_days)]
    meaning = build(durations, parts, today, place=_place(scan, every), note=text, bare_ok=False)
    if isinstance(meaning, Walk) and _HEDGE.search(scan):
        return Ask(meaning.entry, "vague_duration")  # "20 min, maybe 25"
    if isinstance(meaning, Walk) and short_days:
        return Ask(meaning.entry, "short_weekday")  # "sat", "sun": a day, or a word?
    return meaning


def _only_fields(text: str, every: list[Mention], today: date) -> Ask | None:
    """A message of nothing but walk fields ("20 min yesterday"), as people answer "How long
    did you walk backwards?": asked about with that guess."""
    fields, note_start = leading(text, every)
    durations = [m for m in fields if m.kind in ("duration", "clock_or_duration")]
    if note_start < len(text) or len(durations) != 1:
        return None
    places = [m.word for m in fields if m.kind == "place"]
    meaning = build(durations, fields, today, place=places[0] if len(places) == 1 else None,
                    note="", bare_ok=True)
    if isinstance(meaning, Walk):
        return Ask(meaning.entry, "only_duration")
    return meaning if isinstance(meaning, Ask) else None


def _place(scan: str, every: list[Mention]) -> str | None:
    """The place of this walk: one, after a preposition, and not contrasted."""
    places = {m.word for m in every
              if m.kind == "place" and m.strong and m.word != "other"
              and not _CONTRAST.search(scan[max(0, m.start - 25):m.start])}
    return places.pop() if len(places) == 1 else None
