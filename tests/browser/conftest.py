"""Browser journeys: the real app served by uvicorn in a subprocess on the tests' database, driven by
Debian's headless Chromium through Playwright (no browser download)."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest
from playwright.async_api import Browser, Page, async_playwright

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_FOUND = Path(CHROMIUM).exists()
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="session")
def live_server() -> Iterator[str]:
    port = _free_port()
    env = dict(os.environ)
    process = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "app:create_app", "--factory", "--host", "127.0.0.1", "--port", str(port),
         "--log-level", "warning"],
        env=env, cwd=Path(__file__).resolve().parents[2],
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{url}/health", timeout=1).status_code == 200:
                break
        except httpx.HTTPError:
            time.sleep(0.2)
    else:
        process.kill()
        raise RuntimeError("the app did not start")
    yield url
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture(scope="session")
async def browser() -> AsyncIterator[Browser]:
    if not CHROMIUM_FOUND:
        pytest.fail("Chromium is not installed (apt-get install chromium; `make test` does it).")
    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        await launched.close()


@pytest.fixture
async def page(browser: Browser, live_server: str) -> AsyncIterator[Page]:
    context = await browser.new_context(base_url=live_server, viewport={"width": 1200, "height": 900})
    new_page = await context.new_page()
    refused: list[str] = []
    new_page.on("console", lambda message: refused.append(message.text)
                if "Content Security Policy" in message.text else None)
    yield new_page
    await context.close()
    assert not refused, f"the pages broke their own content security policy: {refused}"
