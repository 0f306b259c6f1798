"""Sold out (86) from a kitchen display's all-day list, seen greyed on a kiosk at once, and back again."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.support.browser import screenshot
from tests.support.devices import order_data
from tests.support.hub_process import OWNER, OWNER_PASSWORD
from tests.support.store_stack import COUNTER, running_store

PORTRAIT = {"width": 1080, "height": 1920}
SOLD = re.compile(r"\bsold\b")


def cappuccino_tile(kiosk_page):
    return kiosk_page.locator("#grid .tile[data-sku='CAPPUCCINO']")


def test_86_from_the_kitchen_display_greys_the_item_on_the_kiosk_and_a_tap_brings_it_back(hub, screens, open_display,
                                                                                              kiosk):
    kiosk_page = screens.open(hub, "/kiosk/kiosk-9", "kiosk", PORTRAIT, device_id="kiosk-9", touch=True)
    expect(kiosk_page.locator("body")).to_have_attribute("data-link", "live")
    kiosk_page.locator("#start").click()
    kiosk_page.locator(".mode-choice[data-mode='takeaway']").click()
    kiosk_page.locator(".cat[data-cat='coffee']").click()
    expect(cappuccino_tile(kiosk_page)).not_to_have_class(SOLD)

    bar = open_display("/displays/kds/bar")
    kiosk.submit(order_data(lines=[{"sku": "CAPPUCCINO", "qty": 2}]))
    assert kiosk.reply()["type"] == "order.accepted"
    row = bar.locator("#allday .allday-item[data-sku='CAPPUCCINO']")
    expect(row).to_contain_text("Cappuccino")
    expect(row.locator(".mark")).to_have_text("")

    row.click()  # one tap: sold out
    expect(row).to_have_class(re.compile(r"\bsold-out\b"))
    expect(row.locator(".mark")).to_have_text("86")
    expect(bar.locator("#notice")).to_contain_text("Cappuccino is sold out (86)")
    expect(cappuccino_tile(kiosk_page)).to_have_class(SOLD)
    expect(cappuccino_tile(kiosk_page).locator(".sold-badge")).to_have_text("Sold out")
    screenshot(bar, "kds-86-all-day")
    screenshot(kiosk_page, "kiosk-86-from-kitchen")
    status, availability = hub.api("GET", "/api/v1/availability")
    assert status == 200 and "CAPPUCCINO" in availability["by_hand"]

    bar.locator(".card .bump").click()  # the ticket is done; the sold-out item stays on the list to bring it back
    expect(bar.locator(".card")).to_have_count(0)
    expect(row.locator(".qty")).to_have_text("0")
    expect(row.locator(".mark")).to_have_text("86")

    row.click()  # one tap: back on sale
    expect(bar.locator("#notice")).to_contain_text("Cappuccino is back on sale")
    expect(cappuccino_tile(kiosk_page)).not_to_have_class(SOLD)
    expect(bar.locator("#allday .allday-item")).to_have_count(0)
    assert "CAPPUCCINO" not in hub.api("GET", "/api/v1/availability")[1]["by_hand"]


def test_86_from_the_counter_is_one_tap_on_the_tile_in_86_mode_and_one_tap_brings_it_back(browser, tmp_path):
    with running_store(tmp_path) as store:
        context = browser.new_context(viewport={"width": 1366, "height": 768})
        try:
            store.hub.enrol_screen(context, COUNTER, "counter")
            page = context.new_page()
            page.goto(f"{store.hub.base_url}/counter/{COUNTER}")
            expect(page.locator("#link")).to_have_attribute("data-state", "live")
            page.keyboard.type("1111")  # Sam, a cashier
            page.keyboard.press("Enter")
            expect(page.locator("#screen-sale")).to_be_visible()
            cola = page.locator(".tile[data-sku='COLA']")
            expect(cola).to_be_enabled()

            page.locator("#btn-86").click()
            expect(page.locator("#btn-86")).to_have_attribute("aria-pressed", "true")
            cola.click()  # one tap: sold out
            expect(cola.locator(".tile-out")).to_have_text("sold out")
            expect(page.locator("#notice")).to_contain_text("Cola 0.33 l is sold out (86)")
            assert "COLA" in store.call("GET", "/api/v1/availability")["by_hand"]
            screenshot(page, "counter-86-mode")

            cola.click()  # one tap: back on sale
            expect(cola.locator(".tile-out")).to_have_count(0)
            assert "COLA" not in store.call("GET", "/api/v1/availability")["sold_out"]
            page.locator("#btn-86").click()  # out of 86 mode a tap sells again
            cola.click()
            expect(page.locator("#lines .line[data-sku='COLA']")).to_have_count(1)
        finally:
            context.close()


def test_86_from_the_back_office_greys_the_kiosk_and_one_tap_brings_it_back(browser, hub, screens):
    kiosk_page = screens.open(hub, "/kiosk/kiosk-9", "kiosk", PORTRAIT, device_id="kiosk-9", touch=True)
    expect(kiosk_page.locator("body")).to_have_attribute("data-link", "live")
    kiosk_page.locator("#start").click()
    kiosk_page.locator(".mode-choice[data-mode='takeaway']").click()
    kiosk_page.locator(".cat[data-cat='coffee']").click()
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        page = context.new_page()
        page.goto(f"{hub.base_url}/admin/menu")
        page.locator("#username").fill(OWNER)
        page.locator("#password").fill(OWNER_PASSWORD)
        page.locator("#go").click()
        row = page.locator("#item-CAPPUCCINO")
        expect(row.locator(".state")).to_have_text("On sale")
        row.locator("button").click()  # one tap: sold out
        expect(page.locator("#note")).to_have_text("Cappuccino is sold out (86).")
        expect(row.locator(".state")).to_have_text("Sold out (86)")
        expect(cappuccino_tile(kiosk_page)).to_have_class(SOLD)
        screenshot(page, "back-office-86")
        row.locator("button").click()  # one tap: back on sale
        expect(row.locator(".state")).to_have_text("On sale")
        expect(cappuccino_tile(kiosk_page)).not_to_have_class(SOLD)
    finally:
        context.close()
