"""Bot API methods other than getUpdates and the message methods, and the dispatch table."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from .messages import CHAT_METHODS, Files, Params
from .model import CallbackAnswer
from .state import ChatState
from .validation import ApiError, bad_request, check_commands
from .world import Webhook, World

_SECRET = re.compile(r"^[A-Za-z0-9_-]{1,256}$")
_WEBHOOK_PORTS = frozenset({80, 88, 443, 8443})
_QUERY_TOO_OLD = "query is too old and response timeout expired or query ID is invalid"

Handler = Callable[[World, Params, Files], Any]


def get_me(world: World, params: Params, files: Files) -> Any:
    """getMe: the bot user with the bot-only capability flags."""
    return {
        **world.bot.to_dict(),
        "can_join_groups": True,
        "can_read_all_group_messages": world.options.can_read_all_group_messages,
        "supports_inline_queries": False,
        "can_connect_to_business": False,
        "has_main_web_app": False,
    }


def answer_callback_query(world: World, params: Params, files: Files) -> Any:
    """answerCallbackQuery: each query can be answered once."""
    query_id = params["callback_query_id"]
    pending = world.callbacks.get(query_id)
    if pending is None or pending.answered:
        raise bad_request(_QUERY_TOO_OLD)
    text = params.get("text")
    if text is not None and len(text) > 200:
        raise bad_request("MESSAGE_TOO_LONG")
    pending.answered = True
    query = pending.query
    message = query.get("message") or {}
    world.answered.append(CallbackAnswer(
        callback_query_id=query_id,
        text=text,
        show_alert=bool(params.get("show_alert", False)),
        url=params.get("url"),
        cache_time=params.get("cache_time"),
        data=query.get("data"),
        user_id=query["from"]["id"],
        chat_id=(message.get("chat") or {}).get("id"),
        message_id=message.get("message_id"),
    ))
    return True


def _scope_key(world: World, params: Params) -> tuple[str, str]:
    scope = params.get("scope") or {"type": "default"}
    kind = scope.get("type", "default")
    known = {"default", "all_private_chats", "all_group_chats", "all_chat_administrators",
             "chat", "chat_administrators", "chat_member"}
    if kind not in known:
        raise bad_request("wrong bot command scope type specified")
    parts = [kind]
    if kind.startswith("chat"):
        parts.append(str(world.resolve_chat(scope.get("chat_id")).chat.id))
    if kind == "chat_member":
        parts.append(str(world.user_by_id(int(scope.get("user_id", 0))).id))
    return ":".join(parts), params.get("language_code", "")


def set_my_commands(world: World, params: Params, files: Files) -> Any:
    """setMyCommands."""
    world.commands[_scope_key(world, params)] = check_commands(params["commands"])
    return True


def get_my_commands(world: World, params: Params, files: Files) -> Any:
    """getMyCommands for the exact scope and language."""
    return [dict(c) for c in world.commands.get(_scope_key(world, params), [])]


def delete_my_commands(world: World, params: Params, files: Files) -> Any:
    """deleteMyCommands."""
    world.commands.pop(_scope_key(world, params), None)
    return True


def set_webhook(world: World, params: Params, files: Files) -> Any:
    """setWebhook; an empty url removes the webhook."""
    url = params.get("url", "")
    if params.get("drop_pending_updates"):
        world.queue.drop_pending()
    if not url:
        world.webhook = None
    else:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise bad_request("bad webhook: Failed to resolve host: Name or service not known")
        if not world.options.allow_insecure_webhooks:
            if parts.scheme != "https":
                raise bad_request("bad webhook: HTTPS url must be provided for webhook")
            if (parts.port or 443) not in _WEBHOOK_PORTS:
                raise bad_request(
                    "bad webhook: Webhook can be set up only on ports 80, 88, 443 or 8443"
                )
        secret = params.get("secret_token")
        if secret is not None and not _SECRET.match(secret):
            raise bad_request("secret token contains unallowed characters")
        max_connections = params.get("max_connections", 40)
        if not 1 <= max_connections <= 100:
            raise bad_request("bad webhook: max_connections must be between 1 and 100")
        allowed = params.get("allowed_updates")
        world.queue.set_allowed(allowed)
        world.webhook = Webhook(url, secret, max_connections, "certificate" in files,
                                params.get("ip_address"), allowed)
    if world.on_webhook_change is not None:
        world.on_webhook_change()
    return True


def delete_webhook(world: World, params: Params, files: Files) -> Any:
    """deleteWebhook."""
    return set_webhook(world, {"url": "", **{k: v for k, v in params.items() if k != "url"}}, {})


def get_webhook_info(world: World, params: Params, files: Files) -> Any:
    """getWebhookInfo."""
    hook = world.webhook
    info: dict[str, Any] = {
        "url": hook.url if hook else "",
        "has_custom_certificate": bool(hook and hook.has_custom_certificate),
        "pending_update_count": world.queue.pending_count,
    }
    if hook is not None:
        info["max_connections"] = hook.max_connections
        if hook.ip_address:
            info["ip_address"] = hook.ip_address
        if hook.allowed_updates is not None:
            info["allowed_updates"] = hook.allowed_updates
        if hook.last_error_date is not None:
            info["last_error_date"] = hook.last_error_date
            info["last_error_message"] = hook.last_error_message
    return info


def get_chat(world: World, params: Params, files: Files) -> Any:
    """getChat."""
    return world.full_chat(world.resolve_chat(params["chat_id"]))


def get_chat_member(world: World, params: Params, files: Files) -> Any:
    """getChatMember, from the fake's membership table."""
    state = world.resolve_chat(params["chat_id"])
    return world.member(state, world.user_by_id(params["user_id"]))


