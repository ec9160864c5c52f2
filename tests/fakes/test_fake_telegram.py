"""The fake Telegram server, driven by the real python-telegram-bot Application over HTTP."""

from __future__ import annotations

import asyncio
import html
import json
import socket
import struct
import time
import zlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import Any

import aiohttp
import pytest
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import (
    BadRequest,
    Conflict,
    EndPointNotFound,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
)
from telegram.ext import (
    AIORateLimiter,
    Application,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)
from telegram.helpers import escape_markdown

from tests.fakes.telegram import FakeTelegram, Limits
from tests.fakes.telegram.markdown import parse_markdown_v2
from tests.fakes.telegram.markup import MarkupError, parse_html

pytestmark = pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")

# ---------------------------------------------------------------- a tiny bot, defined here


def tiny_png(width: int = 64, height: int = 32) -> bytes:
    """A valid RGB PNG image."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data)
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    rows = b"".join(b"\x00" + b"\xc0\x40\x20" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows))
            + chunk(b"IEND", b""))


PNG = tiny_png()
CSV = b"date,minutes\n2026-06-01,15\n" + bytes(range(256))
SEEN_UPDATE_IDS: list[int] = []


async def on_start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Greets in HTML."""
    assert update.effective_message and update.effective_user
    SEEN_UPDATE_IDS.append(update.update_id)
    name = html.escape(update.effective_user.first_name)
    await update.effective_message.reply_text(f"Hello, <b>{name}</b> &amp; welcome!",
                                              parse_mode="HTML")


async def on_log(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Echoes the command arguments."""
    assert update.effective_message
    await update.effective_message.reply_text("Logged: " + " ".join(context.args or []))


async def on_menu(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Offers an inline keyboard."""
    assert update.effective_message
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("15 min", callback_data="walk:15"),
                                      InlineKeyboardButton("30 min", callback_data="walk:30")]])
    await update.effective_message.reply_text("How long did you walk?", reply_markup=keyboard)


async def on_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Answers the button press and edits the message."""
    query = update.callback_query
    assert query and query.data
    await query.answer(f"Saved {query.data}")
    await query.edit_message_text(f"You chose {query.data.split(':')[1]} minutes.")


async def on_files(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Sends a chart and a CSV export."""
    assert update.effective_message
    await update.effective_message.reply_photo(PNG, caption="Your week", filename="week.png")
    await update.effective_message.reply_document(CSV, filename="walks.csv")


async def on_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Echoes plain text."""
    assert update.effective_message and update.effective_message.text
    await update.effective_message.reply_text("echo: " + update.effective_message.text)


def build_app(fake: FakeTelegram, **builder_options: Any) -> Application[Any, Any, Any, Any, Any,
                                                                          Any]:
    """The tiny bot, pointed at the fake."""
    builder = fake.application_builder()  # token, base_url and base_file_url set
    if "rate_limiter" in builder_options:
        builder = builder.rate_limiter(builder_options["rate_limiter"])
    app = builder.build()
    app.add_handler(CommandHandler("start", on_start))
    app.add_handler(CommandHandler("log", on_log))
    app.add_handler(CommandHandler("menu", on_menu))
    app.add_handler(CommandHandler("files", on_files))
    app.add_handler(CallbackQueryHandler(on_button))
    app.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, on_text))
    return app


@asynccontextmanager
async def polling(app: Application[Any, Any, Any, Any, Any, Any]) -> AsyncIterator[None]:
    """Run the application with long polling, as run_polling would."""
    await app.initialize()
    await app.start()
    assert app.updater is not None
    await app.updater.start_polling(poll_interval=0.0)
    try:
        yield
    finally:
        await app.updater.stop()
        await app.stop()
        await app.shutdown()


@pytest.fixture
async def fake() -> AsyncIterator[FakeTelegram]:
    """A running fake server; afterwards every answer it gave must match the Bot API spec and
    the bot must never have put its token anywhere but the URL path."""
    async with FakeTelegram() as server:
        yield server
    assert server.spec_violations() == []
    assert server.token_leaks == []
    assert server.internal_errors == []


def free_port() -> int:
    """An unused TCP port on 127.0.0.1."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# ---------------------------------------------------------------- polling lifecycle


