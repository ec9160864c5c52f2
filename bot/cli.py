"""The `retrowalk` command: run, chat, jobs, db upgrade."""

from __future__ import annotations

import argparse
import asyncio
import getpass
import logging
import os
import sys
from collections.abc import Sequence
from typing import Any
from zoneinfo import ZoneInfo

from pydantic import ValidationError
from sqlalchemy import Engine
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, OperationalError

from bot import app, logs
from bot.settings import EXAMPLES, SettingError, Settings, load_settings, variable
from core.delivery import Schedule
from core.persistence.engine import DatabaseFolderMissing, describe

log = logging.getLogger(__name__)
# The exit status for a setting or a database location that cannot be used (as argparse uses
# for bad arguments).
USAGE_ERROR = 2
# An error nothing expected stops the bot: said in the log (secrets blanked, with its traceback
# for whoever runs it) and in the exit status (as Python's own for an uncaught one), never
# in silence.
UNEXPECTED_ERROR = 1
STOPPED_BY_ERROR = "stopped by an unexpected error"
# What the command says when it cannot start (one line each, on stderr). These are words to
# the person running the bot, not the coach's, so they live here and not in core.texts (the
# root contract keeps the coach's wording out of the composition root).
SETTING_INVALID = "{variable}={value} can't be used: {problem}; e.g. {variable}={example}"
SETTING_UNUSABLE = "{variable} can't be used: {problem}; e.g. {variable}={example}"
DATABASE_FOLDER_MISSING = (
    "The database folder {folder} doesn't exist: create it (mkdir -p {folder}) or choose "
    "another, e.g. --db retrowalk.db"
)
DATABASE_URL_INVALID = (
    "Can't use the database {url} ({problem}). Give a file path or a URL, e.g. --db retrowalk.db, "
    "--db sqlite:////var/lib/retrowalk/retrowalk.db or --db postgresql+psycopg://user@host/walks"
)
DATABASE_UNREACHABLE = "Can't open the database {url}: {problem}"
ROLE_NEEDS_POSTGRES = (
    "--role {role} needs PostgreSQL, shared by every process: set RETROWALK_DATABASE_URL, e.g. "
    "postgresql+psycopg://retrowalk@db/retrowalk (or use --role all with SQLite)"
)
ROLE_NEEDS_TELEGRAM = "--role web needs a Telegram token: set RETROWALK_TELEGRAM_TOKEN"
ROLE_NEEDS_A_TOKEN = (
    "--role worker sends for the platforms whose tokens it has and has none: set "
    "RETROWALK_TELEGRAM_TOKEN and/or RETROWALK_DISCORD_TOKEN"
)
ROLE_NEEDS_DISCORD = "--role gateway needs a Discord token: set RETROWALK_DISCORD_TOKEN"
ROLE_NEEDS_WEBHOOK = (
    "--role web needs the webhook every replica shares: set RETROWALK_TELEGRAM_WEBHOOK_URL and "
    "RETROWALK_TELEGRAM_WEBHOOK_SECRET, e.g. https://bot.example.org/telegram and a long "
    "random string"
)
HEALTH_PORT_UNAVAILABLE = (
    "Can't serve health and metrics on {listen}:{port} ({problem}): choose another port, "
    "e.g. RETROWALK_HEALTH_PORT=9465, or 0 for none"
)
SCHEMA_BEHIND = (
    "The database {url} is at schema {current}, this version needs {head}, and "
    "RETROWALK_MIGRATE_ON_START is false: run `retrowalk db upgrade` first"
)
JOBS_HEADING = "Upcoming (local time, then UTC):"
JOBS_NONE = "No reminders or daily posts are set."
JOBS_QUEUE = "Delivery queue: {counts}"
JOBS_QUEUE_EMPTY = "empty"
CLI_DB_HELP = "database URL or SQLite file path (default: retrowalk.db here)"


class Refused(Exception):
    """The command cannot start; str(self) is the one line that says why and how to fix it."""


