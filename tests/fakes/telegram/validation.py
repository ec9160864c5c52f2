"""Request checking: spec-driven parameter coercion plus Telegram's own content rules.

Telegram accepts parameters as JSON, as url-encoded form fields or as multipart parts. In the two
form encodings every value is a string and JSON-serialized objects (reply_markup, entities, ...)
are JSON text; in a JSON body they may be native values or JSON text. `coerce_params` turns any of
these into typed Python values, and rejects what Telegram rejects.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from .markdown import parse_markdown, parse_markdown_v2
from .markup import Entity, Formatted, MarkupError, check_url, parse_html, utf16_len
from .model import UploadedFile
from .spec import ApiSpec, MethodSpec

_INT = re.compile(r"^[+-]?\d+$")
_FLOAT = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")
_TRUE = frozenset({"true", "True", "TRUE", "1"})
_FALSE = frozenset({"false", "False", "FALSE", "0"})
_COMMAND = re.compile(r"^[a-z0-9_]{1,32}$")
_WHITESPACE = " \t\n\r\u00a0\u2028\u2029"
_BUTTON_ACTIONS = (
    "url", "callback_data", "web_app", "login_url", "switch_inline_query",
    "switch_inline_query_current_chat", "switch_inline_query_chosen_chat", "copy_text",
    "callback_game", "pay",
)
_JSON_NAMES = {"reply_markup": "reply keyboard markup", "entities": "entities",
               "caption_entities": "caption entities"}
TEXT_LIMIT = 4096
CAPTION_LIMIT = 1024

_MISSING_MESSAGES = {
    "text": "message text is empty",
    "photo": "there is no photo in the request",
    "document": "there is no document in the request",
    "audio": "there is no audio in the request",
    "video": "there is no video in the request",
}


class ApiError(Exception):
    """A Bot API error answer: HTTP status, description and optional ResponseParameters."""

    def __init__(self, code: int, description: str, parameters: dict[str, Any] | None = None):
        super().__init__(description)
        self.code = code
        self.description = description
        self.parameters = parameters

    def body(self) -> dict[str, Any]:
        """The JSON body Telegram sends for this error."""
        out: dict[str, Any] = {"ok": False, "error_code": self.code}
        out["description"] = self.description
        if self.parameters:
            out["parameters"] = self.parameters
        return out


def bad_request(reason: str) -> ApiError:
    """A 400 with Telegram's "Bad Request: " prefix."""
    return ApiError(400, f"Bad Request: {reason}")


class SpecMismatch(Exception):
    """A value does not have the shape the API description requires."""


def _scalar(value: Any, kind: str) -> Any:
    """Convert a scalar the way Telegram does, or raise SpecMismatch."""
    if kind == "Integer":
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        if isinstance(value, str) and _INT.match(value):
            return int(value)
        if isinstance(value, float) and value.is_integer():
            return int(value)
    elif kind == "String":
        if isinstance(value, str):
            return value
        if isinstance(value, int | float) and not isinstance(value, bool):
            return str(value)
    elif kind == "Boolean":
        if isinstance(value, bool):
            return value
        if isinstance(value, int) and value in (0, 1):
            return bool(value)
        if isinstance(value, str) and (value in _TRUE or value in _FALSE):
            return value in _TRUE
    elif kind == "Float":
        if isinstance(value, int | float) and not isinstance(value, bool):
            return float(value)
        if isinstance(value, str) and _FLOAT.match(value):
            return float(value)
    raise SpecMismatch(kind)