async def test_polling_starts_and_stops_like_against_telegram(fake: FakeTelegram) -> None:
    app = build_app(fake)
    async with polling(app):
        parked = await fake.wait_until_polling()
    assert [c.method for c in fake.calls[:2]] == ["getMe", "deleteWebhook"]
    assert parked.params["timeout"] == 10 and parked not in fake.calls  # cancelled by stop()
    last = fake.calls[-1]
    assert last.method == "getUpdates" and last.params["timeout"] == 0
    assert all(c.ok for c in fake.calls)
    assert app.bot.username == fake.bot_user.username
    assert fake.token_leaks == []


async def test_long_poll_returns_as_soon_as_an_update_arrives(fake: FakeTelegram) -> None:
    ada = fake.user("Ada", username="ada")
    chat = fake.private_chat(ada)
    async with polling(build_app(fake)):
        await fake.wait_until_polling()  # the bot is now parked in a 10 s long poll
        started = time.perf_counter()
        await fake.send_text(ada, chat, "/start")
        reply = await fake.next_reply(chat, timeout=2)
        assert time.perf_counter() - started < 0.5
    assert reply.text == "Hello, Ada & welcome!"


# ---------------------------------------------------------------- conversations


async def test_command_in_private_chat_is_answered(fake: FakeTelegram) -> None:
    ada = fake.user("Ada", username="ada")
    chat = fake.private_chat(ada)
    async with polling(build_app(fake)):
        update_id = await fake.send_text(ada, chat, "/log 15 min park")
        reply = await fake.next_reply(chat)
    assert fake.update(update_id)["message"]["entities"] == [
        {"type": "bot_command", "offset": 0, "length": 4}
    ]
    assert reply.text == "Logged: 15 min park"
    message = reply.message
    assert message is not None
    assert message["chat"]["id"] == chat.id and message["from"]["id"] == fake.bot_user.id
    assert "reply_to_message" not in message  # PTB quotes only in groups by default
    assert [m["text"] for m in fake.sent_to(chat)] == ["Logged: 15 min park"]


async def test_group_command_addressed_with_bot_username(fake: FakeTelegram) -> None:
    ada, bob = fake.user("Ada"), fake.user("Bob")
    group = fake.group_chat("Walkers", admins=[ada], members=[bob])
    async with polling(build_app(fake)):
        await fake.send_text(bob, group, "/log@SomeOtherBot 99 min")  # not for us
        update_id = await fake.send_command(ada, group, "log", "15 min park")
        reply = await fake.next_reply(group)
    text = fake.update(update_id)["message"]["text"]
    assert text == "/log@RetroWalkBot 15 min park"
    assert fake.update(update_id)["message"]["entities"][0]["length"] == len("/log@RetroWalkBot")
    assert reply.text == "Logged: 15 min park"
    assert reply.message is not None
    quoted = reply.message["reply_to_message"]
    assert quoted["message_id"] == fake.update(update_id)["message"]["message_id"]
    assert len(fake.sent_to(group)) == 1


async def test_plain_text_is_echoed(fake: FakeTelegram) -> None:
    ada = fake.user("Ada")
    chat = fake.private_chat(ada)
    async with polling(build_app(fake)):
        await fake.send_text(ada, chat, "walked backwards 🚶 today")
        reply = await fake.next_reply(chat)
    assert reply.text == "echo: walked backwards 🚶 today"


async def test_callback_query_is_answered_and_message_edited(fake: FakeTelegram) -> None:
    ada = fake.user("Ada")
    chat = fake.private_chat(ada)
    async with polling(build_app(fake)):
        await fake.send_text(ada, chat, "/menu")
        menu = await fake.next_reply(chat)
        assert [b["callback_data"] for b in menu.buttons()] == ["walk:15", "walk:30"]
        with pytest.raises(ValueError, match="no button"):
            await fake.send_callback(ada, chat, menu, "walk:45")
        await fake.send_callback(ada, chat, menu, "walk:30")
        edit = await fake.wait_for(lambda c: c.method == "editMessageText")
    assert edit.ok
    [answer] = fake.answered_callbacks
    assert answer.data == "walk:30" and answer.text == "Saved walk:30"
    assert answer.user_id == ada.id and answer.message_id == menu.result["message_id"]
    [current] = fake.sent_to(chat)
    assert current["text"] == "You chose 30 minutes." and "reply_markup" not in current
    with pytest.raises(BadRequest, match="Query is too old"):
        await Bot(fake.token, base_url=fake.base_url).answer_callback_query(
            answer.callback_query_id)


