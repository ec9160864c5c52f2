"""From a Discord interaction to the core's neutral identity: who, where, which request."""

from __future__ import annotations

from typing import Any

import discord

from core.api import Message
from core.identity import ChatKind, ChatRef, Platform, UserRef, private_chat


def user_ref(user: discord.abc.User) -> UserRef:
    """A Discord account as the core knows it (the name is the one the server shows)."""
    return UserRef(Platform.DISCORD, str(user.id), user.display_name)


def chat_ref(interaction: discord.Interaction[Any]) -> ChatRef:
    """In a server the whole server is the chat (its challenge spans channels); else the DM."""
    if interaction.guild_id is None:
        return private_chat(user_ref(interaction.user))
    guild = interaction.guild
    title = guild.name if guild is not None and guild.name else ""
    return ChatRef(Platform.DISCORD, str(interaction.guild_id), ChatKind.GROUP, title)


def message_of(interaction: discord.Interaction[Any], text: str = "", *,
               channel: str | None = None) -> Message:
    """The core's message for an interaction; its key makes a redelivered interaction harmless.

    Admin rights are Manage Server as resolved for this channel: Discord hides the admin
    commands from others, and the core checks again in case a server unhides them. The channel
    is the one the interaction came from, unless the caller names another of this server."""
    if channel is None and interaction.channel_id is not None:
        channel = str(interaction.channel_id)
    return Message(
        user_ref(interaction.user), chat_ref(interaction), text,
        key=f"discord:interaction:{interaction.id}",
        is_admin=interaction.guild_id is not None and interaction.permissions.manage_guild,
        channel=channel,
    )
