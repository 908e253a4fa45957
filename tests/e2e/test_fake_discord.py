"""Proves the fake and the driver against an in-process discord.py client (no bot process needed)."""

from __future__ import annotations

import asyncio
import io
from collections.abc import AsyncIterator

import discord
import pytest
import yarl
from discord import app_commands
from driver import Driver
from fake_discord import EPHEMERAL, FakeDiscord, forbidden, rate_limited, server_error

EXERCISES = ["bench press", "back squat", "deadlift", "overhead press", "bent-over row"]


class PickView(discord.ui.View):
    @discord.ui.button(label="Strength", custom_id="pick:strength")
    async def strength(self, interaction: discord.Interaction, button: discord.ui.Button) -> None:
        await interaction.response.edit_message(content="goal: strength", view=None)

    @discord.ui.select(custom_id="pick:days", options=[discord.SelectOption(label=f"{n} days", value=str(n)) for n in (2, 3, 4)])
    async def days(self, interaction: discord.Interaction, select: discord.ui.Select) -> None:
        await interaction.response.send_message(f"days: {select.values[0]}", ephemeral=True)


class NoteModal(discord.ui.Modal, title="Session note"):
    note = discord.ui.TextInput(label="Note", custom_id="note")

    async def on_submit(self, interaction: discord.Interaction) -> None:
        await interaction.response.send_message(f"noted: {self.note.value}")