async def test_redelivered_update_reaches_the_bot_twice(fake: FakeTelegram) -> None:
    SEEN_UPDATE_IDS.clear()
    ada = fake.user("Ada")
    chat = fake.private_chat(ada)
    async with polling(build_app(fake)):
        update_id = await fake.send_text(ada, chat, "/start")
        await fake.next_reply(chat)
        fake.redeliver(update_id)  # plain call or await: both queue the update
        await fake.next_reply(chat)
    assert [update_id, update_id] == SEEN_UPDATE_IDS
    assert fake.pending_updates == 0


# ---------------------------------------------------------------- files


async def test_photo_and_document_uploads_arrive_byte_exact(fake: FakeTelegram) -> None:
    ada = fake.user("Ada")
    chat = fake.private_chat(ada)
    app = build_app(fake)
    async with polling(app):
        await fake.send_text(ada, chat, "/files")
        photo = await fake.next_reply(chat)
        document = await fake.next_reply(chat)
        sizes = photo.result["photo"]
        downloaded = await (await app.bot.get_file(sizes[-1]["file_id"])).download_as_bytearray()
    assert photo.method == "sendPhoto" and photo.content_type == "multipart/form-data"
    upload = photo.files["photo"]
    assert upload.data == PNG and upload.filename == "week.png"
    assert upload.content_type == "image/png"
    assert (sizes[-1]["width"], sizes[-1]["height"]) == (64, 32)
    assert photo.result["caption"] == "Your week"
    assert bytes(downloaded) == PNG
    assert document.method == "sendDocument"
    assert document.files["document"].data == CSV
    sent = document.result["document"]
    assert sent["file_name"] == "walks.csv" and sent["file_size"] == len(CSV)
    assert sent["mime_type"] == "text/csv"


async def test_files_sent_by_users_can_be_downloaded_by_the_bot(fake: FakeTelegram) -> None:
    ada = fake.user("Ada")
    chat = fake.private_chat(ada)
    fake.send_document(ada, chat, CSV, "garmin-export.csv", caption="my walks")
    fake.send_photo(ada, chat, PNG)
    async with Bot(fake.token, base_url=fake.base_url,
                   base_file_url=fake.base_file_url) as bot:
        document_update, photo_update = await bot.get_updates()
        assert document_update.message and document_update.message.document
        assert document_update.message.caption == "my walks"
        document = document_update.message.document
        assert (document.file_name, document.mime_type) == ("garmin-export.csv", "text/csv")
        data = await (await document.get_file()).download_as_bytearray()
        assert bytes(data) == CSV
        assert photo_update.message and photo_update.message.photo
        biggest = photo_update.message.photo[-1]
        assert (biggest.width, biggest.height) == (64, 32)
        assert bytes(await (await biggest.get_file()).download_as_bytearray()) == PNG


async def test_photo_that_is_not_an_image_is_rejected(fake: FakeTelegram) -> None:
    chat = fake.private_chat(fake.user("Ada"))
    async with Bot(fake.token, base_url=fake.base_url) as bot:
        with pytest.raises(BadRequest, match="Image_process_failed"):
            await bot.send_photo(chat.id, b"definitely not a picture")


# ---------------------------------------------------------------- Telegram's limits and errors


async def test_text_over_4096_characters_is_rejected(fake: FakeTelegram) -> None:
    chat = fake.private_chat(fake.user("Ada"))
    async with Bot(fake.token, base_url=fake.base_url) as bot:
        with pytest.raises(BadRequest, match="Message is too long"):
            await bot.send_message(chat.id, "x" * 4097)
        with pytest.raises(BadRequest, match="Message text is empty"):
            await bot.send_message(chat.id, "  <b> </b> ", parse_mode="HTML")
        ok = await bot.send_message(chat.id, "🚶" * 4096)  # characters, not UTF-16 units
        assert ok.text == "🚶" * 4096
        tagged = await bot.send_message(chat.id, "<b>" + "x" * 4096 + "</b>", parse_mode="HTML")
        assert len(tagged.text or "") == 4096
        with pytest.raises(BadRequest, match="Message caption is too long"):
            await bot.send_photo(chat.id, PNG, caption="c" * 1025)
    failed = fake.calls_to("sendMessage")[0]
    assert failed.status == 400 and failed.error == "Bad Request: message is too long"


