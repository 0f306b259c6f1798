"""Pick-pack in Chromium: a retail pickup order sent over MQTT is picked by bin, short-picked, packed and handed over."""

from __future__ import annotations

import json
import queue

from playwright.sync_api import expect

from tests.support.browser import screenshot
from tests.support.devices import order_data

MUG_GTIN = "4001234000039"
HOUSE_GTIN = "4001234000015"


def price(hub, lines: list[dict]) -> str:
    """Return the basket's total as the pick list writes it, priced by POST /api/v1/baskets/price."""
    status, answer = hub.api("POST", "/api/v1/baskets/price", {"channel": "kiosk", "lines": lines})
    assert status == 200, answer
    total = answer["total"]
    return f"{total['amount'] / 100:.2f} {total['currency']}"


def wedge_scan(page, code: str) -> None:
    """Type a barcode and Enter key by key, as a keyboard-wedge scanner does."""
    page.keyboard.type(code, delay=5)
    page.keyboard.press("Enter")


def ready_broadcast(kiosk) -> dict:
    while True:
        try:
            topic, payload = kiosk.received.get(timeout=10)
        except queue.Empty:
            raise AssertionError("no ready broadcast within 10 s") from None
        if topic.endswith("/broadcast/ready"):
            return json.loads(payload)["data"]


def test_a_pickup_order_is_picked_by_bin_short_picked_packed_and_handed_over(open_display, kiosk, hub):
    pick = open_display("/displays/pick/pick-a")
    board = open_display("/displays/board")
    expo = open_display("/displays/expo")
    lines = [{"sku": "MUG-PASSLINE", "qty": 2}, {"sku": "BEANS-DECAF-250", "qty": 1}, {"sku": "BEANS-HOUSE-250", "qty": 1}]
    kiosk.submit(order_data(fulfilment="pickup", lines=lines))
    reply = kiosk.reply()
    assert reply["type"] == "order.accepted", reply
    number = reply["data"]["number"]
    card = pick.locator(f".card[data-number='{number}']")
    expect(card.locator(".bin-name")).to_have_text(["Bin A-03", "Bin A-12"])  # walking order
    expect(card.locator(".item .name")).to_have_text(["Decaf beans 250 g", "House blend beans 250 g", "Passline mug"])
    expect(card.locator(".total")).to_have_text(price(hub, lines))
    expect(pick.locator("#walk li")).to_have_count(3)

    mug = card.locator(".item[data-sku='MUG-PASSLINE']")
    wedge_scan(pick, MUG_GTIN)
    expect(mug.locator(".qty")).to_have_text("1/2")  # a line of two needs two scans
    wedge_scan(pick, MUG_GTIN)
    expect(mug.locator(".qty")).to_have_text("2/2")
    expect(mug).to_have_class("item picked bumped")
    wedge_scan(pick, "4006381333931")
    expect(pick.locator("#notice")).to_contain_text("4006381333931: it is not on this pick list")
    wedge_scan(pick, HOUSE_GTIN)
    expect(card.locator(".item[data-sku='BEANS-HOUSE-250'] .qty")).to_have_text("1/1")
    expect(card.locator(".pack")).to_be_disabled()

    card.locator(".item[data-sku='BEANS-DECAF-250'] .short").click()
    card.locator(".short-panel .remove").click()
    expect(card.locator(".changed-banner")).to_have_text("CHANGED: removed 1× Decaf beans 250 g (not found)")
    expect(card.locator(".total")).to_have_text(price(hub, [lines[0], lines[2]]))
    expect(card.locator(".item .name")).to_have_text(["House blend beans 250 g", "Passline mug"])
    expect(pick.locator("#walk li")).to_have_count(0)
    expect(expo.locator(f"tr.changed[data-number='{number}'] .change-note")).to_contain_text("removed 1× Decaf beans")
    screenshot(pick, "pick-a-short-picked")

    card.locator(".pack").click()
    expect(card.locator(".packed-mark")).to_have_text("PACKED")
    expect(board.locator("#preparing .num")).to_have_text([number])
    card.locator(".ready-btn").click()
    expect(board.locator("#ready .num")).to_have_text([number])
    assert ready_broadcast(kiosk)["number"] == number
    expect(card.locator(".ready-mark")).to_have_text("READY FOR PICKUP")
    screenshot(pick, "pick-a-ready")
    card.locator(".hand-over").click()
    expect(pick.locator(".card")).to_have_count(0)
    expect(board.locator("#ready .num")).to_have_count(0)
