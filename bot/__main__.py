"""`python -m bot` runs the `retrowalk` command."""

from bot.cli import main

# Guarded: the coach's worker process (spawned) imports this module again as __mp_main__.
if __name__ == "__main__":
    raise SystemExit(main())
