"""The `retrowalk` command with bad settings and database locations (issue 9): one line that
names the problem and shows the right form, exit code 2, never a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e.test_console import run


def test_a_plain_file_path_is_a_sqlite_database(tmp_path: Path) -> None:
    result = run(["chat", "--db", "coach.db"], tmp_path, "/log 7 min\n")
    assert result.returncode == 0, result.stderr
    assert "Recorded: 7 min" in result.stdout
    assert (tmp_path / "coach.db").exists()
    assert "file path" in run(["chat", "--help"], tmp_path).stdout


def test_a_plain_path_in_the_database_setting_works_too(tmp_path: Path) -> None:
    run(["chat"], tmp_path, "/log 9 min\n", RETROWALK_DATABASE_URL="walks.db")
    assert (tmp_path / "walks.db").exists()


def test_a_sqlite_url_in_a_missing_folder_is_refused_naming_the_folder(tmp_path: Path) -> None:
    missing = tmp_path / "no-such-folder"
    result = run(["chat", "--db", f"sqlite:///{missing}/walks.db"], tmp_path, "/log 7 min\n")
    assert result.returncode == 2
    assert str(missing) in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.stderr
    assert not missing.exists()


def test_an_unknown_database_url_is_refused_with_the_right_form(tmp_path: Path) -> None:
    result = run(["chat", "--db", "mysql+nosuchdriver://x/y"], tmp_path, "/log 7 min\n")
    assert result.returncode == 2
    assert "sqlite:///" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize(("variable", "value"), [
    ("RETROWALK_DISCORD_DEV_GUILD", "abc"), ("RETROWALK_TELEGRAM_WEBHOOK_PORT", "eighty"),
    ("RETROWALK_LOG_LEVEL", "LOUD"),
])
def test_a_bad_setting_gets_one_line_naming_it_with_an_example(
    tmp_path: Path, variable: str, value: str
) -> None:
    result = run(["chat"], tmp_path, "/log 7 min\n", **{variable: value})
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert variable in lines[0]
    assert "e.g." in lines[0]
    assert result.stdout == ""


def test_a_missing_token_file_gets_one_line_naming_it(tmp_path: Path) -> None:
    result = run(["run"], tmp_path, "", RETROWALK_TELEGRAM_TOKEN_FILE=str(tmp_path / "nope"))
    assert result.returncode == 2
    assert "RETROWALK_TELEGRAM_TOKEN_FILE" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize(("role", "settings", "says"), [
    ("worker", {}, "needs PostgreSQL"),
    ("scheduler", {"RETROWALK_DATABASE_URL": "walks.db"}, "needs PostgreSQL"),
    ("web", {"RETROWALK_DATABASE_URL": "postgresql+psycopg://u@127.0.0.1:1/x"},
     "RETROWALK_TELEGRAM_TOKEN"),
    ("web", {"RETROWALK_DATABASE_URL": "postgresql+psycopg://u@127.0.0.1:1/x",
             "RETROWALK_TELEGRAM_TOKEN": "1:x"}, "RETROWALK_TELEGRAM_WEBHOOK_SECRET"),
    ("gateway", {"RETROWALK_DATABASE_URL": "postgresql+psycopg://u@127.0.0.1:1/x"},
     "RETROWALK_DISCORD_TOKEN"),
    ("worker", {"RETROWALK_DATABASE_URL": "postgresql+psycopg://u@127.0.0.1:1/x"},
     "RETROWALK_TELEGRAM_TOKEN and/or RETROWALK_DISCORD_TOKEN"),
    # A Discord token is enough for a worker: past that check, the database is what is missing.
    ("worker", {"RETROWALK_DATABASE_URL": "postgresql+psycopg://u@127.0.0.1:1/x",
                "RETROWALK_DISCORD_TOKEN": "x.y.z"}, "Can't open the database"),
    ("gateway", {"RETROWALK_DISCORD_SHARD_IDS": "0,7", "RETROWALK_DISCORD_SHARD_COUNT": "2"},
     "RETROWALK_DISCORD_SHARD_IDS"),
])
def test_a_role_without_what_it_needs_gets_one_line_saying_what_to_set(
    tmp_path: Path, role: str, settings: dict[str, str], says: str
) -> None:
    result = run(["run", "--role", role], tmp_path, "", **settings)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert says in lines[0]
    assert not (tmp_path / "retrowalk.db").exists()
