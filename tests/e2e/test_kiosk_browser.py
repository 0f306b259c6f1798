"""The self-service kiosk in Debian's Chromium, portrait 1080x1920, against a whole running store:
the hub under gunicorn, its supervised Mosquitto, a ZVT terminal simulator and receipt and kitchen printers behind agents."""

from __future__ import annotations

import re
import time
from contextlib import ExitStack

import pytest
from playwright.sync_api import expect

from tests.support.browser import screenshot
from tests.support.catalog_words import english_catalog_words, english_in
from tests.support.hub_process import HubProcess, running_hub
from tests.support.store_stack import KIOSK, running_store

PORTRAIT = {"width": 1080, "height": 1920}


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    """One store for the module's payment tests: starting agents and simulators takes seconds."""
    with running_store(tmp_path_factory.mktemp("store")) as stack:
        yield stack


@pytest.fixture
def open_kiosk(screens):
    """Open the kiosk page of a hub in its own browser context, once its menu is loaded and it is live."""

    def open_page(hub, device_id: str = KIOSK):
        page = screens.open(hub, f"/kiosk/{device_id}", "kiosk", PORTRAIT, device_id=device_id, touch=True)
        expect(page.locator("body")).to_have_attribute("data-ready", "1")
        expect(page.locator("body")).to_have_attribute("data-link", "live")
        return page

    return open_page


def pay_at_the_counter(page, store) -> None:
    """Tap "Pay at the counter"; the number shown is an order held for payment."""
    page.locator("#pay-counter").click()
    expect(page.locator("body")).to_have_attribute("data-screen", "done")
    expect(page.locator("#done-note")).to_have_text("Please pay at the counter and show this number.")
    number = page.locator("#order-number").inner_text()
    found = store.call("GET", f"/api/v1/orders?q={number}")["orders"]
    assert [(o["number"], o["hold"]) for o in found] == [(number, "payment")]


def start(page, mode: str = "takeaway"):
    page.locator("#start").click()
    page.locator(f".mode-choice[data-mode='{mode}']").click()
    expect(page.locator("body")).to_have_attribute("data-screen", "menu")


def add(page, category: str, sku: str, *modifiers: str, qty: int = 1):
    """Open an item from its category, choose modifiers and quantity, and add it."""
    page.locator(f".cat[data-cat='{category}']").click()
    page.locator(f"#grid .tile[data-sku='{sku}']").click()
    for code in modifiers:
        page.locator(f"#detail .option[data-code='{code}']").click()
    for _ in range(qty - 1):
        page.locator("#qty-plus").click()
    page.locator("#detail-add").click()
    expect(page.locator("#detail")).to_be_hidden()


def to_cart(page):
    page.locator("#to-cart").click()
    expect(page.locator("#cart-total")).not_to_be_empty()


