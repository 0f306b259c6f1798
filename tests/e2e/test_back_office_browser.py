"""A manager at the till opens the back office, reads it, and goes back to the till, which asks for a PIN again."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.support.browser import screenshot

COUNTER_SCREEN = {"width": 1366, "height": 768}


def test_a_manager_opens_the_back_office_from_the_till_and_comes_back(browser, hub):
    for name, role, pin in (("Morgan", "manager", "9999"), ("Sam", "cashier", "1111")):
        hub.passline("staff", "add", name, "--role", role, "--pin", pin)
    context = browser.new_context(viewport=COUNTER_SCREEN)
    try:
        hub.enrol_screen(context, "counter-1", "counter")
        page = context.new_page()
        page.goto(f"{hub.base_url}/counter/counter-1")
        expect(page.locator("#link")).to_have_attribute("data-state", "live")
        page.keyboard.type("1111")
        page.keyboard.press("Enter")
        expect(page.locator("#staff-name")).to_have_text("Sam")
        expect(page.locator("#back-office")).to_be_hidden()  # a cashier has no back office
        page.locator("#signout").click()
        expect(page.locator("#screen-signin")).to_be_visible()

        page.keyboard.type("9999")
        page.keyboard.press("Enter")
        expect(page.locator("#staff-name")).to_have_text("Morgan")
        button = page.get_by_role("button", name="Back office")
        expect(button).to_be_visible()
        button.click()
        expect(page).to_have_url(f"{hub.base_url}/admin")
        expect(page.get_by_text("Signed in as Morgan (manager) at the till counter-1.")).to_be_visible()
        expect(page.get_by_role("heading", name="Staff")).to_be_visible()
        expect(page.get_by_role("heading", name="Enrol a device")).to_have_count(0)
        screenshot(page, "back-office-manager")

        page.get_by_role("button", name="Sign out and go back to the till").click()
        expect(page).to_have_url(f"{hub.base_url}/counter/counter-1")
        expect(page.locator("#screen-signin")).to_be_visible()
        page.goto(f"{hub.base_url}/admin")
        expect(page.get_by_text("Signed in as Morgan")).to_have_count(0)
    finally:
        context.close()
