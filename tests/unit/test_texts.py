"""Every sentence in core/texts/, read the way a careful editor would (issue 9's slips)."""

from __future__ import annotations

import importlib
import pkgutil
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from core import texts
from core.command_table import BY_NAME

ROOT = Path(__file__).resolve().parents[2]


def sentences(value: object = None) -> Iterator[str]:
    """Every string held by the texts package's modules, in constants, dicts and tuples."""
    if value is None:
        modules = [texts] + [importlib.import_module(f"core.texts.{info.name}")
                             for info in pkgutil.iter_modules(texts.__path__)]
        for module in modules:
            for name in dir(module):
                if name.isupper():
                    yield from sentences(getattr(module, name))
    elif isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from sentences(item)
    elif isinstance(value, tuple | list):
        for item in value:
            yield from sentences(item)


def test_every_command_the_coach_mentions_exists() -> None:
    mentioned = {m for text in sentences() for m in re.findall(r"(?<![\w/])/([a-z_]+)", text)}
    assert mentioned - set(BY_NAME) == set()


@pytest.mark.parametrize("slip", [
    "today is today", "so far yet", "this coach grew from", "source article", "21 days",
    "challenge_off",
])
def test_no_sentence_has_a_known_slip(slip: str) -> None:
    assert [t for t in sentences() if slip in t or slip in filled(t)] == []


class _Today(dict[str, str]):
    """Fills every template field with 'today', the value that made 'today is today'."""

    def __missing__(self, key: str) -> str:
        return "today"


def filled(template: str) -> str:
    """The template with every field 'today' (fields with number formats stay as they are)."""
    try:
        return template.format_map(_Today())
    except (ValueError, IndexError):
        return template


def test_every_mention_of_the_article_names_it() -> None:
    for text in sentences():
        if "article" in text.replace("article this coach", ""):
            assert texts.SOURCE_ARTICLE in text or text.startswith("#"), text


def test_the_streak_invitation_at_zero_starts_a_streak_rather_than_keeping_one() -> None:
    assert "keeps" not in texts.STREAK_TODAY_START and "starts" in texts.STREAK_TODAY_START


def test_the_coaching_facts_ship_with_the_project_and_the_readme_links_them() -> None:
    assert (ROOT / "docs" / "coaching.md").is_file()
    readme = (ROOT / "README.md").read_text()
    links = re.findall(r"\]\(([^)]*coaching[^)]*)\)", readme, flags=re.IGNORECASE)
    assert links and all(not link.startswith("..") and (ROOT / link).is_file() for link in links)
