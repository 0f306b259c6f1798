"""Debian's Chromium driven by Playwright: never a downloaded browser."""

from __future__ import annotations

import re
from pathlib import Path

from playwright.sync_api import expect

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
SCREENSHOTS = Path(__file__).resolve().parents[1] / "e2e" / "screenshots"


def launch_chromium(playwright):
    """Start the system Chromium headless, or fail naming what is missing."""
    if not Path(CHROMIUM).exists():
        raise RuntimeError(f"{CHROMIUM} is missing: apt-get install chromium")
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)


def screenshot(page, name: str) -> Path:
    """Save a screenshot of the page for review under tests/e2e/screenshots/ and return its path."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    print(f"screenshot: {path}")
    return path


class PairedScreens:
    """Pages of a hub, each in its own browser context (its own network and cookies) paired as a screen of a role."""

    def __init__(self, browser) -> None:
        self._browser = browser
        self._contexts: list = []

    def open(self, hub, path: str, role: str, viewport: dict, *, device_id: str | None = None, touch: bool = False):
        """Pair a new context as `device_id` (`<role>-<n>` by default), open the path in it and return the page."""
        context = self._browser.new_context(viewport=viewport, has_touch=touch)
        self._contexts.append(context)
        hub.enrol_screen(context, device_id or f"{role}-{len(self._contexts)}", role)
        page = context.new_page()
        page.goto(f"{hub.base_url}{path}")
        return page

    def close(self) -> None:
        """Close every context opened."""
        for context in self._contexts:
            context.close()


def expect_display_live(page) -> None:
    """Wait until a display page is live and has its numbered snapshot."""
    expect(page.locator("#link")).to_have_attribute("data-state", "live")
    expect(page.locator("body")).to_have_attribute("data-seq", re.compile(r"^\d+$"))


def hand_over(browser, store, number: str) -> None:
    """Bump the order at the bar and hand it over at expo, as the kitchen would (a bar display enrolled for it)."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    store.hub.enrol_screen(context, "bar-display", "display")
    try:
        bar = context.new_page()
        bar.goto(f"{store.hub.base_url}/displays/kds/bar")
        bar.locator(f".card[data-number='{number}'] .bump").click()
        expo = context.new_page()
        expo.goto(f"{store.hub.base_url}/displays/expo")
        expo.locator(f"tr[data-number='{number}'] .expo-bump").click()
        expo.locator(f"tr[data-number='{number}'] .hand-over").click()
    finally:
        context.close()