def parser() -> argparse.ArgumentParser:
    """The command line."""
    top = argparse.ArgumentParser(prog="retrowalk", description="RetroWalk Coach")
    commands = top.add_subparsers(dest="command", required=True)
    run = commands.add_parser(
        "run", help="start the coach: Telegram/Discord when a token is set, else the terminal chat")
    run.add_argument("--db", help=CLI_DB_HELP)
    run.add_argument("--role", choices=app.ROLES, default="all",
                     help="what this process does (default: all; the others need PostgreSQL)")
    chat = commands.add_parser("chat", help="chat with the coach in this terminal")
    chat.add_argument("--db", help=CLI_DB_HELP)
    chat.add_argument("--user", help="who you are (default: your login name)")
    chat.add_argument("--group", metavar="NAME",
                      help="play a group chat named NAME (friends take turns: 'as bob: /join')")
    chat.add_argument("--admin", action="store_true",
                      help="with --group: you are the group's admin (/setup, /challenge_time)")
    jobs = commands.add_parser(
        "jobs", help="upcoming reminders and daily posts, and the delivery queue's counts")
    jobs.add_argument("--db", help=CLI_DB_HELP)
    jobs.add_argument("--limit", type=int, default=20, help="how many of each (default: 20)")
    db = commands.add_parser("db", help="database maintenance")
    db_commands = db.add_subparsers(dest="db_command", required=True)
    upgrade = db_commands.add_parser("upgrade", help="apply schema migrations")
    upgrade.add_argument("--db", help=CLI_DB_HELP)
    return top


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the console script."""
    command_line = parser()
    args = command_line.parse_args(argv)
    if getattr(args, "admin", False) and not args.group:
        command_line.error("--admin needs --group NAME: only a group has admins")
    try:
        settings, secrets = _settings()
        # The terminal chat keeps the screen for the conversation, and the one-shot commands
        # for their report: only warnings are logged.
        role = getattr(args, "role", "all")
        chatting = args.command == "chat" or (
            args.command == "run" and role == "all" and not secrets)
        quiet = chatting or args.command in ("jobs", "db")
        logs.configure("WARNING" if quiet else settings.log_level, secrets,
                       fmt=settings.log_format)
        url = app.database_url(settings, args.db)
        if role != "all" and not url.startswith("postgresql"):
            raise Refused(ROLE_NEEDS_POSTGRES.format(role=role))
        if role == "web" and not settings.telegram_secret():
            raise Refused(ROLE_NEEDS_TELEGRAM)
        if role == "worker" and not secrets:
            raise Refused(ROLE_NEEDS_A_TOKEN)
        if role == "gateway" and not settings.discord_secret():
            raise Refused(ROLE_NEEDS_DISCORD)
        if role == "web" and not (settings.telegram_webhook_url
                                  and settings.telegram_webhook_secret):
            raise Refused(ROLE_NEEDS_WEBHOOK)
        # `db upgrade` is the one place a deployment with a migration service migrates.
        engine = _database(url, migrate=args.command == "db" or settings.migrate_on_start)
    except Refused as refusal:
        print(refusal, file=sys.stderr)
        return USAGE_ERROR
    if args.command == "db":
        engine.dispose()
        print("database is at the newest schema")
        return 0
    coach = app.build_coach(engine)
    if args.command == "jobs":
        try:
            print(jobs_report(asyncio.run(coach.schedule(max(1, args.limit)))))
        finally:
            coach.close()
            engine.dispose()
        return 0
    try:
        if chatting:
            user = getattr(args, "user", None) or _login_name()
            asyncio.run(app.run_console(coach, user, settings.output_dir,
                                        group=getattr(args, "group", None) or None,
                                        admin=getattr(args, "admin", False),
                                        health=_health(settings, engine, platforms=False)))
        else:
            asyncio.run(app.run_role(settings, coach, url, role,
                                     health=_health(settings, engine, platforms=True)))
    except app.HealthPortUnavailable as taken:
        print(HEALTH_PORT_UNAVAILABLE.format(listen=taken.listen, port=taken.port,
                                             problem=taken.problem), file=sys.stderr)
        return USAGE_ERROR
    except KeyboardInterrupt:
        print(file=sys.stderr)
    except BrokenPipeError:
        if not chatting:
            log.exception(STOPPED_BY_ERROR)
            return UNEXPECTED_ERROR
        # The reader went away (`retrowalk chat < script | head`): nothing more to say to it,
        # and Python's flush at exit must not complain either.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    except Exception:
        log.exception(STOPPED_BY_ERROR)
        return UNEXPECTED_ERROR
    finally:
        coach.close()
        engine.dispose()
    return 0


def jobs_report(schedule: Schedule) -> str:
    """`retrowalk jobs`: what is still to come, in local time and UTC, and the queue."""
    lines = [JOBS_HEADING] if schedule.upcoming else [JOBS_NONE]
    for job in schedule.upcoming:
        local = job.at.astimezone(ZoneInfo(job.timezone))
        lines.append(f"  {job.kind:<10} {job.who[:24]:<24} {local:%Y-%m-%d %H:%M} "
                     f"{job.timezone:<22} {job.at:%Y-%m-%d %H:%M} UTC")
    counts = ", ".join(f"{status} {count}" for status, count in sorted(schedule.queue.items()))
    lines.append(JOBS_QUEUE.format(counts=counts or JOBS_QUEUE_EMPTY))
    return "\n".join(lines)


def _settings() -> tuple[Settings, list[str]]:
    """The settings and the secrets in them, or Refused naming each bad variable."""
    try:
        settings = load_settings()
        secrets = [s for s in (settings.telegram_secret(), settings.discord_secret()) if s]
        settings.discord_shards()  # checked now, for a one-line answer
    except ValidationError as error:
        raise Refused("\n".join(_bad_setting(e) for e in error.errors())) from None
    except SettingError as error:
        raise Refused(SETTING_UNUSABLE.format(
            variable=variable(error.field), problem=error.problem,
            example=EXAMPLES.get(error.field, "..."))) from None
    return settings, secrets


def _bad_setting(error: Any) -> str:
    field = str(error["loc"][0]) if error.get("loc") else "?"
    problem = str(error.get("msg", "")).removeprefix("Value error, ")
    problem = problem[:1].lower() + problem[1:]
    example = EXAMPLES.get(field, "...")
    value = error.get("input")
    if not isinstance(value, str) or "token" in field or "secret" in field:
        return SETTING_UNUSABLE.format(variable=variable(field), problem=problem,
                                             example=example)
    return SETTING_INVALID.format(variable=variable(field), value=value[:40],
                                        problem=problem, example=example)


def _health(settings: Settings, engine: Engine, *, platforms: bool) -> app.HealthConfig | None:
    """Where /healthz, /readyz and /metrics are served, if anywhere."""
    port = settings.health_port_for(platforms)
    return app.HealthConfig(settings.health_listen, port, engine) if port else None


def _database(url: str, *, migrate: bool = True) -> Engine:
    """The database at the newest schema, or Refused saying what is wrong with it."""
    try:
        return app.open_database(url, migrate=migrate)
    except app.SchemaBehind as behind:
        raise Refused(SCHEMA_BEHIND.format(url=_shown(url), current=behind.current or "none",
                                           head=behind.head)) from None
    except DatabaseFolderMissing as missing:
        raise Refused(DATABASE_FOLDER_MISSING.format(folder=missing.folder)) from None
    except (ArgumentError, NoSuchModuleError, ImportError) as error:
        raise Refused(DATABASE_URL_INVALID.format(
            url=_shown(url), problem=_first_line(error))) from None
    except OperationalError as error:
        raise Refused(DATABASE_UNREACHABLE.format(
            url=_shown(url), problem=_first_line(error.orig or error))) from None


def _shown(url: str) -> str:
    try:
        return describe(url)
    except ArgumentError:
        return "given"


def _first_line(error: BaseException) -> str:
    lines = str(error).strip().splitlines()
    return lines[0][:200] if lines else error.__class__.__name__


def _login_name() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "me"


if __name__ == "__main__":
    raise SystemExit(main())
