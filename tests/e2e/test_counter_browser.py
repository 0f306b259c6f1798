"""The counter terminal in Chromium against a whole store: hub, broker, printers, a ZVT terminal and their agents."""

from __future__ import annotations

import re
import uuid
from datetime import datetime, timedelta, timezone

import pytest
from playwright.sync_api import expect

from tests.support.browser import hand_over, screenshot
from tests.support.catalog_words import english_catalog_words, english_in
from tests.support.devices import TestDevice, order_data
from tests.support.store_stack import COUNTER, running_store
from tests.support.waiting import eventually

FRONTDESK = """
[kiosk]
pay_at_counter = "hold"

[counter]
remote_orders = "confirm"
discount_limit_percent = 10
quote_step_minutes = 5
"""
COLA_GTIN = "5000112000603"


@pytest.fixture
def store(tmp_path):
    """A store with remote orders waiting for a cashier, and the demo staff Sam (1111) and Morgan (9999)."""
    with running_store(tmp_path, frontdesk_toml=FRONTDESK) as stack:
        yield stack


@pytest.fixture
def open_counter(browser, store):
    """Open the counter page of counter-1 on a 1366x768 screen, once its link to the hub is live."""
    contexts = []

    def open_page(path: str = f"/counter/{COUNTER}"):
        context = browser.new_context(viewport={"width": 1366, "height": 768})
        contexts.append(context)
        store.hub.enrol_screen(context, COUNTER, "counter")
        page = context.new_page()
        page.on("pageerror", lambda error: print(f"page error: {error}"))
        page.goto(f"{store.hub.base_url}{path}")
        expect(page.locator("#link")).to_have_attribute("data-state", "live")
        return page

    yield open_page
    for context in contexts:
        context.close()


def sign_in(page, pin: str, name: str) -> None:
    """Type a PIN on the keyboard, as a cashier with a keyboard would, and wait for the sale screen."""
    page.keyboard.type(pin)
    page.keyboard.press("Enter")
    expect(page.locator("#staff-name")).to_have_text(name)
    expect(page.locator("#screen-sale")).to_be_visible()


def line_names(page):
    return page.locator("#lines .line .name")


def test_sign_in_refuses_a_wrong_pin_then_shows_the_cashier_and_signs_out(open_counter):
    page = open_counter()
    expect(page.locator("#screen-signin")).to_be_visible()
    screenshot(page, "counter-signin")
    for key in "1234":  # on the touch keypad
        page.locator(f"#signin-pad .key[data-key='{key}']").click()
    page.locator("#signin-pad .key[data-key='Enter']").click()
    expect(page.locator("#signin-pad .pin-message")).to_have_text("Wrong PIN. Try again.")
    expect(page.locator("#screen-sale")).to_be_hidden()
    screenshot(page, "counter-signin-wrong-pin")
    sign_in(page, "1111", "Sam")
    expect(page.locator("#staff-role")).to_have_text("Cashier")
    page.locator("#signout").click()
    expect(page.locator("#screen-signin")).to_be_visible()
    expect(page.locator("#staff")).to_be_hidden()
    sign_in(page, "9999", "Morgan")
    expect(page.locator("#staff-role")).to_have_text("Manager")


