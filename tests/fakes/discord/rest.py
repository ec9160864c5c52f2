"""HTTP plumbing of the fake REST API: routing, body parsing, auth, rate limits, call log.

Every JSON reply carries `Content-Type: application/json` exactly (discord.py compares the
header verbatim), and every routed reply carries X-RateLimit-* headers from real per-route
buckets. 429s (real or injected) carry `Via: 1.1 google` unless told otherwise: discord.py
treats a 429 without Via as a Cloudflare ban and raises instead of retrying.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import BodyPartReader, web

from .config import (
    JSON,
    HttpError,
    Settings,
)
from .state import (
    Notifier,
)
from .store import Upload

MAJOR_PARAMS = ("channel_id", "guild_id", "webhook_id", "webhook_token", "interaction_id",
                "interaction_token")
FILE_FIELD = re.compile(r"^files\[(\d+)\]$")


@dataclass
class ApiRequest:
    """A parsed REST request handed to a route handler."""

    method: str
    path: str
    route: str
    params: dict[str, str]
    query: dict[str, str]
    json: Any
    uploads: list[Upload]

    def snowflake(self, name: str) -> int:
        """Path parameter as an int (404 when it is not a snowflake)."""
        value = self.params[name]
        if not value.isdigit():
            raise HttpError(404, 0, "404: Not Found")
        return int(value)

    def flag(self, name: str) -> bool:
        """Truthy query-string flag such as ?wait=true."""
        return self.query.get(name, "").lower() in ("1", "true")


@dataclass
class Reply:
    """What a handler returns; body None means 204 No Content."""

    status: int = 200
    body: Any = None


@dataclass
class Call:
    """One REST request the bot made, with what the fake answered."""

    method: str
    path: str
    route: str | None
    query: dict[str, str]
    json: Any
    files: list[Upload]
    at: float = field(default_factory=time.monotonic)
    status: int = 0
    response: Any = None


@dataclass
class Injection:
    """A canned reply for the next `remaining` matching requests."""

    method: str
    route: str
    remaining: int
    status: int
    body: JSON
    headers: dict[str, str]


@dataclass
class _Bucket:
    remaining: int
    reset_at: float


@dataclass
class _Route:
    method: str
    template: str
    pattern: re.Pattern[str]
    handler: Callable[[ApiRequest], Awaitable[Reply]]
    auth: bool


def _compile(template: str) -> re.Pattern[str]:
    parts = [f"(?P<{s[1:-1]}>[^/]+)" if s.startswith("{") else re.escape(s)
             for s in template.split("/")]
    return re.compile("^" + "/".join(parts) + "$")


def bucket_hash(method: str, template: str) -> str:
    """Stable fake bucket hash for a route."""
    return hashlib.sha1(f"{method} {template}".encode()).hexdigest()[:32]


def rate_limit_headers(limit: int, remaining: int, reset_after: float,
                       bucket: str) -> dict[str, str]:
    """The X-RateLimit-* headers Discord sends."""
    return {
        "X-RateLimit-Limit": str(limit), "X-RateLimit-Remaining": str(max(remaining, 0)),
        "X-RateLimit-Reset": f"{time.time() + reset_after:.3f}",
        "X-RateLimit-Reset-After": f"{reset_after:.3f}", "X-RateLimit-Bucket": bucket,
    }


def too_many_requests(retry_after: float, *, bucket: str, limit: int, is_global: bool = False,
                      scope: str = "user", via: bool = True) -> tuple[JSON, dict[str, str]]:
    """Body and headers of a Discord 429."""
    headers = rate_limit_headers(limit, 0, retry_after, bucket)
    headers["Retry-After"] = str(max(1, math.ceil(retry_after)))
    headers["X-RateLimit-Scope"] = "global" if is_global else scope
    if is_global:
        headers["X-RateLimit-Global"] = "true"
    if via:
        headers["Via"] = "1.1 google"
    body: JSON = {"message": "You are being rate limited.", "retry_after": retry_after,
                  "global": is_global}
    return body, headers


def json_response(status: int, body: Any, headers: dict[str, str]) -> web.Response:
    """A reply with Content-Type exactly application/json (no charset), or a bare 204."""
    if body is None:
        return web.Response(status=204, headers=headers)
    return web.Response(status=status, body=json.dumps(body).encode(),
                        headers={**headers, "Content-Type": "application/json"})


class RestApi:
    """Routes /api/v10/* requests to handlers and records every call."""

    def __init__(self, settings: Settings, notifier: Notifier) -> None:
        self.settings = settings
        self.notifier = notifier
        self.routes: list[_Route] = []
        self.calls: list[Call] = []
        self.injections: list[Injection] = []
        self._buckets: dict[str, _Bucket] = {}

    def add(self, method: str, template: str, handler: Callable[[ApiRequest], Awaitable[Reply]],
            *, auth: bool = True) -> None:
        """Register a handler; earlier registrations win (put literal paths first)."""
        self.routes.append(_Route(method, template, _compile(template), handler, auth))

    def inject(self, method: str, route: str, *, times: int, status: int, body: JSON,
               headers: dict[str, str] | None = None) -> None:
        """Answer the next `times` requests matching method and route (template or path)."""
        self.injections.append(Injection(method.upper(), route, times, status, body,
                                         headers or {}))

    def _match(self, method: str, path: str) -> tuple[_Route | None, dict[str, str], bool]:
        path_known = False
        for route in self.routes:
            found = route.pattern.match(path)
            if found:
                path_known = True
                if route.method == method:
                    return route, found.groupdict(), True
        return None, {}, path_known

    async def _parse_body(self, request: web.Request) -> tuple[Any, list[Upload]]:
        if not request.body_exists:
            return None, []
        if request.content_type == "multipart/form-data":
            payload: Any = None
            form: JSON = {}
            uploads: list[Upload] = []
            reader = await request.multipart()
            while (part := await reader.next()) is not None:
                if not isinstance(part, BodyPartReader):
                    continue
                name = part.name or ""
                found = FILE_FIELD.match(name)
                if name == "payload_json":
                    payload = json.loads(await part.text())
                elif found:
                    uploads.append(Upload(int(found.group(1)), part.filename or name,
                                          bytes(await part.read(decode=False)),
                                          part.headers.get("Content-Type")))
                else:
                    form[name] = await part.text()
            return (payload if payload is not None else form), uploads
        raw = await request.read()
        return (json.loads(raw) if raw else None), []

    def _injected(self, method: str, route: _Route, path: str) -> Injection | None:
        for inj in self.injections:
            if inj.remaining > 0 and inj.method == method and inj.route in (route.template, path):
                inj.remaining -= 1
                return inj
        return None

    def _take_token(self, method: str, route: _Route, params: dict[str, str]) -> dict[str, str]:
        now = time.monotonic()
        bucket_id = bucket_hash(method, route.template)
        key = bucket_id + ":" + ":".join(params[p] for p in MAJOR_PARAMS if p in params)
        bucket = self._buckets.get(key)
        if bucket is None or now >= bucket.reset_at:
            bucket = _Bucket(self.settings.rate_limit, now + self.settings.rate_limit_window)
            self._buckets[key] = bucket
        reset_after = bucket.reset_at - now
        if bucket.remaining <= 0 and self.settings.enforce_rate_limits:
            body, headers = too_many_requests(round(reset_after, 3), bucket=bucket_id,
                                              limit=self.settings.rate_limit)
            raise HttpError(429, 0, body["message"], headers=headers)
        bucket.remaining -= 1
        return rate_limit_headers(self.settings.rate_limit, bucket.remaining, reset_after,
                                  bucket_id)

    async def handle(self, request: web.Request) -> web.StreamResponse:
        """aiohttp entry point for /api/v10/{tail}."""
        method, path = request.method, "/" + request.match_info["tail"]
        route, params, path_known = self._match(method, path)
        call = Call(method, path, route.template if route else None, dict(request.query), None, [])
        self.calls.append(call)
        headers: dict[str, str] = {}
        try:
            try:
                call.json, call.files = await self._parse_body(request)
            except ValueError:
                raise HttpError(400, 50109, "The request body contains invalid JSON.") from None
            if route is None:
                if path_known:
                    raise HttpError(405, 0, "405: Method Not Allowed")
                raise HttpError(404, 0, "404: Not Found")
            token = self.settings.token
            if route.auth and request.headers.get("Authorization") != f"Bot {token}":
                raise HttpError(401, 0, "401: Unauthorized")
            injected = self._injected(method, route, path)
            if injected is not None:
                status, body, headers = injected.status, injected.body, injected.headers
            else:
                headers = self._take_token(method, route, params)
                api_request = ApiRequest(method, path, route.template, params,
                                         dict(request.query), call.json, call.files)
                reply = await route.handler(api_request)
                status, body = reply.status, reply.body
        except HttpError as exc:
            status, body = exc.status, exc.body
            if exc.status == 429:
                body = {k: v for k, v in exc.body.items() if k != "code"}
                body.update(retry_after=float(exc.headers["X-RateLimit-Reset-After"]),
                            **{"global": False})
            headers = {**headers, **exc.headers}
        call.status, call.response = status, body
        self.notifier.notify()
        return json_response(status, body, headers)
