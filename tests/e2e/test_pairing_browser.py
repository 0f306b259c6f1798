"""Store IT pairs a kiosk screen from scratch by typing its claim code; revoked, it is asked again."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.support.browser import screenshot

PORTRAIT = {"width": 1080, "height": 1920}


def test_a_new_kiosk_is_paired_by_typing_its_code_takes_an_order_and_a_revoked_one_is_asked_again(browser, hub):
    context = browser.new_context(viewport=PORTRAIT, has_touch=True)
    try:
        page = context.new_page()
        page.goto(f"{hub.base_url}/kiosk/kiosk-9")
        expect(page).to_have_url(f"{hub.base_url}/pair?next=/kiosk/kiosk-9")
        expect(page.get_by_role("heading")).to_have_text("Pair this screen")
        field = page.get_by_label("Claim code")
        box = field.bounding_box()
        assert box and box["y"] + box["height"] <= PORTRAIT["height"] and box["width"] > 200  # in sight, not a sliver
        field.fill("WRONG-CODE")
        page.get_by_role("button", name="Pair").click()
        expect(page.get_by_role("alert")).to_contain_text("not valid")
        field.fill(hub.claim_code("kiosk-9", "kiosk"))
        screenshot(page, "pairing")
        page.get_by_role("button", name="Pair").click()
        expect(page).to_have_url(f"{hub.base_url}/kiosk/kiosk-9")
        expect(page.locator("body")).to_have_attribute("data-ready", "1")
        expect(page.locator("body")).to_have_attribute("data-link", "live")  # its socket is accepted too

        # The paired screen sells: a tea to pay at the counter reaches the hub as kiosk-9's order.
        page.locator("#start").click()
        page.locator(".mode-choice[data-mode='takeaway']").click()
        page.locator(".cat[data-cat='tea']").click()
        page.locator("#grid .tile[data-sku='TEA-EARLGREY']").click()
        page.locator("#detail-add").click()
        page.locator("#to-cart").click()
        page.locator("#pay-counter").click()
        expect(page.locator("body")).to_have_attribute("data-screen", "done")
        number = page.locator("#order-number").inner_text()
        status, found = hub.api("GET", f"/api/v1/orders?q={number}")
        assert status == 200
        assert [(order["number"], order["hold"]) for order in found["orders"]] == [(number, "payment")]

        hub.passline("devices", "revoke", "kiosk-9")
        page.reload()
        expect(page).to_have_url(f"{hub.base_url}/pair?next=/kiosk/kiosk-9")
        expect(page.get_by_role("heading")).to_have_text("Pair this screen")
    finally:
        context.close()


def test_a_page_on_another_site_cannot_open_the_kitchen_socket(browser, hub):
    context = browser.new_context()
    try:
        hub.enrol_screen(context, "bar-display", "display")
        page = context.new_page()
        page.goto(f"{hub.base_url}/displays/kds/bar")
        expect(page.locator("#link")).to_have_attribute("data-state", "live")
        status = page.evaluate("""async (base) => {
            const reply = await fetch(base + "/socket.io/?EIO=4&transport=polling", {headers: {}});
            return reply.status; }""", hub.base_url)
        assert status == 200  # the hub's own page may
        foreign = context.request.get(f"{hub.base_url}/socket.io/?EIO=4&transport=polling",
                                      headers={"Origin": "http://evil.example"})
        assert foreign.status == 400  # another site's page may not, even with the screen's cookie
    finally:
        context.close()
