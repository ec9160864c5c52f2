"""Bot API methods that create, change or remove messages."""

from __future__ import annotations

import mimetypes
from pathlib import PurePosixPath
from typing import Any

from .markup import auto_entities
from .media import UPLOAD_MAX_BYTES, StoredFile
from .model import JSON, UploadedFile
from .state import ChatState, strip_reply
from .validation import ApiError, bad_request, format_text
from .world import World

Params = dict[str, Any]
Files = dict[str, UploadedFile]

NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly the "
    "same as a current content and reply markup of the message"
)
CHAT_ACTIONS = frozenset(
    {"typing", "upload_photo", "record_video", "upload_video", "record_voice", "upload_voice",
     "upload_document", "choose_sticker", "find_location", "record_video_note",
     "upload_video_note"}
)
DELETE_WINDOW = 48 * 3600


def _text_fields(world: World, params: Params, key: str, caption: bool) -> JSON:
    """{"text"/"caption": ..., "entities"/"caption_entities": [...]} for a message body."""
    raw = params.get(key)
    if raw is None:
        return {}
    entities_key = "caption_entities" if caption else "entities"
    formatted = format_text(
        raw, params.get("parse_mode"), params.get(entities_key), caption=caption,
        strict_ampersand=world.options.strict_html_ampersand,
    )
    out: JSON = {}
    if formatted.text:
        out[key] = formatted.text
        entities = auto_entities(formatted.text, formatted.entities)
        if entities:
            out[entities_key] = entities
    return out


def _store(world: World, state: ChatState, params: Params, content: JSON) -> JSON:
    """Create the bot's message in `state` with `content`, honouring reply and markup params."""
    reply_to: JSON | None = None
    reply = params.get("reply_parameters")
    if isinstance(reply, dict):
        target_chat = state
        if reply.get("chat_id") is not None:
            target_chat = world.resolve_chat(reply["chat_id"])
        target = target_chat.messages.get(int(reply.get("message_id", 0)))
        if target is None and not reply.get("allow_sending_without_reply"):
            raise bad_request("message to be replied not found")
        reply_to = strip_reply(target) if target is not None else None
    message: JSON = {
        "message_id": state.new_message_id(),
        "from": world.bot.to_dict(),
        "chat": state.chat.to_dict(),
        "date": world.now(),
    }
    if reply_to is not None:
        message["reply_to_message"] = reply_to
    thread = params.get("message_thread_id")
    if thread is not None and state.chat.is_forum:
        # A message sent into a forum topic belongs to it, as Telegram reports it back.
        message.update(message_thread_id=int(thread), is_topic_message=True)
    message.update(content)
    markup = params.get("reply_markup")
    if isinstance(markup, dict) and "inline_keyboard" in markup:
        message["reply_markup"] = {"inline_keyboard": markup["inline_keyboard"]}
    if params.get("protect_content"):
        message["has_protected_content"] = True
    if "link_preview_options" in params:
        message["link_preview_options"] = params["link_preview_options"]
    state.messages[message["message_id"]] = message
    state.bot_message_ids.append(message["message_id"])
    return dict(message)


def _check_upload(upload: UploadedFile) -> None:
    if not upload.data:
        raise bad_request("file must be non-empty")
    if len(upload.data) > UPLOAD_MAX_BYTES:
        raise ApiError(413, "Request Entity Too Large")


def send_message(world: World, state: ChatState, params: Params, files: Files) -> JSON:
    """sendMessage."""
    return _store(world, state, params, _text_fields(world, params, "text", caption=False))


def send_photo(world: World, state: ChatState, params: Params, files: Files) -> JSON:
    """sendPhoto: an upload is sized into PhotoSizes; a file_id reuses a known photo."""
    content = _text_fields(world, params, "caption", caption=True)
    upload = files.get("photo")
    if upload is not None:
        _check_upload(upload)
        sizes = world.files.photo_sizes(upload.data)
        for size in sizes:
            world.photo_sets[size["file_id"]] = sizes
    else:
        value = str(params["photo"])
        sizes = world.photo_sets.get(value) or []
        if not sizes:
            stored = world.files.resolve(value, "photo")
            sizes = [{"file_id": stored.file_id, "file_unique_id": stored.file_unique_id,
                      "width": 800, "height": 600}]
            world.photo_sets[stored.file_id] = sizes
    for flag in ("has_spoiler", "show_caption_above_media"):
        if params.get(flag):
            content[flag] = True
    return _store(world, state, params, {"photo": sizes, **content})


def _document_object(stored: StoredFile) -> JSON:
    out: JSON = {"file_id": stored.file_id, "file_unique_id": stored.file_unique_id}
    if stored.file_name:
        out["file_name"] = stored.file_name
    if stored.mime_type:
        out["mime_type"] = stored.mime_type
    out["file_size"] = len(stored.data)
    return out


def store_document(world: World, data: bytes, file_name: str | None, mime: str | None) -> JSON:
    """Keep a document's bytes and return its Document object."""
    if not mime or mime == "application/octet-stream":
        guessed = mimetypes.guess_type(file_name or "")[0]
        mime = guessed or mime or "application/octet-stream"
    suffix = PurePosixPath(file_name or "").suffix
    stored = world.files.add("document", data, mime_type=mime, file_name=file_name,
                             extension=suffix)
    return _document_object(stored)


