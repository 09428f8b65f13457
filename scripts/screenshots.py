"""Screenshots of the main pages for the README: serves the demo force (temporary CSAS_VAR_DIR) unless --url
is given, signs in as each demo user in headless Chromium and saves 1280-wide PNGs to docs/screenshots/ (and the
public card check at 375 px).

    .venv/bin/python scripts/screenshots.py [--url http://127.0.0.1:8123] [--out docs/screenshots]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
from playwright.async_api import Page, async_playwright

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]

# (user, path, file name[, width]); None user: signed out. CARD_CHECK stands for the demo card's public check,
# whose address `csas serve` prints at start-up (taken at a phone's width, as the public would see it).
CARD_CHECK = "{card_check}"
SHOTS: list[tuple[str | None, str, str] | tuple[str | None, str, str, int]] = [
    (None, "/", "sign-in.png"),
    ("officer", "/me", "officer-my-record.png"),
    ("manager", "/team", "manager-team-readiness.png"),
    ("manager", "/team/calendar", "manager-expiry-calendar.png"),
    ("vetting", "/vetting", "vetting-queue.png"),
    ("coordinator", "/forecast", "coordinator-forecast.png"),
    ("admin", "/admin/policy", "admin-policy.png"),
    ("coordinator", "/officers", "coordinator-officers.png"),
    ("coordinator", "/downloads", "coordinator-downloads.png"),
    ("hr", "/officers/new", "hr-add-officer.png"),
    ("manager", "/team/next-steps", "manager-next-steps.png"),
    ("coordinator", "/capacity", "coordinator-capacity.png"),
    (None, CARD_CHECK, "public-card-check.png", 375),
]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def serve_demo(var_dir: str) -> tuple[subprocess.Popen[bytes], str, str | None]:
    """The demo served from `var_dir`: the process, its address and the card check it printed (None if none)."""
    env = dict(os.environ, CSAS_VAR_DIR=var_dir, CSAS_DEMO="on", CSAS_SCHEDULER="off")
    csas = [str(Path(sys.executable).parent / "csas")]
    subprocess.run([*csas, "migrate"], env=env, cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    port = _free_port()
    said = Path(var_dir) / "serve.out"
    with said.open("wb") as out:
        process = subprocess.Popen([*csas, "serve", "--port", str(port)], env=env, cwd=ROOT,
                                   stdout=out, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{url}/health", timeout=1).status_code == 200:
                time.sleep(1)  # the start-up lines follow the first answer closely
                checks = [line.rsplit(" ", 1)[-1] for line in said.read_text().splitlines() if "ID card" in line]
                return process, url, checks[0] if checks else None
        except httpx.HTTPError:
            time.sleep(0.3)
    process.kill()
    raise RuntimeError("the demo did not start")


async def sign_in(page: Page, user: str) -> None:
    await page.goto("/")
    await page.get_by_label("Username").fill(user)
    await page.get_by_label("Password").fill(f"{user}-demo-2026")
    await page.get_by_role("button", name="Sign in").click()
    await page.wait_for_load_state()


async def take(url: str, out: Path, card_check: str | None = None) -> list[Path]:
    saved = []
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        for user, path, name, *width in SHOTS:
            if path == CARD_CHECK:
                if card_check is None:
                    continue
                path = card_check.removeprefix(url)
            context = await browser.new_context(base_url=url, viewport={"width": (width or [1280])[0],
                                                                        "height": 900})
            page = await context.new_page()
            if user:
                await sign_in(page, user)
            response = await page.goto(path)
            if response is None or response.status != 200:
                raise RuntimeError(f"{path} as {user}: {response.status if response else 'no response'}")
            target = out / name
            await page.screenshot(path=str(target), full_page=True)
            saved.append(target)
            await context.close()
        await browser.close()
    return saved


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", help="a running demo to photograph (default: serve one)")
    parser.add_argument("--out", default=str(ROOT / "docs" / "screenshots"))
    args = parser.parse_args()
    Path(args.out).mkdir(parents=True, exist_ok=True)
    if args.url:
        saved = asyncio.run(take(args.url, Path(args.out)))
    else:
        with tempfile.TemporaryDirectory(prefix="csas-shots-") as var_dir:
            process, url, card_check = serve_demo(var_dir)
            try:
                saved = asyncio.run(take(url, Path(args.out), card_check))
            finally:
                process.terminate()
                process.wait(timeout=10)
    for path in saved:
        print(path)


if __name__ == "__main__":
    main()