def test_full_kiosk_order_from_attract_screen_to_order_number_on_the_kitchen_display_and_receipt(store, open_kiosk, browser):
    page = open_kiosk(store.hub)
    screenshot(page, "kiosk-attract")
    page.locator("#start").click()
    screenshot(page, "kiosk-mode")
    page.locator(".mode-choice[data-mode='dine_in']").click()
    screenshot(page, "kiosk-menu")
    add(page, "food", "BURGER", "RARE", "BACON")
    expect(page.locator("#recs .tile")).to_have_count(2)  # the catalog pairs fries and cola with a burger
    screenshot(page, "kiosk-recommendations")
    page.locator("#recs .tile[data-sku='FRIES']").click()
    page.locator("#detail-add").click()
    add(page, "pastry", "CROISSANT", qty=2)
    expect(page.locator("#cartbar-hint")).to_contain_text("Add a coffee to get Breakfast deal")
    to_cart(page)
    expect(page.locator("#lines .line-name")).to_have_text(["Cheeseburger", "Fries", "Butter croissant"])
    expect(page.locator("#lines .line-mods").first).to_have_text("Medium rare, Add bacon")
    expect(page.locator("#hints")).to_contain_text("Add 1 more pastry to get 3 pastries for the price of 2")
    expect(page.locator("#sums")).to_contain_text("incl. VAT 7 %")
    # 9.90 + 1.50 bacon + 3.90 fries + 2 x 2.60 croissants
    expect(page.locator("#cart-total")).to_have_text("€20.50")
    screenshot(page, "kiosk-cart")

    held = []  # the payment request waits until the paying screen is captured
    page.route("**/api/v1/orders/*/payments", lambda route: held.append(route))
    page.locator("#pay-card").click()
    expect(page.locator("#paying-amount")).to_have_text("€20.50")
    for _ in range(400):  # the payment request goes out once the order is stored: a busy machine takes a while
        if held:
            break
        page.wait_for_timeout(50)
    screenshot(page, "kiosk-paying")
    held[0].continue_()
    page.unroute("**/api/v1/orders/*/payments")
    expect(page.locator("body")).to_have_attribute("data-screen", "done", timeout=20_000)
    number = page.locator("#order-number").inner_text()
    assert re.fullmatch(r"[A-Z]\d{3}", number)
    expect(page.locator("#done-receipt")).to_have_text("Your receipt is printing.")
    screenshot(page, "kiosk-done")
    # The receipt printer's agent reports the job done: the customer is told to take it.
    expect(page.locator("#done-receipt")).to_have_text("Your receipt is printed: please take it.", timeout=20_000)

    kds_context = browser.new_context(viewport={"width": 1280, "height": 800})
    store.hub.enrol_screen(kds_context, "grill-display", "display")
    kds = kds_context.new_page()
    kds.goto(f"{store.hub.base_url}/displays/kds/grill")
    expect(kds.locator(".card .number")).to_contain_text([number])
    expect(kds.locator(f".card[data-number='{number}']")).to_contain_text("Cheeseburger")
    kds_context.close()
    till = store.tills[KIOSK]
    expect_text(till.receipt_text, number, "Cheeseburger", "20.50")
    assert store.tills[KIOSK].terminal.charges()[-1].amount == 2050


def expect_text(read, *parts, timeout_s: float = 15):
    """Wait until the text read contains every part."""
    deadline = time.monotonic() + timeout_s
    text = read()
    while time.monotonic() < deadline:
        text = read()
        if all(part in text for part in parts):
            return text
        time.sleep(0.2)
    raise AssertionError(f"missing {[p for p in parts if p not in text]} in:\n{text}")




def held_order_id(page) -> str:
    """Return the id of the order the kiosk has the hub hold for payment."""
    return page.evaluate("KioskState.held && KioskState.held.order_id")


def test_declined_card_returns_to_the_cart_with_the_order_kept_then_the_same_order_is_paid(store, open_kiosk):
    page = open_kiosk(store.hub)
    start(page)
    add(page, "coffee", "LATTE-M", "OAT")
    to_cart(page)
    store.tills[KIOSK].terminal.queue("decline")
    page.locator("#pay-card").click()
    expect(page.locator("body")).to_have_attribute("data-screen", "cart", timeout=20_000)
    expect(page.locator("#cart-message")).to_have_text(
        "The payment did not go through. Your order is kept: try again or choose another way to pay.")
    expect(page.locator("#lines .line-name")).to_have_text(["Latte (medium)"])
    screenshot(page, "kiosk-declined")
    held = held_order_id(page)
    waiting = store.call("GET", f"/api/v1/orders/{held}")
    assert waiting["status"] == "received" and waiting["hold"] == "payment"

    page.locator("#pay-card").click()
    expect(page.locator("body")).to_have_attribute("data-screen", "done", timeout=20_000)
    paid = store.call("GET", f"/api/v1/orders/{held}")
    assert paid["status"] == "accepted" and paid["payment"]["state"] == "paid"
    expect(page.locator("#order-number")).to_have_text(paid["number"])


def test_changing_the_cart_after_a_declined_card_cancels_the_held_order_and_pays_a_new_one(store, open_kiosk):
    page = open_kiosk(store.hub)
    start(page)
    add(page, "coffee", "ESPRESSO")
    to_cart(page)
    store.tills[KIOSK].terminal.queue("cancel")
    page.locator("#pay-card").click()
    expect(page.locator("#cart-message")).to_contain_text("The payment was cancelled", timeout=20_000)
    first = held_order_id(page)
    page.locator("#lines .plus").click()  # the customer wants two now
    expect(page.locator("#cart-total")).to_have_text("€5.00")
    page.locator("#pay-card").click()
    expect(page.locator("body")).to_have_attribute("data-screen", "done", timeout=20_000)
    assert store.call("GET", f"/api/v1/orders/{first}")["status"] == "cancelled"
    number = page.locator("#order-number").inner_text()
    assert number != store.call("GET", f"/api/v1/orders/{first}")["number"]


