"""A fake Discord (REST API v10 + gateway) served in-process for the real discord.py.

Pointing discord.py 2.7.1 at it
-------------------------------
discord.py has no per-client base-URL option; both endpoints are class attributes:

* REST: ``discord.http.Route.BASE`` (default ``https://discord.com/api/v10``). Every Route,
  including interaction callbacks and webhook followups, builds its URL from it when it is
  constructed, so set it before the bot makes requests (before ``login``/``start``).
* Gateway: ``discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY`` (a ``yarl.URL``, default
  ``wss://gateway.discord.gg/``). ``Client``/``commands.Bot`` never call GET /gateway/bot:
  the first connection (and any reconnect after an INVALID_SESSION) goes to
  DEFAULT_GATEWAY; reconnects that RESUME go to READY's ``resume_gateway_url``. Only
  ``AutoShardedClient`` uses GET /gateway/bot's ``url``. discord.py appends
  ``?v=10&encoding=json&compress=zlib-stream`` (``zstd-stream`` when ``zstandard`` or
  Python 3.14's ``compression.zstd`` is importable); the fake supports both and none.

So a bot configured with a REST base and a gateway URL must do, before starting::

    import discord, yarl
    discord.http.Route.BASE = rest_base                  # e.g. fake.api_url
    discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(gateway_url)

Both are process-wide; tests can use ``with fake.patch_discord_py():`` which restores them.
``Route.BASE`` has no trailing slash. Nothing else needs changing: discord.py sends
``Authorization: Bot <token>``, reads JSON only when Content-Type is exactly
``application/json``, and retries a 429 only when it carries a ``Via`` header.

Behaviour worth knowing
-----------------------
* Knobs live on ``fake.settings`` (or ``FakeDiscord(**knobs)``): ``heartbeat_interval_ms``
  (1000), ``interaction_timeout`` (3.0 s), ``token_ttl`` (900 s), ``rate_limit`` /
  ``rate_limit_window`` (50 per 1 s per bucket, enforced with real 429s),
  ``privileged_intents`` (bitfield enabled "in the portal"; default none, so an IDENTIFY
  asking for members/presences/message content is closed with 4014), ``validate_bodies``.
* GUILD_CREATE lists only the bot's own member unless GUILD_PRESENCES is granted (as on
  Discord); interactions always carry the full invoking member with ``permissions``.
* Ephemeral messages never produce gateway events; other bot messages produce
  MESSAGE_CREATE/UPDATE/DELETE when the bot has the guild/DM message intents.

Usage
-----
::

    async with FakeDiscord() as fake:
        guild = fake.guild("Walkers")
        channel = fake.text_channel(guild, "general")
        ada = fake.member(guild, fake.user("ada"))
        with fake.patch_discord_py():
            ...  # start the bot with fake.token
            await fake.wait_until_ready()
            ix = await fake.slash(ada, "log", {"minutes": 15, "place": "park"})
            reply = await ix.response()
            assert reply.ephemeral and "15" in reply.content
"""

from .config import (
    ADMINISTRATOR,
    ALL_PERMISSIONS,
    MANAGE_GUILD,
    PRIVILEGED_INTENTS,
    FakeDiscordError,
    FakeDiscordTimeout,
    Settings,
)
from .driver import FakeDiscord
from .gateway import Connection, Frame
from .rest import Call
from .state import (
    Callback,
    FakeAttachment,
    FakeChannel,
    FakeGuild,
    FakeMember,
    FakeMessage,
    FakeRole,
    FakeUser,
)
from .store import FakeInteraction, Upload

__all__ = [
    "ADMINISTRATOR",
    "ALL_PERMISSIONS",
    "MANAGE_GUILD",
    "PRIVILEGED_INTENTS",
    "Call",
    "Callback",
    "Connection",
    "FakeAttachment",
    "FakeChannel",
    "FakeDiscord",
    "FakeDiscordError",
    "FakeDiscordTimeout",
    "FakeGuild",
    "FakeInteraction",
    "FakeMember",
    "FakeMessage",
    "FakeRole",
    "FakeUser",
    "Frame",
    "Settings",
    "Upload",
]
