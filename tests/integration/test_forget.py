"""/forget deletes every row of the user, and nothing of theirs lingers in the database file."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine

from core.coach import Coach
from tests.support import Person, in_group, person, table_rows, walk_minutes

MARKER = "zebra-crossing-7f3a9"


def file_bytes(engine: Engine) -> bytes:
    """The SQLite file and its write-ahead log, as stored on disk (PostgreSQL keeps its files
    to itself: nothing to read)."""
    if engine.dialect.name != "sqlite":
        return b""
    db_path = Path(str(engine.url.database))
    wal = db_path.with_name(db_path.name + "-wal")
    return db_path.read_bytes() + (wal.read_bytes() if wal.exists() else b"")


def test_forget_asks_first_and_anything_but_yes_keeps_everything(
    ada: Person, engine: Engine
) -> None:
    ada.say("/log 10 min")
    reply = ada.say("/forget")
    assert "Reply yes to confirm" in reply.text
    assert [b.action for b in reply.buttons] == ["forget:yes", "forget:no"]
    assert "Kept everything" in ada.say("no thanks").text
    assert table_rows(engine)["walks"]


def test_a_walk_told_right_after_forget_keeps_everything_and_is_recorded(
    ada: Person, engine: Engine
) -> None:
    """Once, "walked backwards 20 minutes at the park" after /forget answered "Kept everything"
    and the walk was not recorded."""
    ada.say("/log 10 min")
    ada.say("/forget")
    reply = ada.say("walked backwards 20 minutes at the park")
    assert reply.text.startswith("Kept everything")
    assert "Recorded: 20 min of backward walking at the park" in reply.text
    assert sorted(w["minutes"] for w in table_rows(engine)["walks"]) == [10, 20]
    assert "Kept everything" not in ada.say("/streak").text  # the question is settled


def test_yes_deletes_every_row_and_leaves_no_trace_in_the_file(
    coach: Coach, engine: Engine
) -> None:
    sqlite = engine.dialect.name == "sqlite"
    ada, bob = person(coach, "ada"), person(coach, "bob")
    ada.say("/start")
    for n in range(30):
        ada.say(f"/log {n % 20 + 1} min park {MARKER} walk {n}")
    in_group(ada).say("/join")
    ada.say("/pause 2")
    bob.say("/log 12 min bob-was-here")
    assert (MARKER.encode() in file_bytes(engine)) is sqlite
    ada.say("/forget")
    assert "everything about you is deleted" in ada.say("yes").text
    rows = table_rows(engine)
    assert walk_minutes(engine) == [12]
    assert [r["external_id"] for r in rows["accounts"]] == ["bob"]
    assert rows["pauses"] == [] and rows["challenge_members"] == []
    assert len(rows["people"]) == 1
    assert MARKER.encode() not in file_bytes(engine)
    assert (b"bob-was-here" in file_bytes(engine)) is sqlite


def test_the_confirm_button_deletes_too(ada: Person, engine: Engine) -> None:
    ada.say("/log 10 min")
    ada.say("/forget")
    assert "deleted" in ada.press("forget:yes").text
    assert table_rows(engine)["walks"] == []


def test_an_old_confirm_button_without_a_fresh_question_deletes_nothing(
    ada: Person, engine: Engine
) -> None:
    ada.say("/log 10 min")
    assert "expired" in ada.fail_press("forget:yes")
    assert table_rows(engine)["walks"]


def test_forget_and_export_are_refused_in_groups(ada: Person) -> None:
    group = in_group(ada)
    assert "private chat" in group.fail("/forget")
    assert "private chat" in group.fail("/export")