def test_required_modifiers_and_maximum_choices_are_enforced(store, open_kiosk):
    page = open_kiosk(store.hub)
    start(page)
    page.locator(".cat[data-cat='food']").click()
    page.locator("#grid .tile[data-sku='BURGER']").click()
    expect(page.locator("#detail .group[data-group='doneness'] .group-rule")).to_have_text("Choose 1")
    # Nothing is wrong before the customer tries: the rule is said beside the group, no warning yet.
    expect(page.locator("#detail-problem")).to_have_text("")
    page.locator("#detail-add").click()
    expect(page.locator("#detail-problem")).to_have_text("Please choose: doneness")
    expect(page.locator("#detail-problem")).to_be_visible()
    expect(page.locator("#detail")).to_be_visible()
    screenshot(page, "kiosk-detail-required")
    page.locator("#detail .option[data-code='RARE']").click()
    page.locator("#detail .option[data-code='WELL']").click()  # one of: the new choice replaces the old
    expect(page.locator("#detail .option[aria-pressed='true']")).to_have_text(["Well done"])
    page.locator("#detail-add").click()
    expect(page.locator("#detail")).to_be_hidden()

    page.locator(".cat[data-cat='coffee']").click()
    page.locator("#grid .tile[data-sku='LATTE-L']").click()
    expect(page.locator("#detail .option[data-code='SUGAR-FREE']")).to_be_disabled()  # only with vanilla
    for code in ("SHOT", "VANILLA"):
        page.locator(f"#detail .option[data-code='{code}']").click()
    page.locator("#detail .option[data-code='SUGAR-FREE']").click()
    expect(page.locator("#detail-price")).to_have_text("€5.50")
    screenshot(page, "kiosk-detail")
    page.locator("#detail-add").click()
    to_cart(page)
    expect(page.locator("#lines .line-mods")).to_have_text(["Well done", "Extra shot, Vanilla syrup, Sugar-free syrup"])


def test_sold_out_items_grey_out_and_one_in_the_cart_blocks_payment_until_removed(store, open_kiosk):
    page = open_kiosk(store.hub)
    start(page)
    add(page, "pastry", "MUFFIN-BLUE")
    add(page, "pastry", "COOKIE")
    store.call("PUT", "/api/v1/items/MUFFIN-BLUE/sold-out", {"sold_out": True})
    try:
        expect(page.locator("#grid .tile[data-sku='MUFFIN-BLUE']")).to_have_class(re.compile(r"\bsold\b"))
        expect(page.locator("#grid .tile[data-sku='MUFFIN-BLUE'] .sold-badge")).to_have_text("Sold out")
        screenshot(page, "kiosk-sold-out")
        page.locator("#to-cart").click()
        expect(page.locator("#lines .line.sold .line-flag")).to_have_text(["Sold out: please remove it before paying"])
        expect(page.locator("#pay-card")).to_be_disabled()
        screenshot(page, "kiosk-cart-sold-out")
        page.locator("#lines .line.sold .remove").click()
        expect(page.locator("#lines .line-name")).to_have_text(["Chocolate chip cookie"])
        expect(page.locator("#pay-card")).to_be_enabled()
    finally:
        store.call("PUT", "/api/v1/items/MUFFIN-BLUE/sold-out", {"sold_out": False})
    page.locator("#add-more").click()
    expect(page.locator("#grid .tile[data-sku='MUFFIN-BLUE']")).not_to_have_class(re.compile(r"\bsold\b"))