def test_a_cash_sale_shows_the_change_and_kicks_the_drawer_then_the_kitchen_gets_it(open_counter, store):
    page = open_counter()
    sign_in(page, "1111", "Sam")
    page.keyboard.type(COLA_GTIN)  # a keyboard-wedge scanner: the code, then Enter
    page.keyboard.press("Enter")
    page.keyboard.type("bagel")
    page.keyboard.press("Enter")
    page.locator(".categories button[data-category='tea']").click()
    page.locator(".tile[data-sku='TEA-EARLGREY']").click()
    expect(line_names(page)).to_have_text(["Cola 0.33 l", "Salmon bagel", "Earl Grey tea"])
    expect(page.locator("#total")).to_have_text("€13.10")
    screenshot(page, "counter-sale")
    page.keyboard.press("F9")
    expect(page.locator("#screen-pay")).to_be_visible()
    number = page.locator("#pay-number").inner_text()
    assert re.fullmatch(r"[A-Z]?\d+", number), number
    expect(page.locator("#pay-due")).to_have_text("€13.10")
    assert number not in store.kitchen_text()  # nothing goes to the kitchen before it is paid
    screenshot(page, "counter-pay")
    page.locator("#cash-quick button[data-amount='2000']").click()
    expect(page.locator("#screen-pay")).to_have_attribute("data-state", "paid")
    expect(page.locator("#done-change-amount")).to_have_text("€6.90")
    expect(page.locator("#drawer-state")).to_have_text("The drawer is opening")
    screenshot(page, "counter-paid")
    till = store.tills[COUNTER]
    assert eventually(till.drawer_kicks, "a drawer kick on the counter's receipt printer")
    eventually(lambda: number in store.kitchen_text() and "Salmon bagel" in store.kitchen_text(), "the kitchen ticket")
    page.keyboard.press("r")
    expect(page.locator("#receipt-state")).to_have_text("The receipt is printing")
    eventually(lambda: "Salmon bagel" in till.receipt_text() and "13.10" in till.receipt_text().replace(",", "."),
               "the receipt on the counter's printer")
    expect(page.locator("#receipt-state")).to_have_text("Printed", timeout=20_000)  # the printer's agent said so
    till.printer.set_state("paper_out")  # a second copy, and the roll has run out: the cashier reads why
    page.keyboard.press("r")
    expect(page.locator("#receipt-state")).to_have_text(
        "The receipt is waiting: the printer is out of paper. It prints by itself when the printer is ready.",
        timeout=30_000)
    screenshot(page, "counter-receipt-paper-out")
    till.printer.set_state("online")  # a new roll: the waiting copy comes out, once
    expect(page.locator("#receipt-state")).to_have_text("Printed", timeout=30_000)
    page.keyboard.press("q")
    expect(page.locator("#qr svg")).to_be_visible()
    expect(page.locator("#qr .receipt-url")).to_contain_text("/r/")
    screenshot(page, "counter-e-receipt")
    page.keyboard.press("Enter")
    expect(page.locator("#screen-sale")).to_be_visible()
    expect(line_names(page)).to_have_count(0)


