"""Browser tests: the real hub under gunicorn with the Mosquitto it supervises, and Debian's Chromium."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect, sync_playwright

from hub.contracts import topics
from tests.support.browser import launch_chromium
from tests.support.devices import TestDevice
from tests.support.hub_process import HubProcess
from tests.support.store_stack import StoreStack

LOG_TAIL_CHARS = 3000
expect.set_options(timeout=10_000)


@pytest.fixture(scope="module")
def browser():
    """One Chromium per test module: Playwright's sync API holds an asyncio loop while it runs,
    and later tests that call asyncio.run()  fail if it outlives the module."""
    with sync_playwright() as playwright:
        chromium = launch_chromium(playwright)
        yield chromium
        chromium.close()


@pytest.fixture
def hub(tmp_path):
    """The hub as a store runs it: `passline serve`, its supervised Mosquitto, demo catalog."""
    process = HubProcess(tmp_path / "hub")
    process.prepare()
    process.start()
    yield process
    process.stop()
    print(f"--- hub log (tail) ---\n{process.log()[-LOG_TAIL_CHARS:]}")


@pytest.fixture
def kiosk(hub):
    """A kiosk on the hub's broker that also hears the `ready` broadcast."""
    device = TestDevice(hub.device_url, hub.store, "kiosk-1",
                        extra_topics=(topics.broadcast(hub.store, "ready"),))
    yield device
    device.close()


@pytest.fixture
def open_display(browser, hub):
    """Open display pages, each in its own browser context (its own network), once they are live."""
    contexts = []

    def open_page(path: str):
        context = browser.new_context(viewport={"width": 1280, "height": 800})
        contexts.append(context)
        role = "board" if path.rstrip("/").endswith("/board") else "display"
        hub.enrol_screen(context, f"{role}-{len(contexts)}", role)
        page = context.new_page()
        page.goto(f"{hub.base_url}{path}")
        expect(page.locator("#link")).to_have_attribute("data-state", "live")
        expect(page.locator("body")).to_have_attribute("data-seq", re.compile(r"^\d+$"))
        return page

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture(scope="module")
def store_stack(request, tmp_path_factory):
    """A whole store per test module: hub, kitchen printer, kiosk-1 and counter-1 with their receipt printer,
    drawer and card terminal, their agents, and the demo staff. A module sets FRONTDESK_TOML to change the
    kiosk's and counter's settings (frontdesk.toml)."""
    stack = StoreStack(tmp_path_factory.mktemp("store"), getattr(request.module, "FRONTDESK_TOML", ""))
    try:
        stack.start()
    except Exception:
        print(stack.logs() if hasattr(stack, "hub") else "")
        stack.stop() if hasattr(stack, "kitchen_printer") else None
        raise
    yield stack
    stack.stop()
    print(stack.logs())
