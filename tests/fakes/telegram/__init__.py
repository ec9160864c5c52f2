"""A fake Telegram Bot API server for tests: the real python-telegram-bot talks HTTP to it.

    async with FakeTelegram() as fake:
        app = fake.application_builder().build()   # token, base_url, base_file_url set
        app.add_handler(...)
        ...start polling (or updater.start_webhook)...
        ada = fake.user("Ada", username="ada")
        chat = fake.private_chat(ada)
        await fake.send_text(ada, chat, "/log 15 min park")
        reply = await fake.next_reply(chat)          # a Call: method, params, files, result
        assert reply.text == "Logged 15 minutes."

Modules: `driver` (FakeTelegram, the test-facing API), `server` (aiohttp routes), `methods` and
`messages` (Bot API methods), `validation` (spec-driven parameter checks and Telegram's content
rules), `markup`/`markdown` (HTML, MarkdownV2 and Markdown parsing), `state`/`world` (chats,
messages, update queue), `limits` (flood control), `webhook` (pushing updates), `spec` (the
vendored API description in bot_api_spec.json).
"""

from .driver import FakeTelegram, UpdateId
from .limits import Limits
from .model import (
    Call,
    CallbackAnswer,
    Chat,
    Failure,
    FloodEvent,
    UploadedFile,
    User,
    WebhookDelivery,
)
from .validation import ApiError

__all__ = [
    "ApiError",
    "Call",
    "CallbackAnswer",
    "Chat",
    "Failure",
    "FakeTelegram",
    "FloodEvent",
    "Limits",
    "UpdateId",
    "UploadedFile",
    "User",
    "WebhookDelivery",
]
