"""What the fault tests share: the real app and the real `csas` command in subprocesses on the tests' database,
a real SMTP server (aiosmtpd) in the test, PostgreSQL's pg_ctl, and bounded polling (never a bare sleep)."""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Awaitable, Callable
from email import policy
from email.parser import BytesParser
from pathlib import Path
from typing import Any, TypeVar

import httpx
from aiosmtpd.controller import Controller

from core.db import is_sqlite

ROOT = Path(__file__).resolve().parents[2]
T = TypeVar("T")

# The sweep the fault tests interrupt: tests/scheduler/scenario.py's team on this day owes six digests.
SWEEP_DAY = dt.date(2025, 7, 5)
SWEEP_RECIPIENTS = frozenset({"jet.manager@reigate.example", *(f"officer{n}@reigate.example" for n in range(1, 6))})


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def eventually(check: Callable[[], Awaitable[T | None]], within: float, what: str) -> T:
    """Polls `check` until it returns something other than None (or False), at most `within` seconds."""
    deadline = time.monotonic() + within
    while True:
        result = await check()
        if result is not None and result is not False:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {within} s waiting for {what}")
        await asyncio.sleep(0.05)


# --- the app under uvicorn ------------------------------------------------------------------------------

class AppServer:
    """The real app (uvicorn, one worker) in a subprocess on the tests' database, scheduler off."""

    def __init__(self, log: Path, **env: str) -> None:
        self.log = log
        self.env = os.environ | {"CSAS_SCHEDULER": "off"} | env
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _launch(self) -> None:
        with self.log.open("ab") as out:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "uvicorn", "app:create_app", "--factory", "--host", "127.0.0.1",
                 "--port", str(self.port), "--log-level", "warning"],
                env=self.env, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT,
            )

    async def start(self, within: float = 30) -> AppServer:
        self._launch()

        async def healthy() -> bool:
            assert self.process is not None and self.process.poll() is None, f"the app exited:\n{self.output()}"
            try:
                async with httpx.AsyncClient(timeout=1) as client:
                    return (await client.get(f"{self.url}/health")).status_code == 200
            except httpx.HTTPError:
                return False

        await eventually(healthy, within, "the app to answer /health")
        return self

    def kill(self) -> int:
        """SIGKILL: no shutdown handlers, no flushing, exactly like a crash or the OOM killer."""
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        return self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)

    def output(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""


# --- the csas command and worker processes ---------------------------------------------------------------

def csas_command(*args: str) -> list[str]:
    return [sys.executable, "-c", "from cli import main; main()", *args]


def worker_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "tests.faults.worker", *args]


def spawn(command: list[str], **env: str) -> subprocess.Popen[str]:
    return subprocess.Popen(command, cwd=ROOT, env=os.environ | env, text=True, stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def run(command: list[str], timeout: float = 60, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, cwd=ROOT, env=os.environ | env, text=True, capture_output=True,
                          timeout=timeout)


# --- a real SMTP server -----------------------------------------------------------------------------------

class Mailbox:
    """aiosmtpd handler: keeps every message it accepts (answered 250). `hold_at` = n makes the n-th DATA wait
    until `release` is set (the test kills the sender meanwhile), then refuse it: a message whose sender died
    before the server's 250 is not delivered."""

    def __init__(self, hold_at: int | None = None, refuse_with: str | None = None) -> None:
        self.accepted: list[Any] = []
        self.data_seen = 0
        self.hold_at = hold_at
        self.refuse_with = refuse_with  # e.g. "451 4.3.0 try again later": every DATA is refused
        self.holding = threading.Event()
        self.release = threading.Event()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.data_seen += 1
        if self.refuse_with is not None:
            return self.refuse_with
        if self.hold_at is not None and self.data_seen == self.hold_at:
            self.holding.set()
            await asyncio.to_thread(self.release.wait, 30)
            return "451 4.3.0 sender went away"
        self.accepted.append(envelope)
        return "250 Message accepted for delivery"

    def messages(self) -> list[Any]:
        return [BytesParser(policy=policy.default).parsebytes(e.content) for e in self.accepted]

    def message_ids(self) -> list[str]:
        return [str(m["Message-ID"]) for m in self.messages()]

    def recipients(self) -> list[str]:
        return [rcpt for e in self.accepted for rcpt in e.rcpt_tos]


class SmtpServer:
    def __init__(self, mailbox: Mailbox | None = None) -> None:
        self.port = free_port()
        self.mailbox = mailbox or Mailbox()
        self._controller: Controller | None = None

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"

    def start(self) -> SmtpServer:
        self._controller = Controller(self.mailbox, hostname="127.0.0.1", port=self.port)
        self._controller.start()
        return self

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None


# --- the database -----------------------------------------------------------------------------------------

async def sqlite_integrity() -> None:
    """SQLite's own checks: the file is sound and every foreign key points at a row."""
    from core.db import get_engine

    if not is_sqlite():
        return
    engine = get_engine()
    assert await engine.run_ddl("PRAGMA integrity_check") == [{"integrity_check": "ok"}]
    assert await engine.run_ddl("PRAGMA foreign_key_check") == []


class PgCluster:
    """The throwaway cluster of scripts/with-postgres.sh, stopped and started with its own pg_ctl."""

    def __init__(self) -> None:
        self.data = os.environ.get("CSAS_TEST_PG_DATA", "")
        self.pg_ctl = os.environ.get("CSAS_TEST_PG_CTL", "")
        self.log = os.environ.get("CSAS_TEST_PG_LOG", "")
        self.options = os.environ.get("CSAS_TEST_PG_OPTIONS", "")

    @property
    def available(self) -> bool:
        return bool(self.data and self.pg_ctl and self.options)

    async def _pg_ctl(self, *args: str) -> None:
        command = [self.pg_ctl, "-D", self.data, "-w", "-t", "30", *args]
        if os.getuid() == 0:  # the script runs the cluster as postgres when started as root
            import shlex

            command = ["su", "postgres", "-s", "/bin/bash", "-c", shlex.join(command)]
        process = await asyncio.create_subprocess_exec(*command, stdout=asyncio.subprocess.PIPE,
                                                       stderr=asyncio.subprocess.PIPE)
        out, err = await asyncio.wait_for(process.communicate(), 60)
        assert process.returncode == 0, f"pg_ctl {args[-1]} failed: {out.decode()} {err.decode()}"

    async def stop(self) -> None:
        await self._pg_ctl("-m", "fast", "stop")

    async def start(self) -> None:
        await self._pg_ctl("-l", self.log, "-o", self.options, "start")
