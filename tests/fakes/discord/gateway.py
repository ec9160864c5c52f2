"""The fake gateway: a websocket speaking Discord's gateway protocol v10 (JSON encoding).

discord.py connects to `<gateway>?v=10&encoding=json&compress=zlib-stream` (zstd-stream
when the `zstandard` package or Python 3.14's `compression.zstd` is importable). The fake
honours whichever transport compression the query asks for, or none when it is absent.

Implemented: HELLO (op 10), HEARTBEAT/ACK (1/11), IDENTIFY (2) with token and intent
checks (4004, 4013, 4014 closes), READY + GUILD_CREATE, RESUME (6) replaying missed events
then RESUMED, INVALID_SESSION (9), RECONNECT (7), REQUEST_GUILD_MEMBERS (8), sequence
numbers, and dropping the connection on demand.
"""

from __future__ import annotations

import asyncio
import importlib
import itertools
import json
import secrets
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import WSMsgType, web

from .config import (
    INTENT_GUILD_MEMBERS,
    INTENT_GUILD_PRESENCES,
    JSON,
    PRIVILEGED_INTENTS,
    FakeDiscordError,
    Settings,
)
from .state import (
    FakeGuild,
    Notifier,
)
from .store import Store

Compressor = Callable[[bytes], bytes]


def make_compressor(kind: str | None) -> Compressor | None:
    """Build the per-connection transport compressor asked for in the query string."""
    if kind is None:
        return None
    if kind == "zlib-stream":
        zctx = zlib.compressobj()
        return lambda data: zctx.compress(data) + zctx.flush(zlib.Z_SYNC_FLUSH)
    if kind == "zstd-stream":
        try:
            zstd: Any = importlib.import_module("compression.zstd")
            comp = zstd.ZstdCompressor()
            return lambda data: bytes(comp.compress(data, mode=zstd.ZstdCompressor.FLUSH_BLOCK))
        except ImportError:
            zs: Any = importlib.import_module("zstandard")
            cobj = zs.ZstdCompressor().compressobj()
            return lambda data: bytes(cobj.compress(data) + cobj.flush(zs.COMPRESSOBJ_FLUSH_BLOCK))
    raise ValueError(kind)


@dataclass
class Frame:
    """One gateway payload: direction is 'send' (fake to bot) or 'recv' (bot to fake)."""

    direction: str
    connection: int
    op: int
    t: str | None
    s: int | None
    d: Any


@dataclass(eq=False)
class Session:
    """A gateway session (survives reconnects through RESUME)."""

    id: str
    intents: int
    identify: JSON
    seq: int = 0
    events: list[JSON] = field(default_factory=list)
    conn: Connection | None = None
    ready: bool = False
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)


@dataclass(eq=False)
class Connection:
    """One websocket connection from the bot."""

    id: int
    path: str
    query: dict[str, str]
    ws: web.WebSocketResponse
    transport: asyncio.Transport | None
    compress: Compressor | None = None
    session: Session | None = None
    resumed: bool = False
    alive: bool = True
    close_code: int | None = None
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)


