"""Runs the vendored axe-core on the page and fails on any serious or critical violation."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from playwright.async_api import Page

AXE = Path(__file__).resolve().parent / "vendor" / "axe.min.js"
AXE_SOURCE = AXE.read_text(encoding="utf-8")
BLOCKING = {"serious", "critical"}

RUN = """async () => {
  const result = await axe.run(document, {resultTypes: ['violations']});
  return result.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                                      nodes: v.nodes.slice(0, 5).map(n => n.target.join(' '))}));
}"""


async def assert_accessible(page: Page) -> list[dict[str, Any]]:
    """Returns the minor violations (if any) so a test may look at them; fails on serious ones."""
    if not await page.evaluate("typeof window.axe !== 'undefined'"):
        # Evaluated through the DevTools protocol: the page's CSP (no inline script) rightly refuses a <script> tag.
        await page.evaluate(AXE_SOURCE)
    violations: list[dict[str, Any]] = await page.evaluate(RUN)
    serious = [v for v in violations if v["impact"] in BLOCKING]
    assert not serious, f"axe-core on {page.url}: {serious}"
    return violations
