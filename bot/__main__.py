"""`python -m bot` runs the `retrowalk` command."""

from bot.cli import main

raise SystemExit(main())
