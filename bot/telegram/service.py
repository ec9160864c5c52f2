"""The Telegram bot's lifecycle: built, started and stopped inside the shared event loop."""

from __future__ import annotations

import logging
import secrets

from telegram import BotCommand, Update
from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    TypeHandler,
    filters,
)

from bot.settings import Settings
from bot.telegram import handlers
from bot.telegram.handlers import BotData, CoachApplication, CoachContext
from bot.telegram.notifier import TelegramNotifier
from bot.telegram.ordering import PerChatOrder
from core.coach import Coach
from core.commands import COMMANDS

log = logging.getLogger(__name__)
ALLOWED_UPDATES = [Update.MESSAGE, Update.CALLBACK_QUERY]
CONCURRENT_UPDATES = 32
SEND_RETRIES = 3


def build_application(settings: Settings, token: str, coach: Coach) -> CoachApplication:
    """The python-telegram-bot Application with every handler wired."""
    context_types = ContextTypes(context=CoachContext, bot_data=BotData)
    application: CoachApplication = (
        ApplicationBuilder()
        .token(token)
        .base_url(settings.telegram_api_url)
        .base_file_url(settings.telegram_files_url())
        .context_types(context_types)
        # About 30 messages/s overall and 20 per minute per group; RetryAfter is waited out.
        .rate_limiter(AIORateLimiter(max_retries=SEND_RETRIES))
        .concurrent_updates(PerChatOrder(CONCURRENT_UPDATES))
        .connect_timeout(10).read_timeout(15).write_timeout(30)
        .get_updates_read_timeout(42)
        .job_queue(None)
        .post_init(_registered)
        .build()
    )
    application.bot_data.coach = coach
    application.add_handler(TypeHandler(Update, handlers.drop_repeats), group=-1)
    names = [c.name for c in COMMANDS]
    application.add_handler(CommandHandler(names, handlers.command))
    application.add_handler(MessageHandler(
        filters.COMMAND & (filters.ChatType.PRIVATE | filters.Regex(r"^/\w+@")),
        handlers.command))
    application.add_handler(MessageHandler(
        filters.TEXT & ~filters.COMMAND & filters.ChatType.PRIVATE, handlers.text))
    application.add_handler(CallbackQueryHandler(handlers.button))
    application.add_error_handler(handlers.on_error)
    return application


async def _registered(application: Application) -> None:  # type: ignore[type-arg]
    """At start: the command list users see in Telegram's menu."""
    commands = [BotCommand(c.name, c.summary) for c in COMMANDS]
    await application.bot.set_my_commands(commands)


class TelegramService:
    """Polling (the default) or a webhook when RETROWALK_TELEGRAM_WEBHOOK_URL is set."""

    def __init__(self, settings: Settings, token: str, coach: Coach) -> None:
        self.settings = settings
        self.application = build_application(settings, token, coach)
        secret = settings.telegram_webhook_secret
        # The secret Telegram echoes on every webhook request; random unless one is configured.
        self.webhook_secret = secret.get_secret_value() if secret else secrets.token_urlsafe(32)

    async def start(self) -> None:
        """Connect, register commands, and begin receiving updates."""
        application, settings = self.application, self.settings
        await application.initialize()
        if application.post_init is not None:
            await application.post_init(application)
        updater = application.updater
        assert updater is not None
        if settings.telegram_webhook_url:
            await updater.start_webhook(
                listen=settings.telegram_webhook_listen, port=settings.telegram_webhook_port,
                url_path=settings.telegram_webhook_path, webhook_url=settings.telegram_webhook_url,
                secret_token=self.webhook_secret, allowed_updates=ALLOWED_UPDATES)
            log.info("telegram webhook listening on %s:%s", settings.telegram_webhook_listen,
                     settings.telegram_webhook_port)
        else:
            await application.bot.delete_webhook()
            await updater.start_polling(allowed_updates=ALLOWED_UPDATES, bootstrap_retries=-1)
            log.info("telegram polling as @%s", application.bot.username)
        await application.start()

    def notifier(self) -> TelegramNotifier:
        """Sends queued messages with this bot."""
        return TelegramNotifier(self.application.bot)

    async def stop(self) -> None:
        """Stop receiving, finish what is running, close connections."""
        application = self.application
        if application.updater is not None and application.updater.running:
            await application.updater.stop()
        if application.running:
            await application.stop()
        await application.shutdown()
