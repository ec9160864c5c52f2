"""The fake Discord driven by the real discord.py: a tiny bot defined here, not project code."""

import asyncio
import contextlib
import gc
import io
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass

import aiohttp
import discord
import pytest
from discord import app_commands
from discord.ext import commands

from tests.fakes.discord import (
    ADMINISTRATOR,
    FakeChannel,
    FakeDiscord,
    FakeDiscordError,
    FakeDiscordTimeout,
    FakeGuild,
    FakeMember,
    FakeUser,
)

PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8
PLACES = ["park", "parking lot", "beach", "track"]


class PlanView(discord.ui.View):
    """Persistent view: fixed custom_id, no timeout."""

    def __init__(self) -> None:
        super().__init__(timeout=None)

    @discord.ui.button(label="Done", custom_id="plan:done", style=discord.ButtonStyle.success)
    async def done(self, interaction: discord.Interaction,
                   button: discord.ui.Button["PlanView"]) -> None:
        """Mark the plan done by updating the message in place."""
        await interaction.response.edit_message(content="Plan done, well walked!", view=None)


class CounterView(discord.ui.View):
    """Short-lived view: random custom_id, tracked by message id."""

    def __init__(self) -> None:
        super().__init__(timeout=60)

    @discord.ui.button(label="+1")
    async def bump(self, interaction: discord.Interaction,
                   button: discord.ui.Button["CounterView"]) -> None:
        """Acknowledge with DEFERRED_UPDATE_MESSAGE (6), then edit the message."""
        await interaction.response.defer()
        await interaction.edit_original_response(content="count: 1")


class FeedbackModal(discord.ui.Modal, title="Feedback"):
    """A one-field modal."""

    text: discord.ui.TextInput["FeedbackModal"] = discord.ui.TextInput(
        label="How did it go?", custom_id="feedback:text")

    async def on_submit(self, interaction: discord.Interaction) -> None:
        """Thank the walker."""
        await interaction.response.send_message(f"Thanks: {self.text.value}", ephemeral=True)


class CoachBot(commands.Bot):
    """A minimal slash-command bot."""

    def __init__(self) -> None:
        super().__init__(command_prefix=commands.when_mentioned,
                         intents=discord.Intents.default(), guild_ready_timeout=0.05)
        self.errors: list[Exception] = []
        self.slow_delay = 0.0

    async def setup_hook(self) -> None:
        """Register the persistent view."""
        self.add_view(PlanView())