async def test_callback_data_over_64_bytes_is_rejected(fake: FakeTelegram) -> None:
    chat = fake.private_chat(fake.user("Ada"))
    too_long = "é" * 32 + "x"  # 65 bytes in UTF-8, 33 characters
    async with Bot(fake.token, base_url=fake.base_url) as bot:
        with pytest.raises(BadRequest, match="Button_data_invalid"):
            await bot.send_message(chat.id, "pick", reply_markup=InlineKeyboardMarkup(
                [[InlineKeyboardButton("a", callback_data=too_long)]]))
        fits = "é" * 32
        sent = await bot.send_message(chat.id, "pick", reply_markup=InlineKeyboardMarkup(
            [[InlineKeyboardButton("a", callback_data=fits)]]))
        assert sent.reply_markup is not None
        with pytest.raises(BadRequest, match=r"(?i)text buttons are unallowed"):
            await bot.send_message(chat.id, "pick", reply_markup=InlineKeyboardMarkup(
                [[InlineKeyboardButton("a")]]))


async def test_broken_html_is_rejected_and_escaped_html_accepted(fake: FakeTelegram) -> None:
    chat = fake.private_chat(fake.user("Ada"))
    async with Bot(fake.token, base_url=fake.base_url) as bot:
        for broken, reason in [
            ("<b>unclosed", 'Can\'t find end tag corresponding to start tag "b"'),
            ("<b>x</i>", 'Unmatched end tag at byte offset 4, expected "</b>", found "</i>"'),
            ("<blink>x</blink>", 'Unsupported start tag "blink" at byte offset 0'),
            ("5 < 7 steps", 'Unsupported start tag "" at byte offset 2'),
            ("R&D", "Character '&' at byte offset 1 is not part of an HTML entity and must "
                    "be escaped as &amp;"),
        ]:
            with pytest.raises(BadRequest, match="Can't parse entities"):
                await bot.send_message(chat.id, broken, parse_mode="HTML")
            assert fake.calls[-1].error == f"Bad Request: can't parse entities: {reason}"
        text = html.escape("5 < 7 & 3 > 2") + " <i>walk</i> <a href='https://x.org/a?b=1'>x</a>"
        sent = await bot.send_message(chat.id, text, parse_mode="HTML")
    assert sent.text == "5 < 7 & 3 > 2 walk x"
    assert [(e.type, e.offset, e.length) for e in sent.entities] == [
        ("italic", 14, 4), ("text_link", 19, 1)]


async def test_markdown_v2_requires_escaping(fake: FakeTelegram) -> None:
    chat = fake.private_chat(fake.user("Ada"))
    async with Bot(fake.token, base_url=fake.base_url) as bot:
        with pytest.raises(BadRequest, match=r"(?i)character '\.' is reserved"):
            await bot.send_message(chat.id, "*1.5 km* today", parse_mode="MarkdownV2")
        text = "*" + escape_markdown("1.5 km (new best!)", version=2) + "* today"
        sent = await bot.send_message(chat.id, text, parse_mode="MarkdownV2")
    assert sent.text == "1.5 km (new best!) today"
    assert [(e.type, e.offset, e.length) for e in sent.entities] == [("bold", 0, 18)]


async def test_429_on_demand_is_honoured_by_the_rate_limiter(fake: FakeTelegram) -> None:
    ada = fake.user("Ada")
    chat = fake.private_chat(ada)
    fake.flood("sendMessage", chat=chat, retry_after=1)
    async with polling(build_app(fake, rate_limiter=AIORateLimiter(max_retries=2))):
        await fake.send_text(ada, chat, "/start")
        reply = await fake.next_reply(chat, timeout=5)
    first, second = fake.calls_to("sendMessage")
    assert first.status == 429 and first.retry_after == 1
    assert second is reply and second.ok
    assert second.at - first.at >= 1.0
    assert [(f.method, f.chat_id, f.retry_after, f.injected) for f in fake.floods] == [
        ("sendMessage", chat.id, 1, True)]
    assert fake.backoff_violations() == []


