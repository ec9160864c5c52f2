"""The HTTP side: aiohttp routes that speak the Bot API exactly as api.telegram.org does.

    POST|GET /bot<token>/<method>     -> {"ok": true, "result": ...} or an error body
    GET      /file/bot<token>/<path>  -> the bytes of a file (getFile's file_path)

A malformed token answers 404 and a well-formed but wrong one 401, like Telegram.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
import time
from collections.abc import Callable
from typing import Any

from aiohttp import BodyPartReader, hdrs, web

from .limits import Throttle
from .methods import dispatch
from .model import SEND_METHODS, Call, Failure, FloodEvent, UploadedFile
from .recorder import Recorder
from .state import CONFLICT
from .validation import ApiError, Validator, bad_request
from .world import World

_LOGGER = logging.getLogger(__name__)
_TOKEN_SHAPE = re.compile(r"^\d+:[A-Za-z0-9_-]{30,}$")
_NOT_FOUND = ApiError(404, "Not Found")
_WEBHOOK_ACTIVE = (
    "Conflict: can't use getUpdates method while webhook is active; "
    "use deleteWebhook to delete the webhook first"
)
MAX_BODY = 60 * 1024 * 1024


def _json_response(body: dict[str, Any], status: int = 200) -> web.Response:
    return web.Response(text=json.dumps(body, ensure_ascii=False), status=status,
                        content_type="application/json")


class ApiServer:
    """Routes, body decoding, validation, failure injection, flood control and the call log."""

    def __init__(
        self,
        world: World,
        token: str,
        recorder: Recorder,
        *,
        strict_limits: bool,
        throttle: Throttle,
        failures: list[Failure],
        monotonic: Callable[[], float] = time.monotonic,
        send_latency: float = 0.0,
    ) -> None:
        self.world = world
        self.token = token
        self.recorder = recorder
        self.strict_limits = strict_limits
        self.throttle = throttle
        self.failures = failures
        self.validator = Validator(world.spec)
        self.monotonic = monotonic
        self.send_latency = send_latency
        self._seq = 0

    def app(self) -> web.Application:
        """The aiohttp application (uploads up to Telegram's 50 MB limit plus headroom)."""
        app = web.Application(client_max_size=MAX_BODY)
        app.router.add_route("*", "/bot{token}/{method}", self.handle_method)
        app.router.add_get("/file/bot{token}/{path:.+}", self.handle_file)
        app.router.add_route("*", "/{tail:.*}", self.handle_unknown)
        return app

    async def handle_unknown(self, request: web.Request) -> web.Response:
        """Anything else: Telegram's JSON 404."""
        return _json_response(_NOT_FOUND.body(), 404)

    def _token_error(self, token: str) -> ApiError | None:
        if token == self.token:
            return None
        if not _TOKEN_SHAPE.match(token):
            return _NOT_FOUND
        return ApiError(401, "Unauthorized")

    async def handle_file(self, request: web.Request) -> web.StreamResponse:
        """File downloads for getFile paths."""
        if self._token_error(request.match_info["token"]) is not None:
            return _json_response(_NOT_FOUND.body(), 404)
        stored = self.world.files.by_path(request.match_info["path"])
        if stored is None:
            return _json_response(_NOT_FOUND.body(), 404)
        return web.Response(body=stored.data,
                            content_type=stored.mime_type or "application/octet-stream")

    async def _read(self, request: web.Request) -> tuple[dict[str, Any], dict[str, UploadedFile],
                                                        bytes]:
        """Parameters from the query string and a JSON, url-encoded or multipart body."""
        raw: dict[str, Any] = dict(request.query)
        uploads: dict[str, UploadedFile] = {}
        ctype = request.content_type
        seen = b""
        if ctype == "multipart/form-data":
            reader = await request.multipart()
            while True:
                part = await reader.next()
                if part is None:
                    break
                if not isinstance(part, BodyPartReader) or part.name is None:
                    continue
                data = await part.read(decode=True)
                if part.filename is not None:
                    mime = part.headers.get(hdrs.CONTENT_TYPE, "application/octet-stream")
                    uploads[part.name] = UploadedFile(part.name, part.filename, mime, bytes(data))
                else:
                    raw[part.name] = bytes(data).decode("utf-8", "replace")
        elif request.can_read_body:
            body = await request.read()
            if ctype == "application/json":
                seen = body
                try:
                    decoded = json.loads(body) if body.strip() else {}
                except ValueError:
                    raise bad_request("can't parse JSON object") from None
                if not isinstance(decoded, dict):
                    raise bad_request("JSON object expected")
                raw.update(decoded)
            elif ctype == "application/x-www-form-urlencoded":
                form = await request.post()
                raw.update({k: v for k, v in form.items() if isinstance(v, str)})
        return raw, uploads, seen

    async def handle_method(self, request: web.Request) -> web.Response:
        """One Bot API call."""
        token_error = self._token_error(request.match_info["token"])
        if token_error is not None:
            return _json_response(token_error.body(), token_error.code)
        spec = self.world.spec.method(request.match_info["method"])
        if spec is None:
            return _json_response(_NOT_FOUND.body(), 404)
        self._seq += 1
        call = Call(self._seq, spec.name, {}, {}, 200,
                    http_method=request.method, content_type=request.content_type)
        self.recorder.begin(call)
        try:
            raw, uploads, seen = await self._read(request)
            call.params, call.files = self.validator.coerce(spec, raw, uploads)
            if self.token.encode() in seen or any(
                self.token in value for value in raw.values() if isinstance(value, str)
            ):
                self.recorder.token_leaks.append(call)
            call.result = await self._run(request, call)
            body: dict[str, Any] = {"ok": True, "result": call.result}
            response = _json_response(body)
        except ApiError as exc:
            call.status, call.error = exc.code, exc.description
            if exc.parameters:
                call.retry_after = exc.parameters.get("retry_after")
            response = _json_response(exc.body(), exc.code)
        except Exception as exc:  # a bug in the fake: answer 500 and keep the traceback
            _LOGGER.exception("FakeTelegram failed on %s", call.method)
            self.recorder.internal_errors.append(exc)
            call.status, call.error = 500, f"Internal Server Error: {exc!r}"
            response = _json_response(ApiError(500, "Internal Server Error").body(), 500)
        except BaseException:  # cancelled: the client went away
            self.recorder.abandon(call)
            raise
        call.at = self.monotonic()
        self.recorder.add(call)
        return response

    def _flood(self, call: Call, chat_id: int | None, retry_after: int, injected: bool) -> ApiError:
        now = self.monotonic()
        self.recorder.floods.append(
            FloodEvent(call.method, chat_id, retry_after, now, injected, call.seq)
        )
        if self.strict_limits:
            self.throttle.ban(chat_id, retry_after, now)
        return ApiError(429, f"Too Many Requests: retry after {retry_after}",
                        {"retry_after": retry_after})

    def _injected(self, call: Call, chat_id: int | None) -> ApiError | None:
        for failure in self.failures:
            if failure.matches(call.method, chat_id):
                failure.remaining -= 1
                failure.matched.append(call.seq)
                if failure.code == 429 and failure.parameters:
                    retry_after = int(failure.parameters.get("retry_after", 1))
                    return self._flood(call, chat_id, retry_after, injected=True)
                return ApiError(failure.code, failure.description, failure.parameters)
        return None

    async def _run(self, request: web.Request, call: Call) -> Any:
        method, params = call.method, call.params
        chat_id = params.get("chat_id") if isinstance(params.get("chat_id"), int) else None
        injected = self._injected(call, chat_id)
        if injected is not None:
            raise injected
        if method == "getUpdates":
            return await self._get_updates(request, params)
        if self.strict_limits:
            now = self.monotonic()
            penalty = self.throttle.penalty(chat_id, now)
            if penalty is None and "chat_id" in params:
                state = self.world.resolve_chat(params["chat_id"])
                penalty = self.throttle.check(method, state.chat, now)
            if penalty is not None:
                raise self._flood(call, chat_id, penalty, injected=False)
        if self.send_latency and method in SEND_METHODS:
            await asyncio.sleep(self.send_latency)  # the round trip of a real send
        return dispatch(self.world, method, params, call.files)

    async def _get_updates(self, request: web.Request, params: dict[str, Any]) -> Any:
        queue = self.world.queue
        if self.world.webhook is not None:
            raise ApiError(409, _WEBHOOK_ACTIVE)
        generation = queue.start_poll()
        queue.confirm(int(params.get("offset", 0)))
        queue.set_allowed(params.get("allowed_updates"))
        limit = min(max(int(params.get("limit", 100)), 1), 100)
        timeout = max(float(params.get("timeout", 0)), 0.0)

        def alive() -> bool:
            transport = request.transport
            return transport is not None and not transport.is_closing()

        updates = await queue.long_poll(limit, timeout, generation, alive)
        if updates is None:
            raise ApiError(409, CONFLICT)
        return updates