def build_bot() -> CoachBot:
    """The bot under test and its commands."""
    bot = CoachBot()
    tree = bot.tree

    async def place_complete(interaction: discord.Interaction,
                             current: str) -> list[app_commands.Choice[str]]:
        """Suggest places containing what was typed."""
        return [app_commands.Choice(name=p, value=p) for p in PLACES if current in p]

    @tree.command(name="log", description="Log a backward walk")
    @app_commands.autocomplete(place=place_complete)
    async def log(interaction: discord.Interaction, minutes: app_commands.Range[int, 1, 600],
                  place: str, uphill: bool = False) -> None:
        """Log a walk (typed options, ephemeral answer)."""
        await interaction.response.send_message(
            f"Logged {minutes!r} minutes ({type(minutes).__name__}) at {place}, "
            f"uphill={uphill!r}", ephemeral=True)

    @tree.command(name="whoami", description="Who am I to the bot")
    async def whoami(interaction: discord.Interaction) -> None:
        """Answer admin, member or dm."""
        if interaction.guild is None:
            role = "dm"
        else:
            role = "admin" if interaction.permissions.administrator else "member"
        await interaction.response.send_message(role, ephemeral=True)

    @tree.command(name="settings", description="Admin settings")
    @app_commands.default_permissions(manage_guild=True)
    async def settings(interaction: discord.Interaction) -> None:
        """Admin-only command."""
        await interaction.response.send_message("settings ok", ephemeral=True)

    @tree.command(name="report", description="Weekly report")
    async def report(interaction: discord.Interaction) -> None:
        """Defer, then edit the original response."""
        await interaction.response.defer(ephemeral=True, thinking=True)
        await asyncio.sleep(0.05)
        await interaction.edit_original_response(content="Weekly report: 3 walks")

    @tree.command(name="chart", description="Progress chart")
    async def chart(interaction: discord.Interaction) -> None:
        """Send an embed whose image is an attached file."""
        embed = discord.Embed(title="Your progress", description="Minutes per day")
        embed.set_image(url="attachment://chart.png")
        await interaction.response.send_message(
            embed=embed, file=discord.File(io.BytesIO(PNG), filename="chart.png"))

    @tree.command(name="plan", description="Today's plan")
    async def plan(interaction: discord.Interaction) -> None:
        """Send a message with the persistent view."""
        await interaction.response.send_message("Today's plan: 10 minutes", view=PlanView())

    @tree.command(name="tips", description="Tips")
    async def tips(interaction: discord.Interaction) -> None:
        """Answer, then send an ephemeral followup."""
        await interaction.response.send_message("Tip 1: look over your shoulder")
        await interaction.followup.send("Tip 2: just for you", ephemeral=True)

    @tree.command(name="slow", description="Answers too late")
    async def slow(interaction: discord.Interaction) -> None:
        """Answer after slow_delay seconds."""
        await asyncio.sleep(bot.slow_delay)
        try:
            await interaction.response.send_message("finally")
        except discord.HTTPException as exc:
            bot.errors.append(exc)

    @tree.command(name="long", description="Too long an answer")
    async def long(interaction: discord.Interaction) -> None:
        """Try to answer with 2001 characters."""
        try:
            await interaction.response.send_message("x" * 2001)
        except discord.HTTPException as exc:
            bot.errors.append(exc)

    @tree.command(name="feedback", description="Tell us")
    async def feedback(interaction: discord.Interaction) -> None:
        """Open a modal."""
        await interaction.response.send_modal(FeedbackModal())

    @tree.command(name="count", description="A counter with a short-lived view")
    async def count(interaction: discord.Interaction) -> None:
        """Send a message with a short-lived view."""
        await interaction.response.send_message("count: 0", view=CounterView())
        original = await interaction.original_response()
        await interaction.followup.send(f"original id {original.id}", ephemeral=True)

    @tree.command(name="think", description="Defer then answer with a followup")
    async def think(interaction: discord.Interaction) -> None:
        """Defer, answer through followups, delete the original."""
        await interaction.response.defer(thinking=True)
        first = await interaction.followup.send("thought", wait=True)
        second = await interaction.followup.send("and more", wait=True)
        await second.edit(content="and more, edited")
        await interaction.delete_original_response()
        bot.errors.append(RuntimeError(f"{first.id}"))

    coach = app_commands.Group(name="coach", description="Coaching")

    @coach.command(name="start", description="Start coaching")
    @app_commands.choices(level=[app_commands.Choice(name="easy", value=1),
                                 app_commands.Choice(name="hard", value=2)])
    async def start(interaction: discord.Interaction,
                    level: app_commands.Choice[int]) -> None:
        """Subcommand with integer choices."""
        await interaction.response.send_message(f"Coaching at level {level.value}")

    tree.add_command(coach)
    return bot


@dataclass
class World:
    """A running fake with a connected bot."""

    fake: FakeDiscord
    bot: CoachBot
    guild: FakeGuild
    general: FakeChannel
    ada: FakeUser
    ada_m: FakeMember
    bea: FakeUser
    bea_m: FakeMember


@pytest.fixture
async def world(caplog: pytest.LogCaptureFixture) -> AsyncIterator[World]:
    """Start a fake Discord and the bot, sync commands to the guild, tear down cleanly."""
    async with FakeDiscord() as fake:
        guild = fake.guild("Walkers")
        general = fake.text_channel(guild, "general")
        ada, bea = fake.user("ada"), fake.user("bea")
        ada_m, bea_m = fake.member(guild, ada), fake.member(guild, bea, admin=True)
        with fake.patch_discord_py():
            bot = build_bot()
            runner = asyncio.create_task(bot.start(fake.token))
            try:
                await fake.wait_until_ready()
                await fake.wait_for(bot.is_ready, 5, "discord.py's on_ready")
                await bot.tree.sync()
                bot.tree.copy_global_to(guild=discord.Object(guild.id))
                await bot.tree.sync(guild=discord.Object(guild.id))
                yield World(fake, bot, guild, general, ada, ada_m, bea, bea_m)
            finally:
                await bot.close()
                await asyncio.wait_for(runner, 5)
    gc.collect()
    assert not [r for r in caplog.records if "Unclosed" in r.getMessage()]


