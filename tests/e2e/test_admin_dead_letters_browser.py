"""Store IT sees on /admin, in words, the device message the hub set aside, and hides it once read."""

from __future__ import annotations

import sqlite3

from playwright.sync_api import expect

from tests.support.browser import screenshot
from tests.support.devices import TestDevice, order_data
from tests.support.hub_process import OWNER, OWNER_PASSWORD


def test_a_parked_order_is_listed_on_admin_with_its_reason_and_store_it_hides_it(browser, hub):
    refused = order_data()
    with sqlite3.connect(hub.data_dir / "passline.db") as db:  # a constraint only this order breaks, on every try
        db.execute(f"CREATE TRIGGER one_bad BEFORE INSERT ON orders WHEN NEW.order_id = '{refused['order_id']}' "
                   "BEGIN SELECT RAISE(ABORT, 'order violates the test constraint'); END")
    kiosk = TestDevice(hub.device_url, hub.store, "kiosk-1")
    try:
        bad = kiosk.submit(refused)
        good = kiosk.submit(order_data())
        first, second = kiosk.reply(timeout=30), kiosk.reply(timeout=30)  # five tries a second apart
    finally:
        kiosk.close()
    assert (first["re"], first["data"]["code"]) == (bad["id"], "internal")
    assert (second["re"], second["type"]) == (good["id"], "order.accepted")

    context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        signed_in = context.request.post(f"{hub.base_url}/api/v1/sessions",
                                         data={"username": OWNER, "password": OWNER_PASSWORD})
        assert signed_in.ok, signed_in.text()
        page = context.new_page()
        page.goto(f"{hub.base_url}/admin")
        heading = page.get_by_role("heading", name="Device messages the hub could not handle (1)")
        expect(heading).to_be_visible()
        row = page.locator("#dead-letter-list tr").nth(1)
        cells = [cell.inner_text() for cell in row.locator("td").all()]  # as laid out: one line per block
        assert cells[0].endswith(" UTC")
        assert cells[1:4] == ["kiosk-1", f"order\nid {bad['id']}",
                              "the database refused it: IntegrityError: order violates the test constraint\ntried 5 times"]
        box = row.bounding_box()
        assert box and box["width"] <= 1280 and box["x"] >= 0  # the reason wraps inside the page, no sideways scrolling
        screenshot(page, "admin-dead-letters")
        row.get_by_role("button", name="Seen, hide it").click()
        expect(heading).to_have_count(0)
        expect(page.get_by_role("heading", name="Devices", exact=False).first).to_be_visible()
    finally:
        context.close()
    with sqlite3.connect(hub.data_dir / "passline.db") as db:
        assert db.execute("SELECT dismissed_by FROM dead_letters").fetchall() == [(OWNER,)]
