"""Runs the real bot (`python -m bot run|sync`) as a subprocess pointed at a `FakeDiscord`."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sys
from pathlib import Path

from fake_discord import FakeDiscord

REPO_ROOT = Path(__file__).resolve().parents[2]
BOT_ENTRY_POINT = REPO_ROOT / "bot" / "__main__.py"
# Settings the harness owns; inherited values would point the bot at a real account or database.
OWNED_ENV_PREFIXES = ("DISCORD_", "LIFTCOACH_")
OWNED_ENV_NAMES = ("DATABASE_URL", "LOG_LEVEL")


class BotHarness:
    """One bot installation: a database (a SQLite file in `workdir` unless `database_url` names one) and a log file in `workdir`, talking to `fake`."""

    def __init__(
        self, fake: FakeDiscord, workdir: Path, database_url: str | None = None, *, module: str = "bot"
    ) -> None:
        """`module` is what `python -m` runs: `bot`, or a benchmark's wrapper around it."""
        self.fake = fake
        self.module = module
        self.workdir = workdir
        self.database_url = database_url or f"sqlite:///{workdir / 'liftcoach.db'}"
        self.log_path = workdir / "bot.log"
        self.extra_env: dict[str, str] = {}
        self.process: asyncio.subprocess.Process | None = None

    def env(self) -> dict[str, str]:
        env = {
            name: value
            for name, value in os.environ.items()
            if not name.startswith(OWNED_ENV_PREFIXES) and name not in OWNED_ENV_NAMES
        }
        env.update(
            DISCORD_TOKEN=self.fake.token,
            DATABASE_URL=self.database_url,
            DISCORD_API_BASE=self.fake.api_base,
            DISCORD_GATEWAY_URL=self.fake.gateway_url,
            LOG_LEVEL="DEBUG",
            PYTHONUNBUFFERED="1",
        )
        env.update(self.extra_env)
        return env

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.returncode is None

    def _log_header(self, text: str) -> None:
        with self.log_path.open("a", encoding="utf-8") as log:
            log.write(f"\n===== {text} =====\n")

    async def run_cli(self, *args: str, timeout: float = 30.0) -> tuple[int, str]:
        """Run `python -m bot <args>` to completion; returns (exit code, combined output), also appended to the log."""
        self._log_header(f"python -m bot {' '.join(args)}")
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", self.module, *args,
            cwd=REPO_ROOT, env=self.env(), stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
        )
        try:
            output, _ = await asyncio.wait_for(process.communicate(), timeout)
        except TimeoutError:
            process.kill()
            await process.wait()
            raise AssertionError(f"`python -m bot {' '.join(args)}` did not finish within {timeout}s\n{self.log_tail()}") from None
        text = output.decode(errors="replace")
        with self.log_path.open("a", encoding="utf-8") as log:
            log.write(text)
        assert process.returncode is not None
        return process.returncode, text

    async def sync(self) -> None:
        """`python -m bot sync`: registers the bot's commands with the fake."""
        code, output = await self.run_cli("sync")
        if code != 0:
            tail = "\n".join(output.splitlines()[-60:])
            raise AssertionError(f"`python -m bot sync` exited with {code} (full output in {self.log_path}):\n{tail}")

    async def start(self, timeout: float = 10.0) -> None:
        """Start `python -m bot run` and wait until it has IDENTIFYed and been sent READY."""
        if self.running:
            raise RuntimeError("the bot is already running")
        expected_identifies = self.fake.identify_count + 1
        self._log_header("python -m bot run")
        with self.log_path.open("ab") as log:
            self.process = await asyncio.create_subprocess_exec(
                sys.executable, "-m", self.module, "run", cwd=REPO_ROOT, env=self.env(), stdout=log, stderr=log,
            )
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while self.fake.identify_count < expected_identifies:
            if self.process.returncode is not None:
                raise AssertionError(f"the bot exited with {self.process.returncode} before READY:\n{self.log_tail()}")
            if loop.time() > deadline:
                raise AssertionError(f"the bot did not IDENTIFY within {timeout}s:\n{self.log_tail()}")
            await asyncio.sleep(0.01)

    async def kill(self) -> None:
        """SIGKILL: no shutdown hooks run, as in a crash or OOM kill."""
        if self.running:
            assert self.process is not None
            self.process.kill()
            await self.process.wait()

    def pause(self) -> None:
        """SIGSTOP: the process keeps its connections but runs nothing until `resume`."""
        assert self.process is not None and self.running
        self.process.send_signal(signal.SIGSTOP)

    def resume(self) -> None:
        assert self.process is not None and self.running
        self.process.send_signal(signal.SIGCONT)

    async def stop(self, timeout: float = 5.0) -> int | None:
        """SIGTERM and wait for a graceful exit (SIGKILL after `timeout`); returns the exit code."""
        if not self.running:
            return None if self.process is None else self.process.returncode
        assert self.process is not None
        self.process.send_signal(signal.SIGTERM)
        try:
            return await asyncio.wait_for(self.process.wait(), timeout)
        except TimeoutError:
            await self.kill()
            raise AssertionError(f"the bot ignored SIGTERM for {timeout}s:\n{self.log_tail()}") from None

    async def wait_for_log(self, text: str, timeout: float = 5.0) -> None:
        """Wait until `text` shows up in the bot's output (e.g. a line logged from `on_ready`)."""
        await self.fake.wait_until(lambda: text in self.log_text(), timeout, f"{text!r} in the bot log")

    def log_text(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace") if self.log_path.exists() else ""

    def log_tail(self, lines: int = 200) -> str:
        return "\n".join(self.log_text().splitlines()[-lines:])

    def assert_token_kept_secret(self) -> None:
        """The token appears neither in the bot's output nor in anything it sent to Discord but the
        Authorization header: message bodies, files, query strings, paths."""
        token = self.fake.token
        if token in self.log_text():
            raise AssertionError(f"the bot token appears in the bot's output ({self.log_path})")
        for request in self.fake.requests:
            sent = [request.path, json.dumps(request.query), json.dumps(request.json, default=str)]
            sent += [file.data.decode(errors="replace") for file in request.files]
            if any(token in part for part in sent):
                raise AssertionError(f"the bot token was sent in {request.route}")