async def test_login_connect_ready(world: World) -> None:
    """discord.py logs in, connects with zlib-stream, gets READY and GUILD_CREATE."""
    fake, bot = world.fake, world.bot
    assert bot.user is not None and bot.user.id == fake.bot_user.id
    assert bot.application_id == fake.application_id
    guild = bot.get_guild(world.guild.id)
    assert guild is not None and guild.name == "Walkers" and guild.owner_id == world.guild.owner_id
    assert guild.me is not None and guild.get_channel(world.general.id) is not None
    assert fake.identifies == 1 and fake.privileged_intents_requested == 0
    assert fake.intents == discord.Intents.default().value
    conn = fake.connections[0]
    assert conn.path == "/gateway"
    assert conn.query == {"v": "10", "encoding": "json", "compress": "zlib-stream"}
    await fake.wait_for(lambda: any(f.op == 11 for f in fake.frames), 3, "a HEARTBEAT_ACK")
    assert [c.route for c in fake.calls[:2]] == ["/users/@me", "/oauth2/applications/@me"]
    async with aiohttp.ClientSession() as http:
        async with http.get(fake.api_url + "/gateway") as resp:
            assert resp.headers["Content-Type"] == "application/json"
            assert {"X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset",
                    "X-RateLimit-Reset-After", "X-RateLimit-Bucket"} <= set(resp.headers)
            assert (await resp.json())["url"] == fake.gateway_url
        async with http.get(fake.api_url + "/nope") as resp:
            assert resp.status == 404
            assert await resp.json() == {"message": "404: Not Found", "code": 0}
        async with http.get(fake.api_url + "/users/@me") as resp:
            assert resp.status == 401


async def test_privileged_intents_are_refused_unless_enabled() -> None:
    """IDENTIFY with a privileged intent not enabled for the app is closed with 4014."""
    async with FakeDiscord() as fake:
        fake.guild("Walkers")
        with fake.patch_discord_py():
            intents = discord.Intents.default()
            intents.members = True
            bot = commands.Bot(command_prefix="!", intents=intents)
            try:
                with pytest.raises(discord.PrivilegedIntentsRequired):
                    await asyncio.wait_for(bot.start(fake.token), 5)
            finally:
                await bot.close()
    assert fake.privileged_intents_requested == 1 << 1 and fake.identifies == 0


async def test_tree_sync_global_and_guild(world: World) -> None:
    """Global and guild syncs are stored with ids and logged."""
    fake = world.fake
    names = {"log", "whoami", "settings", "report", "chart", "plan", "tips", "slow", "long",
             "feedback", "count", "think", "coach"}
    assert {c["name"] for c in fake.synced_commands()} == names
    assert {c["name"] for c in fake.synced_commands(world.guild)} == names
    assert [g for g, _ in fake.sync_log] == [None, world.guild.id]
    fetched = await world.bot.tree.fetch_commands(guild=discord.Object(world.guild.id))
    assert {c.id for c in fetched} == {int(c["id"]) for c in fake.synced_commands(world.guild)}
    settings = next(c for c in fake.synced_commands() if c["name"] == "settings")
    assert settings["default_member_permissions"] == str(1 << 5)


