"""`retrowalk db upgrade` is where a deployment migrates: safe twice, safe when several start at
once on PostgreSQL (they take turns under an advisory lock), and a bot told not to migrate on
start refuses a database that is behind rather than running on the wrong schema."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

from sqlalchemy import text

from core.persistence.engine import make_engine
from core.persistence.migrate import MIGRATION_LOCK, current_revision, head_revision, upgrade
from tests import postgres

TIMEOUT = 120


def clean_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("RETROWALK_")}
    return {**env, **extra}


def start(args: list[str], cwd: Path, **extra: str) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "bot", *args], cwd=cwd, env=clean_env(**extra),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_three_upgrades_started_at_once_on_a_fresh_postgresql_database_all_succeed(
    postgres_admin: str, tmp_path: Path
) -> None:
    with postgres.database(postgres_admin) as url:
        runs = [start(["db", "upgrade", "--db", url], tmp_path) for _ in range(3)]
        results = [(run.wait(TIMEOUT), *run.communicate()) for run in runs]
        for status, _out, err in results:
            assert status == 0, err
            assert "Traceback" not in err
        engine = make_engine(url)
        try:
            with engine.connect() as connection:
                versions = connection.execute(text(
                    "SELECT version_num FROM alembic_version")).scalars().all()
            assert versions == [head_revision()]
        finally:
            engine.dispose()


def test_an_upgrade_waits_while_another_holds_the_migration_lock(
    postgres_admin: str
) -> None:
    with postgres.database(postgres_admin) as url:
        engine, holder = make_engine(url), make_engine(url)
        finished = threading.Event()

        def migrate() -> None:
            upgrade(engine)
            finished.set()

        try:
            with holder.connect() as connection:
                connection.execute(text("SELECT pg_advisory_lock(:key)"), {"key": MIGRATION_LOCK})
                worker = threading.Thread(target=migrate)
                worker.start()
                assert not finished.wait(1.5)  # blocked behind the lock
                assert current_revision(engine) is None
                connection.execute(text("SELECT pg_advisory_unlock(:key)"),
                                   {"key": MIGRATION_LOCK})
                connection.commit()
            worker.join(TIMEOUT)
            assert finished.is_set()
            assert current_revision(engine) == head_revision()
        finally:
            engine.dispose()
            holder.dispose()


def test_upgrading_twice_changes_nothing_the_second_time(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'walks.db'}"
    for _ in range(2):
        done = subprocess.run([sys.executable, "-m", "bot", "db", "upgrade", "--db", db],
                              cwd=tmp_path, env=clean_env(), capture_output=True, text=True,
                              timeout=TIMEOUT)
        assert done.returncode == 0, done.stderr
        assert "newest schema" in done.stdout
    assert current_revision(make_engine(db)) == head_revision()


def test_a_bot_that_may_not_migrate_refuses_a_database_behind_and_names_the_fix(
    tmp_path: Path
) -> None:
    refused = subprocess.run(
        [sys.executable, "-m", "bot", "run"], cwd=tmp_path, capture_output=True, text=True,
        env=clean_env(RETROWALK_MIGRATE_ON_START="false"), timeout=TIMEOUT, input="")
    assert refused.returncode == 2
    assert "retrowalk db upgrade" in refused.stderr
    assert refused.stderr.count("\n") == 1


def test_a_bot_that_may_not_migrate_starts_on_a_database_already_upgraded(
    tmp_path: Path
) -> None:
    subprocess.run([sys.executable, "-m", "bot", "db", "upgrade"], cwd=tmp_path, env=clean_env(),
                   check=True, capture_output=True, timeout=TIMEOUT)
    chat = subprocess.run(
        [sys.executable, "-m", "bot", "run"], cwd=tmp_path, capture_output=True, text=True,
        env=clean_env(RETROWALK_MIGRATE_ON_START="false"), timeout=TIMEOUT,
        input="/log 12 min park\n")
    assert chat.returncode == 0, chat.stderr
    assert "Recorded: 12 min" in chat.stdout
