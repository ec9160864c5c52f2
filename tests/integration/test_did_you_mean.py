"""Typos in command names, and /help for one command (issue 9)."""

from __future__ import annotations

import re

import pytest

from core.command_table import COMMANDS
from tests.support import Person


@pytest.mark.parametrize(("typed", "meant"), [("logg", "log"), ("stauts", "stats"),
                                              ("streek", "streak"), ("TIMEZON", "timezone")])
def test_an_unknown_command_suggests_the_close_one(ada: Person, typed: str, meant: str) -> None:
    refusal = ada.fail(f"/{typed} 10")
    assert refusal.startswith(f"No command /{typed.lower()}. Did you mean /{meant}?")
    assert re.search(rf"Example: /{meant}\b", refusal)


def test_an_unknown_command_far_from_any_points_to_help(ada: Person) -> None:
    assert "/help" in ada.fail("/xyzzyplugh")


@pytest.mark.parametrize("asked", ["log", "/log", "LOG", " /log@RetroWalkBot "])
def test_help_for_one_command_gives_its_usage_and_example(ada: Person, asked: str) -> None:
    text = ada.say(f"/help {asked}").text
    assert "/log <duration> [place] [when] [notes]" in text
    assert "/log 20 min park yesterday felt steady" in text
    assert "/stats" not in text


@pytest.mark.parametrize("command", COMMANDS, ids=[c.name for c in COMMANDS])
def test_help_knows_every_command(ada: Person, command: object) -> None:
    text = ada.say(f"/help {command.name}").text  # type: ignore[attr-defined]
    assert command.example in text  # type: ignore[attr-defined]


def test_help_for_an_unknown_command_suggests_the_close_one(ada: Person) -> None:
    assert ada.fail("/help stauts").startswith("No command /stauts. Did you mean /stats?")
