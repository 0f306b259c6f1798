"""Browser tests: the real hub under gunicorn with the Mosquitto it supervises, and Debian's Chromium."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect, sync_playwright

from hub.contracts import topics
from tests.support.browser import PairedScreens, expect_display_live, launch_chromium
from tests.support.devices import TestDevice
from tests.support.hub_process import running_hub
from tests.support.store_stack import running_store

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
    with running_hub(tmp_path / "hub", log_tail_chars=LOG_TAIL_CHARS) as process:
        yield process


@pytest.fixture
def kiosk(hub):
    """A kiosk on the hub's broker that also hears the `ready` broadcast."""
    device = TestDevice(hub.device_url, hub.store, "kiosk-1",
                        extra_topics=(topics.broadcast(hub.store, "ready"),))
    yield device
    device.close()


@pytest.fixture
def screens(browser):
    """Pages paired as screens, each in its own browser context; closed after the test."""
    screens = PairedScreens(browser)
    yield screens
    screens.close()


@pytest.fixture
def open_display(screens, hub):
    """Open display pages, each in its own browser context (its own network), once they are live."""

    def open_page(path: str):
        role = "board" if path.rstrip("/").endswith("/board") else "display"
        page = screens.open(hub, path, role, {"width": 1280, "height": 800})
        expect_display_live(page)
        return page

    return open_page


@pytest.fixture(scope="module")
def store_stack(request, tmp_path_factory):
    """A whole store per test module: hub, kitchen printer, kiosk-1 and counter-1 with their receipt printer,
    drawer and card terminal, their agents, and the demo staff. A module sets FRONTDESK_TOML to change the
    kiosk's and counter's settings (frontdesk.toml)."""
    with running_store(tmp_path_factory.mktemp("store"), getattr(request.module, "FRONTDESK_TOML", "")) as stack:
        yield stack