def test_member_scans_their_card_redeems_a_reward_and_pays_less(store, open_kiosk):
    page = open_kiosk(store.hub)
    start(page)
    add(page, "food", "SALAD-CAESAR")
    page.locator("#member-button").click()
    for key in "01717654321":  # Alan's phone, typed on the kiosk's keypad
        page.locator(f"#keypad .key[data-key='{key}']").click()
    screenshot(page, "kiosk-member-sign-in")
    page.locator("#phone-go").click()
    expect(page.locator("#member-hello")).to_have_text("Hello Alan Turing")
    expect(page.locator("#member-rewards .needs").first).to_have_text("needs 100 points")
    page.locator("#member-out").click()
    page.keyboard.type("L-1001")  # a keyboard-wedge scanner types the card's code and Enter
    page.keyboard.press("Enter")
    expect(page.locator("#member-points")).to_have_text(re.compile(r"^\d+ points$"))
    before = store.call("GET", "/api/v1/loyalty/L-1001")["points"]
    page.locator("#member-rewards .reward[data-reward='R250'] .redeem").click()
    screenshot(page, "kiosk-member")
    page.locator("#member-close").click()
    to_cart(page)
    expect(page.locator("#sums")).to_contain_text("−€2.50")
    expect(page.locator("#rewards-panel .reward[data-reward='R250']")).to_contain_text("2.50 off")
    page.locator(".lang[data-lang='de']").click()  # the member's rewards and the reward's discount, in German
    expect(page.locator("#rewards-panel .reward[data-reward='R250']")).to_contain_text("2,50 Rabatt")
    expect(page.locator("#sums")).to_contain_text("Treueprämie")
    page.locator(".lang[data-lang='en']").click()
    page.locator("#pay-card").click()
    expect(page.locator("body")).to_have_attribute("data-screen", "done", timeout=20_000)
    assert store.call("GET", "/api/v1/loyalty/L-1001")["points"] == before - 250


def test_a_receipt_the_printer_cannot_print_is_said_in_words(store, open_kiosk):
    printer = store.tills[KIOSK].printer
    printer.set_state("paper_out")
    try:
        page = open_kiosk(store.hub)
        start(page)
        add(page, "tea", "TEA-EARLGREY")
        to_cart(page)
        page.locator("#pay-card").click()
        expect(page.locator("body")).to_have_attribute("data-screen", "done", timeout=20_000)
        expect(page.locator("#done-receipt")).to_have_text("The receipt could not be printed; please ask the staff.",
                                                           timeout=25_000)
        screenshot(page, "kiosk-receipt-failed")
    finally:
        printer.set_state("online")


def test_pay_at_counter_shows_the_number_to_pay_with(store, open_kiosk):
    page = open_kiosk(store.hub)
    start(page)
    add(page, "tea", "TEA-EARLGREY")
    to_cart(page)
    pay_at_the_counter(page, store)
    screenshot(page, "kiosk-pay-at-counter")


def test_kiosk_without_a_terminal_offers_the_counter_in_words_and_lets_the_card_order_go(store, open_kiosk):
    page = open_kiosk(store.hub, "kiosk-3")  # enrolled, but no payment terminal is assigned to it
    start(page)
    add(page, "tea", "TEA-EARLGREY")
    to_cart(page)
    with page.expect_response("**/api/v1/orders") as placed:
        page.locator("#pay-card").click()
    card_order = placed.value.json()["order_id"]
    message = page.locator("#cart-message")
    expect(message).to_have_text("Paying by card is not possible at this kiosk right now. "
                                 "Tap “Pay at the counter”: your order goes to the counter and you pay there.")
    for api_words in ("/api", "PUT", "kiosk-3", "terminal is assigned"):
        assert api_words not in message.inner_text()
    expect(page.locator("#pay-card")).to_be_disabled()
    expect(page.locator("#pay-counter")).to_be_focused()
    expect(page.locator("#pay-counter")).to_have_class(re.compile(r"\bprimary\b"))
    screenshot(page, "kiosk-no-terminal")
    deadline = time.monotonic() + 10  # the order held for a card is let go, not left waiting
    while store.call("GET", f"/api/v1/orders/{card_order}")["status"] != "cancelled" and time.monotonic() < deadline:
        time.sleep(0.2)
    assert store.call("GET", f"/api/v1/orders/{card_order}")["status"] == "cancelled"
    pay_at_the_counter(page, store)