class Validator:
    """Checks requests against the API description."""

    def __init__(self, spec: ApiSpec) -> None:
        self.spec = spec

    def structure(self, value: Any, kind: str, where: str) -> Any:
        """Check (and lightly coerce) a value nested in a JSON object; raise SpecMismatch."""
        if kind.startswith("Array of "):
            if not isinstance(value, list):
                raise SpecMismatch(f'{where} must be an Array')
            inner = kind[len("Array of ") :]
            return [self.structure(item, inner, where) for item in value]
        if kind in ("Integer", "String", "Boolean", "Float"):
            try:
                return _scalar(value, kind)
            except SpecMismatch:
                raise SpecMismatch(f"{where} must be of type {kind}") from None
        if kind == "InputFile":
            return value
        type_spec = self.spec.types.get(kind)
        if type_spec is None:
            return value
        if not isinstance(value, dict):
            raise SpecMismatch(f"{kind} must be an Object")
        if type_spec.subtypes:
            errors: list[str] = []
            for sub in type_spec.subtypes:
                try:
                    return self.structure(value, sub, where)
                except SpecMismatch as exc:
                    errors.append(str(exc))
            raise SpecMismatch(f"{kind}: {min(errors, key=len)}")
        out = dict(value)
        for spec in type_spec.fields:
            if spec.name not in value:
                if spec.required:
                    raise SpecMismatch(f'Can\'t find field "{spec.name}"')
                continue
            out[spec.name] = self.first_match(value[spec.name], spec.types, f'Field "{spec.name}"')
        return out

    def first_match(self, value: Any, kinds: tuple[str, ...], where: str) -> Any:
        """`value` checked against the first of `kinds` it matches; raise SpecMismatch otherwise."""
        error: SpecMismatch | None = None
        for kind in kinds:
            try:
                return self.structure(value, kind, where)
            except SpecMismatch as exc:
                error = error or exc
        assert error is not None
        raise error

    def coerce(
        self, method: MethodSpec, raw: Mapping[str, Any], uploads: Mapping[str, UploadedFile]
    ) -> tuple[dict[str, Any], dict[str, UploadedFile]]:
        """Typed parameters and the files they refer to; raise ApiError like Telegram would."""
        params: dict[str, Any] = {}
        files: dict[str, UploadedFile] = {}
        for spec in method.fields:
            value = raw.get(spec.name)
            if "InputFile" in spec.types and spec.name in uploads:
                files[spec.name] = uploads[spec.name]
                params[spec.name] = f"attach://{spec.name}"
                continue
            if (
                isinstance(value, str)
                and value.startswith("attach://")
                and "InputFile" in spec.types
            ):
                part = value[len("attach://") :]
                if part not in uploads:
                    raise bad_request(_MISSING_MESSAGES.get(spec.name, f"{spec.name} is empty"))
                files[spec.name] = uploads[part]
                params[spec.name] = value
                continue
            if value is None or value == "":
                if spec.required:
                    raise bad_request(_MISSING_MESSAGES.get(spec.name, f"{spec.name} is empty"))
                continue
            params[spec.name] = self._param(spec.name, value, spec.types)
        return params, files

    def _param(self, name: str, value: Any, kinds: tuple[str, ...]) -> Any:
        for kind in kinds:
            if kind in ("Integer", "String", "Boolean", "Float"):
                try:
                    return _scalar(value, kind)
                except SpecMismatch:
                    continue
        structured = [k for k in kinds if k not in ("Integer", "String", "Boolean", "Float")]
        structured = [k for k in structured if k != "InputFile"]
        if not structured:
            raise bad_request(f'parameter "{name}" must be of type {" or ".join(kinds)}')
        if isinstance(value, str):
            try:
                value = json.loads(value)
            except ValueError:
                what = _JSON_NAMES.get(name, name)
                raise bad_request(f"can't parse {what} JSON object") from None
        if name == "reply_markup":
            return check_reply_markup(value)
        try:
            return self.first_match(value, tuple(structured), f'parameter "{name}"')
        except SpecMismatch as exc:
            raise bad_request(f"can't parse {_JSON_NAMES.get(name, name)}: {exc}") from None


def _trim(formatted: Formatted) -> Formatted:
    """Strip leading/trailing whitespace as Telegram does, moving entities along."""
    text = formatted.text
    left = len(text) - len(text.lstrip(_WHITESPACE))
    stripped = text.strip(_WHITESPACE)
    if left == 0 and len(stripped) == len(text):
        return formatted
    shift = utf16_len(text[:left])
    size = utf16_len(stripped)
    entities: list[Entity] = []
    for entity in formatted.entities:
        start = max(entity["offset"] - shift, 0)
        end = min(entity["offset"] - shift + entity["length"], size)
        if end > start:
            entities.append({**entity, "offset": start, "length": end - start})
    return Formatted(stripped, entities)