def test_a_discount_over_the_limit_needs_a_manager_then_a_split_tender_pays_it(open_counter, store):
    page = open_counter()
    sign_in(page, "1111", "Sam")
    page.locator(".tile[data-sku='BURGER']").click()
    expect(page.locator("#total")).to_have_text("€9.90")
    page.keyboard.press("F7")
    dialog = page.locator("#dialog")
    dialog.locator("button[data-scope='line']").click()
    dialog.locator("button[data-percent='50']").click()
    dialog.locator("button[data-reason='reason_complaint']").click()
    screenshot(page, "counter-discount")
    dialog.locator("#discount-apply").click()
    expect(dialog.locator(".approval")).to_be_visible()
    page.keyboard.type("1111")  # a cashier may not approve it
    page.keyboard.press("Enter")
    expect(dialog.locator(".pin-message")).to_contain_text("may not approve")
    screenshot(page, "counter-manager-approval")
    page.keyboard.type("9999")
    page.keyboard.press("Enter")
    expect(page.locator("#notice")).to_have_text("Approved by Morgan")
    expect(page.locator("#lines .line-discount")).to_have_text("−50 % · Complaint")
    expect(page.locator("#total")).to_have_text("€4.95")
    page.keyboard.press("F9")  # the order carries the discount and the approval
    expect(page.locator("#pay-due")).to_have_text("€4.95")
    page.keyboard.press("Escape")  # back to the sale: that order is cancelled, and its approval was spent
    expect(page.locator("#screen-sale")).to_be_visible()
    page.keyboard.press("F9")
    expect(page.locator("#dialog .approval")).to_be_visible()  # so a manager approves the new order again
    page.keyboard.type("9999")
    page.keyboard.press("Enter")
    expect(page.locator("#pay-due")).to_have_text("€4.95")
    page.locator("#cash-quick button").first.click()
    expect(page.locator("#screen-pay")).to_have_attribute("data-state", "paid")
    page.keyboard.press("Enter")
    page.locator(".tile[data-sku='BURGER']").click()
    page.keyboard.press("F7")
    page.locator("#dialog button[data-percent='50']").click()
    page.locator("#discount-reason").fill("Cold")
    page.keyboard.press("Enter")
    page.keyboard.press("Escape")  # no manager at hand: no discount
    expect(page.locator("#notice")).to_have_text("No approval: the discount was not applied")
    expect(page.locator("#total")).to_have_text("€9.90")
    page.locator("#btn-clear").click()
    page.keyboard.press("Enter")
    page.locator(".tile[data-sku='BURGER']").click()
    page.locator("#btn-pay").click()
    expect(page.locator("#pay-due")).to_have_text("€9.90")
    page.locator("#cash-amount").fill("2")
    page.keyboard.press("Enter")
    expect(page.locator("#pay-due")).to_have_text("€7.90")
    expect(page.locator("#pay-parts li[data-kind='cash']")).to_have_count(1)
    store.tills[COUNTER].terminal.queue("decline")
    page.keyboard.press("F7")
    expect(page.locator("#card-amount")).to_have_value("7.90")
    page.keyboard.press("Enter")
    expect(page.locator("#card-status")).to_have_attribute("data-state", "declined", timeout=30_000)
    expect(page.locator("#card-status")).to_contain_text("Card declined.")
    expect(page.locator("#pay-due")).to_have_text("€7.90")
    page.keyboard.press("Enter")  # another card
    expect(page.locator("#screen-pay")).to_have_attribute("data-state", "paid", timeout=30_000)
    charges = store.tills[COUNTER].terminal.charges()
    assert [entry.amount for entry in charges] == [790]
    screenshot(page, "counter-split-paid")


def test_a_sale_is_edited_held_and_recalled_and_a_sold_out_item_greys_out(open_counter, store):
    page = open_counter()
    sign_in(page, "1111", "Sam")
    page.locator(".tile[data-sku='LATTE-M']").click()
    page.locator(".tile[data-sku='LATTE-M']").click()
    page.locator(".tile[data-sku='COOKIE']").click()
    page.locator(".tile[data-sku='MUFFIN-BLUE']").click()
    expect(page.locator("#lines .line .qty")).to_have_text(["2×", "1×", "1×"])
    page.keyboard.press("F8")  # void the muffin, the line just added
    expect(line_names(page)).to_have_text(["Latte (medium)", "Chocolate chip cookie"])
    page.keyboard.press("ArrowUp")
    page.keyboard.press("Enter")  # edit the latte
    dialog = page.locator("#dialog .edit-line")
    dialog.locator(".modifier[data-code='OAT']").click()
    dialog.locator("#edit-note").fill("extra hot")
    screenshot(page, "counter-edit-line")
    dialog.locator("#edit-done").click()
    latte = page.locator("#lines .line[data-sku='LATTE-M']")
    expect(latte.locator(".mods")).to_have_text("+ Oat milk")
    expect(latte.locator(".note")).to_have_text("› extra hot")
    # 2 × (4.00 + 0.50) + 2.20 = 11.20, and a latte with the cookie is the 5.00 breakfast deal: 1.70 off
    expect(page.locator("#adjustments")).to_contain_text("Breakfast deal")
    expect(page.locator("#total")).to_have_text("€9.50")
    page.keyboard.press("F6")
    page.locator("#hold-label").fill("blue jacket")
    page.keyboard.press("Enter")
    expect(page.locator("#notice")).to_have_text("Held: blue jacket")
    expect(line_names(page)).to_have_count(0)
    page.keyboard.press("F4")
    expect(page.locator(".held-list button")).to_contain_text(["blue jacket"])
    screenshot(page, "counter-recall")
    page.keyboard.press("1")
    expect(line_names(page)).to_have_text(["Latte (medium)", "Chocolate chip cookie"])
    expect(page.locator("#held-label")).to_have_text("Recalled: blue jacket")
    expect(page.locator("#lines .line[data-sku='LATTE-M'] .mods")).to_have_text("+ Oat milk")
    expect(page.locator("#total")).to_have_text("€9.50")
    page.keyboard.press("F4")  # a sale is open: it must be finished, held or cleared first
    expect(page.locator("#notice")).to_contain_text("Finish, hold or clear")
    page.locator("#btn-clear").click()
    page.keyboard.press("Enter")
    expect(line_names(page)).to_have_count(0)
    page.keyboard.press("F4")  # recalled once, it is gone
    expect(page.locator("#dialog .empty")).to_have_text("Nothing is held at this till.")
    page.keyboard.press("Escape")
    store.call("PUT", "/api/v1/items/COOKIE/sold-out", {"sold_out": True})
    expect(page.locator(".tile[data-sku='COOKIE']")).to_be_disabled()
    expect(page.locator(".tile[data-sku='COOKIE'] .tile-out")).to_have_text("sold out")
    page.keyboard.type("COOKIE")
    page.keyboard.press("Enter")
    expect(page.locator("#notice")).to_have_text("Chocolate chip cookie is sold out")