def send_document(world: World, state: ChatState, params: Params, files: Files) -> JSON:
    """sendDocument: keeps the file name and MIME type the client sent."""
    content = _text_fields(world, params, "caption", caption=True)
    upload = files.get("document")
    if upload is not None:
        _check_upload(upload)
        document = store_document(world, upload.data, upload.filename, upload.content_type)
    else:
        document = _document_object(world.files.resolve(str(params["document"]), "document"))
    return _store(world, state, params, {"document": document, **content})


def send_chat_action(world: World, state: ChatState, params: Params, files: Files) -> bool:
    """sendChatAction."""
    if params["action"] not in CHAT_ACTIONS:
        raise bad_request("wrong parameter action in request")
    return True


def _editable(world: World, state: ChatState, params: Params) -> JSON:
    if "inline_message_id" in params and "message_id" not in params:
        raise bad_request("message to edit not found")
    if "message_id" not in params:
        raise bad_request("message identifier is not specified")
    message = state.messages.get(params["message_id"])
    if message is None:
        raise bad_request("message to edit not found")
    if message.get("from", {}).get("id") != world.bot.id:
        raise bad_request("message can't be edited")
    return message


def _inline_markup(params: Params) -> JSON | None:
    markup = params.get("reply_markup")
    if markup is None:
        return None
    if not isinstance(markup, dict) or "inline_keyboard" not in markup:
        raise bad_request("inline keyboard expected")
    return {"inline_keyboard": markup["inline_keyboard"]}


def _apply_edit(world: World, message: JSON, changes: JSON, markup: JSON | None) -> JSON:
    unchanged = all(message.get(key) == value for key, value in changes.items())
    if unchanged and message.get("reply_markup") == markup:
        raise bad_request(NOT_MODIFIED)
    message.update(changes)
    for key in [k for k, v in changes.items() if v is None]:
        message.pop(key, None)
    if markup is None:
        message.pop("reply_markup", None)
    else:
        message["reply_markup"] = markup
    message["edit_date"] = world.now()
    return dict(message)


def edit_message_text(world: World, state: ChatState, params: Params, files: Files) -> JSON:
    """editMessageText (drops the inline keyboard unless reply_markup is passed, like Telegram)."""
    message = _editable(world, state, params)
    if "text" not in message:
        raise bad_request("there is no text in the message to edit")
    fields = _text_fields(world, params, "text", caption=False)
    changes = {"text": fields["text"], "entities": fields.get("entities")}
    return _apply_edit(world, message, changes, _inline_markup(params))


def edit_message_caption(world: World, state: ChatState, params: Params, files: Files) -> JSON:
    """editMessageCaption."""
    message = _editable(world, state, params)
    if "text" in message:
        raise bad_request("there is no caption in the message to edit")
    fields = _text_fields(world, {**params, "caption": params.get("caption", "")}, "caption", True)
    changes = {"caption": fields.get("caption"), "caption_entities": fields.get("caption_entities")}
    return _apply_edit(world, message, changes, _inline_markup(params))


def edit_message_reply_markup(
    world: World, state: ChatState, params: Params, files: Files
) -> JSON:
    """editMessageReplyMarkup ("message is not modified" when the keyboard is the same)."""
    message = _editable(world, state, params)
    return _apply_edit(world, message, {}, _inline_markup(params))


def _delete_one(world: World, state: ChatState, message_id: int) -> None:
    message = state.messages.get(message_id)
    if message is None:
        raise bad_request("message to delete not found")
    from_bot = message.get("from", {}).get("id") == world.bot.id
    bot_is_admin = state.status_of(world.bot.id) in ("creator", "administrator")
    if not state.chat.is_private and not from_bot and not bot_is_admin:
        raise bad_request("message can't be deleted for everyone")
    if world.now() - int(message.get("date", 0)) > DELETE_WINDOW:
        raise bad_request("message can't be deleted for everyone")
    del state.messages[message_id]
    state.deleted.add(message_id)


def delete_message(world: World, state: ChatState, params: Params, files: Files) -> bool:
    """deleteMessage."""
    _delete_one(world, state, params["message_id"])
    return True


def delete_messages(world: World, state: ChatState, params: Params, files: Files) -> bool:
    """deleteMessages: ids that are missing are skipped, as documented."""
    ids = params["message_ids"]
    if not 1 <= len(ids) <= 100:
        raise bad_request("too many messages to delete" if ids else "message_ids is empty")
    for message_id in ids:
        if message_id in state.messages:
            _delete_one(world, state, message_id)
    return True


CHAT_METHODS = {
    "sendMessage": send_message,
    "sendPhoto": send_photo,
    "sendDocument": send_document,
    "sendChatAction": send_chat_action,
    "editMessageText": edit_message_text,
    "editMessageCaption": edit_message_caption,
    "editMessageReplyMarkup": edit_message_reply_markup,
    "deleteMessage": delete_message,
    "deleteMessages": delete_messages,
}
