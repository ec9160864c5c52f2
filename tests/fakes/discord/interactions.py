"""Builds INTERACTION_CREATE payloads the way the Discord client would.

Slash commands and autocomplete are built from the commands the bot actually synced, so a
test fails loudly (FakeDiscordError) when the command was never synced, is not visible to
the member (default_member_permissions, contexts), or is given options the Discord client
would refuse (unknown or missing options, wrong types, values outside choices/ranges).
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from typing import Any

from .config import (
    ADMINISTRATOR,
    DEFAULT_BOT_PERMISSIONS,
    JSON,
    TEXT_CHANNEL,
    FakeDiscordError,
    Settings,
)
from .state import (
    FakeAttachment,
    FakeChannel,
    FakeGuild,
    FakeMember,
    FakeMessage,
    FakeRole,
    FakeUser,
    Notifier,
)
from .store import (
    APPLICATION_COMMAND,
    AUTOCOMPLETE,
    MESSAGE_COMPONENT,
    MODAL_SUBMIT,
    FakeInteraction,
    Store,
)

Who = FakeUser | FakeMember
SELECT_TYPES = (3, 5, 6, 7, 8)


class InteractionFactory:
    """Creates FakeInteraction records with realistic payloads."""

    def __init__(self, store: Store, settings: Settings, notifier: Notifier) -> None:
        self.store = store
        self.settings = settings
        self.notifier = notifier

    # -- context --------------------------------------------------------------------------

    def context(self, who: Who, guild: FakeGuild | None, channel: FakeChannel | None
                ) -> tuple[FakeUser, FakeMember | None, FakeGuild | None, FakeChannel]:
        """Resolve who/where an interaction happens; a FakeUser without guild means a DM."""
        if isinstance(who, FakeMember):
            if guild is not None and guild is not who.guild:
                raise FakeDiscordError(f"{who.user.username} is a member of {who.guild.name}")
            guild = who.guild
        if channel is not None and channel.guild is not None:
            guild = guild or channel.guild
        user = who.user if isinstance(who, FakeMember) else who
        if guild is None:
            channel = channel or self.store.dm_channel_for(user)
            if channel.recipient is not user:
                raise FakeDiscordError("a DM interaction must happen in the user's DM channel")
            return user, None, None, channel
        member = guild.members.get(user.id)
        if member is None:
            raise FakeDiscordError(f"{user.username} is not a member of {guild.name}; "
                                   "use fake.member(guild, user)")
        if channel is None:
            channel = next((c for c in guild.channels if c.type == TEXT_CHANNEL), None)
            if channel is None:
                raise FakeDiscordError(f"{guild.name} has no text channel; "
                                       "use fake.text_channel(guild, name)")
        if channel.guild is not guild:
            raise FakeDiscordError(f"channel {channel.name} is not in {guild.name}")
        return user, member, guild, channel

    def create(self, itype: int, data: JSON, who: Who, guild: FakeGuild | None,
               channel: FakeChannel | None, *, message: FakeMessage | None = None,
               locale: str | None = None) -> FakeInteraction:
        """Register an interaction and build its INTERACTION_CREATE payload."""
        user, member, guild, channel = self.context(who, guild, channel)
        ix_id, token = self.store.ids.next(), self.store.new_token()
        chan = channel.to_dict()
        payload: JSON = {
            "id": str(ix_id), "application_id": str(self.settings.application_id),
            "type": itype, "data": data, "token": token, "version": 1,
            "channel": chan, "channel_id": str(channel.id), "locale": locale or user.locale,
            "entitlements": [], "entitlement_sku_ids": [], "context": 0 if guild else 1,
            "attachment_size_limit": 10 * 1024 * 1024,
            "authorizing_integration_owners": {"0": str(guild.id)} if guild
            else {"1": str(user.id)},
        }
        if guild is not None and member is not None:
            bot_member = guild.members[self.store.bot_user.id]
            chan["permissions"] = str(member.permissions)
            payload.update(
                guild_id=str(guild.id), guild_locale=guild.locale,
                guild={"id": str(guild.id), "locale": guild.locale, "features": []},
                member=member.to_dict(with_permissions=True),
                app_permissions=str(bot_member.permissions))
        else:
            payload.update(user=user.to_dict(), app_permissions=str(DEFAULT_BOT_PERMISSIONS))
        if message is not None:
            payload["message"] = message.to_dict()
        ix = FakeInteraction(ix_id, token, itype, payload, user, member, channel, guild,
                             self.notifier, asyncio.get_running_loop().time(),
                             source_message=message)
        self.store.interactions[ix_id] = ix
        return ix

    # -- application commands --------------------------------------------------------------

    def find_command(self, top: str, member: FakeMember | None, guild: FakeGuild | None) -> JSON:
        """The synced chat-input command named `top` that this user can see here."""
        pool = list(self.store.guild_commands.get(guild.id, [])) if guild else []
        pool += self.store.global_commands
        cmd = next((c for c in pool if c["name"] == top and c["type"] == 1), None)
        if cmd is None:
            where = f"guild {guild.name!r} or globally" if guild else "globally (DM)"
            synced = sorted({c["name"] for c in pool})
            raise FakeDiscordError(f"/{top} is not synced {where}; synced: {synced}. "
                                   "Did the bot call tree.sync()?")
        contexts = cmd.get("contexts")
        no_dm = (contexts is not None and 1 not in contexts) or (
            contexts is None and cmd.get("dm_permission") is False)
        if guild is None and no_dm:
            raise FakeDiscordError(f"/{top} is not available in DMs")
        if guild is not None and contexts is not None and 0 not in contexts:
            raise FakeDiscordError(f"/{top} is not available in guilds")
        needed = cmd.get("default_member_permissions")
        granted = guild is not None and member is not None and member.id in (
            self.store.command_grants.get((guild.id, top), set()))
        if member is not None and needed is not None and not granted:
            perms = member.permissions
            if not perms & ADMINISTRATOR and perms & int(needed) != int(needed):
                raise FakeDiscordError(
                    f"{member.user.username} cannot see /{top}: it needs permissions "
                    f"{needed} (default_member_permissions) and they have {perms}")
        return cmd

    def command_data(self, path: str, values: Mapping[str, Any], who: Who,
                     guild: FakeGuild | None, channel: FakeChannel | None,
                     focused: str | None = None) -> JSON:
        """INTERACTION_CREATE `data` for `/path` with typed options."""
        _, member, guild, _ = self.context(who, guild, channel)
        parts = path.strip().lstrip("/").split()
        cmd = self.find_command(parts[0], member, guild)
        defs: list[JSON] = cmd.get("options") or []
        chain: list[JSON] = []
        for part in parts[1:]:
            sub = next((o for o in defs if o["name"] == part and o["type"] in (1, 2)), None)
            if sub is None:
                raise FakeDiscordError(f"/{cmd['name']} has no subcommand {part!r}")
            chain.append(sub)
            defs = sub.get("options") or []
        if any(o["type"] in (1, 2) for o in defs):
            names = [o["name"] for o in defs]
            raise FakeDiscordError(f"/{path} needs a subcommand, one of {names}")
        resolved: JSON = {}
        options = self._options(defs, values, resolved, guild, focused, path)
        for sub in reversed(chain):
            options = [{"type": sub["type"], "name": sub["name"], "options": options}]
        data: JSON = {"id": cmd["id"], "name": cmd["name"], "type": 1}
        if options:
            data["options"] = options
        if resolved:
            data["resolved"] = resolved
        if "guild_id" in cmd:
            data["guild_id"] = cmd["guild_id"]
        return data

    def _options(self, defs: list[JSON], values: Mapping[str, Any], resolved: JSON,
                 guild: FakeGuild | None, focused: str | None, path: str) -> list[JSON]:
        known = {d["name"]: d for d in defs}
        for name in values:
            if name not in known:
                raise FakeDiscordError(f"/{path} has no option {name!r}; options: {list(known)}")
        if focused is not None and not (known.get(focused) or {}).get("autocomplete"):
            raise FakeDiscordError(f"option {focused!r} of /{path} has no autocomplete")
        out = []
        for d in defs:
            name = d["name"]
            if name not in values:
                if d.get("required") and focused is None:
                    raise FakeDiscordError(f"/{path} requires option {name!r}")
                continue
            if name == focused:
                out.append({"type": d["type"], "name": name, "value": values[name],
                            "focused": True})
            else:
                value = self._convert(d, values[name], resolved, guild, path)
                out.append({"type": d["type"], "name": name, "value": value})
        return out

    def _convert(self, d: JSON, value: Any, resolved: JSON, guild: FakeGuild | None,
                 path: str) -> Any:
        kind, name = d["type"], f"/{path} option {d['name']!r}"
        checks: dict[int, tuple[type | tuple[type, ...], str]] = {
            3: (str, "a str"), 4: (int, "an int"), 5: (bool, "a bool"),
            10: ((int, float), "a number")}
        if kind in checks:
            expected, label = checks[kind]
            if not isinstance(value, expected) or (kind != 5 and isinstance(value, bool)):
                raise FakeDiscordError(f"{name} must be {label}, got {value!r}")
            choices = [c["value"] for c in d.get("choices") or []]
            if choices and value not in choices:
                raise FakeDiscordError(f"{name} must be one of {choices}, got {value!r}")
            size = len(str(value))
            if kind == 3 and not d.get("min_length", 0) <= size <= d.get("max_length", 6000):
                raise FakeDiscordError(f"{name} has a length outside the allowed range")
            if kind in (4, 10) and not (d.get("min_value", value) <= value
                                        <= d.get("max_value", value)):
                raise FakeDiscordError(f"{name} is outside [min_value, max_value]")
            return value
        if kind in (6, 9) and isinstance(value, FakeUser | FakeMember):
            user = value.user if isinstance(value, FakeMember) else value
            resolved.setdefault("users", {})[str(user.id)] = user.to_dict()
            member = guild.members.get(user.id) if guild else None
            if member is not None:
                mdata = member.to_dict(with_permissions=True)
                del mdata["user"]
                resolved.setdefault("members", {})[str(user.id)] = mdata
            return str(user.id)
        if kind in (8, 9) and isinstance(value, FakeRole):
            resolved.setdefault("roles", {})[str(value.id)] = value.to_dict()
            return str(value.id)
        if kind == 7 and isinstance(value, FakeChannel):
            allowed = d.get("channel_types")
            if allowed and value.type not in allowed:
                raise FakeDiscordError(f"{name} accepts channel types {allowed}")
            data = value.to_dict() | {"permissions": str(DEFAULT_BOT_PERMISSIONS)}
            resolved.setdefault("channels", {})[str(value.id)] = data
            return str(value.id)
        if kind == 11 and isinstance(value, tuple) and len(value) == 2:
            filename, blob = value
            att = self.store.make_attachment(0, str(filename), bytes(blob))
            resolved.setdefault("attachments", {})[str(att.id)] = att.to_dict()
            return str(att.id)
        if kind == 11 and isinstance(value, FakeAttachment):
            resolved.setdefault("attachments", {})[str(value.id)] = value.to_dict()
            return str(value.id)
        raise FakeDiscordError(f"{name} (type {kind}) cannot take {value!r}")

    # -- components and modals ------------------------------------------------------------

    def component_data(self, who: Who, message: FakeMessage, custom_id: str,
                       values: list[Any] | None) -> JSON:
        """INTERACTION_CREATE `data` for clicking a button or choosing in a select menu."""
        if message.deleted:
            raise FakeDiscordError("the message was deleted")
        comp = message.find_component(custom_id)
        if comp is None:
            raise FakeDiscordError(f"no component {custom_id!r} on the message; "
                                   f"custom ids: {message.custom_ids}")
        if comp.get("disabled"):
            raise FakeDiscordError(f"component {custom_id!r} is disabled")
        user = who.user if isinstance(who, FakeMember) else who
        owner = (message.interaction_metadata or {}).get("user", {}).get("id")
        if message.ephemeral and owner != str(user.id):
            raise FakeDiscordError("only the invoking user can see an ephemeral message")
        data: JSON = {"custom_id": custom_id, "component_type": comp["type"]}
        if comp["type"] in SELECT_TYPES:
            chosen = [str(getattr(v, "id", v)) for v in values or []]
            if comp["type"] == 3:
                options = [o["value"] for o in comp.get("options") or []]
                bad = [v for v in chosen if v not in options]
                if bad:
                    raise FakeDiscordError(f"{bad} are not options of {custom_id!r}: {options}")
            lo, hi = comp.get("min_values", 1), comp.get("max_values", 1)
            if not lo <= len(chosen) <= hi:
                raise FakeDiscordError(f"{custom_id!r} takes {lo}..{hi} values")
            data["values"] = chosen
        elif values:
            raise FakeDiscordError(f"{custom_id!r} is a button; it takes no values")
        return data

    def modal_data(self, modal: JSON, values: Mapping[str, Any]) -> JSON:
        """INTERACTION_CREATE `data` for submitting a modal the bot opened."""
        seen: set[str] = set()

        def answer(inner: JSON) -> JSON:
            """The submitted value of one modal field."""
            cid = inner.get("custom_id", "")
            seen.add(cid)
            if inner.get("type") == 4:
                text = str(values.get(cid, inner.get("value") or ""))
                if inner.get("required", True) and not text:
                    raise FakeDiscordError(f"modal field {cid!r} is required")
                if not inner.get("min_length", 0) <= len(text) <= inner.get("max_length", 4000):
                    raise FakeDiscordError(f"modal field {cid!r} has a bad length")
                return {"type": 4, "custom_id": cid, "value": text}
            picked = values.get(cid, [])
            return {"type": inner.get("type"), "custom_id": cid,
                    "values": [str(getattr(v, "id", v)) for v in picked]}

        components: list[JSON] = []
        for comp in modal.get("components") or []:
            if comp.get("type") == 1:
                components.append({"type": 1, "components": [answer(c) for c in
                                                              comp.get("components") or []]})
            elif comp.get("type") == 18 and isinstance(comp.get("component"), dict):
                components.append({"type": 18, "component": answer(comp["component"])})
        unknown = set(values) - seen
        if unknown:
            raise FakeDiscordError(f"the modal has no fields {sorted(unknown)}")
        return {"custom_id": modal["custom_id"], "components": components}


__all__ = ["APPLICATION_COMMAND", "AUTOCOMPLETE", "MESSAGE_COMPONENT", "MODAL_SUBMIT",
           "InteractionFactory"]
