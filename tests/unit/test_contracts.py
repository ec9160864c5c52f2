"""Each import contract in pyproject.toml breaks when the rule it states is broken: the tree is
copied, one forbidden import is added, and lint-imports must refuse it."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")

VIOLATIONS = [
    ("pure", "core/domain/parsing.py", "import httpx"),
    ("pure", "core/texts/__init__.py", "import sqlalchemy"),
    ("layers", "core/services/walks.py", "from core.conversation import walks as _w"),
    ("layers", "core/persistence/uow.py", "from core.services import people as _p"),
    ("face", "core/replies.py", "from core.services import walks as _w"),
    ("platform-free", "core/coach.py", "import telegram"),
    ("adapters", "bot/telegram/handlers.py", "from core.services import walks as _w"),
    ("adapters", "bot/discord/commands.py", "from core.conversation import HANDLERS as _h"),
    ("adapters", "bot/dispatch.py", "from core.persistence import uow as _u"),
    ("adapters", "bot/scheduler.py", "from core.coach import Coach as _c"),
    ("root", "bot/app.py", "from core.services import walks as _w"),
    ("independent", "bot/console/chat.py", "from bot.telegram import render as _r"),
]


@pytest.fixture(scope="module")
def tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the packages and the contracts, free to break."""
    copy = tmp_path_factory.mktemp("tree")
    for name in ("core", "bot"):
        shutil.copytree(ROOT / name, copy / name,
                        ignore=shutil.ignore_patterns("__pycache__"))
    (copy / "tests").mkdir()
    (copy / "tests" / "__init__.py").write_text("")
    shutil.copy(ROOT / "tests" / "contracts.py", copy / "tests" / "contracts.py")
    shutil.copy(ROOT / "pyproject.toml", copy / "pyproject.toml")
    return copy


def lint(tree: Path, contract: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(LINT_IMPORTS), "--no-cache", "--contract", contract],
                          cwd=tree, capture_output=True, text=True, timeout=120)


def test_the_untouched_tree_keeps_every_contract(tree: Path) -> None:
    result = subprocess.run([str(LINT_IMPORTS), "--no-cache"], cwd=tree, capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(("contract", "path", "line"), VIOLATIONS)
def test_a_forbidden_import_breaks_its_contract(
    tree: Path, contract: str, path: str, line: str
) -> None:
    target = tree / path
    original = target.read_text()
    target.write_text(original + f"\n{line}  # noqa\n")
    try:
        result = lint(tree, contract)
    finally:
        target.write_text(original)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "BROKEN" in result.stdout
