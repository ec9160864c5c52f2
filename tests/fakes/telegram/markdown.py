"""MarkdownV2 and legacy Markdown, parsed like TDLib (see `markup` for the shared pieces).

Block quotes follow the documented rules ('>' at the start of a line, '**>' for an expandable
quote, '||' closing an expandable quote at the end of its last line); TDLib's handling of bare
carriage returns around quotes is not reproduced.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

from .markup import (
    _MD_NAMES,
    _MDV2_RESERVED,
    Entity,
    Formatted,
    MarkupError,
    _byte_offset,
    _link_entity,
)

_MDV2_SPECIAL = re.compile(r"[_*\[\]()~`>#+\-=|{}.!\\]")


@dataclass(slots=True)
class _MdOpen:
    kind: str
    begin: int  # index of the opening marker in the marked-up text (for error offsets)
    offset: int  # UTF-16 offset in the visible text
    start: int  # index into the output pieces
    language: str = ""


@dataclass(slots=True)
class _Quote:
    offset: int
    depth: int  # how many inline entities were open when the quote started
    expandable: bool


class _MarkdownV2:
    """One parse of one text: a small state machine over the characters."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.out: list[str] = []
        self.u16 = 0
        self.entities: list[Entity] = []
        self.stack: list[_MdOpen] = []
        self.quote: _Quote | None = None

    def emit(self, piece: str) -> None:
        """Append visible text, advancing the UTF-16 offset."""
        self.out.append(piece)
        self.u16 += sum(2 if ord(ch) > 0xFFFF else 1 for ch in piece)

    def reserved(self, ch: str) -> MarkupError:
        """The error for an unescaped reserved character."""
        return MarkupError(
            f"Character '{ch}' is reserved and must be escaped with the preceding '\\'"
        )

    def add(self, entity: Entity | None) -> None:
        """Keep a non-empty entity."""
        if entity is not None and entity["length"] > 0:
            self.entities.append(entity)

    def close_quote(self) -> None:
        """End the open block quote (entities opened inside must be closed by now)."""
        quote = self.quote
        if quote is None:
            return
        if len(self.stack) > quote.depth:
            self.fail_open(self.stack[-1])
        kind = "expandable_blockquote" if quote.expandable else "blockquote"
        self.add({"type": kind, "offset": quote.offset, "length": self.u16 - quote.offset})
        self.quote = None

    def fail_open(self, top: _MdOpen) -> None:
        """Raise Telegram's error for an entity that was never closed."""
        name = _MD_NAMES[top.kind]
        if top.kind == "pre" and top.language:
            name = "PreCode"
        raise MarkupError(
            f"Can't find end of {name} entity at byte offset {_byte_offset(self.text, top.begin)}"
        )

    def quote_ends_after(self, j: int) -> bool:
        """True if the line ending at `j` is the last line of the block quote."""
        text = self.text
        if j >= len(text):
            return True
        if text[j] not in "\r\n":
            return False
        j += 2 if text.startswith("\r\n", j) else 1
        return not (text.startswith(">", j) or text.startswith("**>", j))

    def run(self) -> Formatted:
        """Parse the whole text."""
        text, n = self.text, len(self.text)
        i = 0
        while i < n:
            c = text[i]
            in_code = bool(self.stack) and self.stack[-1].kind in ("code", "pre")
            if not in_code and (i == 0 or text[i - 1] == "\n"):
                if c == ">" or text.startswith("**>", i):
                    if self.quote is None:
                        self.quote = _Quote(self.u16, len(self.stack), False)
                    i += 1 if c == ">" else 3
                    continue
                self.close_quote()
            if c == "\\" and i + 1 < n and 0 < ord(text[i + 1]) <= 126:
                self.emit(text[i + 1])
                i += 2
                continue
            if (in_code and c != "`") or (not in_code and c not in _MDV2_RESERVED):
                self.emit(c)
                i += 1
                continue
            top = self.stack[-1] if self.stack else None
            if (
                self.quote is not None
                and text.startswith("||", i)
                and (top is None or top.kind != "spoiler")
                and self.quote_ends_after(i + 2)
            ):
                self.quote.expandable = True
                i += 2
                continue
            closing = top is not None and self.is_end(top, i)
            i = self.close(top, i) if top is not None and closing else self.open(c, i)
        self.close_quote()
        if self.stack:
            self.fail_open(self.stack[-1])
        self.entities.sort(key=lambda e: (e["offset"], -e["length"]))
        return Formatted("".join(self.out), self.entities)

    def is_end(self, top: _MdOpen, i: int) -> bool:
        """True if the marker at `i` closes the innermost open entity."""
        text, c = self.text, self.text[i]
        nxt = text[i + 1] if i + 1 < len(text) else ""
        return {
            "bold": c == "*",
            "italic": c == "_" and nxt != "_",
            "underline": c == "_" and nxt == "_",
            "strikethrough": c == "~",
            "spoiler": c == "|" and nxt == "|",
            "code": c == "`",
            "pre": text.startswith("```", i),
            "text_link": c == "]",
            "custom_emoji": c == "]",
        }[top.kind]

    def open(self, c: str, i: int) -> int:
        """Open the entity whose marker starts at `i`; the index after the marker."""
        text = self.text
        nxt = text[i + 1] if i + 1 < len(text) else ""
        begin, width, language = i, 1, ""
        if c == "_":
            kind = "underline" if nxt == "_" else "italic"
            width = 2 if nxt == "_" else 1
        elif c in "*~[":
            kind = {"*": "bold", "~": "strikethrough", "[": "text_link"}[c]
        elif c == "|" and nxt == "|":
            kind, width = "spoiler", 2
        elif c == "!" and nxt == "[":
            kind, width = "custom_emoji", 2
        elif c == "`" and text.startswith("```", i):
            kind, width = "pre", 3
            j = k = i + 3
            while k < len(text) and text[k] not in " \t\n\r":
                k += 1
            if k < len(text):
                language = text[j:k]
                width = k - i
                if text.startswith(("\r\n", "\n\r"), k):
                    width += 2
                elif text[k] in "\r\n":
                    width += 1
        elif c == "`":
            kind = "code"
        else:
            raise self.reserved(c)
        self.stack.append(_MdOpen(kind, begin, self.u16, len(self.out), language))
        return i + width

    def close(self, top: _MdOpen, i: int) -> int:
        """Close `top` at the marker at `i`; the index after the marker (and any URL)."""
        self.stack.pop()
        length = self.u16 - top.offset
        base = {"offset": top.offset, "length": length}
        if top.kind in ("bold", "italic", "strikethrough", "code"):
            self.add({"type": top.kind, **base})
            return i + 1
        if top.kind in ("underline", "spoiler"):
            self.add({"type": top.kind, **base})
            return i + 2
        if top.kind == "pre":
            entity: Entity = {"type": "pre", **base}
            if top.language:
                entity["language"] = top.language
            self.add(entity)
            return i + 3
        inner = "".join(self.out[top.start :])
        url, i = self.link_target(i)
        if top.kind == "text_link":
            if length > 0:
                self.add(_link_entity(url if url is not None else inner, top.offset, length))
            return i
        if url is None:
            raise MarkupError("The entity must contain a tg://emoji or tg://time URL")
        self.add(_emoji_or_time(url, top.offset, length))
        return i

    def link_target(self, i: int) -> tuple[str | None, int]:
        """After the ']' at `i`: the '(url)' if there is one, and where parsing continues."""
        text, n = self.text, len(self.text)
        if i + 1 >= n or text[i + 1] != "(":
            return None, i + 1
        k = i + 2
        pieces: list[str] = []
        while k < n and text[k] != ")":
            if text[k] == "\\" and k + 1 < n and 0 < ord(text[k + 1]) <= 126:
                pieces.append(text[k + 1])
                k += 2
                continue
            pieces.append(text[k])
            k += 1
        if k >= n:
            raise MarkupError(f"Can't find end of a URL at byte offset {_byte_offset(text, i + 2)}")
        return "".join(pieces), k + 1