@pytest.fixture
def own_hub(tmp_path):
    """Start a hub of the test's own (no terminals, no printers), with a `frontdesk.toml` if given."""
    with ExitStack() as hubs:
        started: list[HubProcess] = []

        def start_hub(frontdesk_toml: str = "") -> HubProcess:
            hub = hubs.enter_context(running_hub(tmp_path / f"hub{len(started)}", frontdesk_toml=frontdesk_toml))
            started.append(hub)
            return hub

        yield start_hub


def test_language_switch_keeps_the_cart_and_formats_prices_for_the_locale(own_hub, open_kiosk):
    page = open_kiosk(own_hub())
    page.locator(".lang[data-lang='de']").click()
    expect(page.locator("#start .attract-title")).to_have_text("Zum Bestellen berühren")
    page.locator("#start").click()
    page.locator(".mode-choice[data-mode='takeaway']").click()
    add(page, "coffee", "LATTE-M")
    expect(page.locator("#cartbar-total")).to_have_text("4,00\u00a0€")
    page.locator(".lang[data-lang='en']").click()
    expect(page.locator("#cartbar-total")).to_have_text("€4.00")
    expect(page.locator("#to-cart")).to_have_text("Review and pay")
    page.locator(".lang[data-lang='de']").click()
    page.locator("#to-cart").click()
    expect(page.locator("#lines .line-name")).to_have_text(["Latte (mittel)"])  # the catalog's German words
    expect(page.locator("#cart h1")).to_have_text("Ihre Bestellung")
    expect(page.locator("#sums")).to_contain_text("inkl. MwSt. 19 %")
    # the hub's hint in German, with the deal's and the slot's German names
    expect(page.locator("#hints")).to_contain_text("Noch 1 × Gebäck dazu, dann gilt: Frühstücksangebot: Kaffee + Gebäck 5,00")
    screenshot(page, "kiosk-cart-de")
    page.locator("#a11y").click()
    expect(page.locator("body")).to_have_class(re.compile(r"\ba11y\b"))
    box = page.locator("#pay-card").bounding_box()
    assert box["y"] > PORTRAIT["height"] / 3  # within reach of a seated person
    screenshot(page, "kiosk-accessible")


def test_idle_kiosk_asks_if_anyone_is_there_then_clears_the_cart(own_hub, open_kiosk):
    # "still there?" after 2 s, gives up 2 s later; this store takes no orders to pay at the counter
    quick_hub = own_hub('[kiosk]\nidle_s = 2\nstill_there_s = 2\npay_at_counter = "off"\n')
    page = open_kiosk(quick_hub)
    start(page)
    add(page, "coffee", "ESPRESSO")
    expect(page.locator("#still")).to_be_visible(timeout=5000)
    screenshot(page, "kiosk-still-there")
    page.locator("#still-yes").click()
    expect(page.locator("#still")).to_be_hidden()
    expect(page.locator("#cartbar-count")).to_have_text("1 item")
    to_cart(page)
    expect(page.locator("#pay-counter")).to_be_hidden()
    # The hub stores the order, then the call that would start the payment is lost on the way: the order waits, unpaid.
    page.route("**/api/v1/orders/*/payments", lambda route: route.abort())
    page.locator("#pay-card").click()
    expect(page.locator("#cart-message")).to_have_text("We cannot reach the store system right now. "
                                                      "Please try again in a moment.")
    page.unroute("**/api/v1/orders/*/payments")
    held = held_order_id(page)
    assert held
    expect(page.locator("#still")).to_be_visible(timeout=5000)
    expect(page.locator("body")).to_have_attribute("data-screen", "attract", timeout=5000)
    # the customer left: the held order is given up
    expect_text(lambda: quick_hub.api("GET", f"/api/v1/orders/{held}")[1]["status"], "cancelled")
    page.locator("#start").click()
    page.locator(".mode-choice[data-mode='takeaway']").click()
    expect(page.locator("#cartbar-count")).to_have_text("")
    expect(page.locator("#to-cart")).to_be_disabled()


