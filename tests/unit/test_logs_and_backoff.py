"""Secrets never reach a log line; failed sends back off."""

from __future__ import annotations

import logging

import pytest

from bot.dispatch import backoff
from bot.logs import RedactSecrets

TOKEN = "123456:AAE-secret-token-value"


def test_a_token_in_a_message_its_arguments_or_a_traceback_is_redacted(
    caplog: pytest.LogCaptureFixture,
) -> None:
    logger = logging.getLogger("test.redact")
    caplog.handler.addFilter(RedactSecrets([TOKEN]))
    with caplog.at_level(logging.DEBUG, logger="test.redact"):
        logger.info("GET https://api.telegram.org/bot%s/getMe", TOKEN)
        try:
            raise RuntimeError(f"failed calling /bot{TOKEN}/sendMessage")
        except RuntimeError:
            logger.exception("send failed")
    assert TOKEN not in caplog.text
    assert "[secret]" in caplog.text
    assert "RuntimeError" in caplog.text


def test_backoff_doubles_from_fifteen_seconds_and_stops_at_an_hour() -> None:
    assert [backoff(n) for n in (1, 2, 3, 4)] == [15, 30, 60, 120]
    assert backoff(20) == 3600
