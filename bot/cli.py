"""The `retrowalk` command: run, chat, db upgrade."""

from __future__ import annotations

import argparse
import asyncio
import getpass
import logging
import sys
from collections.abc import Sequence

from bot import app, logs
from bot.settings import Settings

log = logging.getLogger(__name__)


def parser() -> argparse.ArgumentParser:
    """The command line."""
    top = argparse.ArgumentParser(prog="retrowalk", description="RetroWalk Coach")
    commands = top.add_subparsers(dest="command", required=True)
    run = commands.add_parser(
        "run", help="start the coach: Telegram/Discord when a token is set, else the terminal chat")
    run.add_argument("--db", help="database URL (default: retrowalk.db here)")
    chat = commands.add_parser("chat", help="chat with the coach in this terminal")
    chat.add_argument("--db", help="database URL (default: retrowalk.db here)")
    chat.add_argument("--user", help="who you are (default: your login name)")
    db = commands.add_parser("db", help="database maintenance")
    db_commands = db.add_subparsers(dest="db_command", required=True)
    upgrade = db_commands.add_parser("upgrade", help="apply schema migrations")
    upgrade.add_argument("--db", help="database URL (default: retrowalk.db here)")
    return top


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the console script."""
    args = parser().parse_args(argv)
    settings = Settings()
    secrets = [s for s in (settings.telegram_secret(), settings.discord_secret()) if s]
    # The terminal chat keeps the screen for the conversation: only warnings are logged there.
    chatting = args.command == "chat" or (args.command == "run" and not secrets)
    logs.configure("WARNING" if chatting else settings.log_level, secrets)
    url = app.database_url(settings, args.db)
    engine = app.open_database(url)
    if args.command == "db":
        engine.dispose()
        print("database is at the newest schema")
        return 0
    coach = app.build_coach(engine)
    try:
        if chatting:
            user = getattr(args, "user", None) or _login_name()
            asyncio.run(app.run_console(coach, user, settings.output_dir))
        else:
            asyncio.run(app.run_platforms(settings, coach))
    except KeyboardInterrupt:
        print(file=sys.stderr)
    finally:
        coach.close()
        engine.dispose()
    return 0


def _login_name() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "me"


if __name__ == "__main__":
    raise SystemExit(main())
