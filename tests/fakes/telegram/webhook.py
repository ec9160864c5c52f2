"""Pushing updates to the bot's webhook the way Telegram does: one POST per update, JSON body,
the secret in X-Telegram-Bot-Api-Secret-Token, retried until the bot answers 2xx."""

from __future__ import annotations

import asyncio
import contextlib
import json
import time

import aiohttp

from .model import JSON, WebhookDelivery
from .recorder import Recorder
from .world import World

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


class WebhookPusher:
    """Delivers queued updates while a webhook is set; also posts single updates on demand."""

    def __init__(self, world: World, recorder: Recorder, retry_delay: float = 0.1) -> None:
        self._world = world
        self._recorder = recorder
        self._retry_delay = retry_delay
        self._session: aiohttp.ClientSession | None = None
        self._task: asyncio.Task[None] | None = None

    def _client(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=10))
        return self._session

    async def post(self, url: str, update: JSON, secret: str | None) -> int:
        """POST one update to `url` (with `secret` as header if given); the HTTP status, or 0
        when the bot could not be reached."""
        headers = {"Content-Type": "application/json"}
        if secret is not None:
            headers[SECRET_HEADER] = secret
        error: str | None = None
        try:
            async with self._client().post(url, data=json.dumps(update), headers=headers) as resp:
                await resp.read()
                status = resp.status
        except (aiohttp.ClientError, TimeoutError) as exc:
            status, error = 0, f"Connection failed: {exc.__class__.__name__}"
        self._recorder.deliveries.append(WebhookDelivery(
            update.get("update_id"), url, status, secret, time.monotonic(), error
        ))
        return status

    def reconfigure(self) -> None:
        """Start or stop the delivery loop after setWebhook/deleteWebhook."""
        if self._task is not None:
            self._task.cancel()
            self._task = None
        if self._world.webhook is not None:
            self._task = asyncio.get_running_loop().create_task(self._run())

    async def _run(self) -> None:
        queue = self._world.queue
        failures = 0
        while self._world.webhook is not None and not queue.closing:
            item = queue.first()
            if item is None:
                await queue.wait(3600.0)
                continue
            hook = self._world.webhook
            status = await self.post(hook.url, item.update, hook.secret_token)
            if 200 <= status < 300:
                queue.delivered(item)
                failures = 0
                continue
            hook.last_error_date = self._world.now()
            hook.last_error_message = (
                f"Wrong response from the webhook: {status}" if status else "Connection refused"
            )
            failures += 1
            await asyncio.sleep(min(self._retry_delay * 2 ** (failures - 1), 2.0))

    async def close(self) -> None:
        """Stop delivering and close the HTTP client."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        if self._session is not None:
            await self._session.close()
            self._session = None