def test_unreachable_hub_is_said_plainly_and_no_order_or_payment_is_sent(own_hub, open_kiosk):
    hub = own_hub()
    page = open_kiosk(hub)
    start(page)
    add(page, "coffee", "ESPRESSO")
    to_cart(page)
    page.route("**/api/v1/orders", lambda route: route.abort())  # the order cannot reach the hub
    page.locator("#pay-card").click()
    expect(page.locator("#offline")).to_be_visible()
    expect(page.locator("#cart-message")).to_have_text("Paying is not possible while the store system cannot be reached.")
    expect(page.locator("body")).to_have_attribute("data-screen", "cart")
    expect(page.locator("#pay-card")).to_be_disabled()
    page.unroute("**/api/v1/orders")
    expect(page.locator("#offline")).to_be_hidden()  # the kiosk asks again and sees the hub is back
    assert hub.api("GET", "/api/v1/orders?day=today")[1]["orders"] == []
    hub.stop()  # now the hub itself goes away
    expect(page.locator("body")).to_have_attribute("data-link", "offline")
    expect(page.locator("#offline")).to_have_text(
        "We cannot reach the store system right now. You cannot pay here at the moment: please order at the counter.")
    expect(page.locator("#pay-card")).to_be_disabled()
    screenshot(page, "kiosk-offline")


def test_the_german_kiosk_shows_no_english_catalog_word_on_any_category_item_or_cart(own_hub, open_kiosk):
    words = english_catalog_words()
    assert {"milk", "doneness", "extra", "VAT 19 %", "Salmon bagel"} <= set(words)
    page = open_kiosk(own_hub())
    page.locator(".lang[data-lang='de']").click()
    start(page)
    expect(page.locator("body")).to_have_attribute("data-menu-lang", "de")
    screens: dict[str, str] = {}
    categories = page.locator(".cat")
    assert categories.count() == 8
    for c in range(categories.count()):
        categories.nth(c).click()
        code = categories.nth(c).get_attribute("data-cat")
        screens[f"menu {code}"] = page.locator("body").inner_text()
        tiles = page.locator("#grid .tile")
        for i in range(tiles.count()):
            sku = tiles.nth(i).get_attribute("data-sku")
            tiles.nth(i).click()
            expect(page.locator("#detail")).to_be_visible()
            expect(page.locator("#detail-name")).not_to_be_empty()
            screens[f"detail {sku}"] = page.locator("#detail").inner_text()
            page.locator("#detail-cancel").click()
            expect(page.locator("#detail")).to_be_hidden()
    assert len([name for name in screens if name.startswith("detail")]) == 24
    latte = screens["detail LATTE-M"]
    for german in ("Latte (mittel)", "Enthält: Milch", "Milch", "Extras", "Hafermilch", "vegetarisch",
                   "Espresso mit heißer Milch und feinem Milchschaum."):
        assert german in latte, latte
    assert "Garstufe" in screens["detail BURGER"]

    add(page, "coffee", "LATTE-M", "OAT")
    add(page, "food", "BURGER", "WELL")
    add(page, "pastry", "CROISSANT", qty=2)
    page.locator(".cat[data-cat='coffee']").click()
    page.locator("#grid .tile[data-sku='LATTE-M']").click()
    screenshot(page, "kiosk-german-detail")
    page.locator("#detail-cancel").click()
    to_cart(page)
    expect(page.locator("#lines .line-name")).to_have_text(["Latte (mittel)", "Cheeseburger", "Buttercroissant"])
    expect(page.locator("#lines .line-mods")).to_have_text(["Hafermilch", "Durchgebraten"])
    expect(page.locator("#sums")).to_contain_text("inkl. MwSt. 7 %")
    expect(page.locator("#sums")).to_contain_text("inkl. MwSt. 19 %")
    expect(page.locator("#hints")).to_contain_text("Gebäck")
    screenshot(page, "kiosk-german-cart")
    screens["cart"] = page.locator("body").inner_text()
    shown = {name: english_in(text, words) for name, text in screens.items()}
    assert {name: found for name, found in shown.items() if found} == {}

    page.locator(".lang[data-lang='en']").click()  # and back: the same cart in English
    expect(page.locator("#lines .line-name")).to_have_text(["Latte (medium)", "Cheeseburger", "Butter croissant"])
    expect(page.locator("#sums")).to_contain_text("incl. VAT 7 %")