async def test_blocked_user_raises_forbidden_and_lost_chat_not_found(fake: FakeTelegram) -> None:
    ada, bob = fake.user("Ada"), fake.user("Bob")
    blocked, lost = fake.private_chat(ada), fake.private_chat(bob)
    fake.block_bot(blocked)
    fake.lose_chat(lost)
    async with Bot(fake.token, base_url=fake.base_url) as bot:
        with pytest.raises(Forbidden, match="bot was blocked by the user"):
            await bot.send_message(blocked.id, "still there?")
        with pytest.raises(BadRequest, match="Chat not found"):
            await bot.send_message(lost.id, "hello?")
        with pytest.raises(BadRequest, match="Chat not found"):
            await bot.send_message(123, "nobody")
    assert [c.status for c in fake.calls] == [200, 403, 400, 400]
    assert fake.calls[1].error == "Forbidden: bot was blocked by the user"


async def test_a_user_who_never_opened_a_chat_cannot_be_written_to(fake: FakeTelegram) -> None:
    stranger = fake.user("Carol")  # known to Telegram (e.g. seen in a group), no private chat
    async with Bot(fake.token, base_url=fake.base_url) as bot:
        with pytest.raises(Forbidden, match="can't initiate conversation"):
            await bot.send_message(stranger.id, "hello?")
        fake.private_chat(stranger)  # she pressed Start
        assert (await bot.send_message(stranger.id, "hello!")).text == "hello!"


async def test_forum_topics_carry_their_thread_both_ways(fake: FakeTelegram) -> None:
    ada = fake.user("Ada")
    forum = fake.group_chat("Walk club", forum=True, members=[ada])
    seen: list[tuple[bool, int | None]] = []

    async def on_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message = update.effective_message
        assert message is not None and update.effective_chat is not None
        seen.append((update.effective_chat.is_forum, message.message_thread_id))
        await context.bot.send_message(update.effective_chat.id, "here",
                                       message_thread_id=message.message_thread_id)

    app = fake.application_builder().build()
    app.add_handler(MessageHandler(filters.TEXT, on_text))
    async with polling(app):
        fake.send_text(ada, forum, "hi topic", topic=42)
        reply = await fake.next_reply(forum)
    assert seen == [(True, 42)]
    assert reply.params["message_thread_id"] == 42


async def test_send_latency_delays_every_send_but_nothing_else() -> None:
    async with FakeTelegram(send_latency=0.2) as fake:
        chat = fake.private_chat(fake.user("Ada"))
        async with Bot(fake.token, base_url=fake.base_url) as bot:
            started = time.monotonic()
            await bot.get_me()
            quick = time.monotonic() - started
            await bot.send_message(chat.id, "slow")
            slow = time.monotonic() - started - quick
    assert quick < 0.2 <= slow


async def test_any_error_on_demand_then_recovery(fake: FakeTelegram) -> None:
    chat = fake.private_chat(fake.user("Ada"))
    fake.fail_next("sendMessage", times=2, code=502, description="Bad Gateway")
    async with Bot(fake.token, base_url=fake.base_url) as bot:
        for _ in range(2):
            with pytest.raises(NetworkError, match="Bad Gateway"):
                await bot.send_message(chat.id, "hello?")
        assert (await bot.send_message(chat.id, "hello!")).text == "hello!"
    assert [c.status for c in fake.calls_to("sendMessage")] == [502, 502, 200]


async def test_strict_limits_answer_429_for_a_busy_group() -> None:
    async with FakeTelegram(strict_limits=True, limits=Limits(group_per_minute=3)) as fake:
        group = fake.group_chat("Walkers")
        async with Bot(fake.token, base_url=fake.base_url) as bot:
            for n in range(3):
                await bot.send_message(group.id, f"message {n}")
            with pytest.raises(RetryAfter) as info:
                await bot.send_message(group.id, "one too many")
            with pytest.raises(RetryAfter):  # still inside retry_after
                await bot.send_message(group.id, "impatient")
        assert "Flood control exceeded" in str(info.value)
        assert [(f.injected, f.retry_after >= 59) for f in fake.floods] == [(False, True)] * 2
        assert [c.seq for c in fake.backoff_violations()] == [fake.calls[-1].seq]


