"""What the container image holds, tested without a Docker daemon: the Dockerfile's own COPY
lines and install script, run into a fresh virtual environment, give a `retrowalk db upgrade`
and a `retrowalk run` that work on PostgreSQL as an unprivileged user, and the bot answers
/healthz, /readyz and /metrics.

To stay fast (a full install takes about two minutes here), the fresh environment sees the
test environment's packages through a .pth file, so the install script's `pip install` finds
every pinned dependency already satisfied and builds and installs only the project itself, as
a plain (non-editable) wheel, from a copy of exactly what the Dockerfile copies."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import pwd
import re
import shlex
import shutil
import signal
import subprocess
import sys
import sysconfig
import tempfile
from collections.abc import Iterator
from pathlib import Path

import aiohttp
import pytest

from tests import postgres
from tests.e2e.telegram_support import free_port
from tests.fakes.telegram import FakeTelegram

ROOT = Path(__file__).resolve().parents[2]
DOCKERFILE = ROOT / "deploy" / "Dockerfile"
INSTALL_SECONDS = 300
STARTUP = 60.0
UNPRIVILEGED = "nobody"


def instructions() -> list[tuple[str, str]]:
    """The Dockerfile's instructions (continuation lines joined), as (INSTRUCTION, rest)."""
    joined = re.sub(r"\\\n\s*", " ", DOCKERFILE.read_text())
    found = []
    for line in joined.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            word, _, rest = line.partition(" ")
            found.append((word.upper(), rest.strip()))
    return found


def build_context(into: Path) -> list[str]:
    """Copy what the Dockerfile COPYs (relative to its WORKDIR) into `into`; the RUN lines that
    install, to run there."""
    runs = []
    for word, rest in instructions():
        if word == "COPY":
            *sources, target = shlex.split(rest)
            destination = into / target.lstrip("./") if target not in ("./", ".") else into
            for source in sources:
                origin = ROOT / source
                if origin.is_dir():
                    shutil.copytree(origin, destination, ignore=shutil.ignore_patterns(
                        "__pycache__"))
                else:
                    folder = destination if target.endswith("/") else destination.parent
                    folder.mkdir(parents=True, exist_ok=True)
                    shutil.copy2(origin, folder / origin.name if target.endswith("/")
                                 else destination)
        elif word == "RUN" and "install.sh" in rest:
            runs.append(rest)
    return runs


def runs_as(user: str) -> list[str]:
    """The prefix that runs a command as `user` (none when we are not root). setpriv execs the
    command in its own place (runuser would stay as its parent), so signals reach the bot."""
    if os.geteuid() != 0:
        return []
    account = pwd.getpwnam(user)
    return ["setpriv", f"--reuid={account.pw_uid}", f"--regid={account.pw_gid}",
            "--clear-groups"]


# What the unprivileged user must be able to do with the interpreter: start it, and start it
# again from itself (the bot spawns processes: multiprocessing's resource tracker, the chart pool).
INTERPRETER_CHECK = "import multiprocessing as m; m.get_context('spawn').Lock()"


def interpreter() -> str:
    """A Python of this version the unprivileged user can run, a system one first as in the
    image (pyenv's may sit under /root, where a first start can work and a second fail)."""
    minor = sys.version_info[1]
    candidates = [f"/usr/local/bin/python3.{minor}", f"/usr/bin/python3.{minor}",
                  sys.base_exec_prefix + "/bin/python3"]
    for candidate in candidates:
        if Path(candidate).exists() and subprocess.run(
                [*runs_as(UNPRIVILEGED), candidate, "-c", INTERPRETER_CHECK],
                capture_output=True, cwd="/").returncode == 0:
            return candidate
    raise AssertionError(f"no Python 3.{sys.version_info[1]} that {UNPRIVILEGED} may run")


