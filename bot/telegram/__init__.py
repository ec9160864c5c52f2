"""Telegram adapter: python-telegram-bot 22 on the coaching core."""
