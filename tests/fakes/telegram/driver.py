"""FakeTelegram: start the fake Bot API server, act as Telegram users, inspect what the bot did."""

from __future__ import annotations

import itertools
import secrets
import time
from collections.abc import Callable, Generator, Iterable
from datetime import datetime
from typing import Any

from aiohttp import web
from telegram.ext import ApplicationBuilder

from .limits import Limits, Throttle
from .markup import auto_entities
from .media import FileStore
from .messages import store_document
from .model import (
    JSON,
    Call,
    CallbackAnswer,
    Chat,
    Failure,
    FloodEvent,
    User,
    WebhookDelivery,
)
from .recorder import Predicate, Recorder
from .server import ApiServer
from .spec import load_spec
from .state import ChatState, UpdateQueue, make_callback_chat_instance
from .validation import SpecMismatch, Validator
from .webhook import WebhookPusher
from .world import Options, PendingCallback, Webhook, World

ChatLike = Chat | int
_CONFIGURED = object()
# The placeholder user Telegram puts in "from" when an admin writes anonymously, as the group.
GROUP_ANONYMOUS_BOT = User(1087968824, "Group", "GroupAnonymousBot", is_bot=True)
# ... and when someone writes in a group as a channel of theirs.
CHANNEL_BOT = User(136817688, "Channel", "Channel_Bot", is_bot=True)
_TOKEN_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-"


class UpdateId(int):
    """An update_id that can also be awaited (so `fake.send_text(...)` and
    `await fake.send_text(...)` both work; the update is queued either way)."""

    def __await__(self) -> Generator[Any, None, int]:
        """Awaiting gives the plain int; nothing is left to wait for."""
        return int(self)
        yield  # unreachable: makes this a generator