class Gateway:
    """Serves /gateway and /resume websockets for one bot."""

    def __init__(self, store: Store, settings: Settings, notifier: Notifier) -> None:
        self.store = store
        self.settings = settings
        self.notifier = notifier
        self.resume_url = ""
        self.session: Session | None = None
        self.connections: list[Connection] = []
        self.frames: list[Frame] = []
        self.identifies = 0
        self.identify_payloads: list[JSON] = []
        self.resumes = 0
        self._ids = itertools.count(1)

    @property
    def ready(self) -> bool:
        """Whether an identified session is currently connected."""
        return bool(self.session and self.session.ready and self.session.conn)

    def _log(self, direction: str, conn: Connection, payload: JSON) -> None:
        self.frames.append(Frame(direction, conn.id, int(payload.get("op", -1)),
                                 payload.get("t"), payload.get("s"), payload.get("d")))

    async def _send(self, conn: Connection, payload: JSON) -> bool:
        async with conn.lock:
            if not conn.alive or conn.ws.closed:
                return False
            text = json.dumps(payload, separators=(",", ":"))
            try:
                if conn.compress is not None:
                    await conn.ws.send_bytes(conn.compress(text.encode()))
                else:
                    await conn.ws.send_str(text)
            except (ConnectionError, RuntimeError):
                conn.alive = False
                return False
        self._log("send", conn, payload)
        return True

    async def _close(self, conn: Connection, code: int, reason: str) -> None:
        conn.alive = False
        await conn.ws.close(code=code, message=reason.encode())

    async def handle(self, request: web.Request) -> web.WebSocketResponse:
        """aiohttp handler for a gateway websocket."""
        ws = web.WebSocketResponse(max_msg_size=0)
        await ws.prepare(request)
        conn = Connection(next(self._ids), request.path, dict(request.query), ws,
                          request.transport)
        self.connections.append(conn)
        self.notifier.notify()
        query = conn.query
        if query.get("v", "10") not in ("9", "10"):
            await self._close(conn, 4012, "Invalid API version.")
            return ws
        if query.get("encoding", "json") != "json":
            await self._close(conn, 4002, "The fake only speaks encoding=json.")
            return ws
        try:
            conn.compress = make_compressor(query.get("compress"))
        except (ValueError, ImportError):
            await self._close(conn, 4002, "Unsupported compression.")
            return ws
        await self._send(conn, {"op": 10, "d": {
            "heartbeat_interval": self.settings.heartbeat_interval_ms, "_trace": ["fake"]}})
        try:
            async for msg in ws:
                if msg.type is not WSMsgType.TEXT:
                    await self._close(conn, 4002, "Error while decoding payload.")
                    break
                try:
                    payload = json.loads(msg.data)
                except ValueError:
                    await self._close(conn, 4002, "Error while decoding payload.")
                    break
                self._log("recv", conn, payload)
                await self._on_payload(conn, payload)
        finally:
            conn.alive = False
            conn.close_code = ws.close_code
            if conn.session is not None and conn.session.conn is conn:
                conn.session.conn = None
            self.notifier.notify()
        return ws

    async def _on_payload(self, conn: Connection, payload: JSON) -> None:
        op, data = payload.get("op"), payload.get("d")
        if op == 1:
            await self._send(conn, {"op": 11})
        elif op == 2 and isinstance(data, dict):
            await self._identify(conn, data)
        elif op == 6 and isinstance(data, dict):
            await self._resume(conn, data)
        elif op == 8 and isinstance(data, dict):
            await self._request_members(conn, data)
        elif op in (3, 4):
            pass  # presence / voice state updates are accepted and ignored
        else:
            await self._close(conn, 4001, "Unknown opcode.")

    async def _identify(self, conn: Connection, data: JSON) -> None:
        self.identify_payloads.append(data)
        if conn.session is not None:
            await self._close(conn, 4005, "Already authenticated.")
            return
        if data.get("token") != self.settings.token:
            await self._close(conn, 4004, "Authentication failed.")
            return
        intents = data.get("intents")
        if not isinstance(intents, int) or isinstance(intents, bool) or intents < 0:
            await self._close(conn, 4013, "Invalid intent(s).")
            return
        if intents & PRIVILEGED_INTENTS & ~self.settings.privileged_intents:
            await self._close(conn, 4014, "Disallowed intent(s).")
            return
        if data.get("shard") not in (None, [0, 1]):
            await self._close(conn, 4010, "Invalid shard.")
            return
        session = Session(secrets.token_hex(16), intents, data, conn=conn)
        conn.session = session
        self.session = session
        self.identifies += 1
        await self.dispatch("READY", self._ready_payload(session), session=session)
        for guild in list(self.store.guilds.values()):
            await self.dispatch("GUILD_CREATE", self.guild_payload(guild), session=session)
        session.ready = True
        self.notifier.notify()

    def _ready_payload(self, session: Session) -> JSON:
        me = self.store.bot_user.to_dict() | {"verified": True, "mfa_enabled": False,
                                               "email": None}
        ready: JSON = {
            "v": 10, "user": me, "session_id": session.id, "session_type": "normal",
            "resume_gateway_url": self.resume_url,
            "guilds": [{"id": str(g), "unavailable": True} for g in self.store.guilds],
            "application": {"id": str(self.settings.application_id),
                            "flags": self.settings.application_flags},
            "private_channels": [], "relationships": [], "presences": [],
            "guild_join_requests": [], "geo_ordered_rtc_regions": ["fake"],
            "user_settings": {}, "_trace": ["fake-discord"],
        }
        if session.identify.get("shard") is not None:
            ready["shard"] = session.identify["shard"]
        return ready

    def guild_payload(self, guild: FakeGuild) -> JSON:
        """GUILD_CREATE data; without GUILD_PRESENCES only the bot's own member is listed."""
        intents = self.session.intents if self.session else 0
        members = list(guild.members.values())
        if not intents & INTENT_GUILD_PRESENCES:
            members = [m for m in members if m.user.id == self.store.bot_user.id]
        return guild.to_dict(members)

    async def _resume(self, conn: Connection, data: JSON) -> None:
        session = self.session
        if (session is None or data.get("session_id") != session.id
                or data.get("token") != self.settings.token):
            await self._send(conn, {"op": 9, "d": False})
            return
        seq = int(data.get("seq") or 0)
        async with session.lock:
            for event in session.events:
                if event["s"] > seq:
                    await self._send(conn, event)
            session.seq += 1
            resumed = {"op": 0, "t": "RESUMED", "s": session.seq, "d": {"_trace": ["fake"]}}
            session.events.append(resumed)
            await self._send(conn, resumed)
            conn.session, conn.resumed, session.conn = session, True, conn
        self.resumes += 1
        self.notifier.notify()

    async def _request_members(self, conn: Connection, data: JSON) -> None:
        session = conn.session
        guild = self.store.guilds.get(int(data.get("guild_id") or 0))
        if session is None or guild is None:
            return
        members = list(guild.members.values()) if session.intents & INTENT_GUILD_MEMBERS else []
        query, ids = str(data.get("query") or ""), {int(i) for i in data.get("user_ids") or []}
        if ids:
            members = [m for m in members if m.user.id in ids]
        else:
            members = [m for m in members if m.user.username.lower().startswith(query.lower())]
        chunk: JSON = {"guild_id": str(guild.id), "members": [m.to_dict() for m in members],
                       "chunk_index": 0, "chunk_count": 1}
        if "nonce" in data:
            chunk["nonce"] = data["nonce"]
        await self.dispatch("GUILD_MEMBERS_CHUNK", chunk, session=session)

    async def dispatch(self, event: str, data: JSON, *, session: Session | None = None,
                       intent: int = 0) -> None:
        """Send a DISPATCH (op 0) event; buffered for RESUME while the bot is disconnected."""
        session = session or self.session
        if session is None:
            raise FakeDiscordError("the bot has not identified on the fake gateway yet")
        if intent and not session.intents & intent:
            return
        async with session.lock:
            session.seq += 1
            payload = {"op": 0, "t": event, "s": session.seq, "d": data}
            session.events.append(payload)
            if session.conn is not None:
                await self._send(session.conn, payload)
        self.notifier.notify()

    def _current(self) -> Connection:
        conn = self.session.conn if self.session else None
        if conn is None:
            raise FakeDiscordError("no live gateway connection")
        return conn

    async def drop(self, code: int | None = 4000) -> None:
        """Close the live connection with `code`, or cut TCP abruptly when code is None."""
        conn = self._current()
        assert self.session is not None
        self.session.conn = None
        conn.alive = False
        if code is None:
            if conn.transport is not None:
                conn.transport.abort()
        else:
            await conn.ws.close(code=code, message=b"dropped by the test")

    async def send_reconnect(self) -> None:
        """Send op 7 RECONNECT; the bot should reconnect and RESUME."""
        await self._send(self._current(), {"op": 7, "d": None})

    async def invalidate_session(self, resumable: bool = False) -> None:
        """Send op 9 INVALID_SESSION; with resumable=False the bot must IDENTIFY again."""
        conn = self._current()
        if not resumable:
            self.session = None
        await self._send(conn, {"op": 9, "d": resumable})

    async def close_all(self) -> None:
        """Close every open websocket (used on shutdown)."""
        for conn in self.connections:
            if not conn.ws.closed:
                conn.alive = False
                await conn.ws.close(code=1001, message=b"fake shutting down")