def test_an_app_order_is_accepted_with_a_quoted_time_and_another_rejected(open_counter, store):
    app = TestDevice(store.hub.device_url("app-gateway", "gateway"), store.hub.store, "app-gateway")
    try:
        page = open_counter()
        sign_in(page, "1111", "Sam")
        first = order_data(origin="app", fulfilment="pickup", lines=[{"sku": "BAGEL-SALMON", "qty": 1}],
                           customer={"name": "Grace Hopper", "phone": "+49 30 1234567"})
        app.submit(first)
        waiting = app.reply()
        assert (waiting["type"], waiting["data"]["status"]) == ("order.accepted", "received"), waiting
        number = waiting["data"]["number"]
        expect(page.locator("#incoming-count")).to_have_text("1")
        page.keyboard.press("F2")
        card = page.locator(f".incoming-order[data-number='{number}']")
        expect(card.locator(".origin")).to_have_text("App")
        expect(card.locator(".customer")).to_have_text("Grace Hopper · +49 30 1234567")
        suggested = int(card.locator(".quote-minutes").input_value())
        card.locator(".quote-more").click()
        expect(card.locator(".quote-minutes")).to_have_value(str(suggested + 5))
        screenshot(page, "counter-incoming")
        card.locator(".accept").click()
        quoted_at = datetime.now(timezone.utc)
        accepted = app.reply()
        assert (accepted["type"], accepted["data"]["status"]) == ("order.accepted", "accepted"), accepted
        promised = datetime.fromisoformat(accepted["data"]["promised_at"].replace("Z", "+00:00"))
        assert abs(promised - (quoted_at + timedelta(minutes=suggested + 5))) < timedelta(minutes=2), promised
        expect(page.locator(".incoming-order")).to_have_count(0)
        expect(page.locator("#notice")).to_contain_text(f"{number} accepted")

        second = order_data(origin="web", fulfilment="pickup", lines=[{"sku": "SOUP-DAY", "qty": 1}])
        app.submit(second)
        other = app.reply()["data"]["number"]
        card = page.locator(f".incoming-order[data-number='{other}']")
        expect(card).to_be_visible()
        card.locator(".reject").click()
        page.locator("#dialog button[data-reason='reject_sold_out']").click()
        page.keyboard.press("Enter")
        rejected = app.reply()
        assert rejected["type"] == "order.rejected", rejected
        assert rejected["data"]["reason"] == "An item is sold out"
        expect(page.locator(".incoming-order")).to_have_count(0)
    finally:
        app.close()


def _complete(browser, store, number: str) -> None:
    """Have the kitchen hand the order over, and wait until the hub says it is completed."""
    hand_over(browser, store, number)
    eventually(lambda: store.call("GET", f"/api/v1/orders/{_order_id(store, number)}")["status"] == "completed",
               f"order {number} completed")