def format_text(
    text: str,
    parse_mode: str | None,
    entities: list[Entity] | None,
    *,
    caption: bool = False,
    strict_ampersand: bool = True,
) -> Formatted:
    """The visible text and entities of a message text or caption, checked like Telegram."""
    mode = (parse_mode or "").lower()
    try:
        if entities is not None or not mode:
            formatted = Formatted(text, sorted(entities or [], key=lambda e: e["offset"]))
        elif mode == "html":
            formatted = parse_html(text, strict_ampersand=strict_ampersand)
        elif mode == "markdownv2":
            formatted = parse_markdown_v2(text)
        elif mode == "markdown":
            formatted = parse_markdown(text)
        else:
            raise bad_request("unsupported parse_mode")
    except MarkupError as exc:
        raise bad_request(f"can't parse entities: {exc}") from None
    formatted = _trim(formatted)
    if caption:
        if len(formatted.text) > CAPTION_LIMIT:
            raise bad_request("message caption is too long")
    elif not formatted.text:
        raise bad_request("message text is empty")
    elif len(formatted.text) > TEXT_LIMIT:
        raise bad_request("message is too long")
    return formatted


def _check_button(button: Any) -> dict[str, Any]:
    prefix = "can't parse inline keyboard button: "
    if not isinstance(button, dict):
        raise bad_request(prefix + "InlineKeyboardButton must be an Object")
    if not isinstance(button.get("text"), str):
        raise bad_request(prefix + 'Field "text" must be of type String')
    actions = [key for key in _BUTTON_ACTIONS if key in button]
    if not actions:
        raise bad_request(prefix + "Text buttons are unallowed in the inline keyboard")
    if "callback_data" in button:
        data = button["callback_data"]
        if not isinstance(data, str) or not 1 <= len(data.encode("utf-8")) <= 64:
            raise bad_request("BUTTON_DATA_INVALID")
    if "url" in button:
        url = button["url"]
        if not isinstance(url, str) or check_url(url) is None:
            raise bad_request(f"inline keyboard button URL '{url}' is invalid: Wrong HTTP URL")
    return button


def check_reply_markup(markup: Any) -> dict[str, Any]:
    """Validate an InlineKeyboardMarkup, ReplyKeyboardMarkup, ReplyKeyboardRemove or ForceReply."""
    if not isinstance(markup, dict):
        raise bad_request("can't parse reply keyboard markup JSON object")
    if "inline_keyboard" in markup:
        rows = markup["inline_keyboard"]
        if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
            raise bad_request(
                'field "inline_keyboard" of the InlineKeyboardMarkup should be an Array of Arrays'
            )
        for row in rows:
            for button in row:
                _check_button(button)
        return markup
    if "keyboard" in markup:
        rows = markup["keyboard"]
        if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
            raise bad_request(
                'field "keyboard" of the ReplyKeyboardMarkup should be an Array of Arrays'
            )
        for row in rows:
            for button in row:
                text = button if isinstance(button, str) else (button or {}).get("text")
                if not isinstance(text, str):
                    raise bad_request(
                        'can\'t parse keyboard button: Field "text" must be of type String'
                    )
        return markup
    if markup.get("remove_keyboard") is True or markup.get("force_reply") is True:
        return markup
    raise bad_request("can't find reply keyboard in reply markup")


def check_commands(commands: Any) -> list[dict[str, str]]:
    """Validate a setMyCommands list: at most 100 commands, names and descriptions in range."""
    if not isinstance(commands, list):
        raise bad_request("can't parse commands JSON object")
    if len(commands) > 100:
        raise bad_request("BOT_COMMANDS_TOO_MUCH")
    out: list[dict[str, str]] = []
    for item in commands:
        if not isinstance(item, dict):
            raise bad_request("can't parse BotCommand: BotCommand must be an Object")
        command, description = item.get("command"), item.get("description")
        if not isinstance(command, str) or not _COMMAND.match(command):
            raise bad_request("BOT_COMMAND_INVALID")
        if not isinstance(description, str) or not 1 <= len(description.strip()) <= 256:
            raise bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
        out.append({"command": command, "description": description})
    return out
