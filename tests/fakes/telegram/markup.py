"""Telegram's three parse modes (HTML, MarkdownV2, legacy Markdown), parsed the way TDLib does.

Each parser turns marked-up text into the visible text plus Bot API `MessageEntity` dicts
(offsets and lengths in UTF-16 code units), or raises `MarkupError` with the reason Telegram
gives after "Bad Request: can't parse entities: ". Error byte offsets are UTF-8 offsets into the
marked-up text, as in Telegram's messages.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlsplit, urlunsplit

Entity = dict[str, Any]

_SPACE = frozenset(" \t\n\r\f\v")
_HTML_TAGS = frozenset(
    {"a", "b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "span", "tg-spoiler",
     "code", "pre", "blockquote", "tg-emoji", "tg-time"}
)
_HTML_SIMPLE = {
    "b": "bold", "strong": "bold", "i": "italic", "em": "italic", "u": "underline",
    "ins": "underline", "s": "strikethrough", "strike": "strikethrough",
    "del": "strikethrough", "span": "spoiler", "tg-spoiler": "spoiler",
}
_NAMED_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_MDV2_RESERVED = frozenset("_*[]()~`>#+-=|{}.!")
_MD_NAMES = {
    "bold": "Bold", "italic": "Italic", "underline": "Underline", "strikethrough":
    "Strikethrough", "spoiler": "Spoiler", "code": "Code", "pre": "Pre", "text_link": "TextUrl",
    "custom_emoji": "CustomEmoji",
}
_DOMAIN = re.compile(r"^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}(?::\d{1,5})?$")
_DATE_FORMAT = re.compile(r"^(?:r|w?[dD]?[tT]?)$")


class MarkupError(ValueError):
    """The text cannot be parsed; `str(error)` is Telegram's reason."""


@dataclass(slots=True)
class Formatted:
    """Visible text and its entities."""

    text: str
    entities: list[Entity] = field(default_factory=list)


def utf16_len(text: str) -> int:
    """Length of `text` in UTF-16 code units, the unit of entity offsets."""
    if text.isascii():
        return len(text)
    return len(text) + sum(1 for ch in text if ord(ch) > 0xFFFF)


def _byte_offset(text: str, index: int) -> int:
    return len(text[:index].encode("utf-8", "surrogatepass"))


def check_url(url: str) -> str | None:
    """Telegram's normalised form of a link target, or None when it is not a valid URL."""
    if not url or any(ch in _SPACE for ch in url):
        return None
    if not re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:", url):
        url = "http://" + url
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme in ("tg", "ton", "tonsite", "mailto"):
        return url
    if scheme not in ("http", "https") or not _DOMAIN.match(parts.netloc.lower()):
        return None
    return urlunsplit((scheme, parts.netloc.lower(), parts.path or "/", parts.query,
                       parts.fragment))


def _link_entity(url: str, offset: int, length: int) -> Entity | None:
    parts = urlsplit(url)
    if parts.scheme.lower() == "tg" and parts.netloc.lower() == "user":
        user_id = parse_qs(parts.query).get("id", [""])[0]
        if user_id.isdigit():
            user = {"id": int(user_id), "is_bot": False, "first_name": ""}
            return {"type": "text_mention", "offset": offset, "length": length, "user": user}
        return None
    checked = check_url(url)
    if checked is None:
        return None
    return {"type": "text_link", "offset": offset, "length": length, "url": checked}


def _decode_entity(text: str, pos: int) -> tuple[str, int] | None:
    """Decode an HTML character reference at `pos` (the ';' is optional, as in TDLib)."""
    end = pos + 1
    n = len(text)
    if end < n and text[end] == "#":
        end += 1
        value = 0
        if end < n and text[end] == "x":
            end += 1
            while end < n and text[end] in "0123456789abcdefABCDEF":
                value = value * 16 + int(text[end], 16)
                end += 1
        else:
            while end < n and text[end].isdigit() and text[end].isascii():
                value = value * 10 + int(text[end])
                end += 1
        if value == 0 or value >= 0x10FFFF or end - pos >= 10:
            return None
        if 0xD800 <= value <= 0xDFFF:
            raise MarkupError(
                "Text contains invalid Unicode characters after decoding HTML entities, "
                "check for unmatched surrogate code units"
            )
        decoded = chr(value)
    else:
        while end < n and text[end].isascii() and text[end].isalpha():
            end += 1
        named = _NAMED_ENTITIES.get(text[pos + 1 : end])
        if named is None:
            return None
        decoded = named
    if end < n and text[end] == ";":
        end += 1
    return decoded, end


