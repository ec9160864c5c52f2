"""From the core's Reply to Discord messages: markdown escaped, cut to Discord's limits, no pings.

A reply becomes one or more parts. Short text is plain content; a titled reply, a chart or text
too long for one message becomes an embed; text too long even for an embed is cut into several
messages. Files go with the first part, buttons with the last.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

import discord

from core.replies import Attachment, Reply

CONTENT_LIMIT = 2000
DESCRIPTION_LIMIT = 4096
TITLE_LIMIT = 256
# User notes may hold @everyone or a role mention; the coach never pings anyone.
NO_MENTIONS = discord.AllowedMentions.none()
# interaction.extras key: whether the "thinking" placeholder of a deferral is public.
DEFERRED_PUBLIC = "retrowalk.deferred_public"


@dataclass(frozen=True)
class Part:
    """One Discord message of a reply: content or an embed, and the files that go with it."""

    content: str | None = None
    embed: discord.Embed | None = None
    files: tuple[Attachment, ...] = ()


def escape(text: str) -> str:
    """The core's plain text with Discord markdown neutralised, line by line."""
    return "\n".join(discord.utils.escape_markdown(line) for line in text.split("\n"))


def chunks(text: str, limit: int) -> list[str]:
    """Escaped text cut at line ends (or hard, for one very long line) into pieces within limit."""
    pieces: list[str] = []
    current = ""
    for line in text.split("\n"):
        while len(line) > limit:
            if current:
                pieces.append(current)
                current = ""
            cut = _cut_point(line, limit)
            pieces.append(line[:cut])
            line = line[cut:]
        candidate = f"{current}\n{line}" if current else line
        if len(candidate) > limit:
            pieces.append(current)
            current = line
        else:
            current = candidate
    if current or not pieces:
        pieces.append(current)
    return pieces


def _cut_point(line: str, limit: int) -> int:
    """Where to cut so that no escaping backslash is parted from the character it escapes."""
    cut = limit
    while cut > 1 and (cut - len(line[:cut].rstrip("\\"))) % 2:
        cut -= 1
    return cut


def parts(reply: Reply) -> list[Part]:
    """The reply as Discord messages, each within Discord's limits."""
    text, title = escape(reply.text), escape(reply.title)[:TITLE_LIMIT]
    image = reply.image
    uploads = ((image,) if image is not None else ()) + reply.files
    if (image is not None or title or len(text) > CONTENT_LIMIT) and len(text) <= DESCRIPTION_LIMIT:
        whole = discord.Embed(title=title or None, description=text or None)
        if image is not None:
            whole.set_image(url=f"attachment://{image.filename}")
        return [Part(embed=whole, files=uploads)]
    if title:
        text = f"**{title}**\n{text}"
    pieces = [Part(content=piece) for piece in chunks(text, CONTENT_LIMIT)]
    embed: discord.Embed | None = None
    if image is not None:
        embed = discord.Embed().set_image(url=f"attachment://{image.filename}")
    pieces[0] = Part(content=pieces[0].content, embed=embed, files=uploads)
    return pieces


def files(part: Part) -> list[discord.File]:
    """Fresh file objects for one send (discord.py consumes them)."""
    return [discord.File(io.BytesIO(a.data), filename=a.filename) for a in part.files]


def send_args(part: Part, view: discord.ui.View | None) -> dict[str, Any]:
    """Keyword arguments for send_message, followup.send and channel.send."""
    args: dict[str, Any] = {"allowed_mentions": NO_MENTIONS}
    if part.content:
        args["content"] = part.content
    if part.embed is not None:
        args["embed"] = part.embed
    if part.files:
        args["files"] = files(part)
    if view is not None:
        args["view"] = view
    return args


def edit_args(part: Part, view: discord.ui.View | None) -> dict[str, Any]:
    """Keyword arguments for edit_original_response (the answer replacing 'thinking...')."""
    args = send_args(part, view)
    if "files" in args:
        args["attachments"] = args.pop("files")
    return args


async def respond(interaction: discord.Interaction[Any], reply: Reply,
                  view: discord.ui.View | None = None) -> None:
    """Answer an interaction: ephemeral unless the reply is public, whether or not it was
    deferred or already acknowledged by an edit of the clicked message."""
    ephemeral = not reply.public
    messages = parts(reply)
    deferred: bool | None = interaction.extras.pop(DEFERRED_PUBLIC, None)
    for n, part in enumerate(messages):
        part_view = view if n == len(messages) - 1 else None
        if n == 0 and not interaction.response.is_done():
            await interaction.response.send_message(
                **send_args(part, part_view), ephemeral=ephemeral)
            continue
        if n == 0 and deferred is not None:
            if deferred == reply.public:
                await interaction.edit_original_response(**edit_args(part, part_view))
                continue
            # A placeholder's visibility is fixed and the first followup would inherit it;
            # this answer needs the other one, so the placeholder goes first.
            await interaction.delete_original_response()
        await interaction.followup.send(**send_args(part, part_view), ephemeral=ephemeral)


async def send(channel: discord.abc.Messageable, reply: Reply,
               view: discord.ui.View | None = None) -> list[discord.Message]:
    """Post a reply in a channel (a DM for reminders); returns the messages sent. A quiet reply
    goes out silent (@silent: no push notification)."""
    messages = parts(reply)
    sent = []
    for n, part in enumerate(messages):
        part_view = view if n == len(messages) - 1 else None
        sent.append(await channel.send(**send_args(part, part_view), silent=reply.quiet))
    return sent


async def edit(channel: discord.abc.Messageable, message_id: int, reply: Reply,
               view: discord.ui.View | None = None) -> bool:
    """Change an earlier message of the bot in place (no one is notified); False when it cannot
    be (gone, or the reply needs several messages or files)."""
    messages = parts(reply)
    if len(messages) != 1 or messages[0].files or not isinstance(
            channel, discord.abc.Messageable):
        return False
    part = messages[0]
    partial = getattr(channel, "get_partial_message", None)
    if partial is None:
        return False
    try:
        await partial(message_id).edit(content=part.content, embed=part.embed, view=view,
                                       allowed_mentions=NO_MENTIONS)
    except (discord.NotFound, discord.Forbidden):
        return False
    return True
