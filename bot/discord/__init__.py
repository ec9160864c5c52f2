"""Discord adapter: discord.py 2 slash commands on the coaching core."""
