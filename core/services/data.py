"""A user's own data: all of it exported, or all of it deleted."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from core.persistence.uow import UnitOfWork
from core.services import streaks
from core.services.people import Who

WALK_COLUMNS = ("day", "minutes", "place", "steps", "pain", "note", "recorded_at")


@dataclass(frozen=True)
class Export:
    """The walks as CSV and everything as JSON."""

    walks_csv: bytes
    everything_json: bytes
    walk_count: int


def export(uow: UnitOfWork, who: Who, now: datetime) -> Export:
    """Everything stored about the person, in open formats."""
    walks = uow.walks.all(who.id)
    # Every stored field of a walk but its row ids.
    rows = [
        {"day": w.day.isoformat(), "minutes": w.minutes, "place": w.place, "steps": w.steps,
         "pain": w.pain, "note": w.note, "recorded_at": w.recorded_at.isoformat()}
        for w in walks
    ]
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=WALK_COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    person = who.person
    view = streaks.snapshot(uow, person, who.today).view
    everything: dict[str, Any] = {
        "exported_at": now.isoformat(),
        "settings": {
            "timezone": person.timezone, "day_start_hour": person.day_start_hour,
            "weekly_goal_minutes": person.weekly_goal, "weekly_goal_chosen": person.goal_chosen,
            "reminder": person.remind_at,
            "supported_mode": person.supported, "plan_start": _iso(person.plan_start),
            "created_at": person.created_at.isoformat(),
            "recent_tips": [key for key in person.recent_tips.split(",") if key],
        },
        # The streak as /streak shows it today (the stored checkpoint lags up to ten days).
        "streak": {
            "current": view.current, "best": view.best, "freezes_held": view.freezes,
            "habit_strength": round(view.score, 4), "walked_today": view.walked_today,
            "settled_through": _iso(person.streak_through),
        },
        "accounts": [
            {"platform": a.platform, "id": a.external_id, "name": a.display_name,
             "since": a.created_at.isoformat()}
            for a in uow.people.accounts(who.id)
        ],
        "walks": rows,
        "pauses": [{"from": p.start_day.isoformat(), "to": _iso(p.end_day)}
                   for p in uow.pauses.all(who.id)],
        "streak_history": [{"day": e.day.isoformat(), "event": e.kind}
                           for e in uow.events.since(who.id, date.min)],
        "challenges": [{"platform": chat.platform, "chat": chat.title,
                        "joined_at": member.joined_at.isoformat()}
                       for member, chat in uow.chats.memberships(who.id)],
    }
    body = json.dumps(everything, ensure_ascii=False, indent=2).encode()
    return Export(buffer.getvalue().encode(), body, len(walks))


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def forget(uow: UnitOfWork, who: Who) -> None:
    """Delete every row about the person (the caller checkpoints the log after commit)."""
    uow.people.delete(who.person)