def prepared_venv(folder: Path) -> Path:
    """A fresh venv that sees this environment's packages (the speed-up described above)."""
    subprocess.run([interpreter(), "-m", "venv", str(folder)], check=True)
    site = next(folder.glob("lib/python3*/site-packages"))
    (site / "test-environment.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    return folder


async def get(port: int, path: str) -> tuple[int, str]:
    async with aiohttp.ClientSession() as session, session.get(
            f"http://127.0.0.1:{port}{path}") as response:
        return response.status, await response.text()


@pytest.fixture
def folder() -> Iterator[Path]:
    """A folder the unprivileged user can reach (pytest's tmp_path sits under a 0700 one)."""
    with tempfile.TemporaryDirectory(prefix="retrowalk-image-") as made:
        os.chmod(made, 0o755)
        yield Path(made)


def uid_of(pid: int) -> int:
    """The real user id a running process has."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("Uid:"):
            return int(line.split()[1])
    raise AssertionError(f"no Uid line for {pid}")


async def test_the_image_install_migrates_then_starts_an_unprivileged_bot_that_answers_probes(
    folder: Path, postgres_admin: str
) -> None:
    """As compose runs it: `retrowalk db upgrade` on PostgreSQL, then `retrowalk run` with
    migrations off, both as an unprivileged user, from what the image's steps installed."""
    context, work = folder / "context", folder / "work"
    context.mkdir()
    work.mkdir()
    runs = build_context(context)
    assert runs == ["sh deploy/install.sh /opt/venv"]
    venv = prepared_venv(folder / "venv")
    installed = subprocess.run(
        ["sh", "deploy/install.sh", str(venv)], cwd=context, capture_output=True, text=True,
        timeout=INSTALL_SECONDS)
    assert installed.returncode == 0, installed.stderr
    site = next(venv.glob("lib/python3*/site-packages"))
    assert (site / "core" / "persistence" / "migrations" / "versions").is_dir()
    assert not list(site.glob("__editable__*"))  # a plain install, as in the image
    if os.geteuid() == 0:
        shutil.chown(work, UNPRIVILEGED)
    retrowalk = [*runs_as(UNPRIVILEGED), str(venv / "bin" / "retrowalk")]

    port = free_port()
    with postgres.database(postgres_admin) as url:
        env = {k: v for k, v in os.environ.items() if not k.startswith("RETROWALK_")}
        env.update(HOME=str(work), RETROWALK_DATABASE_URL=url)
        migrated = subprocess.run([*retrowalk, "db", "upgrade"], cwd=work, env=env,
                                  capture_output=True, text=True, timeout=120)
        assert migrated.returncode == 0, migrated.stderr
        async with FakeTelegram() as telegram:
            env.update(RETROWALK_TELEGRAM_TOKEN=telegram.token,
                       RETROWALK_TELEGRAM_API_URL=telegram.base_url,
                       RETROWALK_TELEGRAM_FILE_URL=telegram.base_file_url,
                       RETROWALK_MIGRATE_ON_START="false", RETROWALK_HEALTH_PORT=str(port))
            process = await asyncio.create_subprocess_exec(
                *retrowalk, "run", cwd=work, env=env, stdout=asyncio.subprocess.PIPE,
                stderr=asyncio.subprocess.PIPE, start_new_session=True)
            try:
                try:
                    await telegram.wait_until_polling(timeout=STARTUP)
                except TimeoutError:
                    with contextlib.suppress(ProcessLookupError):  # it may have stopped itself
                        os.killpg(process.pid, signal.SIGKILL)
                    _, err = await process.communicate()
                    raise AssertionError(err.decode()[-3000:]) from None
                if os.geteuid() == 0:
                    assert uid_of(process.pid) == pwd.getpwnam(UNPRIVILEGED).pw_uid
                assert await get(port, "/healthz") == (200, "ok\n")
                status, body = await get(port, "/readyz")
                assert (status, json.loads(body)) == (200, {"database": True, "telegram": True})
                status, metrics = await get(port, "/metrics")
                assert status == 200 and "# TYPE retrowalk_updates_total counter" in metrics
                probe = subprocess.run(
                    [str(venv / "bin" / "python"), str(context / "deploy" / "healthcheck.py")],
                    env=env, capture_output=True, text=True, timeout=30)
                assert probe.returncode == 0, probe.stderr
            finally:
                if process.returncode is None:
                    process.send_signal(signal.SIGTERM)
                _, err = await asyncio.wait_for(process.communicate(), 60)
        assert process.returncode == 0, err.decode()
        assert telegram.token not in err.decode()
