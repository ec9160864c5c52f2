"""The Telegram bot's lifecycle: built, started and stopped inside the shared event loop."""

from __future__ import annotations

import logging
import secrets
from typing import cast
from urllib.parse import urlsplit

from telegram import (
    BotCommand,
    BotCommandScope,
    BotCommandScopeAllChatAdministrators,
    BotCommandScopeAllGroupChats,
    BotCommandScopeAllPrivateChats,
    BotCommandScopeDefault,
    Update,
)
from telegram.error import InvalidToken, TelegramError
from telegram.ext import (
    ApplicationBuilder,
    CallbackQueryHandler,
    ChatMemberHandler,
    ContextTypes,
    MessageHandler,
    TypeHandler,
    filters,
)

from bot.logs import RedactSecrets
from bot.settings import Settings
from bot.telegram import handlers
from bot.telegram.handlers import BotData, CoachApplication, CoachContext
from bot.telegram.limits import PatientLimiter
from bot.telegram.notifier import TelegramNotifier
from bot.telegram.ordering import PerChatOrder
from core.api import CoachAPI
from core.command_table import COMMANDS, Command

log = logging.getLogger(__name__)
ALLOWED_UPDATES = [Update.MESSAGE, Update.CALLBACK_QUERY, Update.MY_CHAT_MEMBER]
# Updates handled at once, one per chat at most (bench/telegram.py). Sequential is ~15% faster at
# saturation, because the coach's worker thread and the event loop then never compete for the
# GIL; 32 is 40-70% slower. Both are many times Telegram's 30 messages a second, though, and a few
# slots keep a group held back by its 20-a-minute limit from holding up every other chat.
CONCURRENT_UPDATES = 4
SEND_RETRIES = 3
# Loggers that write Telegram URLs, which hold the token: httpx every request at INFO, the bot
# its base URLs at DEBUG. Their records are cleaned before any handler sees them.
URL_LOGGERS = ("httpx", "telegram.Bot", "telegram.ext.ExtBot")


def build_application(settings: Settings, token: str, coach: CoachAPI, *,
                      rate_limited: bool = True,
                      concurrent_updates: int = CONCURRENT_UPDATES) -> CoachApplication:
    """The python-telegram-bot Application with every handler wired. (`rate_limited=False` is
    for benchmarks only: Telegram's flood control is then the caller's business.)"""
    context_types = ContextTypes(context=CoachContext, bot_data=BotData)
    builder = (
        ApplicationBuilder()
        .token(token)
        .base_url(settings.telegram_api_url)
        .base_file_url(settings.telegram_files_url())
        .context_types(context_types)
        .connect_timeout(10).read_timeout(15).write_timeout(30)
        .get_updates_read_timeout(42)
        .job_queue(None)  # APScheduler is the one scheduler
    )
    if concurrent_updates > 1:
        builder = builder.concurrent_updates(PerChatOrder(concurrent_updates))
    application: CoachApplication
    if rate_limited:
        # Sends paced evenly under 30 a second, replies ahead of queued broadcasts, 20 a minute
        # per group; a RetryAfter pauses only its chat (or the broadcasts), and requests that
        # failed on the way are tried again (bot/telegram/limits.py).
        application = builder.rate_limiter(PatientLimiter(max_retries=SEND_RETRIES)).build()
    else:
        application = cast(CoachApplication, builder.build())
    application.bot_data.coach = coach
    application.add_handler(TypeHandler(Update, handlers.drop_repeats), group=-1)
    application.add_handler(MessageHandler(filters.COMMAND, handlers.command))
    application.add_handler(MessageHandler(
        filters.ChatType.PRIVATE & (filters.TEXT | filters.CAPTION) & ~filters.COMMAND,
        handlers.text))
    application.add_handler(CallbackQueryHandler(handlers.button))
    application.add_handler(ChatMemberHandler(handlers.membership,
                                              ChatMemberHandler.MY_CHAT_MEMBER))
    application.add_error_handler(handlers.on_error)
    return application


def menus() -> list[tuple[BotCommandScope, list[Command]]]:
    """The command menu per audience: personal commands in private chats; in groups all but the
    private-only ones and, for members, the challenge settings; everything wherever no narrower
    menu applies."""
    personal = [c for c in COMMANDS if not c.in_groups_only]
    admins = [c for c in COMMANDS if not c.in_private_only]
    members = [c for c in admins if not c.admin_only]
    return [
        (BotCommandScopeDefault(), list(COMMANDS)),
        (BotCommandScopeAllPrivateChats(), personal),
        (BotCommandScopeAllGroupChats(), members),
        (BotCommandScopeAllChatAdministrators(), admins),
    ]


