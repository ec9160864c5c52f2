"""Logging set up once at start: text or JSON lines, with the platform, command and delivery in
hand, and never a token, a note or a pain score."""

from __future__ import annotations

import json
import logging
import re
import threading
from collections import OrderedDict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Literal, TextIO

# What the current task is working on; set by the measured coach (bot/metrics.py) for an update
# and by the dispatcher for a delivery, and copied onto every record logged meanwhile.
platform_var: ContextVar[str | None] = ContextVar("log_platform", default=None)
command_var: ContextVar[str | None] = ContextVar("log_command", default=None)
delivery_var: ContextVar[int | None] = ContextVar("log_delivery", default=None)
CONTEXT_FIELDS = ("platform", "command", "delivery")

PRIVATE = "[private]"
SECRET = "[secret]"
# Texts people wrote recently (notes live in them). Kept process-wide rather than per task
# because the coach logs from its worker thread, where the adapter's context is not visible;
# bounded, so memory stays flat and the cost per line small: a text is forgotten after 128
# newer ones, by when its update (at most 64 are in hand at once) is long answered.
PRIVATE_TEXTS = 128
SHORTEST_PRIVATE = 4  # shorter texts ("20", "yes") say nothing private and would mangle lines
# A pain score however it is written: "pain 2", "pain=3", "pain: 7.5", "'pain': 4".
PAIN = re.compile(r"(pain['\"]?\s*[:=]?\s*)\d+(?:[.,]\d+)?", re.IGNORECASE)
# What people wrote inside a platform's payload, as the libraries log it at DEBUG before the
# coach has seen it (JSON, Python dicts and reprs: text='...'): a message's text or caption, an
# option's value.
PAYLOAD_KEYS = ("text", "caption", "value", "note", "query")
PAYLOAD_TEXT = re.compile(
    r"""((?:['"](?:text|caption|value|note|query)['"]\s*:\s*|\b(?:text|caption|value|note|query)=))"""
    r"""(?:'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")""")


class _PrivateTexts:
    """The most recent texts people sent, to be blanked from any log line."""

    def __init__(self, size: int) -> None:
        self._size = size
        self._texts: OrderedDict[str, None] = OrderedDict()
        self._lock = threading.Lock()
        self._sorted: tuple[str, ...] | None = ()  # None: to be sorted again

    def add(self, *texts: str | None) -> None:
        with self._lock:
            for text in texts:
                text = (text or "").strip()
                if len(text) < SHORTEST_PRIVATE:
                    continue
                self._texts[text] = None
                self._texts.move_to_end(text)
                while len(self._texts) > self._size:
                    self._texts.popitem(last=False)
                self._sorted = None

    def snapshot(self) -> tuple[str, ...]:
        with self._lock:
            if self._sorted is None:
                # Longest first, so a whole message is blanked before a part of it.
                self._sorted = tuple(sorted(self._texts, key=len, reverse=True))
            return self._sorted


private_texts = _PrivateTexts(PRIVATE_TEXTS)


def remember_private(*texts: str | None) -> None:
    """Texts a person wrote (a message, a note): none of them may appear in a log line."""
    private_texts.add(*texts)


@contextmanager
def context(*, platform: str | None = None, command: str | None = None,
            delivery: int | None = None) -> Iterator[None]:
    """Log records inside carry these fields."""
    platform_token = platform_var.set(platform if platform is not None else platform_var.get())
    command_token = command_var.set(command if command is not None else command_var.get())
    delivery_token = delivery_var.set(delivery if delivery is not None else delivery_var.get())
    try:
        yield
    finally:
        delivery_var.reset(delivery_token)
        command_var.reset(command_token)
        platform_var.reset(platform_token)


class RedactSecrets(logging.Filter):
    """Blanks known secrets, the texts people wrote and pain scores from every record, and
    copies the task's platform, command and delivery onto it."""

    def __init__(self, secrets: Iterable[str]) -> None:
        super().__init__()
        self.secrets = [s for s in secrets if s]

    def filter(self, record: logging.LogRecord) -> bool:
        """Rewrite the record's message (and traceback text) without anything private."""
        known = {"platform": platform_var.get(), "command": command_var.get(),
                 "delivery": delivery_var.get()}
        for name, value in known.items():
            if getattr(record, name, None) is None:
                setattr(record, name, value)
        message = record.getMessage()
        cleaned = self._clean(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self._clean(record.exc_text)
        if record.stack_info:
            record.stack_info = self._clean(record.stack_info)
        return True

    def _clean(self, text: str) -> str:
        for secret in self.secrets:
            text = text.replace(secret, SECRET)
        for written in private_texts.snapshot():
            if written in text:  # a plain search is far cheaper than a replace
                text = text.replace(written, PRIVATE)
        # The patterns only where their words occur: most lines have neither, and a search for
        # a word costs a fraction of a pattern's scan.
        lowered = text.lower()
        if any(key in lowered for key in PAYLOAD_KEYS):
            text = PAYLOAD_TEXT.sub(rf"\g<1>'{PRIVATE}'", text)
        if "pain" in lowered:
            text = PAIN.sub(rf"\g<1>{PRIVATE}", text)
        return text


class JsonLines(logging.Formatter):
    """One JSON object a line: time, level, logger, message, and the context when known."""

    def format(self, record: logging.LogRecord) -> str:
        """The record as a JSON line (the filter has already cleaned it)."""
        line: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for name in CONTEXT_FIELDS:
            value = getattr(record, name, None)
            if value is not None:
                line[name] = value
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            line["exception"] = record.exc_text
        return json.dumps(line, ensure_ascii=False)


class Text(logging.Formatter):
    """The plain line, with the context in brackets when there is any."""

    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s: %(message)s")

    def formatMessage(self, record: logging.LogRecord) -> str:
        """The line, then [platform=... command=... delivery=...]."""
        line = super().formatMessage(record)
        known = [f"{name}={getattr(record, name)}" for name in CONTEXT_FIELDS
                 if getattr(record, name, None) is not None]
        return f"{line} [{' '.join(known)}]" if known else line


def handler(secrets: Iterable[str], fmt: Literal["text", "json"] = "text",
            stream: TextIO | None = None) -> logging.Handler:
    """A handler writing to `stream` (stderr) in the chosen format, through the filter."""
    out: logging.Handler = logging.StreamHandler(stream)
    out.setFormatter(JsonLines() if fmt == "json" else Text())
    out.addFilter(RedactSecrets(secrets))
    return out


def configure(level: str, secrets: Iterable[str],
              fmt: Literal["text", "json"] = "text") -> None:
    """Log to stderr; the secrets never reach a line. httpx logs request URLs (which hold the
    Telegram token) at INFO, so it is held at WARNING as well."""
    root = logging.getLogger()
    root.handlers[:] = [handler(secrets, fmt)]
    root.setLevel(level.upper())
    for noisy in ("httpx", "httpcore", "apscheduler.executors"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
