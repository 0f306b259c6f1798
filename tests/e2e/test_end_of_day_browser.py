"""A manager closes the day in the back office: a drawer 30 cents short, a card terminal that took a payment the
hub never saw, an open order carried over; the Z report on screen, on the counter's printer and as a PDF."""

from __future__ import annotations


from playwright.sync_api import expect

from tests.support.browser import hand_over, screenshot
from tests.support.devices import order_data
from tests.support.hub_process import OWNER, OWNER_PASSWORD
from tests.support.waiting import eventually

SCREEN = {"width": 1280, "height": 900}


def place(store, origin: str, lines: list[dict]) -> dict:
    data = order_data(origin=origin, lines=lines)
    reply = store.call("POST", "/api/v1/orders", data)
    return {"order_id": data["order_id"], "number": reply["number"]}


def test_a_manager_closes_a_day_with_a_cash_difference_and_a_card_total_mismatch(browser, store_stack):
    store = store_stack
    espressos = place(store, "counter", [{"sku": "ESPRESSO", "qty": 2}])  # 5.00 paid with 10.00: 5.00 change
    store.call("POST", f"/api/v1/orders/{espressos['order_id']}/tenders",
               {"kind": "cash", "amount": 1000, "device_id": "counter-1"})
    cola = place(store, "kiosk", [{"sku": "COLA", "qty": 1}])  # 3.20 by card at the kiosk's terminal
    payment = store.call("POST", f"/api/v1/orders/{cola['order_id']}/payments", {"device_id": "kiosk-1"})
    eventually(lambda: store.call("GET", f"/api/v1/payments/{payment['payment_id']}")["state"] == "approved",
               "the card payment approved")
    latte = place(store, "phone", [{"sku": "LATTE-M", "qty": 1}])  # still open at the end of the day
    for order in (espressos, cola):
        hand_over(browser, store, order["number"])
        eventually(lambda: store.call("GET", f"/api/v1/orders/{order['order_id']}")["status"] == "completed",
                   f"order {order['number']} handed over")
    store.tills["kiosk-1"].terminal.charge_by_hand(250)  # keyed on the terminal by hand: the hub never hears of it
    store.call("POST", "/api/v1/drawers/counter-1/moves", {"kind": "paid_out", "amount": 320, "reason": "milk from the shop"})

    context = browser.new_context(viewport=SCREEN)
    try:
        assert context.request.post(f"{store.hub.base_url}/api/v1/sessions",
                                    data={"username": OWNER, "password": OWNER_PASSWORD}).ok
        page = context.new_page()
        page.goto(f"{store.hub.base_url}/admin/day")
        expect(page.locator("#day-title")).to_contain_text("End of the day")
        float_form = page.locator("#float-form")
        float_form.locator("input[name=amount]").fill("100,00")
        float_form.get_by_role("button").click()
        drawer = page.locator("#drawers tr[data-drawer='counter-1']")
        # 100.00 float + 10.00 handed over - 5.00 change - 3.20 paid out = 101.80
        expect(drawer).to_contain_text("€101.80")
        expect(page.locator("#blockers")).to_contain_text(f"order {latte['number']} is still accepted")

        count = page.locator("#count-form")
        for denomination, pieces in (("10000", "1"), ("100", "1"), ("50", "1")):  # 101.50: 30 cents short
            count.locator(f"input[data-denomination='{denomination}']").fill(pieces)
        count.locator("input[name=pin]").fill("9999")
        count.get_by_role("button", name="Save the count").click()
        expect(page.locator("#problem")).to_contain_text("reason: the count (10150) differs")
        count.locator("input[name=reason]").fill("30 cents short: change given wrongly")
        count.get_by_role("button", name="Save the count").click()
        expect(drawer).to_contain_text("-€0.30")
        expect(drawer).to_contain_text("Morgan")

        page.locator(f"input.carry-reason[data-order='{latte['order_id']}']").fill("the customer collects it tomorrow")
        page.locator(f"button.carry[data-order='{latte['order_id']}']").click()
        expect(page.locator("#carried")).to_contain_text("the customer collects it tomorrow")

        page.get_by_role("button", name="Read the terminals' totals").click()
        kiosk_terminal = page.locator("#cards tr", has_text="kiosk-1-agent/terminal")
        eventually(lambda: (page.reload() or True) and "(read)" in kiosk_terminal.inner_text(), "the terminal read", 30)
        # the hub saw 3.20 by card; the terminal's batch holds 3.20 + 2.50 keyed by hand
        expect(kiosk_terminal).to_contain_text("€3.20")
        expect(kiosk_terminal).to_contain_text("€5.70")
        expect(kiosk_terminal).to_contain_text("does not match")
        expect(page.locator("#cards tr", has_text="counter-1-agent/terminal")).to_contain_text("matches")
        screenshot(page, "end-of-day-before-close")

        close = page.locator("#close-form")
        close.locator("input[name=pin]").fill("1111")  # the cashier's PIN cannot sign off
        close.get_by_role("button", name="Close the day").click()
        expect(page.locator("#problem")).to_contain_text("Sam is a cashier: a day_close needs a manager's PIN")
        close.locator("input[name=pin]").fill("9999")
        close.get_by_role("button", name="Close the day").click()
        expect(page.locator("#day-title")).to_contain_text("Closed, Z report 1")
        expect(page.locator("#z-summary")).to_contain_text("-€0.30")
        expect(page.locator("#z-summary")).to_contain_text("1 × does not match")
        screenshot(page, "end-of-day-z-report")

        pdf = context.request.get(f"{store.hub.base_url}{page.locator('#z-pdf').get_attribute('href')}")
        assert pdf.ok and pdf.headers["content-type"] == "application/pdf" and pdf.body().startswith(b"%PDF")
        page.locator("#z-print").click()
        eventually(lambda: "Z report 1" in store.tills["counter-1"].receipt_text(), "the Z report printed at the counter")
        assert "30 cents short" in store.tills["counter-1"].receipt_text()

        page.goto(page.url + "?lang=de")
        expect(page.locator("#day-title")).to_contain_text("Abgeschlossen, Z-Bon 1")
        screenshot(page, "end-of-day-z-report-de")
        again = context.request.post(f"{store.hub.base_url}/api/v1/orders/{espressos['order_id']}/tenders",
                                     data={"kind": "cash", "amount": 100})
        assert again.status == 409 and "was closed" in again.json()["message"]
    finally:
        context.close()