async def test_slash_typed_options_ephemeral(world: World) -> None:
    """Typed options reach the handler; the reply is ephemeral; subcommands work."""
    fake = world.fake
    ix = await fake.slash(world.ada_m, "log", {"minutes": 15, "place": "park"})
    reply = await ix.response()
    assert reply.type == 4 and reply.ephemeral and reply.flags & 64
    assert reply.content == "Logged 15 minutes (int) at park, uphill=False"
    assert ix.payload["data"]["guild_id"] == str(world.guild.id)
    assert ix.payload["member"]["permissions"] == str(world.ada_m.permissions)
    sub = await fake.slash(world.ada_m, "coach start", {"level": 2})
    assert (await sub.response()).content == "Coaching at level 2"
    with pytest.raises(FakeDiscordError, match="not synced"):
        await fake.slash(world.ada_m, "walk")
    with pytest.raises(FakeDiscordError, match="requires option 'place'"):
        await fake.slash(world.ada_m, "log", {"minutes": 3})
    with pytest.raises(FakeDiscordError, match="outside"):
        await fake.slash(world.ada_m, "log", {"minutes": 0, "place": "park"})
    dm = await fake.slash(world.ada, "whoami")
    assert (await dm.response()).content == "dm"
    assert "user" in dm.payload and "member" not in dm.payload


async def test_admin_and_member_permissions(world: World) -> None:
    """member.permissions is a string bitfield; default_member_permissions hides commands."""
    fake = world.fake
    assert (await (await fake.slash(world.bea_m, "whoami")).response()).content == "admin"
    assert (await (await fake.slash(world.ada_m, "whoami")).response()).content == "member"
    assert int(world.bea_m.to_dict(with_permissions=True)["permissions"]) & ADMINISTRATOR
    ok = await fake.slash(world.bea_m, "settings")
    assert (await ok.response()).content == "settings ok"
    with pytest.raises(FakeDiscordError, match="cannot see /settings"):
        await fake.slash(world.ada_m, "settings")


async def test_deferred_then_edited(world: World) -> None:
    """A deferral (type 5) followed by an edit of @original."""
    ix = await world.fake.slash(world.ada_m, "report")
    first = await ix.response()
    assert first.type == 5 and first.ephemeral
    final = await ix.original()
    assert final.content == "Weekly report: 3 walks" and not final.loading and final.ephemeral
    assert world.fake.calls_to("PATCH", "/webhooks/{webhook_id}/{webhook_token}/messages/@original")


async def test_attachment_in_embed(world: World) -> None:
    """A discord.File arrives byte-exact (multipart) and the embed points at it."""
    ix = await world.fake.slash(world.ada_m, "chart")
    reply = await ix.response()
    assert [(a.filename, a.data) for a in reply.attachments] == [("chart.png", PNG)]
    assert reply.embeds[0]["image"]["url"] == "attachment://chart.png"
    message = await ix.original()
    url = message.embeds[0]["image"]["url"]
    assert url == message.attachments[0].url and message.attachments[0].content_type == "image/png"
    async with aiohttp.ClientSession() as http, http.get(url) as resp:
        assert await resp.read() == PNG
    assert message in world.fake.channel_messages(world.general)


async def test_button_click_on_persistent_view(world: World) -> None:
    """Clicking the persistent view's button updates the message (type 7)."""
    fake = world.fake
    ix = await fake.slash(world.ada_m, "plan")
    message = await ix.original()
    assert message.custom_ids == ["plan:done"]
    click = await fake.click(world.bea_m, message, "plan:done")
    update = await click.response()
    assert update.type == 7
    assert message.content == "Plan done, well walked!" and message.components == []
    with pytest.raises(FakeDiscordError, match="no component"):
        await fake.click(world.bea_m, message, "plan:done")


async def test_followup_and_modal(world: World) -> None:
    """Followups honour flags 64; a modal can be filled in and submitted."""
    fake = world.fake
    ix = await fake.slash(world.ada_m, "tips")
    (tip2,) = await ix.followups()
    assert tip2.ephemeral and tip2.content == "Tip 2: just for you"
    assert not (await ix.original()).ephemeral
    opened = await fake.slash(world.ada_m, "feedback")
    assert (await opened.modal())["title"] == "Feedback"
    submitted = await fake.submit_modal(world.ada_m, opened, {"feedback:text": "great"})
    assert (await submitted.response()).content == "Thanks: great"


