"""The e-receipt page on a phone, from the running hub: everything it needs comes in the one document."""

from __future__ import annotations

import uuid

from playwright.sync_api import expect

from tests.support.browser import screenshot


def _call(hub, method: str, path: str, body: dict | None = None) -> dict:
    status, answer = hub.api(method, path, body)
    assert status < 300, (method, path, status, answer)
    return answer


def test_the_e_receipt_reads_on_a_phone_and_loads_nothing_but_itself(browser, hub):
    order = _call(hub, "POST", "/api/v1/orders", {
        "order_id": str(uuid.uuid4()), "origin": "counter", "fulfilment": "takeaway",
        "lines": [{"sku": "BURGER", "qty": 2}, {"sku": "COLA", "qty": 1}]})
    _call(hub, "POST", f"/api/v1/orders/{order['order_id']}/tenders", {"kind": "cash", "amount": 3000})
    link = _call(hub, "GET", f"/api/v1/orders/{order['order_id']}/e-receipt")["url"]
    context = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True)
    requested = []
    context.on("request", lambda request: requested.append(request.url))
    page = context.new_page()
    page.goto(link)
    expect(page.get_by_label("Order number")).to_have_text(order["number"])
    expect(page.locator("tr.total")).to_contain_text("€23.00")
    expect(page.get_by_label("Payment")).to_contain_text("Change")
    expect(page.get_by_label("Payment")).to_contain_text("€7.00")
    assert requested == [link]  # no script, style, font or image from anywhere: it works offline
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the receipt scrolls sideways on a phone ({width}px)"
    screenshot(page, "e_receipt_phone")
    context.close()