@dataclass(slots=True)
class _Open:
    tag: str
    attrs: dict[str, str]
    offset: int
    start: int  # index into the output pieces, to recover the entity's text


def _html_entity(top: _Open, offset: int, length: int, inner: str) -> Entity | None:
    tag, attrs = top.tag, top.attrs
    if tag in _HTML_SIMPLE:
        return {"type": _HTML_SIMPLE[tag], "offset": offset, "length": length}
    if tag == "a":
        return _link_entity(attrs.get("href") or inner, offset, length)
    if tag == "code":
        entity: Entity = {"type": "code", "offset": offset, "length": length}
        language = attrs.get("class", "")
        if language.startswith("language-"):
            entity["language"] = language[len("language-") :]
        return entity
    if tag == "pre":
        return {"type": "pre", "offset": offset, "length": length}
    if tag == "blockquote":
        kind = "expandable_blockquote" if "expandable" in attrs else "blockquote"
        return {"type": kind, "offset": offset, "length": length}
    if tag == "tg-emoji":
        emoji_id = attrs.get("emoji-id", "")
        if not emoji_id.isdigit():
            return None
        return {"type": "custom_emoji", "offset": offset, "length": length,
                "custom_emoji_id": emoji_id}
    unix = attrs.get("unix", "")  # tg-time
    fmt = attrs.get("format", "")
    if not unix.isdigit():
        return None
    if fmt and not _DATE_FORMAT.match(fmt):
        raise MarkupError("Invalid date format used")
    entity = {"type": "date_time", "offset": offset, "length": length, "unix_time": int(unix)}
    if fmt:
        entity["date_time_format"] = fmt
    return entity


def _add_html_entity(entities: list[Entity], entity: Entity) -> None:
    """Append, merging <pre><code class="language-x"> into a single pre entity with a language."""
    if entities:
        last = entities[-1]
        same = last["offset"] == entity["offset"] and last["length"] == entity["length"]
        if same and {last["type"], entity["type"]} == {"pre", "code"}:
            code = last if last["type"] == "code" else entity
            if code.get("language"):
                entities[-1] = {"type": "pre", "offset": entity["offset"],
                                "length": entity["length"], "language": code["language"]}
                return
    entities.append(entity)


def parse_html(text: str, *, strict_ampersand: bool = True) -> Formatted:
    """Parse Telegram HTML. With `strict_ampersand`, a bare '&' is an error (TDLib keeps it)."""
    if "<" not in text and "&" not in text:
        return Formatted(text)
    out: list[str] = []
    entities: list[Entity] = []
    stack: list[_Open] = []
    u16 = 0
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c == "&":
            decoded = _decode_entity(text, i)
            if decoded is not None:
                out.append(decoded[0])
                u16 += 2 if ord(decoded[0]) > 0xFFFF else 1
                i = decoded[1]
                continue
            if strict_ampersand:
                raise MarkupError(
                    f"Character '&' at byte offset {_byte_offset(text, i)} is not part of an "
                    "HTML entity and must be escaped as &amp;"
                )
        if c != "<":
            out.append(c)
            u16 += 2 if ord(c) > 0xFFFF else 1
            i += 1
            continue
        begin = i
        i += 1
        if i < n and text[i] == "/":
            if not stack:
                raise MarkupError(f"Unexpected end tag at byte offset {_byte_offset(text, begin)}")
            while i < n and text[i] not in _SPACE and text[i] != ">":
                i += 1
            end_name = text[begin + 2 : i].lower()
            while i < n and text[i] in _SPACE:
                i += 1
            if i >= n or text[i] != ">":
                raise MarkupError(f"Unclosed end tag at byte offset {_byte_offset(text, begin)}")
            i += 1
            top = stack.pop()
            if end_name and end_name != top.tag:
                raise MarkupError(
                    f"Unmatched end tag at byte offset {_byte_offset(text, begin)}, "
                    f'expected "</{top.tag}>", found "</{end_name}>"'
                )
            if u16 > top.offset:
                entity = _html_entity(top, top.offset, u16 - top.offset, "".join(out[top.start :]))
                if entity is not None:
                    _add_html_entity(entities, entity)
            continue
        while i < n and text[i] not in _SPACE and text[i] != ">":
            i += 1
        if i >= n:
            raise MarkupError(f"Unclosed start tag at byte offset {_byte_offset(text, begin)}")
        tag = text[begin + 1 : i].lower()
        if tag not in _HTML_TAGS:
            raise MarkupError(
                f'Unsupported start tag "{tag}" at byte offset {_byte_offset(text, begin)}'
            )
        attrs, i = _html_attributes(text, i, tag, begin)
        if tag == "span" and attrs.get("class") != "tg-spoiler":
            raise MarkupError(
                f'Tag "span" must have class "tg-spoiler" at byte offset '
                f"{_byte_offset(text, begin)}"
            )
        stack.append(_Open(tag, attrs, u16, len(out)))
    if stack:
        raise MarkupError(f'Can\'t find end tag corresponding to start tag "{stack[-1].tag}"')
    for entity in entities:
        if entity["type"] == "code":
            entity.pop("language", None)
    entities.sort(key=lambda e: (e["offset"], -e["length"]))
    return Formatted("".join(out), entities)


