"""A price changed at headquarters shows on a kiosk that is already open, without a reload (issue 13)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.support.hq_server import HqServer, a_small_menu
from tests.support.hub_process import HubProcess

PORTRAIT = {"width": 1080, "height": 1920}


@pytest.fixture
def linked_hub(tmp_path):
    """HQ with a small menu, and the hub as a store runs it, linked to HQ."""
    hq = HqServer(tmp_path / "hq")
    hq.start()
    hub = HubProcess(tmp_path / "hub", store="test")
    hub.prepare()
    hub.passline("cloud", "link", hq.url, hq.enrolment_code("test"))
    a_small_menu(hq)
    hub.start()
    yield hub, hq
    hub.stop()
    hq.stop()


def test_an_open_kiosk_shows_hqs_new_price(browser, linked_hub):
    hub, hq = linked_hub
    context = browser.new_context(viewport=PORTRAIT, has_touch=True)
    try:
        hub.enrol_screen(context, "kiosk-1", "kiosk")
        page = context.new_page()
        page.goto(f"{hub.base_url}/kiosk/kiosk-1")
        expect(page.locator("body")).to_have_attribute("data-link", "live")
        page.locator("#start").click()
        page.locator(".mode-choice[data-mode='takeaway']").click()
        latte = page.locator("#grid .tile[data-sku='LATTE'] .tile-price")
        expect(latte).to_have_text("€4.50", timeout=20_000)  # the link's first read of HQ's feeds
        hq.put("prices", {"sku": "LATTE", "price": {"amount": 520, "currency": "EUR"}})
        expect(latte).to_have_text("€5.20", timeout=15_000)  # read every 3 s, then told at once
        expect(page.locator("body")).to_have_attribute("data-screen", "menu")
    finally:
        context.close()