async def test_strict_limits_tolerate_a_short_burst_to_a_private_chat() -> None:
    async with FakeTelegram(strict_limits=True, limits=Limits(private_burst=3)) as fake:
        chat = fake.private_chat(fake.user("Ada"))
        async with Bot(fake.token, base_url=fake.base_url) as bot:
            for n in range(3):
                await bot.send_message(chat.id, f"part {n}")
            with pytest.raises(RetryAfter):
                await bot.send_message(chat.id, "part 3")
        assert [(f.chat_id, f.retry_after) for f in fake.floods] == [(chat.id, 1)]


async def test_edit_with_same_markup_is_not_modified(fake: FakeTelegram) -> None:
    chat = fake.private_chat(fake.user("Ada"))
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("ok", callback_data="ok")]])
    async with Bot(fake.token, base_url=fake.base_url) as bot:
        sent = await bot.send_message(chat.id, "Done?", reply_markup=keyboard)
        with pytest.raises(BadRequest, match="Message is not modified"):
            await bot.edit_message_reply_markup(chat.id, sent.message_id, reply_markup=keyboard)
        with pytest.raises(BadRequest, match="Message is not modified"):
            await bot.edit_message_text("Done?", chat.id, sent.message_id, reply_markup=keyboard)
        await bot.edit_message_reply_markup(chat.id, sent.message_id)
        assert await bot.delete_message(chat.id, sent.message_id)
        with pytest.raises(BadRequest, match="Message to delete not found"):
            await bot.delete_message(chat.id, sent.message_id)
    assert fake.sent_to(chat) == []


async def test_commands_are_validated_and_stored(fake: FakeTelegram) -> None:
    async with Bot(fake.token, base_url=fake.base_url) as bot:
        assert await bot.set_my_commands([("log", "Log a backward walk"), ("stats", "Your week")])
        assert [c.command for c in await bot.get_my_commands()] == ["log", "stats"]
        with pytest.raises(BadRequest, match="Bot_command_invalid"):
            await bot.set_my_commands([("Log", "capitals are not allowed")])
        with pytest.raises(BadRequest, match="Bot_command_description_invalid"):
            await bot.set_my_commands([("log", "")])
        with pytest.raises(BadRequest, match="Bot_commands_too_much"):
            await bot.set_my_commands([(f"c{n}", "x") for n in range(101)])
        assert fake.commands() == [{"command": "log", "description": "Log a backward walk"},
                                   {"command": "stats", "description": "Your week"}]
        assert await bot.delete_my_commands()
        assert await bot.get_my_commands() == ()


async def test_chat_member_statuses_follow_the_table(fake: FakeTelegram) -> None:
    ada, bob, cy = fake.user("Ada"), fake.user("Bob"), fake.user("Cy")
    group = fake.group_chat("Walkers", creator=cy, admins=[ada], members=[bob],
                            supergroup=True)
    async with Bot(fake.token, base_url=fake.base_url) as bot:
        statuses = [(await bot.get_chat_member(group.id, u.id)).status for u in (ada, bob, cy)]
        admins = await bot.get_chat_administrators(group.id)
        info = await bot.get_chat(group.id)
    assert statuses == ["administrator", "member", "creator"]
    assert {a.user.id for a in admins} == {ada.id, cy.id}
    assert info.type == "supergroup" and info.title == "Walkers"


# ---------------------------------------------------------------- the HTTP surface


async def test_wrong_token_and_unknown_method(fake: FakeTelegram) -> None:
    wrong = fake.token.split(":")[0] + ":" + "A" * 35
    with pytest.raises(InvalidToken):
        async with Bot(wrong, base_url=fake.base_url) as bot:
            pass
    async with Bot(fake.token, base_url=fake.base_url) as bot:
        with pytest.raises(EndPointNotFound):
            await bot.do_api_request("sendWalkingStick")
    async with aiohttp.ClientSession() as http:
        url = f"{fake.base_url}{wrong}/getMe"
        async with http.post(url) as resp:
            assert resp.status == 401
            assert await resp.json() == {"ok": False, "error_code": 401,
                                         "description": "Unauthorized"}
        async with http.post(f"{fake.base_url}{fake.token}/sendWalkingStick") as resp:
            assert resp.status == 404
            assert await resp.json() == {"ok": False, "error_code": 404,
                                         "description": "Not Found"}


