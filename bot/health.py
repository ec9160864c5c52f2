"""/healthz, /readyz and /metrics on one small aiohttp server (aiohttp comes with discord.py)."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Awaitable, Callable, Mapping

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, generate_latest

log = logging.getLogger(__name__)
Check = Callable[[], Awaitable[bool]]
# A check that takes longer than this counts as failed: a probe must answer quickly.
CHECK_SECONDS = 5.0


class HealthServer:
    """Alive is answering at all; ready is every check passing (the database answers, each
    platform connected); metrics are Prometheus' text format, sampled at scrape."""

    def __init__(self, listen: str, port: int, checks: Mapping[str, Check],
                 sample: Callable[[], Awaitable[None]] | None = None) -> None:
        self.listen, self.port = listen, port
        self.checks = dict(checks)
        self.sample = sample
        self._runner: web.AppRunner | None = None

    def app(self) -> web.Application:
        """The routes."""
        app = web.Application()
        app.router.add_get("/healthz", self._alive)
        app.router.add_get("/readyz", self._ready)
        app.router.add_get("/metrics", self._metrics)
        return app

    async def start(self) -> None:
        """Listen (port 0 picks a free one; `self.port` then tells which)."""
        self._runner = web.AppRunner(self.app(), access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.listen, self.port)
        await site.start()
        server = site._server
        sockets = getattr(server, "sockets", None) or []
        if sockets:
            self.port = int(sockets[0].getsockname()[1])
        log.info("health and metrics on http://%s:%d/ (healthz, readyz, metrics)", self.listen,
                 self.port)

    async def stop(self) -> None:
        """Stop listening."""
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def readiness(self) -> dict[str, bool]:
        """Each check's result."""
        return {name: await _passes(name, check) for name, check in self.checks.items()}

    async def _alive(self, _request: web.Request) -> web.Response:
        return web.Response(text="ok\n")

    async def _ready(self, _request: web.Request) -> web.Response:
        results = await self.readiness()
        return web.Response(text=json.dumps(results) + "\n", content_type="application/json",
                            status=200 if all(results.values()) else 503)

    async def _metrics(self, _request: web.Request) -> web.Response:
        if self.sample is not None:
            try:
                await asyncio.wait_for(self.sample(), CHECK_SECONDS)
            except Exception:
                log.warning("sampling the queue for /metrics failed", exc_info=True)
        body = generate_latest(REGISTRY)
        return web.Response(body=body, headers={"Content-Type": CONTENT_TYPE_LATEST})


async def _passes(name: str, check: Check) -> bool:
    try:
        return await asyncio.wait_for(check(), CHECK_SECONDS)
    except Exception as error:
        log.warning("readiness check %s failed: %s", name, error.__class__.__name__)
        return False