def _emoji_or_time(url: str, offset: int, length: int) -> Entity:
    parts = urlsplit(url)
    host = parts.netloc.lower()
    query = parse_qs(parts.query)
    if parts.scheme.lower() == "tg" and host == "emoji":
        emoji_id = query.get("id", [""])[0]
        if emoji_id.isdigit() and not emoji_id.startswith("0"):
            return {"type": "custom_emoji", "offset": offset, "length": length,
                    "custom_emoji_id": emoji_id}
    if parts.scheme.lower() == "tg" and host == "time":
        unix = query.get("unix", [""])[0]
        if unix.isdigit() and not unix.startswith("0"):
            entity: Entity = {"type": "date_time", "offset": offset, "length": length,
                              "unix_time": int(unix)}
            if "format" in query:
                entity["date_time_format"] = query["format"][0]
            return entity
    raise MarkupError("Invalid tg://emoji or tg://time URL specified")


def parse_markdown_v2(text: str) -> Formatted:
    """Parse MarkdownV2: reserved characters outside entities must be escaped with '\\'."""
    if _MDV2_SPECIAL.search(text) is None:
        return Formatted(text)
    return _MarkdownV2(text).run()


def parse_markdown(text: str) -> Formatted:
    """Parse legacy Markdown: *bold*, _italic_, `code`, ```pre```, [text](url); no nesting."""
    out: list[str] = []
    entities: list[Entity] = []
    u16 = 0
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c == "\\" and i + 1 < n and text[i + 1] in "_*`[":
            out.append(text[i + 1])
            u16 += 1
            i += 2
            continue
        if c not in "_*`[":
            out.append(c)
            u16 += 2 if ord(c) > 0xFFFF else 1
            i += 1
            continue
        begin = i
        end_char = "]" if c == "[" else c
        is_pre = text.startswith("```", i)
        i += 3 if is_pre else 1
        language = ""
        if is_pre:
            k = i
            while k < n and text[k] not in " \t\n\r`":
                k += 1
            if k < n and text[k] != "`":
                language, i = text[i:k], k
                if text[k] == "\n":
                    i += 1
        start_u16, start_out = u16, len(out)
        while i < n and (text[i] != end_char or (is_pre and not text.startswith("```", i))):
            out.append(text[i])
            u16 += 2 if ord(text[i]) > 0xFFFF else 1
            i += 1
        if i >= n:
            raise MarkupError(
                f"Can't find end of the entity starting at byte offset {_byte_offset(text, begin)}"
            )
        i += 3 if is_pre else 1
        length = u16 - start_u16
        base: Entity = {"offset": start_u16, "length": length}
        if c == "[":
            url = "".join(out[start_out:])
            if i < n and text[i] == "(":
                close = text.find(")", i)
                if close < 0:
                    raise MarkupError(
                        f"Can't find end of a URL at byte offset {_byte_offset(text, i + 1)}"
                    )
                url, i = text[i + 1 : close], close + 1
            link = _link_entity(url, start_u16, length) if length else None
            if link is not None:
                entities.append(link)
        elif length:
            kind = {"*": "bold", "_": "italic", "`": "pre" if is_pre else "code"}[c]
            entity = {"type": kind, **base}
            if is_pre and language:
                entity["language"] = language
            entities.append(entity)
    return Formatted("".join(out), entities)
