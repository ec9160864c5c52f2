"""Alembic migrations create exactly the tables the models describe, on SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Connection, Engine, text
from sqlmodel import SQLModel

from core.persistence.engine import make_engine
from core.persistence.migrate import current_revision, upgrade
from tests import postgres


def differences(engine: Engine) -> list[object]:
    with engine.connect() as connection:
        return list(compare_metadata(MigrationContext.configure(connection), SQLModel.metadata))


HEAD = "0011"
DAY = "2026-11-24 12:00:00"


def add_person_with_account(connection: Connection, goal: int = 150) -> None:
    """Person 1 with Telegram account 42, written with plain SQL on an older schema."""
    connection.execute(text(
        "INSERT INTO people (id, created_at, timezone, day_start_hour, weekly_goal, "
        "streak_current, streak_best, streak_freezes, streak_run, streak_score) "
        f"VALUES (1, '{DAY}', 'UTC', 0, {goal}, 0, 0, 0, 0, 0)"))
    connection.execute(text(
        "INSERT INTO accounts (person_id, platform, external_id, display_name, created_at) "
        f"VALUES (1, 'telegram', '42', 'Ada', '{DAY}')"))


def test_migrations_match_the_models_on_sqlite(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'm.db'}")
    upgrade(engine)
    assert differences(engine) == []
    assert current_revision(engine) == HEAD
    upgrade(engine)  # a second run changes nothing
    assert current_revision(engine) == HEAD


def test_migrations_match_the_models_on_postgresql(postgres_admin: str) -> None:
    with postgres.database(postgres_admin) as url:
        engine = make_engine(url)
        try:
            upgrade(engine)
            assert differences(engine) == []
            assert current_revision(engine) == HEAD
        finally:
            engine.dispose()


def test_queued_deliveries_survive_the_move_to_stored_recipients(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'old.db'}")
    upgrade(engine, "0002")
    with engine.begin() as connection:
        add_person_with_account(connection)
        for recipient in ("42", "-100999"):  # an account's id, and a chat nobody stored
            connection.execute(text(
                "INSERT INTO deliveries (kind, platform, recipient, occurrence, person_id, "
                "payload, status, attempts, not_before, created_at, last_error) VALUES "
                f"('reminder', 'telegram', '{recipient}', '2026-11-24', 1, '{{}}', 'pending', 0,"
                f" '{DAY}', '{DAY}', '')"))
    upgrade(engine)
    with engine.connect() as connection:
        rows = connection.execute(text("SELECT account_id, chat_id, status FROM deliveries"))
        assert rows.all() == [(1, None, "pending")]
    engine.dispose()


def test_sqlite_connections_use_wal_foreign_keys_and_a_busy_timeout(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'p.db'}")
    with engine.connect() as connection:
        pragma = {name: connection.exec_driver_sql(f"PRAGMA {name}").scalar()
                  for name in ("journal_mode", "foreign_keys", "busy_timeout", "secure_delete")}
    assert pragma == {"journal_mode": "wal", "foreign_keys": 1, "busy_timeout": 5000,
                      "secure_delete": 1}


def test_the_plan_and_tips_migration_keeps_every_walk_and_account(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'walks.db'}")
    upgrade(engine, "0003")
    with engine.begin() as connection:
        add_person_with_account(connection, goal=120)
        connection.execute(text("UPDATE people SET last_tip = 'buddy', last_pain = 7"))
        connection.execute(text(
            "INSERT INTO walks (person_id, day, minutes, note, recorded_at) "
            f"VALUES (1, '2026-11-24', 10, '', '{DAY}')"))
    upgrade(engine)
    with engine.connect() as connection:
        assert connection.execute(text("SELECT minutes FROM walks")).all() == [(10,)]
        assert connection.execute(text("SELECT count(*) FROM accounts")).scalar() == 1
        person = connection.execute(text("SELECT goal_chosen, recent_tips FROM people")).one()
        assert (bool(person[0]), person[1]) == (True, "buddy")
    engine.dispose()


def backfill_weekly_totals(engine: Engine) -> None:
    """Members' walks of every week become kept weekly totals (capped per walker-day, on each
    board they are on); a non-member's walks and boards nobody walked on get no rows."""
    upgrade(engine, "0010")
    with engine.begin() as connection:
        add_person_with_account(connection)
        connection.execute(text(
            "INSERT INTO people (id, created_at, timezone, day_start_hour, weekly_goal, "
            "streak_current, streak_best, streak_freezes, streak_run, streak_score) "
            f"VALUES (2, '{DAY}', 'UTC', 0, 150, 0, 0, 0, 0, 0)"))
        for chat in (1, 2):
            connection.execute(text(
                "INSERT INTO chats (id, platform, external_id, kind, title, created_at, "
                "challenge_on, challenge_time, timezone, daily_goal) VALUES "
                f"({chat}, 'telegram', '-{chat}', 'group', 'G', '{DAY}', true, '09:00', 'UTC',"
                " 10)"))
            connection.execute(text(
                "INSERT INTO challenge_members (chat_id, person_id, display_name, joined_at) "
                f"VALUES ({chat}, 1, 'Ada', '{DAY}')"))
        for person, day, minutes in ((1, "2026-11-24", 20), (1, "2026-11-24", 25),
                                     (1, "2026-11-26", 5), (1, "2026-11-17", 40),
                                     (2, "2026-11-24", 30)):
            connection.execute(text(
                "INSERT INTO walks (person_id, day, minutes, note, recorded_at) "
                f"VALUES ({person}, '{day}', {minutes}, '', '{DAY}')"))
    upgrade(engine)
    with engine.connect() as connection:
        rows = connection.execute(text(
            "SELECT chat_id, week_start, person_id, points, days, last_day, mon, tue, wed, thu, "
            "fri, sat, sun FROM weekly_totals ORDER BY chat_id, week_start")).all()
    assert [(c, str(w), p, pts, d, str(last), *each)
            for c, w, p, pts, d, last, *each in rows] == [
        (chat, week, 1, points, days, last, *each) for chat in (1, 2)
        for week, points, days, last, each in (
            ("2026-11-16", 30, 1, "2026-11-17", (0, 30, 0, 0, 0, 0, 0)),
            ("2026-11-23", 35, 2, "2026-11-26", (0, 30, 0, 5, 0, 0, 0)))]


def test_the_weekly_totals_are_backfilled_on_sqlite(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'weeks.db'}")
    backfill_weekly_totals(engine)
    engine.dispose()


def test_the_weekly_totals_are_backfilled_on_postgresql(postgres_admin: str) -> None:
    with postgres.database(postgres_admin) as url:
        engine = make_engine(url)
        try:
            backfill_weekly_totals(engine)
        finally:
            engine.dispose()
