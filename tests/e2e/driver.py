"""Plays the Discord client's part: builds INTERACTION_CREATE payloads the way Discord does and sends them to the bot.

Option types come from the commands the bot registered with the fake (command sync), so a
test cannot send anything the real Discord client would refuse to send: unknown options,
missing required ones, values outside `choices`, `min_value`/`max_length` and the like.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping, Sequence
from typing import Any

import limits
from fake_discord import (
    DEFAULT_ATTACHMENT_SIZE_LIMIT,
    DEFAULT_PERMISSIONS,
    FakeDiscord,
    FakeGuild,
    FakeMessage,
    FakeUser,
    InteractionRecord,
    Json,
    RecordedFile,
)

SUB_COMMAND = 1
SUB_COMMAND_GROUP = 2
STRING = 3
INTEGER = 4
BOOLEAN = 5
USER = 6
CHANNEL = 7
NUMBER = 10
ATTACHMENT = 11

APPLICATION_COMMAND = 2
MESSAGE_COMPONENT = 3
AUTOCOMPLETE = 4
MODAL_SUBMIT = 5

# The bot defers a reply not ready 2 s after the interaction was created (bot.client.answer_in_time).
# A slash command first answered that late was slowed by a loaded machine, not deferred by design
# (charts and imports defer at once), and a test of it is about the reply that follows.
DEADLINE_DEFERRAL_SECONDS = 1.9
DEFERRED_CHANNEL_MESSAGE = 5

GUILD_CONTEXT = 0
BOT_DM_CONTEXT = 1
GUILD_INSTALL = "0"
USER_INSTALL = "1"


class Driver:
    """Async test API over a running `FakeDiscord` with a bot connected to it."""

    def __init__(self, fake: FakeDiscord, *, response_timeout: float = 5.0, locale: str = "en-US") -> None:
        self.fake = fake
        self.response_timeout = response_timeout
        self.locale = locale

    # ----- people and places -----------------------------------------------------------------

    def user(self, username: str) -> FakeUser:
        return self.fake.user(username)

    @property
    def guild(self) -> FakeGuild:
        return self.fake.guild

    def dms(self, user: FakeUser, *, include_interactions: bool = False) -> list[FakeMessage]:
        return self.fake.dms(user, include_interactions=include_interactions)

    async def wait_for_dms(self, user: FakeUser, count: int = 1, timeout: float = 5.0) -> list[FakeMessage]:
        """Wait until the bot has posted at least `count` messages in `user`'s DM channel."""
        await self.fake.wait_until(lambda: len(self.fake.dms(user)) >= count, timeout, f"{count} DM(s) to {user.username}")
        return self.fake.dms(user)

    # ----- interactions ----------------------------------------------------------------------

    async def slash(
        self,
        command: str,
        options: Mapping[str, Any] | None = None,
        *,
        user: FakeUser | None = None,
        guild: bool | FakeGuild = False,
        wait: bool = True,
    ) -> InteractionRecord:
        """Run `/command` as `user` (default: the fake's `tester`) in the bot's DM, or in a guild channel.

        Sub-commands nest: `slash("remind", {"set": {"time": "18:00"}})`, or `slash("remind set", {"time": "18:00"})`.
        With `wait` (the default) returns once the bot's first callback arrived, or, when that was
        a deferral at the bot's 2 s deadline (a loaded machine), once the reply that ends it arrived.
        """
        user = user or self.fake.default_user
        target_guild = self._guild(guild)
        data = self._command_data(command, options or {}, target_guild, focused=None)
        payload = self._interaction(APPLICATION_COMMAND, data, user, target_guild)
        record = await self.fake.dispatch_interaction(payload, name=command, user=user)
        if not wait:
            return record
        await self._answered(record)
        assert record.response is not None and record.latency is not None
        if record.response.type == DEFERRED_CHANNEL_MESSAGE and record.latency >= DEADLINE_DEFERRAL_SECONDS:
            await record.wait_final(self.response_timeout)
        return record

    async def autocomplete(
        self,
        command: str,
        options: Mapping[str, Any],
        *,
        focused: str,
        user: FakeUser | None = None,
        guild: bool | FakeGuild = False,
    ) -> list[Json]:
        """Type into option `focused` of `/command`; returns the choices the bot offered (`[{"name", "value"}]`)."""
        user = user or self.fake.default_user
        target_guild = self._guild(guild)
        data = self._command_data(command, options, target_guild, focused=focused)
        payload = self._interaction(AUTOCOMPLETE, data, user, target_guild)
        record = await self.fake.dispatch_interaction(payload, name=f"{command} (autocomplete {focused})", user=user)
        await self._answered(record)
        return record.choices

    def _command_data(
        self, command: str, options: Mapping[str, Any], target_guild: FakeGuild | None, *, focused: str | None
    ) -> Json:
        """The `data` of a slash-command or autocomplete interaction, typed from the synced command."""
        name, nested = _split_command(command, options)
        declared = self.fake.find_command(name, target_guild.id if target_guild else None)
        self._check_context(declared, target_guild)
        resolved: Json = {}
        data: Json = {
            "id": declared["id"],
            "name": name,
            "type": 1,
            "options": self._options(declared.get("options") or [], nested, f"/{name}", resolved, target_guild, focused=focused),
        }
        if resolved:
            data["resolved"] = resolved
        if declared.get("guild_id"):
            data["guild_id"] = declared["guild_id"]
        return data

    async def click(self, message: FakeMessage | InteractionRecord, custom_id: str, *, user: FakeUser | None = None) -> InteractionRecord:
        """Press the button `custom_id` on a message the bot sent (or on an interaction's response message)."""
        target = self._message(message)
        component = self._component(target, custom_id)
        if component.get("type") != limits.BUTTON:
            raise ValueError(f"{custom_id!r} is a component of type {component.get('type')}, not a button")
        if component.get("disabled"):
            raise ValueError(f"button {custom_id!r} is disabled; Discord would not let anyone press it")
        data = {"custom_id": custom_id, "component_type": limits.BUTTON}
        return await self._component_interaction(target, data, user)

    async def select(
        self,
        message: FakeMessage | InteractionRecord,
        custom_id: str,
        values: Sequence[str | FakeUser],
        *,
        user: FakeUser | None = None,
    ) -> InteractionRecord:
        """Pick `values` in the select menu `custom_id` (option values for a string select, users for a user select)."""
        target = self._message(message)
        component = self._component(target, custom_id)
        component_type = component.get("type")
        if component_type not in limits.SELECT_TYPES:
            raise ValueError(f"{custom_id!r} is a component of type {component_type}, not a select menu")
        low, high = component.get("min_values", 1), component.get("max_values", 1)
        if not low <= len(values) <= high:
            raise ValueError(f"select {custom_id!r} takes {low}..{high} values, got {len(values)}")
        data: Json = {"custom_id": custom_id, "component_type": component_type}
        if component_type == limits.STRING_SELECT:
            offered = [option["value"] for option in component.get("options") or []]
            unknown = [value for value in values if value not in offered]
            if unknown:
                raise ValueError(f"select {custom_id!r} offers {offered}, not {unknown}")
            data["values"] = list(values)
        else:
            users = [value for value in values if isinstance(value, FakeUser)]
            data["values"] = [str(value.id) if isinstance(value, FakeUser) else str(value) for value in values]
            if users:
                data["resolved"] = {"users": {str(u.id): u.payload() for u in users}}
        return await self._component_interaction(target, data, user)

    async def submit_modal(
        self,
        record: InteractionRecord,
        custom_id: str | None,
        values: Mapping[str, str | Sequence[str]],
        *,
        user: FakeUser | None = None,
    ) -> InteractionRecord:
        """Fill in and submit the modal the bot opened in answer to `record` (`custom_id=None` accepts whatever it is)."""
        response = record.response
        if response is None or response.type != 9:
            raise ValueError(f"{record} was not answered with a modal")
        modal = response.data
        if custom_id is not None and custom_id != modal.get("custom_id"):
            raise ValueError(f"the open modal is {modal.get('custom_id')!r}, not {custom_id!r}")
        used: set[str] = set()
        components = _modal_submission(modal.get("components") or [], values, used)
        unknown = set(values) - used
        if unknown:
            raise ValueError(f"modal {modal.get('custom_id')!r} has no fields {sorted(unknown)}")
        data = {"custom_id": modal["custom_id"], "components": components}
        user = user or record.user
        guild = self._guild_by_id(record.guild_id)
        payload = self._interaction(MODAL_SUBMIT, data, user, guild, channel_id=record.channel_id, message=record.message)
        submitted = await self.fake.dispatch_interaction(payload, name=f"modal {modal['custom_id']}", user=user, message=record.message)
        return await self._answered(submitted)

    # ----- building payloads -----------------------------------------------------------------

    async def _answered(self, record: InteractionRecord) -> InteractionRecord:
        try:
            await record.wait_response(self.response_timeout)
        except TimeoutError:
            raise AssertionError(f"the bot did not answer {record} within {self.response_timeout}s") from None
        return record

    def _guild(self, guild: bool | FakeGuild) -> FakeGuild | None:
        if isinstance(guild, FakeGuild):
            return guild
        return self.fake.guild if guild else None

    def _guild_by_id(self, guild_id: int | None) -> FakeGuild | None:
        return next((g for g in self.fake.guilds if g.id == guild_id), None)

    def _check_context(self, command: Json, guild: FakeGuild | None) -> None:
        context = GUILD_CONTEXT if guild else BOT_DM_CONTEXT
        contexts = command.get("contexts")
        if contexts is not None and context not in contexts:
            where = "a guild" if guild else "the bot's DM"
            raise ValueError(f"/{command['name']} is not offered in {where} (contexts {contexts})")
        if guild is None and contexts is None and command.get("dm_permission") is False:
            raise ValueError(f"/{command['name']} is guild-only (dm_permission false)")

    def _interaction(
        self,
        interaction_type: int,
        data: Json,
        user: FakeUser,
        guild: FakeGuild | None,
        *,
        channel_id: int | None = None,
        message: FakeMessage | None = None,
    ) -> Json:
        payload: Json = {
            "id": str(self.fake.new_id()),
            "application_id": str(self.fake.application_id),
            "type": interaction_type,
            "data": data,
            # Real tokens are long opaque URL-safe strings; they travel in the callback/webhook paths.
            "token": "aW50ZXJhY3Rpb246" + secrets.token_urlsafe(48),
            "version": 1,
            "app_permissions": str(DEFAULT_PERMISSIONS),
            "locale": self.locale,
            "entitlements": [],
            "entitlement_sku_ids": [],
            "attachment_size_limit": DEFAULT_ATTACHMENT_SIZE_LIMIT,
        }
        if guild is not None:
            channel_id = channel_id or guild.channel_id
            payload.update(
                guild_id=str(guild.id),
                guild={"id": str(guild.id), "locale": "en-US", "features": []},
                guild_locale="en-US",
                member=self.fake.member_payload(user, guild),
                context=GUILD_CONTEXT,
                authorizing_integration_owners={GUILD_INSTALL: str(guild.id)},
            )
        else:
            channel_id = channel_id or self.fake.dm_channel_id(user)
            payload.update(
                user=user.payload(),
                context=BOT_DM_CONTEXT,
                authorizing_integration_owners={USER_INSTALL: str(user.id)},
            )
        payload["channel_id"] = str(channel_id)
        payload["channel"] = self.fake.channel_payload(channel_id)
        if message is not None:
            payload["message"] = message.raw
        return payload

    def _options(
        self,
        declared: list[Json],
        given: Mapping[str, Any],
        path: str,
        resolved: Json,
        guild: FakeGuild | None,
        *,
        focused: str | None,
    ) -> list[Json]:
        by_name = {option["name"]: option for option in declared}
        unknown = [name for name in given if name not in by_name]
        if unknown:
            raise ValueError(f"{path} has no option(s) {unknown}; it has {sorted(by_name)}")
        has_subcommands = any(option["type"] in (SUB_COMMAND, SUB_COMMAND_GROUP) for option in declared)
        if has_subcommands and len(given) != 1:
            raise ValueError(f"{path} needs exactly one of its sub-commands {sorted(by_name)}, got {sorted(given)}")
        partial = focused is not None
        missing = [o["name"] for o in declared if o.get("required") and o["name"] not in given]
        if missing and not partial:
            raise ValueError(f"{path} is missing required option(s) {missing}")
        built = []
        for name, value in given.items():
            option = by_name[name]
            if option["type"] in (SUB_COMMAND, SUB_COMMAND_GROUP):
                if not isinstance(value, Mapping):
                    raise ValueError(f"{path} {name} is a sub-command: pass its options as a dict")
                children = self._options(option.get("options") or [], value, f"{path} {name}", resolved, guild, focused=focused)
                built.append({"type": option["type"], "name": name, "options": children})
            elif name == focused:
                # Discord sends whatever has been typed so far, as a string, whatever the option's type.
                built.append({"type": option["type"], "name": name, "value": str(value), "focused": True})
            else:
                built.append({"type": option["type"], "name": name, "value": self._value(option, value, f"{path} {name}", resolved, guild)})
        return built

    def _value(self, option: Json, value: Any, path: str, resolved: Json, guild: FakeGuild | None) -> Any:
        option_type = option["type"]
        if option_type == STRING:
            _expect(isinstance(value, str), path, "a str", value)
            low, high = option.get("min_length", 0), option.get("max_length", 6000)
            if not low <= len(value) <= high:
                raise ValueError(f"{path} must be {low}..{high} chars, got {len(value)}")
        elif option_type == INTEGER:
            _expect(isinstance(value, int) and not isinstance(value, bool), path, "an int", value)
        elif option_type == NUMBER:
            _expect(isinstance(value, (int, float)) and not isinstance(value, bool), path, "a number", value)
        elif option_type == BOOLEAN:
            _expect(isinstance(value, bool), path, "a bool", value)
        elif option_type == USER:
            _expect(isinstance(value, FakeUser), path, "a FakeUser", value)
            resolved.setdefault("users", {})[str(value.id)] = value.payload()
            if guild is not None:
                member = {k: v for k, v in self.fake.member_payload(value, guild).items() if k != "user"}
                resolved.setdefault("members", {})[str(value.id)] = member
            return str(value.id)
        elif option_type == CHANNEL:
            _expect(isinstance(value, int), path, "a channel id", value)
            channel = self.fake.channel_payload(value)
            resolved.setdefault("channels", {})[str(value)] = {**channel, "permissions": str(DEFAULT_PERMISSIONS)}
            return str(value)
        elif option_type == ATTACHMENT:
            _expect(isinstance(value, RecordedFile), path, "a RecordedFile", value)
            attachment = self.fake.upload(value)
            resolved.setdefault("attachments", {})[attachment["id"]] = attachment
            return attachment["id"]
        else:
            raise NotImplementedError(f"{path}: option type {option_type} is not supported by the driver yet")
        if option_type in (INTEGER, NUMBER):
            low, high = option.get("min_value"), option.get("max_value")
            if (low is not None and value < low) or (high is not None and value > high):
                raise ValueError(f"{path} must be within {low}..{high}, got {value}")
        choices = option.get("choices")
        if choices and value not in [choice["value"] for choice in choices]:
            raise ValueError(f"{path} must be one of {[c['value'] for c in choices]}, got {value!r}")
        return value

    def _message(self, message: FakeMessage | InteractionRecord) -> FakeMessage:
        if isinstance(message, InteractionRecord):
            if message.original is None:
                raise ValueError(f"{message} has no response message to interact with")
            return message.original
        return message

    def _component(self, message: FakeMessage, custom_id: str) -> Json:
        component = message.find_component(custom_id)
        if component is None:
            raise ValueError(f"{message} has no component {custom_id!r}; it has {message.custom_ids()}")
        return component

    async def _component_interaction(self, message: FakeMessage, data: Json, user: FakeUser | None) -> InteractionRecord:
        owner = self._message_owner(message)
        user = user or owner
        if message.ephemeral and user != owner:
            raise ValueError(f"only {owner.username} can see the ephemeral {message}")
        guild_id = message.raw.get("guild_id")
        guild = self._guild_by_id(int(guild_id)) if guild_id else None
        payload = self._interaction(MESSAGE_COMPONENT, data, user, guild, channel_id=message.channel_id, message=message)
        record = await self.fake.dispatch_interaction(payload, name=f"component {data['custom_id']}", user=user, message=message)
        return await self._answered(record)

    def _message_owner(self, message: FakeMessage) -> FakeUser:
        """Who the message was shown to: the interaction's user, else the DM's recipient, else the default user."""
        metadata = message.raw.get("interaction_metadata")
        if metadata is not None:
            return self.fake.user_by_id(int(metadata["user"]["id"]))
        recipient = self.fake.dm_recipient(message.channel_id)
        return recipient or self.fake.default_user


