"""Platform updates already taken, shared by every webhook replica through the database."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete
from sqlmodel import col

from core.persistence.models import UpdateSeen
from core.persistence.repositories import Repository, insert_new


class UpdatesSeen(Repository):
    """Which (bot, update_id) pairs some process has already taken."""

    def first_sight(self, bot: str, update_id: int, now: datetime) -> bool:
        """Record the update; False if any process recorded it before (insert-or-skip)."""
        row = {"bot": bot[:100], "update_id": update_id, "seen_at": now}
        return insert_new(self.session, UpdateSeen, [row]) == 1

    def purge(self, before: datetime) -> int:
        """Forget updates seen before `before` (Telegram gives up redelivering long before)."""
        result = self.session.execute(
            delete(UpdateSeen).where(col(UpdateSeen.seen_at) < before)
            .execution_options(synchronize_session=False))
        return int(getattr(result, "rowcount", 0) or 0)