def get_chat_administrators(world: World, params: Params, files: Files) -> Any:
    """getChatAdministrators."""
    state = world.resolve_chat(params["chat_id"])
    if state.chat.is_private:
        raise bad_request("there are no administrators in the private chat")
    admins = [uid for uid, status in state.members.items()
              if status in ("creator", "administrator")]
    return [world.member(state, world.user_by_id(uid)) for uid in admins]


def get_chat_member_count(world: World, params: Params, files: Files) -> Any:
    """getChatMemberCount."""
    state = world.resolve_chat(params["chat_id"])
    if state.chat.is_private:
        return 2
    return sum(1 for status in state.members.values() if status not in ("left", "kicked"))


def get_file(world: World, params: Params, files: Files) -> Any:
    """getFile: the download path under the file URL."""
    stored = world.files.get(params["file_id"])
    if stored is None:
        raise bad_request("invalid file_id")
    if len(stored.data) > 20 * 1024 * 1024:
        raise bad_request("file is too big")
    return stored.as_file()


def leave_chat(world: World, params: Params, files: Files) -> Any:
    """leaveChat."""
    state = world.resolve_chat(params["chat_id"])
    state.members[world.bot.id] = "left"
    return True


def _setting(name: str, key: str, limit: int) -> tuple[Handler, Handler]:
    def setter(world: World, params: Params, files: Files) -> Any:
        value = params.get(name, "")
        if len(value) > limit:
            raise bad_request(f"{name} is too long")
        world.settings[(key, params.get("language_code", ""))] = value
        return True

    def getter(world: World, params: Params, files: Files) -> Any:
        language = params.get("language_code", "")
        value = world.settings.get((key, language), world.settings.get((key, ""), ""))
        if key == "name" and not value:
            value = world.bot.first_name
        return {name: value}

    return setter, getter


def set_chat_menu_button(world: World, params: Params, files: Files) -> Any:
    """setChatMenuButton (per chat, or the default when chat_id is omitted)."""
    chat_key = "default"
    if "chat_id" in params:
        chat_key = str(world.resolve_chat(params["chat_id"]).chat.id)
    world.settings[("menu_button", chat_key)] = params.get("menu_button") or {"type": "default"}
    return True


def get_chat_menu_button(world: World, params: Params, files: Files) -> Any:
    """getChatMenuButton."""
    chat_key = "default"
    if "chat_id" in params:
        chat_key = str(world.resolve_chat(params["chat_id"]).chat.id)
    fallback = world.settings.get(("menu_button", "default"), {"type": "default"})
    return world.settings.get(("menu_button", chat_key), fallback)


def _chat_method(
    handler: Callable[[World, ChatState, Params, Files], Any], name: str
) -> Handler:
    def run(world: World, params: Params, files: Files) -> Any:
        state = world.resolve_chat(params.get("chat_id"))
        world.check_reachable(name, state)
        return handler(world, state, params, files)

    return run


def _log_out(world: World, params: Params, files: Files) -> Any:
    return True


_name = _setting("name", "name", 64)
_description = _setting("description", "description", 512)
_short = _setting("short_description", "short_description", 120)

HANDLERS: dict[str, Handler] = {
    "getMe": get_me,
    "logOut": _log_out,
    "close": _log_out,
    "answerCallbackQuery": answer_callback_query,
    "setMyCommands": set_my_commands,
    "getMyCommands": get_my_commands,
    "deleteMyCommands": delete_my_commands,
    "setWebhook": set_webhook,
    "deleteWebhook": delete_webhook,
    "getWebhookInfo": get_webhook_info,
    "getChat": get_chat,
    "getChatMember": get_chat_member,
    "getChatAdministrators": get_chat_administrators,
    "getChatMemberCount": get_chat_member_count,
    "getFile": get_file,
    "leaveChat": leave_chat,
    "setMyName": _name[0],
    "getMyName": _name[1],
    "setMyDescription": _description[0],
    "getMyDescription": _description[1],
    "setMyShortDescription": _short[0],
    "getMyShortDescription": _short[1],
    "setChatMenuButton": set_chat_menu_button,
    "getChatMenuButton": get_chat_menu_button,
    **{name: _chat_method(handler, name) for name, handler in CHAT_METHODS.items()},
}


def dispatch(world: World, method: str, params: Params, files: Files) -> Any:
    """Run a method other than getUpdates; unimplemented API methods answer a clear 400."""
    handler = HANDLERS.get(method)
    if handler is None:
        raise ApiError(400, f"Bad Request: method {method} is not implemented by FakeTelegram")
    return handler(world, params, files)