async def test_json_form_and_multipart_bodies_are_all_accepted(fake: FakeTelegram) -> None:
    chat = fake.private_chat(fake.user("Ada"))
    url = f"{fake.base_url}{fake.token}/sendMessage"
    markup = {"inline_keyboard": [[{"text": "ok", "callback_data": "ok"}]]}
    async with aiohttp.ClientSession() as http:
        async with http.post(url, json={"chat_id": chat.id, "text": "json",
                                        "reply_markup": markup}) as resp:
            assert (await resp.json())["result"]["reply_markup"] == markup
        form = {"chat_id": str(chat.id), "text": "form", "reply_markup": json.dumps(markup),
                "disable_notification": "true"}
        async with http.post(url, data=form) as resp:
            assert (await resp.json())["result"]["text"] == "form"
        multipart = aiohttp.FormData(default_to_multipart=True)
        multipart.add_field("chat_id", str(chat.id))
        multipart.add_field("text", "multipart")
        async with http.post(url, data=multipart) as resp:
            assert (await resp.json())["result"]["text"] == "multipart"
        async with http.post(url, json={"chat_id": chat.id}) as resp:
            assert resp.status == 400
            assert await resp.json() == {"ok": False, "error_code": 400,
                                         "description": "Bad Request: message text is empty"}
        async with http.post(url, data={"chat_id": "x1", "text": "hi"}) as resp:
            assert (await resp.json())["description"] == "Bad Request: chat not found"
        async with http.post(url, data={"chat_id": chat.id, "text": "hi",
                                        "reply_markup": "{not json"}) as resp:
            assert (await resp.json())["description"] == (
                "Bad Request: can't parse reply keyboard markup JSON object")
    assert [c.content_type for c in fake.calls[:3]] == [
        "application/json", "application/x-www-form-urlencoded", "multipart/form-data"]
    assert fake.calls[1].params["disable_notification"] is True


async def test_get_requests_and_method_names_in_any_case(fake: FakeTelegram) -> None:
    chat = fake.private_chat(fake.user("Ada"))
    async with aiohttp.ClientSession() as http:
        async with http.get(f"{fake.base_url}{fake.token}/getme") as resp:
            assert (await resp.json())["result"]["username"] == "RetroWalkBot"
        query = {"chat_id": str(chat.id), "text": "via query string"}
        async with http.get(f"{fake.base_url}{fake.token}/SENDMESSAGE", params=query) as resp:
            assert (await resp.json())["result"]["text"] == "via query string"
    assert [c.method for c in fake.calls] == ["getMe", "sendMessage"]


async def test_token_outside_the_url_is_reported() -> None:
    async with FakeTelegram() as fake:
        chat = fake.private_chat(fake.user("Ada"))
        async with Bot(fake.token, base_url=fake.base_url) as bot:
            await bot.send_message(chat.id, f"debug: my token is {fake.token}")
        assert [c.method for c in fake.token_leaks] == ["sendMessage"]


async def test_get_updates_offsets_limits_and_conflicts(fake: FakeTelegram) -> None:
    ada = fake.user("Ada")
    chat = fake.private_chat(ada)
    ids = [fake.send_text(ada, chat, f"walk {n}") for n in range(5)]
    async with Bot(fake.token, base_url=fake.base_url) as bot, Bot(
        fake.token, base_url=fake.base_url
    ) as second_instance:
        assert [u.update_id for u in await bot.get_updates(limit=2)] == ids[:2]
        assert [u.update_id for u in await bot.get_updates(offset=ids[3])] == ids[3:]
        assert [u.update_id for u in await bot.get_updates(offset=-1)] == ids[4:]
        waiting = asyncio.create_task(bot.get_updates(offset=ids[4] + 1, timeout=5))
        await fake.wait_until_polling()
        assert await second_instance.get_updates(offset=ids[4] + 1) == ()
        with pytest.raises(Conflict, match="terminated by other getUpdates request"):
            await waiting
    assert fake.pending_updates == 0