class FakeTelegram:
    """An in-process Telegram Bot API server plus helpers to play users and check the bot."""

    def __init__(
        self,
        *,
        bot_username: str = "RetroWalkBot",
        bot_name: str = "RetroWalk Coach",
        bot_id: int = 7_000_000_001,
        token: str | None = None,
        strict_limits: bool = False,
        limits: Limits | None = None,
        clock: Callable[[], float | datetime] = time.time,
        strict_html_ampersand: bool = True,
        allow_insecure_webhooks: bool = True,
        validate_updates: bool = True,
        first_update_id: int = 800_000_001,
        webhook_retry_delay: float = 0.1,
        host: str = "127.0.0.1",
        spec_path: str | None = None,
        send_latency: float = 0.0,
    ) -> None:
        suffix = "AA" + "".join(secrets.choice(_TOKEN_ALPHABET) for _ in range(33))
        self.token = token or f"{bot_id}:{suffix}"
        self.bot_user = User(bot_id, bot_name, username=bot_username, language_code=None,
                             is_bot=True)
        self.host = host
        self.port = 0
        options = Options(strict_html_ampersand, allow_insecure_webhooks)
        self.world = World(self.bot_user, load_spec(spec_path), UpdateQueue(first_update_id),
                           FileStore(bot_id), clock, options)
        self.recorder = Recorder()
        self.failures: list[Failure] = []
        self.server = ApiServer(self.world, self.token, self.recorder, strict_limits=strict_limits,
                                throttle=Throttle(limits or Limits()), failures=self.failures,
                                send_latency=send_latency)
        self.pusher = WebhookPusher(self.world, self.recorder, webhook_retry_delay)
        self.world.on_webhook_change = self.pusher.reconfigure
        self._checker = Validator(self.world.spec)
        self._validator = self._checker if validate_updates else None
        self._user_ids = itertools.count(100_000_001)
        self._group_ids = itertools.count(1)
        self._callback_ids = itertools.count(4_242_000_000_000_000_001)
        self._runner: web.AppRunner | None = None

    # ----------------------------------------------------------------- lifecycle

    async def start(self) -> FakeTelegram:
        """Listen on an ephemeral port of `host`."""
        self._runner = web.AppRunner(self.server.app(), handler_cancellation=True,
                                     access_log=None, shutdown_timeout=0.5)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, 0)
        await site.start()
        self.port = int(self._runner.addresses[0][1])
        return self

    async def stop(self) -> None:
        """End long polls, stop webhook delivery and close the server."""
        self.world.queue.closing = True
        self.world.queue.wake()
        await self.pusher.close()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> FakeTelegram:
        """start()."""
        return await self.start()

    async def __aexit__(self, *exc_info: object) -> None:
        """stop()."""
        await self.stop()

    @property
    def base_url(self) -> str:
        """For ApplicationBuilder().base_url(...): PTB appends the token and the method."""
        return f"http://{self.host}:{self.port}/bot"

    @property
    def base_file_url(self) -> str:
        """For ApplicationBuilder().base_file_url(...)."""
        return f"http://{self.host}:{self.port}/file/bot"

    def application_builder(self) -> ApplicationBuilder[Any, Any, Any, Any, Any, Any]:
        """A PTB ApplicationBuilder already pointed at this server (token, base URLs)."""
        return (ApplicationBuilder().token(self.token).base_url(self.base_url)
                .base_file_url(self.base_file_url))

    # ----------------------------------------------------------------- people and chats

    def user(self, first_name: str = "Ada", *, username: str | None = None,
             last_name: str | None = None, language_code: str | None = "en",
             user_id: int | None = None) -> User:
        """A new Telegram user."""
        user = User(user_id or next(self._user_ids), first_name, username, last_name,
                    language_code)
        self.world.users[user.id] = user
        return user

    def private_chat(self, user: User) -> Chat:
        """The private chat between `user` and the bot (its id is the user's id)."""
        chat = Chat(user.id, "private", username=user.username, first_name=user.first_name,
                    last_name=user.last_name)
        state = self.world.add_chat(chat)
        state.members.update({user.id: "member", self.bot_user.id: "member"})
        state.users[user.id] = user
        return chat

    def group_chat(self, title: str, *, admins: Iterable[User] = (),
                   members: Iterable[User] = (), creator: User | None = None,
                   supergroup: bool = False, username: str | None = None,
                   bot_is_admin: bool = False, forum: bool = False) -> Chat:
        """A group (or supergroup) the bot is in, with a membership table for getChatMember;
        a forum is a supergroup with topics."""
        n = next(self._group_ids)
        supergroup = supergroup or forum
        chat_id = -(1_001_000_000_000 + n) if supergroup else -(4_000_000_000 + n)
        chat = Chat(chat_id, "supergroup" if supergroup else "group", title=title,
                    username=username, is_forum=forum)
        state = self.world.add_chat(chat)
        state.members[self.bot_user.id] = "administrator" if bot_is_admin else "member"
        for status, people in (("member", members), ("administrator", admins),
                               ("creator", [creator] if creator else [])):
            for person in people:
                state.members[person.id] = status
                state.users[person.id] = person
        return chat

    def set_status(self, chat: ChatLike, user: User, status: str) -> None:
        """Change `user`'s status in `chat`: creator, administrator, member, left, kicked..."""
        self._state(chat).members[user.id] = status

    def _state(self, chat: ChatLike) -> ChatState:
        chat_id = chat if isinstance(chat, int) else chat.id
        state = self.world.chats.get(chat_id)
        if state is None:
            raise ValueError(f"unknown chat {chat_id}; create it with private_chat/group_chat")
        return state

    # ----------------------------------------------------------------- acting as users

    def _check_update(self, update: JSON) -> None:
        if self._validator is None:
            return
        try:
            self._validator.structure(update, "Update", "update")
        except SpecMismatch as exc:
            raise ValueError(f"update does not match the Bot API spec: {exc}") from None

    def _user_message(self, user: User, chat: ChatLike, content: JSON,
                      reply_to: int | JSON | None, *, anonymous: bool = False) -> JSON:
        state = self._state(chat)
        if anonymous and (state.chat.is_private
                          or state.members.get(user.id) not in ("creator", "administrator")):
            raise ValueError(f"{user.first_name} is no admin of chat {state.chat.id}: only "
                             "group admins can write anonymously, as the group")
        if state.chat.is_private:
            if state.chat.id != user.id:
                raise ValueError(f"{user.first_name} is not in private chat {state.chat.id}")
            state.blocked = False  # writing to the bot (e.g. /start) unblocks it
        elif state.members.get(user.id) in (None, "left", "kicked"):
            state.members[user.id] = "member"
        state.users[user.id] = user
        self.world.users[user.id] = user
        message: JSON = {"message_id": state.new_message_id(), "from": user.to_dict(),
                         "chat": state.chat.to_dict(), "date": self.world.now()}
        if anonymous:
            # What Telegram sends for an anonymous admin: the group itself as the sender, and
            # for backward compatibility the placeholder user @GroupAnonymousBot in "from".
            self.world.users[GROUP_ANONYMOUS_BOT.id] = GROUP_ANONYMOUS_BOT
            message.update({"from": GROUP_ANONYMOUS_BOT.to_dict(),
                            "sender_chat": state.chat.to_dict()})
        if reply_to is not None:
            target_id = reply_to if isinstance(reply_to, int) else reply_to["message_id"]
            target = state.messages.get(target_id)
            if target is None:
                raise ValueError(f"no message {target_id} in chat {state.chat.id} to reply to")
            message["reply_to_message"] = {k: v for k, v in target.items()
                                           if k != "reply_to_message"}
        message.update(content)
        state.messages[message["message_id"]] = message
        return message

    def _enqueue(self, body: JSON) -> UpdateId:
        update = {"update_id": self.world.queue.next_id(), **body}
        self._check_update(update)
        self.world.queue.push(update)
        return UpdateId(update["update_id"])

    def make_text_update(self, user: User, chat: ChatLike, text: str, *,
                         reply_to: int | JSON | None = None, topic: int | None = None,
                         anonymous: bool = False) -> JSON:
        """A stored message update from `user`, not queued (for post_webhook or redeliver);
        `topic` is the forum topic (message_thread_id) it is written in; `anonymous`: an admin
        writing as the group (sender_chat), as admins who stay anonymous do."""
        entities = auto_entities(text)
        content: JSON = {"text": text, **({"entities": entities} if entities else {})}
        if topic is not None:
            content.update(message_thread_id=topic, is_topic_message=True)
        update_id = self.world.queue.next_id()
        update: JSON = {"update_id": update_id,
                        "message": self._user_message(user, chat, content, reply_to,
                                                      anonymous=anonymous)}
        self._check_update(update)
        self.world.queue.by_id[update_id] = update
        return update

    def send_text(self, user: User, chat: ChatLike, text: str, *,
                        reply_to: int | JSON | None = None,
                        topic: int | None = None, anonymous: bool = False) -> UpdateId:
        """`user` writes `text` in `chat` (commands, mentions and links get entities), in a
        forum `topic` if given, as the group itself if `anonymous`; the update_id."""
        update = self.make_text_update(user, chat, text, reply_to=reply_to, topic=topic,
                                       anonymous=anonymous)
        self.world.queue.push(update)
        return UpdateId(update["update_id"])

    def send_command(self, user: User, chat: ChatLike, command: str, args: str = "", *,
                           mention: bool | None = None, topic: int | None = None,
                           anonymous: bool = False) -> UpdateId:
        """`user` sends /command (as /command@BotName in groups unless mention=False)."""
        in_group = not self._state(chat).chat.is_private
        text = "/" + command.lstrip("/")
        if mention if mention is not None else in_group:
            text += f"@{self.bot_user.username}"
        return self.send_text(user, chat, f"{text} {args}".rstrip(), topic=topic,
                              anonymous=anonymous)

    def send_as_channel(self, channel: Chat, chat: ChatLike, text: str) -> UpdateId:
        """Someone writes `text` in a group as their `channel` (sender_chat), as Telegram lets
        channel owners and a linked channel's posts arrive; "from" is @Channel_Bot."""
        state = self._state(chat)
        if channel.type != "channel" or state.chat.is_private:
            raise ValueError("only a channel writes as a channel, and only in a group")
        self.world.users[CHANNEL_BOT.id] = CHANNEL_BOT
        entities = auto_entities(text)
        message: JSON = {"message_id": state.new_message_id(), "from": CHANNEL_BOT.to_dict(),
                         "sender_chat": channel.to_dict(), "chat": state.chat.to_dict(),
                         "date": self.world.now(), "text": text,
                         **({"entities": entities} if entities else {})}
        state.messages[message["message_id"]] = message
        return self._enqueue({"message": message})

    def send_callback(self, user: User, chat: ChatLike, message: int | JSON | Call,
                            data: str, *, check_button: bool = True) -> UpdateId:
        """`user` presses the inline button with `data` under the bot's `message`."""
        state = self._state(chat)
        if isinstance(message, Call):
            if message.message is None:
                raise ValueError(f"{message!r} did not produce a message")
            message = message.message
        message_id = message if isinstance(message, int) else int(message["message_id"])
        stored = state.messages.get(message_id)
        if stored is None:
            raise ValueError(f"no message {message_id} in chat {state.chat.id}")
        if check_button:
            rows = (stored.get("reply_markup") or {}).get("inline_keyboard", [])
            offered = [b.get("callback_data") for row in rows for b in row]
            if data not in offered:
                raise ValueError(f"message {message_id} has no button with data {data!r}: "
                                 f"{offered}")
        query_id = str(next(self._callback_ids))
        query: JSON = {"id": query_id, "from": user.to_dict(), "message": dict(stored),
                       "chat_instance": make_callback_chat_instance(state.chat.id,
                                                                    self.bot_user.id),
                       "data": data}
        self.world.callbacks[query_id] = PendingCallback(query)
        return self._enqueue({"callback_query": query})

    def send_photo(self, user: User, chat: ChatLike, data: bytes, *,
                         caption: str | None = None) -> UpdateId:
        """`user` sends a photo (PNG/JPEG/GIF/WebP bytes); the bot can getFile and download it."""
        content: JSON = {"photo": self.world.files.photo_sizes(data)}
        if caption:
            content["caption"] = caption
        return self._enqueue({"message": self._user_message(user, chat, content, None)})

    def send_document(self, user: User, chat: ChatLike, data: bytes, filename: str, *,
                            mime_type: str | None = None, caption: str | None = None) -> UpdateId:
        """`user` sends a file as a document."""
        content: JSON = {"document": store_document(self.world, data, filename, mime_type)}
        if caption:
            content["caption"] = caption
        return self._enqueue({"message": self._user_message(user, chat, content, None)})

    def send_update(self, body: JSON) -> UpdateId:
        """Queue any update, e.g. {"my_chat_member": {...}}; update_id is assigned if absent."""
        if "update_id" in body:
            self._check_update(body)
            self.world.queue.push(body)
            return UpdateId(body["update_id"])
        return self._enqueue(body)

    def redeliver(self, update_id: int) -> UpdateId:
        """Deliver an update again with the same update_id, as Telegram does after a crash."""
        if update_id not in self.world.queue.by_id:
            raise ValueError(f"unknown update_id {update_id}")
        self.world.queue.redeliver(update_id)
        return UpdateId(update_id)

    def update(self, update_id: int) -> JSON:
        """An update created by this fake."""
        return self.world.queue.by_id[update_id]

    async def post_webhook(self, update: JSON | int, *, secret: Any = _CONFIGURED) -> int:
        """POST one update to the webhook the bot set (secret: default = the one it set, None =
        no header, or any string); the HTTP status the bot answered (0 = unreachable)."""
        hook = self.world.webhook
        if hook is None:
            raise RuntimeError("the bot has not set a webhook")
        body = self.world.queue.by_id[update] if isinstance(update, int) else update
        chosen = hook.secret_token if secret is _CONFIGURED else secret
        return await self.pusher.post(hook.url, body, chosen)

    # ----------------------------------------------------------------- failures on demand

    def fail_next(self, method: str | None = None, *, chat: ChatLike | None = None,
                  times: int = 1, code: int = 400, description: str = "Bad Request: injected",
                  parameters: JSON | None = None) -> Failure:
        """Answer the next `times` calls of `method` (any but getUpdates if None), optionally
        only those about `chat`, with this error."""
        chat_id = chat if isinstance(chat, int) or chat is None else chat.id
        failure = Failure(method, chat_id, times, code, description, parameters)
        self.failures.append(failure)
        return failure

    def flood(self, method: str | None = None, *, chat: ChatLike | None = None, times: int = 1,
              retry_after: int = 1) -> Failure:
        """Answer the next `times` matching calls with 429 Too Many Requests."""
        return self.fail_next(method, chat=chat, times=times, code=429,
                              description=f"Too Many Requests: retry after {retry_after}",
                              parameters={"retry_after": retry_after})

    def block_bot(self, chat: ChatLike, blocked: bool = True) -> None:
        """The user blocked the bot (private chat) or kicked it (group): sends answer 403."""
        self._state(chat).blocked = blocked

    def lose_chat(self, chat: ChatLike, lost: bool = True) -> None:
        """Every call naming `chat` answers 400 "Bad Request: chat not found"."""
        self._state(chat).not_found = lost

    # ----------------------------------------------------------------- inspecting the bot

    @property
    def calls(self) -> list[Call]:
        """Every request the bot made, in completion order."""
        return self.recorder.calls

    def calls_to(self, method: str) -> list[Call]:
        """The calls of one method."""
        return [c for c in self.recorder.calls if c.method == method]

    def checkpoint(self) -> int:
        """Log position, for wait_for(..., since=checkpoint) to ignore earlier calls."""
        return self.recorder.checkpoint()

    async def wait_for(self, predicate: Predicate, timeout: float = 5.0, *,
                       since: int = 0) -> Call:
        """The first call (from index `since`) satisfying `predicate`, waiting for it."""
        return await self.recorder.wait_for(predicate, timeout, since)

    async def wait_until_polling(self, timeout: float = 5.0) -> Call:
        """Wait until the bot has a getUpdates long poll parked on the server."""
        return await self.recorder.wait_in_flight("getUpdates", timeout)

    async def next_reply(self, chat: ChatLike, timeout: float = 5.0) -> Call:
        """The next message the bot sent to `chat` (each reply is returned once)."""
        return await self.recorder.next_reply(self._state(chat).chat.id, timeout)

    def sent_to(self, chat: ChatLike, *, include_deleted: bool = False) -> list[JSON]:
        """The bot's messages in `chat`, in order, as they are now (after edits)."""
        state = self._state(chat)
        out: list[JSON] = []
        for message_id in state.bot_message_ids:
            message = state.messages.get(message_id)
            if message is not None:
                out.append(dict(message))
            elif include_deleted:
                out.append({"message_id": message_id, "deleted": True})
        return out

    def message(self, chat: ChatLike, message_id: int) -> JSON | None:
        """A message in `chat` as it is now, or None if deleted or unknown."""
        stored = self._state(chat).messages.get(message_id)
        return dict(stored) if stored is not None else None

    @property
    def answered_callbacks(self) -> list[CallbackAnswer]:
        """Every answerCallbackQuery the bot made successfully."""
        return self.world.answered

    @property
    def floods(self) -> list[FloodEvent]:
        """Every 429 given, on demand or by strict limits."""
        return self.recorder.floods

    def backoff_violations(self) -> list[Call]:
        """Calls that came before the retry_after of an earlier 429 for the same chat ended."""
        by_seq = {c.seq: c for c in self.recorder.calls}
        out: list[Call] = []
        for flood in self.recorder.floods:
            flooded = by_seq.get(flood.call_seq)
            start = flooded.at if flooded else flood.at
            end = start + flood.retry_after
            for call in self.recorder.calls:
                same_chat = flood.chat_id is None or call.chat_id == flood.chat_id
                if call.seq > flood.call_seq and call.method != "getUpdates" and same_chat and (
                    start < call.at < end
                ):
                    out.append(call)
        return out

    def spec_violations(self) -> list[str]:
        """Successful results that do not match the method's documented return type (a fake
        bug if not empty: PTB parses these with de_json)."""
        problems: list[str] = []
        for call in self.recorder.calls:
            spec = self.world.spec.method(call.method)
            if not call.ok or spec is None or not spec.returns:
                continue
            try:
                self._checker.first_match(call.result, spec.returns, "result")
            except SpecMismatch as exc:
                problems.append(f"{call!r}: {exc}")
        return problems

    @property
    def webhook(self) -> Webhook | None:
        """The webhook the bot set, if any."""
        return self.world.webhook

    @property
    def webhook_deliveries(self) -> list[WebhookDelivery]:
        """Every POST made to the bot's webhook."""
        return self.recorder.deliveries

    @property
    def internal_errors(self) -> list[Exception]:
        """Exceptions raised inside the fake while serving (answered as 500); should be empty."""
        return self.recorder.internal_errors

    @property
    def token_leaks(self) -> list[Call]:
        """Calls whose parameters contained the bot token (it belongs only in the URL path)."""
        return self.recorder.token_leaks

    @property
    def pending_updates(self) -> int:
        """Updates the bot has not confirmed yet."""
        return self.world.queue.pending_count

    def commands(self, scope: str = "default", language_code: str = "") -> list[dict[str, str]]:
        """The command list the bot set for a scope key ("default", "all_private_chats",
        "chat:<id>", ...)."""
        return list(self.world.commands.get((scope, language_code), []))