def test_a_partial_refund_needs_a_manager_pin_and_gives_the_cash_back(open_counter, store, browser):
    page = open_counter()
    sign_in(page, "1111", "Sam")
    page.locator(".tile[data-sku='TEA-EARLGREY']").click()
    page.locator(".tile[data-sku='TEA-EARLGREY']").click()
    page.locator(".tile[data-sku='OJ-FRESH']").click()
    expect(page.locator("#total")).to_have_text("€10.20")
    page.keyboard.press("F9")
    expect(page.locator("#pay-due")).to_have_text("€10.20")
    number = page.locator("#pay-number").inner_text()
    page.locator("#cash-quick button").first.click()  # exact
    expect(page.locator("#screen-pay")).to_have_attribute("data-state", "paid")
    page.keyboard.press("Enter")
    _complete(browser, store, number)

    page.keyboard.press("F3")
    page.locator("#find-q").fill(number)
    page.keyboard.press("Enter")
    detail = page.locator("#find-detail")
    expect(detail.locator(".number")).to_have_text(number)
    expect(detail.locator(".status")).to_have_text("completed")
    detail.locator("tr[data-sku='TEA-EARLGREY'] .more").click()
    expect(detail.locator("tr[data-sku='TEA-EARLGREY'] .chosen")).to_have_text("1")
    screenshot(page, "counter-find")
    detail.locator("#find-refund").click()
    expect(page.locator("#dialog .approval")).to_be_visible()
    page.keyboard.type("9999")
    page.keyboard.press("Enter")
    expect(page.locator("#find-result")).to_have_text("Refunded €3.00: Cash €3.00")
    expect(detail.locator(".refunded")).to_contain_text("refunded €3.00")
    screenshot(page, "counter-refund")
    tenders = store.call("GET", f"/api/v1/orders/{detail.get_attribute('data-order')}/tenders")
    assert sum(t["refunded"] for t in tenders["tenders"]) == 300

    # The refunded tea shows as refunded, and only the one left can be chosen: no manager PIN is spent on the impossible.
    tea = detail.locator("tr[data-sku='TEA-EARLGREY']")
    expect(tea.locator(".refunded-units")).to_have_text("1 refunded")
    tea.locator(".more").click()
    tea.locator(".more").click()
    expect(tea.locator(".chosen")).to_have_text("1")
    detail.locator("#find-refund-all").click()  # the rest: one tea and the juice
    page.keyboard.type("9999")
    page.keyboard.press("Enter")
    expect(page.locator("#find-result")).to_have_text("Refunded €7.20: Cash €7.20")
    expect(tea.locator(".refund-qty")).to_have_text("refunded")
    expect(detail.locator("tr[data-sku='OJ-FRESH'] .refund-qty")).to_have_text("refunded")
    expect(detail.locator(".all-refunded-note")).to_have_text("Everything on this order is refunded already.")
    expect(detail.locator("#find-refund-all")).to_have_count(0)
    expect(detail.locator("#find-refund")).to_have_count(0)
    expect(detail.locator("button.more")).to_have_count(0)
    assert "cannot refund" not in page.locator("body").inner_text() and "null" not in detail.inner_text()
    screenshot(page, "counter-all-refunded")
    detail.locator("#find-reprint").click()  # on this till's printer, followed until it is on paper
    expect(page.locator("#find-result")).to_have_text("Printed", timeout=20_000)
    assert number in store.tills[COUNTER].receipt_text()


def _order_id(store, number: str) -> str:
    found = store.call("GET", f"/api/v1/orders?q={number}")["orders"]
    return next(o["order_id"] for o in found if o["number"] == number)