class TinyBot(discord.Client):
    """A few commands covering every interaction shape the fake must support."""

    def __init__(self) -> None:
        super().__init__(intents=discord.Intents(guilds=True), guild_ready_timeout=0.05)
        self.tree = app_commands.CommandTree(self)
        self.release_slow = asyncio.Event()
        tree = self.tree

        @tree.command(description="Say something back")
        @app_commands.choices(tone=[app_commands.Choice(name="calm", value="calm"), app_commands.Choice(name="loud", value="loud")])
        async def echo(interaction: discord.Interaction, text: str, tone: str = "calm", times: app_commands.Range[int, 1, 3] = 1) -> None:
            where = f"guild {interaction.guild_id}" if interaction.guild_id else "dm"
            reply = " ".join([text.upper() if tone == "loud" else text] * times)
            await interaction.response.send_message(f"{reply} ({where}, {interaction.user.name})", ephemeral=True)

        @tree.command(description="Think first")
        async def think(interaction: discord.Interaction) -> None:
            await interaction.response.defer(thinking=True)
            await interaction.followup.send("thought it through")
            await interaction.followup.send("and one more thing", ephemeral=True)

        @tree.command(description="Pick a goal")
        async def pick(interaction: discord.Interaction) -> None:
            await interaction.response.send_message("pick one", view=PickView())

        @tree.command(description="Log a set")
        async def log(interaction: discord.Interaction, exercise: str) -> None:
            await interaction.response.send_message(f"logged {exercise}")

        @log.autocomplete("exercise")
        async def exercise_choices(interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
            return [app_commands.Choice(name=e, value=e) for e in EXERCISES if current.lower() in e][:25]

        remind = app_commands.Group(name="remind", description="Reminders")

        @remind.command(name="set", description="Set a reminder")
        async def remind_set(interaction: discord.Interaction, time: str) -> None:
            await interaction.response.send_message(f"reminder at {time}")
            await interaction.edit_original_response(content=f"reminder at {time} (saved)")

        tree.add_command(remind)

        @tree.command(description="Write a note")
        async def note(interaction: discord.Interaction) -> None:
            await interaction.response.send_modal(NoteModal())

        @tree.command(description="Send a chart")
        async def chart(interaction: discord.Interaction) -> None:
            await interaction.response.send_message("your chart", file=discord.File(io.BytesIO(b"\x89PNG fake"), "chart.png"))

        @tree.command(description="Answer only when told to")
        async def slow(interaction: discord.Interaction) -> None:
            await self.release_slow.wait()
            await interaction.response.send_message("finally")


@pytest.fixture
async def client(fake_discord: FakeDiscord, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[TinyBot]:
    monkeypatch.setattr(discord.http.Route, "BASE", fake_discord.api_base)
    monkeypatch.setattr(discord.gateway.DiscordWebSocket, "DEFAULT_GATEWAY", yarl.URL(fake_discord.gateway_url))
    bot = TinyBot()
    await bot.login(fake_discord.token)
    await bot.tree.sync()
    connection = asyncio.create_task(bot.connect())
    await fake_discord.wait_for_identify(1)
    yield bot
    await bot.close()
    await connection


@pytest.fixture
def driver(fake_discord: FakeDiscord, client: TinyBot) -> Driver:
    return Driver(fake_discord)


async def test_sync_registers_commands_with_option_types(fake_discord: FakeDiscord, client: TinyBot) -> None:
    names = {command["name"] for command in fake_discord.global_commands}
    assert names == {"echo", "think", "pick", "log", "remind", "note", "chart", "slow"}
    remind = fake_discord.find_command("remind")
    assert [(o["name"], o["type"]) for o in remind["options"]] == [("set", 1)]
    assert fake_discord.requests_matching("PUT /applications/{app}/commands")[0].status == 200


async def test_identify_uses_the_query_discord_py_sends(fake_discord: FakeDiscord, client: TinyBot) -> None:
    connection = fake_discord.gateway_connections[0]
    assert connection.query == {"v": "10", "encoding": "json", "compress": "zlib-stream"}
    assert [frame["op"] for frame in connection.received[:2]] == [1, 2]
    assert client.user is not None and client.user.id == fake_discord.application_id


async def test_slash_in_dm_gets_an_ephemeral_reply(driver: Driver) -> None:
    alice = driver.user("alice")
    record = await driver.slash("echo", {"text": "hi", "tone": "loud", "times": 2}, user=alice)
    assert record.response is not None and record.response.type == 4
    assert record.response.content == "HI HI (dm, alice)"
    assert record.response.flags == EPHEMERAL
    assert record.latency is not None and record.latency >= 0


async def test_slash_in_guild_carries_the_guild(driver: Driver) -> None:
    record = await driver.slash("echo", {"text": "hi"}, guild=True)
    assert record.response is not None
    assert record.response.content == f"hi (guild {driver.guild.id}, tester)"


async def test_driver_refuses_what_the_discord_client_would_refuse(driver: Driver) -> None:
    with pytest.raises(ValueError, match="no option"):
        await driver.slash("echo", {"text": "hi", "colour": "red"})
    with pytest.raises(ValueError, match="missing required"):
        await driver.slash("echo", {})
    with pytest.raises(ValueError, match="one of"):
        await driver.slash("echo", {"text": "hi", "tone": "angry"})
    with pytest.raises(ValueError, match="within"):
        await driver.slash("echo", {"text": "hi", "times": 4})
    with pytest.raises(LookupError, match="synced"):
        await driver.slash("nope")


async def test_defer_then_followups(driver: Driver) -> None:
    record = await driver.slash("think")
    assert record.response is not None and record.response.type == 5
    final = await record.wait_final()
    assert final is not None and final.content == "thought it through" and not final.loading
    # The first follow-up fills the "thinking" message; the second is a message of its own.
    assert record.followups[0] is record.original
    assert record.followups[1].content == "and one more thing" and record.followups[1].ephemeral


async def test_button_click_updates_the_message(driver: Driver) -> None:
    record = await driver.slash("pick")
    assert record.original is not None and "pick:strength" in record.original.custom_ids()
    click = await driver.click(record, "pick:strength")
    assert click.response is not None and click.response.type == 7
    assert record.original.content == "goal: strength" and record.original.components == []


async def test_select_menu(driver: Driver) -> None:
    record = await driver.slash("pick")
    assert record.original is not None
    chosen = await driver.select(record.original, "pick:days", ["3"])
    assert chosen.response is not None and chosen.response.content == "days: 3"
    with pytest.raises(ValueError, match="offers"):
        await driver.select(record.original, "pick:days", ["9"])


async def test_autocomplete_returns_choices(driver: Driver) -> None:
    choices = await driver.autocomplete("log", {"exercise": "pre"}, focused="exercise")
    assert [choice["value"] for choice in choices] == ["bench press", "overhead press"]


async def test_subcommand_and_edit_of_original(driver: Driver) -> None:
    record = await driver.slash("remind set", {"time": "18:00"})
    final = await record.wait_final()
    assert final is not None and final.content == "reminder at 18:00 (saved)"
    assert [edit.payload["content"] for edit in record.edits] == ["reminder at 18:00 (saved)"]


async def test_modal_round_trip(driver: Driver) -> None:
    record = await driver.slash("note")
    assert record.response is not None and record.response.type == 9 and record.response.title == "Session note"
    submitted = await driver.submit_modal(record, None, {"note": "felt strong"})
    assert submitted.response is not None and submitted.response.content == "noted: felt strong"


async def test_files_arrive_as_multipart(driver: Driver) -> None:
    record = await driver.slash("chart")
    assert record.response is not None
    assert [(f.field, f.filename, f.data) for f in record.response.files] == [("files[0]", "chart.png", b"\x89PNG fake")]
    assert record.original is not None and record.original.attachments[0]["filename"] == "chart.png"


async def test_closed_dms_raise_forbidden_and_are_recorded(fake_discord: FakeDiscord, client: TinyBot) -> None:
    alice = fake_discord.user("alice")
    fake_discord.close_dms(alice)
    user = await client.fetch_user(alice.id)
    with pytest.raises(discord.Forbidden) as raised:
        await user.send("time to train")
    assert raised.value.code == 50007
    assert [r.status for r in fake_discord.requests_about(alice)] == [200, 403]
    assert fake_discord.dms(alice) == []


async def test_injected_403_on_the_next_dm(fake_discord: FakeDiscord, client: TinyBot) -> None:
    bob = fake_discord.user("bob")
    fake_discord.inject("POST /channels/{id}/messages", forbidden())
    user = await client.fetch_user(bob.id)
    with pytest.raises(discord.Forbidden):
        await user.send("first")
    await user.send("second")
    assert [m.content for m in fake_discord.dms(bob)] == ["second"]


async def test_rate_limit_is_retried_by_discord_py(fake_discord: FakeDiscord, client: TinyBot) -> None:
    carol = fake_discord.user("carol")
    fake_discord.inject("POST /channels/{id}/messages", rate_limited(retry_after=0.05))
    user = await client.fetch_user(carol.id)
    await user.send("hello")
    sends = fake_discord.requests_matching("POST /channels/{id}/messages")
    assert [r.status for r in sends] == [429, 200]
    assert [m.content for m in fake_discord.dms(carol)] == ["hello"]


async def test_server_error_is_retried_by_discord_py(fake_discord: FakeDiscord, client: TinyBot) -> None:
    dave = fake_discord.user("dave")
    fake_discord.inject("POST /channels/{id}/messages", server_error())
    user = await client.fetch_user(dave.id)
    await user.send("hello")
    assert [r.status for r in fake_discord.requests_matching("POST /channels/{id}/messages")] == [500, 200]


async def test_repeated_nonce_returns_the_first_message(fake_discord: FakeDiscord, client: TinyBot) -> None:
    erin = fake_discord.user("erin")
    user = await client.fetch_user(erin.id)
    first = await user.send("reminder", nonce="reminder-42")
    again = await user.send("reminder", nonce="reminder-42")
    assert first.id == again.id
    assert len(fake_discord.dms(erin)) == 1
    fake_discord.advance_time(6 * 60)
    later = await user.send("reminder", nonce="reminder-42")
    assert later.id != first.id


async def test_gateway_resume_after_the_socket_drops(fake_discord: FakeDiscord, driver: Driver) -> None:
    await fake_discord.drop_gateway()
    # Dispatched while the socket is down: replayed on RESUME.
    record = await driver.slash("echo", {"text": "still here"}, wait=False)
    await fake_discord.wait_until(lambda: fake_discord.resume_count == 1, 5.0, "RESUME")
    await record.wait_response()
    assert fake_discord.identify_count == 1
    assert fake_discord.gateway_connections[-1].path == "/resume"
    assert fake_discord.gateway_connections[-1].received[1]["op"] == 6


async def test_reconnect_opcode_leads_to_a_resume(fake_discord: FakeDiscord, driver: Driver) -> None:
    await fake_discord.send_reconnect()
    await fake_discord.wait_until(lambda: fake_discord.resume_count == 1, 5.0, "RESUME")
    record = await driver.slash("echo", {"text": "back"})
    assert record.response is not None and record.response.content.startswith("back")


async def test_content_over_2000_chars_is_a_violation(fake_discord: FakeDiscord, client: TinyBot) -> None:
    frank = fake_discord.user("frank")
    user = await client.fetch_user(frank.id)
    with pytest.raises(discord.HTTPException) as raised:
        await user.send("x" * 2001)
    assert raised.value.status == 400
    violations = fake_discord.take_violations()
    assert [v.kind for v in violations] == ["message limit"]
    assert "2001 chars" in violations[0].detail


async def test_a_route_the_fake_lacks_is_a_violation(fake_discord: FakeDiscord, client: TinyBot) -> None:
    with pytest.raises(discord.NotFound):
        await client.http.request(discord.http.Route("GET", "/voice/regions"))
    assert [v.kind for v in fake_discord.take_violations()] == ["unhandled route"]


async def test_a_late_first_response_is_a_violation(fake_discord: FakeDiscord, client: TinyBot, driver: Driver) -> None:
    record = await driver.slash("slow", wait=False)
    record.expect_no_answer = True
    fake_discord.advance_time(3.5)
    client.release_slow.set()
    await fake_discord.wait_until(lambda: bool(fake_discord.violations), 5.0, "the late callback")
    assert [v.kind for v in fake_discord.take_violations()] == ["late response"]
    assert record.response is None


async def test_follow_up_after_15_minutes_is_refused(fake_discord: FakeDiscord, driver: Driver, client: TinyBot) -> None:
    record = await driver.slash("echo", {"text": "hi"})
    fake_discord.advance_time(15 * 60 + 1)
    webhook = discord.Webhook.partial(fake_discord.application_id, record.token, client=client)
    with pytest.raises(discord.HTTPException) as raised:
        await webhook.send("too late")
    assert raised.value.status == 401 and raised.value.code == 50027