async def test_short_lived_view_and_followups(world: World) -> None:
    """A non-persistent view is found by message id; deferred update then edit; followups."""
    fake = world.fake
    ix = await fake.slash(world.ada_m, "count")
    message = await ix.original()
    (note,) = await ix.followups()
    assert note.content == f"original id {message.id}"
    click = await fake.click(world.ada_m, message, message.custom_ids[0])
    assert (await click.response()).type == 6
    assert (await click.original()) is message and message.content == "count: 1"
    think = await fake.slash(world.ada_m, "think")
    await fake.wait_for(lambda: world.bot.errors, 3, "the /think handler to finish")
    first, second = await think.followups(2)
    assert first is think.original_message and first.content == "thought" and first.deleted
    assert second.content == "and more, edited" and not second.deleted
    assert fake.channel_messages(world.general) == [message, second]


async def test_autocomplete(world: World) -> None:
    """Autocomplete with a focused option returns the bot's choices."""
    ix = await world.fake.autocomplete(world.ada_m, "log", {"minutes": 5, "place": "par"},
                                       focused="place")
    assert [c["value"] for c in await ix.choices()] == ["park", "parking lot"]


async def test_dm_and_blocked_dm(world: World) -> None:
    """user.send lands in the DM channel; a blocked user gives Forbidden 50007."""
    fake, bot = world.fake, world.bot
    ada = await bot.fetch_user(world.ada.id)
    await ada.send("Time to walk backwards!")
    assert [m.content for m in fake.dms(world.ada)] == ["Time to walk backwards!"]
    fake.block_dms(world.bea)
    bea = await bot.fetch_user(world.bea.id)
    with pytest.raises(discord.Forbidden) as caught:
        await bea.send("hello?")
    assert caught.value.code == 50007 and fake.dms(world.bea) == []
    guild = await bot.fetch_guild(world.guild.id)
    member = await guild.fetch_member(world.bea.id)
    assert guild.name == "Walkers" and member.guild_permissions.administrator


async def test_rate_limit_is_honoured(world: World) -> None:
    """429s with Via are slept on and retried (HTTPClient and webhook adapter alike)."""
    fake, route = world.fake, "/channels/{channel_id}/messages"
    fake.rate_limit("POST", route, times=2, retry_after=0.2)
    channel = world.bot.get_channel(world.general.id)
    assert isinstance(channel, discord.TextChannel)
    started = time.monotonic()
    await channel.send("hello")
    assert time.monotonic() - started >= 0.4
    assert [c.status for c in fake.calls_to("POST", route)] == [429, 429, 200]
    assert [m.content for m in fake.channel_messages(world.general)] == ["hello"]
    fake.rate_limit("POST", "/interactions/{interaction_id}/{interaction_token}/callback")
    ix = await fake.slash(world.ada_m, "whoami")
    assert (await ix.response()).content == "member"
    fake.rate_limit("POST", route, via=False)
    with pytest.raises(discord.HTTPException) as caught:
        await channel.send("banned?")
    assert caught.value.status == 429


async def test_callback_after_window_is_unknown(world: World) -> None:
    """A callback after the (shrunk) 3-second window fails with 10062; a second one 40060."""
    fake, bot = world.fake, world.bot
    fake.settings.interaction_timeout = 0.2
    bot.slow_delay = 0.35
    ix = await fake.slash(world.ada_m, "slow")
    errors = await fake.wait_for(lambda: bot.errors, 3, "the bot's NotFound")
    assert isinstance(errors[0], discord.NotFound) and errors[0].code == 10062
    assert ix.callback is None
    with pytest.raises(FakeDiscordTimeout, match=r"last REST calls: .*callback -> 404"):
        await ix.response(timeout=0.1)
    fake.settings.interaction_timeout = 3.0
    done = await fake.slash(world.ada_m, "whoami")
    await done.response()
    url = f"{fake.api_url}/interactions/{done.id}/{done.token}/callback"
    async with aiohttp.ClientSession() as http, http.post(url, json={"type": 6}) as resp:
        assert resp.status == 400 and (await resp.json())["code"] == 40060