def _split_command(command: str, options: Mapping[str, Any]) -> tuple[str, Mapping[str, Any]]:
    name, *subcommands = command.split()
    for subcommand in reversed(subcommands):
        options = {subcommand: options}
    return name, options


def _expect(ok: bool, path: str, kind: str, value: Any) -> None:
    if not ok:
        raise ValueError(f"{path} takes {kind}, got {value!r}")


def _modal_submission(components: list[Json], values: Mapping[str, str | Sequence[str]], used: set[str]) -> list[Json]:
    submitted = []
    for component in components:
        if component.get("type") == limits.ACTION_ROW:
            submitted.append({"type": 1, "components": [_modal_field(child, values, used) for child in component.get("components") or []]})
        elif component.get("type") == limits.LABEL:
            label = {"type": limits.LABEL, "component": _modal_field(component["component"], values, used)}
            if "id" in component:
                label["id"] = component["id"]
            submitted.append(label)
    return submitted


def _modal_field(component: Json, values: Mapping[str, str | Sequence[str]], used: set[str]) -> Json:
    custom_id = component["custom_id"]
    used.add(custom_id)
    if component.get("type") == limits.TEXT_INPUT:
        value = values.get(custom_id, component.get("value") or "")
        if not isinstance(value, str):
            raise ValueError(f"text input {custom_id!r} takes a str, got {value!r}")
        if component.get("required", True) and not value:
            raise ValueError(f"text input {custom_id!r} is required")
        low, high = component.get("min_length", 0), component.get("max_length", limits.TEXT_INPUT_VALUE_MAX)
        if value and not low <= len(value) <= high:
            raise ValueError(f"text input {custom_id!r} takes {low}..{high} chars, got {len(value)}")
        return {"type": limits.TEXT_INPUT, "custom_id": custom_id, "value": value}
    picked = values.get(custom_id, [])
    return {"type": component.get("type"), "custom_id": custom_id, "values": [picked] if isinstance(picked, str) else list(picked)}