class TelegramService:
    """Polling (the default) or a webhook when RETROWALK_TELEGRAM_WEBHOOK_URL is set."""

    def __init__(self, settings: Settings, token: str, coach: CoachAPI, *,
                 rate_limited: bool = True, concurrent_updates: int = CONCURRENT_UPDATES,
                 receive: bool = True, shared_updates: bool = False) -> None:
        self.settings = settings
        # False: a sender only (`retrowalk run --role worker`): the bot sends, receives nothing.
        self.receive = receive
        self._redact = RedactSecrets([token])
        for name in URL_LOGGERS:
            logging.getLogger(name).addFilter(self._redact)
        self.application = build_application(settings, token, coach, rate_limited=rate_limited,
                                             concurrent_updates=concurrent_updates)
        # True for webhook replicas: an update one replica took is skipped by the others.
        self.application.bot_data.shared = shared_updates
        secret = settings.telegram_webhook_secret
        # The secret Telegram echoes on every webhook request; random unless one is configured
        # (configure one when several instances share the webhook).
        self.webhook_secret = secret.get_secret_value() if secret else secrets.token_urlsafe(32)

    async def start(self) -> None:
        """Connect, register commands, and begin receiving updates."""
        try:
            await self._start()
        except BaseException:
            await self.stop()
            raise

    async def _start(self) -> None:
        application, settings = self.application, self.settings
        try:
            await application.initialize()
        except InvalidToken:
            # PTB's message quotes the rejected token; this one reaches logs and tracebacks.
            raise InvalidToken("Telegram rejected the bot token (RETROWALK_TELEGRAM_TOKEN)") \
                from None
        if not self.receive:
            return
        await self._register_commands()
        updater = application.updater
        assert updater is not None
        if settings.telegram_webhook_url:
            _check_path(settings.telegram_webhook_url, settings.telegram_webhook_path)
            await updater.start_webhook(
                listen=settings.telegram_webhook_listen, port=settings.telegram_webhook_port,
                url_path=settings.telegram_webhook_path, webhook_url=settings.telegram_webhook_url,
                secret_token=self.webhook_secret, allowed_updates=ALLOWED_UPDATES)
            log.info("telegram webhook listening on %s:%s", settings.telegram_webhook_listen,
                     settings.telegram_webhook_port)
        else:
            await updater.start_polling(allowed_updates=ALLOWED_UPDATES, bootstrap_retries=-1,
                                        error_callback=_polling_failed)
            log.info("telegram polling as @%s", application.bot.username)
        await application.start()

    async def _register_commands(self) -> None:
        """The command menus users see in Telegram; a failure here is not worth not starting."""
        for scope, commands in menus():
            try:
                await self.application.bot.set_my_commands(
                    [BotCommand(c.name, c.summary) for c in commands], scope=scope)
            except TelegramError as error:
                log.warning("command menu for %s not set: %s", scope.type, error.message)

    def ready(self) -> bool:
        """Receiving updates: polling or the webhook server running, and the application up."""
        updater = self.application.updater
        return bool(self.application.running and updater is not None and updater.running)

    def notifier(self) -> TelegramNotifier:
        """Sends queued messages with this bot."""
        return TelegramNotifier(self.application.bot)

    async def stop(self) -> None:
        """Stop receiving, finish what is running, close connections."""
        application = self.application
        try:
            if application.updater is not None and application.updater.running:
                await application.updater.stop()
            if application.running:
                await application.stop()
            await application.shutdown()
            # After a failed initialize PTB's shutdown skips the bot, whose HTTP clients are open.
            await application.bot.shutdown()
        finally:
            for name in URL_LOGGERS:
                logging.getLogger(name).removeFilter(self._redact)


def _polling_failed(error: TelegramError) -> None:
    """getUpdates failed; the updater retries with growing pauses. One line, no traceback."""
    log.warning("polling Telegram failed, retrying: %s", error.message)


def _check_path(url: str, path: str) -> None:
    if not urlsplit(url).path.rstrip("/").endswith("/" + path.strip("/")):
        log.warning("the webhook URL's path does not end with /%s, where the bot listens; fine "
                    "only behind a proxy that rewrites it", path.strip("/"))