async def test_gateway_resume(world: World) -> None:
    """Dropped connections RESUME on resume_gateway_url and missed events are replayed."""
    fake = world.fake
    await fake.drop_gateway(4000)
    ix = await fake.slash(world.ada_m, "whoami")  # dispatched while disconnected
    await fake.wait_until_resumed(1)
    assert (await ix.response()).content == "member"
    assert fake.connections[-1].path == "/resume" and fake.connections[-1].resumed
    await fake.drop_gateway(None)  # abrupt TCP reset
    await fake.wait_until_resumed(2)
    after = await fake.slash(world.bea_m, "whoami")
    assert (await after.response()).content == "admin"
    assert fake.identifies == 1


async def test_invalid_bodies_rejected(world: World) -> None:
    """Content over 2000 characters and oversized embeds get 400/50035."""
    fake, bot = world.fake, world.bot
    await fake.slash(world.ada_m, "long")
    errors = await fake.wait_for(lambda: bot.errors, 3, "the bot's HTTPException")
    assert isinstance(errors[0], discord.HTTPException)
    assert errors[0].status == 400 and errors[0].code == 50035 and "content" in errors[0].text
    channel = bot.get_channel(world.general.id)
    assert isinstance(channel, discord.TextChannel)
    embeds = [discord.Embed(title="t", description="d" * 4000) for _ in range(2)]
    with pytest.raises(discord.HTTPException) as caught:
        await channel.send(embeds=embeds)
    assert caught.value.code == 50035 and "6000" in caught.value.text
    with contextlib.suppress(discord.HTTPException):
        await channel.send("")
    assert fake.calls[-1].status == 400 and fake.calls[-1].response["code"] == 50006


def _button(custom_id: str) -> dict[str, object]:
    return {"type": 2, "style": 1, "label": "go", "custom_id": custom_id}


def _option(name: str, **extra: object) -> dict[str, object]:
    return {"type": 3, "name": name, "description": "d", **extra}


BAD_BODIES: list[tuple[str, object, tuple[str, ...]]] = [
    ("message", {"content": "x" * 2001}, ("content",)),
    ("message", {"embeds": [{"title": "t" * 257}]}, ("embeds", "0", "title")),
    ("message", {"embeds": [{"description": "d" * 4097}]}, ("embeds", "0", "description")),
    ("message", {"embeds": [{"title": "a"}] * 11}, ("embeds",)),
    ("message", {"embeds": [{"fields": [{"name": "n", "value": "v"}] * 26}]},
     ("embeds", "0", "fields")),
    ("message", {"components": [{"type": 1, "components": [_button("c" * 101)]}]},
     ("components", "0", "components", "0", "custom_id")),
    ("message", {"components": [{"type": 1, "components": [_button(str(i))]} for i in range(6)]},
     ("components",)),
    ("commands", [{"name": "Log", "description": "d"}], ("0", "name")),
    ("commands", [{"name": "l" * 33, "description": "d"}], ("0", "name")),
    ("commands", [{"name": "log", "description": "d" * 101}], ("0", "description")),
    ("commands", [{"name": "log", "description": "d",
                   "options": [_option(f"o{i}") for i in range(26)]}], ("0", "options")),
    ("commands", [{"name": "log", "description": "d", "options": [_option("o", choices=[
        {"name": str(i), "value": str(i)} for i in range(26)])]}],
     ("0", "options", "0", "choices")),
]


@pytest.mark.parametrize(("kind", "body", "path"), BAD_BODIES)
async def test_openapi_limits_enforced(kind: str, body: object, path: tuple[str, ...]) -> None:
    """Bodies breaking the documented limits get 400/50035 with the error at the right path."""
    async with FakeDiscord() as fake:
        channel = fake.text_channel(fake.guild("Walkers"), "general")
        method, url = ("POST", f"{fake.api_url}/channels/{channel.id}/messages")
        if kind == "commands":
            method, url = "PUT", f"{fake.api_url}/applications/{fake.application_id}/commands"
        headers = {"Authorization": f"Bot {fake.token}"}
        async with aiohttp.ClientSession(headers=headers) as http, \
                http.request(method, url, json=body) as resp:
            assert resp.status == 400 and resp.headers["Content-Type"] == "application/json"
            reply = await resp.json()
    assert reply["code"] == 50035 and reply["message"] == "Invalid Form Body"
    node = reply["errors"]
    for part in path:
        node = node[part]
    assert node["_errors"]