def test_a_kiosk_pay_at_counter_order_is_found_by_name_and_paid_at_the_counter(open_counter, store):
    order_id = str(uuid.uuid4())
    placed = store.call("POST", "/api/v1/orders", {
        "order_id": order_id, "origin": "kiosk", "fulfilment": "takeaway", "release": "at_counter",
        "lines": [{"sku": "CAPPUCCINO", "qty": 1}, {"sku": "BURGER", "qty": 1, "modifiers": ["WELL"]}],
        "customer": {"name": "Ada Lovelace"}})
    page = open_counter()
    sign_in(page, "1111", "Sam")
    page.keyboard.press("F3")
    page.locator("#find-q").fill("lovelace")
    page.keyboard.press("Enter")
    detail = page.locator("#find-detail")
    expect(detail.locator(".number")).to_have_text(placed["number"])
    expect(detail.locator(".payment")).to_have_text("unpaid")
    # Unpaid: the till offers the payment, no refund; the burger shows how it is wanted.
    expect(detail.locator("tr[data-sku='BURGER'] .name")).to_have_text("Cheeseburger + Well done")
    expect(detail.locator(".unpaid-note")).to_have_text("Not paid yet: take the payment.")
    expect(detail.locator("#find-pay")).to_be_visible()
    expect(detail.locator("#find-refund-all")).to_have_count(0)
    expect(detail.locator("#find-refund")).to_have_count(0)
    expect(detail.locator("button.more")).to_have_count(0)
    assert "null" not in detail.inner_text()
    screenshot(page, "counter-find-unpaid")
    page.keyboard.press("p")
    expect(page.locator("#pay-due")).to_have_text("€13.70")
    page.locator("#cash-amount").fill("15")
    page.keyboard.press("Enter")
    expect(page.locator("#done-change-amount")).to_have_text("€1.30")
    eventually(lambda: placed["number"] in store.kitchen_text(), "the kitchen ticket once paid")

    page.keyboard.press("Enter")  # a table that pays at the end: the kitchen gets it now
    page.locator(".tile[data-sku='SOUP-DAY']").click()
    page.locator("#fulfilment button[data-fulfilment='dine_in']").click()
    page.locator("#btn-later").click()
    expect(page.locator("#notice")).to_contain_text("is in the kitchen")
    table = re.search(r"Order (\S+) is in the kitchen", page.locator("#notice").inner_text()).group(1)
    eventually(lambda: table in store.kitchen_text() and "Soup of the day" in store.kitchen_text(), "the table's ticket")
    page.keyboard.press("F3")
    page.locator("#find-q").fill(table)
    page.keyboard.press("Enter")
    expect(detail.locator(".number")).to_have_text(table)
    expect(detail.locator(".payment")).to_have_text("unpaid")
    page.keyboard.press("p")
    page.locator("#cash-quick button").first.click()
    expect(page.locator("#screen-pay")).to_have_attribute("data-state", "paid")


def test_the_page_speaks_german_and_says_plainly_when_the_hub_is_gone(open_counter, store):
    page = open_counter()
    sign_in(page, "9999", "Morgan")
    page.locator("#langs button[data-lang='de']").click()
    expect(page.locator("#tab-sale")).to_contain_text("Neuer Verkauf")
    expect(page.locator("#staff-role")).to_have_text("Filialleitung")
    page.locator(".tile[data-sku='COLA']").click()
    expect(page.locator("#total")).to_have_text(re.compile(r"^3,20\s€$"))
    screenshot(page, "counter-german")
    store.hub.stop()
    expect(page.locator("#offline")).to_be_visible()
    expect(page.locator("#offline")).to_contain_text("Der Hub ist nicht erreichbar")
    expect(page.locator("#btn-pay")).to_be_disabled()
    screenshot(page, "counter-hub-offline")


