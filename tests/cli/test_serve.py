"""`csas serve` as a person starts it: it says where it is serving (the real port, even for --port 0), and a port
already taken is one clear line and a failing exit code, not tracebacks."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from cli import served_address
from tests.cli.test_cli import csas
from tests.factories import World

SERVING = re.compile(r"CSAS Register is serving at (http://127\.0\.0\.1:(\d+)/)")


@pytest.fixture
def server() -> Iterator[subprocess.Popen[str]]:
    command = [sys.executable, "-c", "from cli import main; main()", "serve", "--port", "0"]
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                          env=os.environ.copy()) as process:
        try:
            yield process
        finally:
            process.send_signal(signal.SIGINT)
            try:
                process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


async def test_serve_names_the_address_it_actually_serves(world: World, server: subprocess.Popen[str]) -> None:
    assert server.stdout is not None
    seen = []
    for line in server.stdout:  # ends when the server exits; it only exits here if start-up failed
        seen.append(line)
        if found := SERVING.search(line):
            break
    else:
        pytest.fail("".join(seen))
    address, port = found.group(1), int(found.group(2))
    assert port != 0
    async with httpx.AsyncClient() as client:
        health = await client.get(address + "health")
        signin = await client.get(address)
    assert health.status_code == 200
    assert signin.status_code == 200 and "Sign in" in signin.text


def test_a_port_in_use_is_one_clear_line() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = csas("serve", "--port", str(port))
    assert result.returncode == 1
    assert result.stderr == f"Port {port} is in use: stop the other server or choose another with --port.\n"
    assert "Traceback" not in result.stdout


@pytest.mark.parametrize(("host", "address"), [
    ("127.0.0.1", "http://127.0.0.1:8123/"), ("0.0.0.0", "http://localhost:8123/"), ("::", "http://localhost:8123/"),
    ("::1", "http://[::1]:8123/"), ("register.example", "http://register.example:8123/"),
])
def test_the_address_is_one_a_browser_can_open(host: str, address: str) -> None:
    assert served_address(host, 8123) == address


CARD_CHECK = re.compile(r"Check a demo officer's ID card \(what its QR code opens\): (\S+)")


def test_the_demo_prints_a_card_check_at_the_address_it_serves(tmp_path: Path) -> None:
    """Issue 20: `make run` (demo mode) says where to try the public card check; with CSAS_PUBLIC_URL unset, the
    address is the one served, and it answers that the officer is accredited."""
    env = {key: value for key, value in os.environ.items() if key not in ("CSAS_PUBLIC_URL", "DATABASE_URL")}
    env |= {"CSAS_DEMO": "on", "CSAS_VAR_DIR": str(tmp_path), "CSAS_SCHEDULER": "off"}
    migrated = subprocess.run([sys.executable, "-c", "from cli import main; main()", "migrate"], env=env,
                              capture_output=True, text=True, timeout=300)
    assert migrated.returncode == 0, migrated.stderr
    command = [sys.executable, "-c", "from cli import main; main()", "serve", "--port", "0"]
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env) as process:
        try:
            assert process.stdout is not None
            seen, served = [], None
            for line in process.stdout:
                seen.append(line)
                if found := SERVING.search(line):
                    served = found.group(1)
                if found := CARD_CHECK.search(line):
                    break
            else:
                pytest.fail("".join(seen))
            url = found.group(1)
            assert served is not None and url.startswith(served + "verify/")
            answer = httpx.get(url, headers={"Accept": "application/json"}, trust_env=False)
            assert answer.status_code == 200 and answer.json()["accredited_today"] is True
        finally:
            process.send_signal(signal.SIGINT)
            try:
                process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
