"""A real PostgreSQL server for the tests: the machine's, or a throwaway one started from the
installed binaries. Under CI=true a test run without one fails instead of skipping.

RETROWALK_TEST_POSTGRES_URL names a server (an admin URL to its `postgres` database);
otherwise 127.0.0.1:5432 is tried, then a cluster is created in a temporary folder.
"""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

from sqlalchemy import Engine, create_engine, text

DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"


def required() -> bool:
    """In CI the PostgreSQL tests must run."""
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")


def _reachable(url: str) -> bool:
    engine = create_engine(url, connect_args={"connect_timeout": 3})
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        return True
    except Exception:
        return False
    finally:
        engine.dispose()


def _binaries() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextlib.contextmanager
def _throwaway_cluster(bin_dir: Path) -> Iterator[str]:
    """initdb + pg_ctl start in a temporary folder (as `nobody` when running as root, which
    PostgreSQL refuses); stopped and removed afterwards."""
    folder = Path(tempfile.mkdtemp(prefix="retrowalk-pg-"))
    data, port = folder / "data", _free_port()
    run: list[str] = []
    user = os.environ.get("USER") or "postgres"
    if os.geteuid() == 0:
        shutil.chown(folder, "nobody")
        run, user = ["runuser", "-u", "nobody", "--"], "nobody"
    subprocess.run([*run, str(bin_dir / "initdb"), "-D", str(data), "-A", "trust", "-U", user],
                   check=True, capture_output=True)
    options = f"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c fsync=off"
    subprocess.run([*run, str(bin_dir / "pg_ctl"), "-D", str(data), "-o", options, "-l",
                    str(folder / "log"), "-w", "start"], check=True, capture_output=True)
    try:
        yield f"postgresql+psycopg://{user}@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run([*run, str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "immediate",
                        "stop"], capture_output=True)
        shutil.rmtree(folder, ignore_errors=True)


@contextlib.contextmanager
def server() -> Iterator[str | None]:
    """An admin URL of a running server, or None when there is none to be had."""
    url = os.environ.get("RETROWALK_TEST_POSTGRES_URL", DEFAULT_URL)
    if _reachable(url):
        yield url
        return
    bin_dir = _binaries()
    if bin_dir is None:
        yield None
        return
    with _throwaway_cluster(bin_dir) as started:
        yield started


@contextlib.contextmanager
def database(admin_url: str) -> Iterator[str]:
    """A fresh, empty database on the server; dropped afterwards."""
    name = f"retrowalk_test_{uuid.uuid4().hex[:10]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        yield admin_url.rsplit("/", 1)[0] + f"/{name}"
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
    finally:
        admin.dispose()


def empty(engine: Engine) -> None:
    """Delete every row of every table but Alembic's (between tests on one database)."""
    with engine.begin() as connection:
        tables = [row[0] for row in connection.execute(text(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' "
            "AND tablename <> 'alembic_version'"))]
        if tables:
            quoted = ", ".join(f'"{t}"' for t in tables)
            connection.execute(text(f"TRUNCATE {quoted} RESTART IDENTITY CASCADE"))
