"""Log lines, text or JSON, carry the platform, command and delivery in hand, and never a token,
a note or a pain score, however they reach the logger."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator
from typing import Literal

import pytest

from bot import logs

TOKEN = "123456:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"
NOTE = "knee felt odd after the hill on Elm street"


@pytest.fixture
def capture() -> Iterator[tuple[logging.Logger, io.StringIO, list[Literal["text", "json"]]]]:
    """A logger writing through the configured handler into a buffer; the format is chosen
    per test by appending to the list before logging."""
    buffer = io.StringIO()
    logger = logging.getLogger("tests.logs")
    chosen: list[Literal["text", "json"]] = []

    class Late(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            real = logs.handler([TOKEN], chosen[-1] if chosen else "text", buffer)
            real.handle(record)

    handler = Late()
    logger.addHandler(handler)
    logger.propagate = False
    logger.setLevel(logging.DEBUG)
    yield logger, buffer, chosen
    logger.removeHandler(handler)
    logger.propagate = True


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_a_token_a_note_and_a_pain_score_never_reach_a_line(
    capture: tuple[logging.Logger, io.StringIO, list[Literal["text", "json"]]],
    fmt: Literal["text", "json"],
) -> None:
    logger, buffer, chosen = capture
    chosen.append(fmt)
    logs.remember_private(f"/log 20 min park pain 4 {NOTE}", NOTE)
    logger.info("GET https://api.telegram.org/bot%s/getUpdates", TOKEN)
    logger.warning("could not answer %r", f"/log 20 min park pain 4 {NOTE}")
    logger.info("note was %s", NOTE)
    logger.debug("payload %s", {"text": "/log 5 min pain=6 something personal here"})
    logger.debug("Update(message=Message(text='walked backwards, my secret diary'))")
    try:
        raise ValueError(f"bad input {NOTE} with {TOKEN}")
    except ValueError:
        logger.exception("handler failed")
    out = buffer.getvalue()
    assert out.count("\n") >= 6
    assert TOKEN not in out and NOTE not in out
    assert "pain 4" not in out and "pain=6" not in out
    assert "something personal" not in out and "secret diary" not in out
    assert "[secret]" in out and "[private]" in out


def test_json_lines_carry_time_level_logger_message_and_the_context(
    capture: tuple[logging.Logger, io.StringIO, list[Literal["text", "json"]]],
) -> None:
    logger, buffer, chosen = capture
    chosen.append("json")
    with logs.context(platform="discord", command="streak"):
        logger.info("answered")
    with logs.context(platform="telegram", delivery=42):
        logger.warning("delivery failed")
    logger.info("plain")
    first, second, third = (json.loads(line) for line in buffer.getvalue().splitlines())
    assert first["message"] == "answered" and first["level"] == "INFO"
    assert first["logger"] == "tests.logs" and first["time"].endswith("+00:00")
    assert (first["platform"], first["command"]) == ("discord", "streak")
    assert (second["platform"], second["delivery"]) == ("telegram", 42)
    assert "command" not in second
    assert "platform" not in third


def test_text_lines_show_the_context_in_brackets(
    capture: tuple[logging.Logger, io.StringIO, list[Literal["text", "json"]]],
) -> None:
    logger, buffer, chosen = capture
    chosen.append("text")
    with logs.context(platform="telegram", command="log"):
        logger.info("answered")
    logger.info("plain")
    answered, plain = buffer.getvalue().splitlines()
    assert answered.endswith("tests.logs: answered [platform=telegram command=log]")
    assert plain.endswith("tests.logs: plain")


def test_short_texts_are_not_blanked_so_lines_stay_readable() -> None:
    logs.remember_private("yes", "20")
    redact = logs.RedactSecrets([])
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "queued 20 messages: yes", None,
                               None)
    redact.filter(record)
    assert record.getMessage() == "queued 20 messages: yes"