def _html_attributes(text: str, i: int, tag: str, begin: int) -> tuple[dict[str, str], int]:
    """Parse `name=value` pairs up to the closing '>' of a start tag; returns them and the index
    just past the '>'."""
    attrs: dict[str, str] = {}
    n = len(text)
    while True:
        while i < n and text[i] in _SPACE:
            i += 1
        if i >= n:
            raise MarkupError(f"Unclosed start tag at byte offset {_byte_offset(text, begin)}")
        if text[i] == ">":
            return attrs, i + 1
        name_begin = i
        while i < n and text[i] not in _SPACE and text[i] not in "=>":
            i += 1
        name = text[name_begin:i].lower()
        if not name:
            raise MarkupError(
                f'Empty attribute name in the tag "{tag}" at byte offset '
                f"{_byte_offset(text, begin)}"
            )
        while i < n and text[i] in _SPACE:
            i += 1
        if i >= n or text[i] != "=":
            attrs.setdefault(name, "")
            continue
        i += 1
        while i < n and text[i] in _SPACE:
            i += 1
        if i >= n:
            raise MarkupError(
                f'Unclosed start tag "{tag}" at byte offset {_byte_offset(text, begin)}'
            )
        if text[i] not in "'\"":
            token_begin = i
            while i < n and text[i].isascii() and (text[i].isalnum() or text[i] in ".-"):
                i += 1
            value = text[token_begin:i].lower()
            if i < n and text[i] not in _SPACE and text[i] != ">":
                raise MarkupError(
                    f"Unexpected end of name token at byte offset "
                    f"{_byte_offset(text, token_begin)}"
                )
        else:
            quote = text[i]
            i += 1
            pieces: list[str] = []
            while i < n and text[i] != quote:
                if text[i] == "&":
                    decoded = _decode_entity(text, i)
                    if decoded is not None:
                        pieces.append(decoded[0])
                        i = decoded[1]
                        continue
                pieces.append(text[i])
                i += 1
            if i >= n:
                raise MarkupError(f"Unclosed start tag at byte offset {_byte_offset(text, begin)}")
            i += 1
            value = "".join(pieces)
        attrs.setdefault(name, value)


_AUTO = re.compile(
    r"(?P<bot_command>(?<![\w/@<>])/[A-Za-z0-9_]{1,64}(?:@[A-Za-z0-9_]{3,32})?(?![\w/]))"
    r"|(?P<mention>(?<![\w@])@[A-Za-z0-9_]{3,32}(?!\w))"
    r"|(?P<hashtag>(?<![\w#])#\w*[^\W\d]\w*)"
    r"|(?P<url>(?<![\w@/.])(?:https?://|www\.)[^\s<>\"]+[^\s<>\".,;:!?)\]'])"
)
_NO_AUTO_INSIDE = frozenset({"code", "pre", "text_link"})


def auto_entities(text: str, existing: list[Entity] | None = None) -> list[Entity]:
    """Entities Telegram detects by itself (commands, mentions, hashtags, links), merged into
    `existing` and skipping anything inside code, pre or text links."""
    entities = list(existing or [])
    if not any(ch in text for ch in "/@#w"):
        return entities
    blocked = [(e["offset"], e["offset"] + e["length"]) for e in entities
               if e["type"] in _NO_AUTO_INSIDE]
    found = False
    for match in _AUTO.finditer(text):
        kind = match.lastgroup or "url"
        offset = utf16_len(text[: match.start()])
        length = utf16_len(match.group())
        if any(start < offset + length and offset < end for start, end in blocked):
            continue
        entities.append({"type": kind, "offset": offset, "length": length})
        found = True
    if found:
        entities.sort(key=lambda e: (e["offset"], -e["length"]))
    return entities