async def test_dates_follow_an_injected_clock() -> None:
    noon = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
    async with FakeTelegram(clock=lambda: noon) as fake:  # a core Clock works as is
        ada = fake.user("Ada")
        chat = fake.private_chat(ada)
        update_id = fake.send_text(ada, chat, "/start")
        async with Bot(fake.token, base_url=fake.base_url) as bot:
            sent = await bot.send_message(chat.id, "hi")
        assert fake.update(update_id)["message"]["date"] == int(noon.timestamp())
        assert sent.date == noon


# ---------------------------------------------------------------- webhook mode


async def test_webhook_mode_with_secret_token(fake: FakeTelegram) -> None:
    ada = fake.user("Ada")
    chat = fake.private_chat(ada)
    app = build_app(fake)
    port = free_port()
    url = f"http://127.0.0.1:{port}/telegram"
    await app.initialize()
    await app.start()
    assert app.updater is not None
    await app.updater.start_webhook(listen="127.0.0.1", port=port, url_path="telegram",
                                    secret_token="walk-backwards_42", webhook_url=url)
    try:
        assert fake.webhook is not None
        assert (fake.webhook.url, fake.webhook.secret_token) == (url, "walk-backwards_42")
        with pytest.raises(Conflict, match="webhook is active"):
            await app.bot.get_updates()
        info = await app.bot.get_webhook_info()
        assert (info.url, info.pending_update_count, info.max_connections) == (url, 0, 40)
        await fake.send_text(ada, chat, "/start")  # pushed to the webhook by the fake
        assert (await fake.next_reply(chat)).text == "Hello, Ada & welcome!"
        intruder = fake.make_text_update(ada, chat, "/log 999 min")
        assert await fake.post_webhook(intruder, secret="guessed") == 403
        assert await fake.post_webhook(intruder, secret=None) == 403
        assert await fake.post_webhook(intruder) == 200
        assert (await fake.next_reply(chat)).text == "Logged: 999 min"
        assert fake.sent_to(chat)[-1]["text"] == "Logged: 999 min"
        assert len(fake.sent_to(chat)) == 2  # the forged posts were not handled
    finally:
        await app.updater.stop()
        await app.stop()
        await app.shutdown()
    assert [d.status for d in fake.webhook_deliveries] == [200, 403, 403, 200]
    assert fake.webhook_deliveries[0].secret_sent == "walk-backwards_42"


# ---------------------------------------------------------------- the parsers on their own


@pytest.mark.parametrize(
    ("markup", "text", "entities"),
    [
        ("<b>a</b><i>b</i>", "ab", [("bold", 0, 1), ("italic", 1, 1)]),
        ("<tg-spoiler>s</tg-spoiler> <span class=\"tg-spoiler\">t</span>", "s t",
         [("spoiler", 0, 1), ("spoiler", 2, 1)]),
        ("🚶<u>x</u>", "🚶x", [("underline", 2, 1)]),
        ("<pre><code class=\"language-python\">x = 1</code></pre>", "x = 1", [("pre", 0, 5)]),
        ("<blockquote expandable>q</blockquote>", "q", [("expandable_blockquote", 0, 1)]),
        ("&lt;&#33;&#x41;&quot;", "<!A\"", []),
    ],
)
def test_html_parser(markup: str, text: str, entities: list[tuple[str, int, int]]) -> None:
    parsed = parse_html(markup)
    assert parsed.text == text
    assert [(e["type"], e["offset"], e["length"]) for e in parsed.entities] == entities


@pytest.mark.parametrize(
    ("markup", "result"),
    [
        ("*b* _i_ __u__ ~s~ ||p||", ("b i u s p", ["bold", "italic", "underline",
                                                  "strikethrough", "spoiler"])),
        ("[site](https://example.org)", ("site", ["text_link"])),
        ("```python\nprint(1)\n```", ("print(1)\n", ["pre"])),
        (">quoted\nplain", ("quoted\nplain", ["blockquote"])),
        ("*open", "Can't find end of Bold entity at byte offset 0"),
        ("a-b", "Character '-' is reserved and must be escaped with the preceding '\\'"),
    ],
)
def test_markdown_v2_parser(markup: str, result: tuple[str, list[str]] | str) -> None:
    if isinstance(result, str):
        with pytest.raises(MarkupError) as info:
            parse_markdown_v2(markup)
        assert str(info.value) == result
        return
    parsed = parse_markdown_v2(markup)
    assert (parsed.text, [e["type"] for e in parsed.entities]) == result