def test_a_gift_card_points_and_cash_pay_one_order_together(open_counter, store):
    store.call("POST", "/api/v1/gift-cards", {"code": "GIFT-0300", "amount": 300, "currency": "EUR"})
    page = open_counter()
    sign_in(page, "1111", "Sam")
    page.locator(".tile[data-sku='BAGEL-SALMON']").click()
    page.keyboard.press("F9")
    expect(page.locator("#pay-due")).to_have_text("€6.90")
    first = page.locator("#pay-number").inner_text()
    page.keyboard.press("Escape")  # back to the sale before anything is paid: that order is cancelled
    expect(page.locator("#screen-sale")).to_be_visible()  # once the hub said so; F9 before that is the pay screen's
    expect(line_names(page)).to_have_text(["Salmon bagel"])
    eventually(lambda: store.call("GET", f"/api/v1/orders/{_order_id(store, first)}")["status"] == "cancelled",
               f"order {first} cancelled")
    page.keyboard.press("F9")
    expect(page.locator("#pay-due")).to_have_text("€6.90")
    expect(page.locator("#pay-number")).not_to_have_text(first)
    page.keyboard.press("F8")
    page.locator("#gift-code").fill("GIFT-0300")
    page.locator("#gift-amount").fill("3")
    page.keyboard.press("Enter")
    expect(page.locator("#pay-due")).to_have_text("€3.90")
    page.keyboard.press("F9")
    page.locator("#member-id").fill("L-1001")
    page.keyboard.press("Enter")  # looks the member up
    expect(page.locator("#member-info")).to_have_text("Ada Lovelace: 500 points")
    page.locator("#points-amount").fill("1")
    page.keyboard.press("Enter")
    expect(page.locator("#pay-due")).to_have_text("€2.90")
    expect(page.locator("#pay-parts li")).to_have_count(2)
    page.keyboard.press("F6")
    page.locator("#cash-amount").fill("5")
    page.keyboard.press("Enter")
    expect(page.locator("#done-change-amount")).to_have_text("€2.10")
    expect(page.locator("#pay-parts li span:first-child")).to_have_text(["Gift card", "Points", "Cash"])
    assert store.call("GET", "/api/v1/loyalty/L-1001")["points"] == 400


def test_the_german_counter_shows_no_english_catalog_word_in_its_menu_sale_options_or_found_order(open_counter, store):
    words = english_catalog_words()
    page = open_counter()
    sign_in(page, "1111", "Sam")
    page.locator("#langs button[data-lang='de']").click()
    expect(page.locator("body")).to_have_attribute("data-menu-lang", "de")
    screens: dict[str, str] = {}
    categories = page.locator(".categories button")
    assert categories.count() == 9  # all, and the catalog's eight
    for i in range(categories.count()):
        categories.nth(i).click()
        expect(categories.nth(i)).to_have_class("on")
        screens[f"category {i}"] = page.locator("#screen-sale").inner_text()
    assert "Lachs-Bagel" in screens["category 0"] and "Handmühle" in screens["category 0"]
    categories.nth(0).click()  # all items again
    for sku in ("BURGER", "CROISSANT", "LATTE-M"):
        page.locator(f".tile[data-sku='{sku}']").click()
    expect(line_names(page)).to_have_text(["Cheeseburger", "Buttercroissant", "Latte (mittel)"])
    expect(page.locator("#lines .line[data-sku='BURGER'] .mods")).to_have_text("+ Durchgebraten")  # the group's default
    page.locator("#lines .line[data-sku='LATTE-M'] .edit").click()
    dialog = page.locator("#dialog")
    expect(dialog).to_contain_text("Latte (mittel)")
    expect(dialog).to_contain_text("Hafermilch")
    screens["options"] = dialog.inner_text()
    screenshot(page, "counter-german-options")
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    screens["sale"] = page.locator("#screen-sale").inner_text()
    page.keyboard.press("F9")
    number = page.locator("#pay-number").inner_text()
    page.locator("#cash-quick button").first.click()
    expect(page.locator("#screen-pay")).to_have_attribute("data-state", "paid")
    page.keyboard.press("Enter")
    page.keyboard.press("F3")
    page.locator("#find-q").fill(number)
    page.keyboard.press("Enter")
    detail = page.locator("#find-detail")
    expect(detail.locator("tr[data-sku='BURGER'] .name")).to_have_text("Cheeseburger + Durchgebraten")
    expect(detail.locator("tr[data-sku='CROISSANT'] .name")).to_have_text("Buttercroissant")
    screens["find"] = detail.inner_text()
    screenshot(page, "counter-german-find")
    shown = {name: english_in(text, words) for name, text in screens.items()}
    assert {name: found for name, found in shown.items() if found} == {}
