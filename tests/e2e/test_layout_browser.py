"""Every kiosk, counter and display screen at its target size, as a person sees it: no two tappable things on top
of each other, every tile's name and price drawn inside its tile and reached by a tap, the main action on screen
without scrolling. Kiosk in normal and accessibility mode, kiosk and counter in English and German."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.support.browser import screenshot
from tests.support.devices import TestDevice, order_data
from tests.support.hub_process import running_hub
from tests.support.layout import Tiles, layout_problems, tap_names, text_cut
from tests.support.staff import CASHIER_PIN

KIOSK_SIZE = {"width": 1080, "height": 1920}
COUNTER_SIZE = {"width": 1366, "height": 768}
DISPLAY_SIZE = {"width": 1920, "height": 1080}
KIOSK_TILES = Tiles(tile="#grid .tile", name=".tile-name", price=".tile-price")
SUGGESTIONS = Tiles(tile="#recs .tile", name=".tile-name", price=".tile-price")
COUNTER_TILES = Tiles(tile="#tiles .tile", name=".tile-name", price=".tile-price")
FRONTDESK = '[kiosk]\npay_at_counter = "hold"\n'


@pytest.fixture(scope="module")
def hub(tmp_path_factory):
    """One hub for the module, with the demo catalog, a cashier, and paying at the counter offered on the kiosk."""
    cashier = ("staff", "add", "Sam", "--role", "cashier", "--pin", CASHIER_PIN)
    with running_hub(tmp_path_factory.mktemp("layout"), frontdesk_toml=FRONTDESK, commands=[cashier]) as process:
        yield process


@pytest.fixture
def screen(screens, hub):
    """Open a paired screen of a role at a size, in its own browser context."""

    def open_screen(path: str, device_id: str, role: str, size: dict, touch: bool = False):
        return screens.open(hub, path, role, size, device_id=device_id, touch=touch)

    return open_screen


def assert_laid_out(page, name: str, **checks) -> None:
    """Save the screen's picture, then assert it has no layout problem."""
    screenshot(page, f"layout-{name}")
    problems = layout_problems(page, **checks)
    assert problems == [], f"{name}:\n" + "\n".join(problems)


def switch_language(page, selector: str, lang: str) -> None:
    """Use the page's own language switch, and check the page says it is in that language now."""
    page.locator(selector).click()
    expect(page.locator("html")).to_have_attribute("lang", lang)


# ---- kiosk -------------------------------------------------------------------------------------------------

def detail_name(page) -> str | None:
    return page.locator("#detail-name").inner_text().strip() if page.locator("#detail").is_visible() else None


def close_detail(page) -> None:
    if page.locator("#detail").is_visible():
        page.locator("#detail-cancel").click()
        expect(page.locator("#detail")).to_be_hidden()


@pytest.mark.parametrize("lang", ["en", "de"])
@pytest.mark.parametrize("accessible", [False, True], ids=["normal", "accessible"])
def test_every_kiosk_screen_holds_its_layout(screen, lang, accessible):
    page = screen(f"/kiosk/kiosk-{lang}-{int(accessible)}", f"kiosk-{lang}-{int(accessible)}", "kiosk",
                  KIOSK_SIZE, touch=True)
    expect(page.locator("body")).to_have_attribute("data-ready", "1")
    switch_language(page, f".lang[data-lang='{lang}']", lang)
    if accessible:
        page.locator("#a11y").click()
        expect(page.locator("body")).to_have_class("a11y")
    tag = f"kiosk-{'accessible' if accessible else 'normal'}-{lang}"
    assert_laid_out(page, f"{tag}-attract", main_action="#start")

    page.locator("#start").click()
    assert_laid_out(page, f"{tag}-mode", main_action=".mode-choice[data-mode='takeaway']")
    page.locator(".mode-choice[data-mode='takeaway']").click()
    expect(page.locator("body")).to_have_attribute("data-screen", "menu")

    categories = page.locator(".cat").evaluate_all("(els) => els.map((el) => el.dataset.cat)")
    assert categories, "the menu shows no category"
    for category in categories:
        page.locator(f".cat[data-cat='{category}']").click()
        expect(page.locator(f".cat[data-cat='{category}']")).to_have_attribute("aria-pressed", "true")
        assert_laid_out(page, f"{tag}-menu-{category}", tiles=KIOSK_TILES, main_action="#to-cart")
        problems = tap_names(page, KIOSK_TILES, detail_name, close_detail)
        assert problems == [], f"{tag} {category}:\n" + "\n".join(problems)

    page.locator(".cat[data-cat='food']").click()
    page.locator("#grid .tile[data-sku='BURGER']").click()  # the item with the most choices
    assert_laid_out(page, f"{tag}-detail", main_action="#detail-add")
    page.locator("#detail .option[data-code='RARE']").click()
    page.locator("#detail-add").click()
    expect(page.locator("#recs .tile").first).to_be_visible()  # fries and cola go well with a burger
    assert_laid_out(page, f"{tag}-suggestions", tiles=SUGGESTIONS, main_action="#to-cart")
    problems = tap_names(page, SUGGESTIONS, detail_name, close_detail)
    assert problems == [], f"{tag} suggestions:\n" + "\n".join(problems)
    page.locator(".cat[data-cat='coffee']").click()
    for sku in ("ESPRESSO", "LATTE-S", "LATTE-M", "CAPPUCCINO", "LATTE-L"):  # a cart longer than the screen
        page.locator(f"#grid .tile[data-sku='{sku}']").click()
        page.locator("#detail-add").click()
        expect(page.locator("#detail")).to_be_hidden()
    assert_laid_out(page, f"{tag}-menu-with-cart", main_action="#to-cart")

    page.locator("#to-cart").click()
    expect(page.locator("#lines .line")).to_have_count(6)
    expect(page.locator("#pay-counter")).to_be_visible()
    assert_laid_out(page, f"{tag}-cart", main_action="#pay-card")

    page.locator("#member-button").click()
    assert_laid_out(page, f"{tag}-member", main_action="#phone-go")


# ---- counter -----------------------------------------------------------------------------------------------

def added_line(page) -> str | None:
    """Return the name of the line a tap on a tile added (or the item dialog it opened)."""
    dialog = page.locator("dialog[open], .dialog:visible, [role=dialog]:visible")
    if dialog.count():
        return dialog.first.locator("h2").first.inner_text().strip()
    lines = page.locator("#lines .line .name")
    return lines.last.inner_text().strip() if lines.count() else None


def clear_sale(page) -> None:
    page.keyboard.press("Escape")
    if page.locator("#lines .line").count():
        page.locator("#btn-clear").click()
        page.locator("#clear-yes").click()
        expect(page.locator("#lines .line")).to_have_count(0)


@pytest.mark.parametrize("lang", ["en", "de"])
def test_every_counter_screen_holds_its_layout(screen, lang):
    page = screen("/counter/counter-1", "counter-1", "counter", COUNTER_SIZE)
    expect(page.locator("#link")).to_have_attribute("data-state", "live")
    switch_language(page, f"#langs button[data-lang='{lang}']", lang)
    tag = f"counter-{lang}"
    assert_laid_out(page, f"{tag}-signin", main_action="#signin-pad .key-enter")

    page.keyboard.type(CASHIER_PIN)
    page.keyboard.press("Enter")
    expect(page.locator("#screen-sale")).to_be_visible()
    expect(page.locator("#tiles .tile").first).to_be_visible()
    assert_laid_out(page, f"{tag}-sale", tiles=COUNTER_TILES, main_action="#btn-pay")
    problems = tap_names(page, COUNTER_TILES, added_line, clear_sale)
    assert problems == [], "\n".join(problems)

    for sku in ("LATTE-M", "ESPRESSO", "CROISSANT", "TEA-EARLGREY", "FRIES", "COLA", "MUFFIN-BLUE", "BAGEL-SALMON"):
        page.locator("#search").fill(sku)
        page.locator("#search").press("Enter")
    expect(page.locator("#lines .line")).to_have_count(8)
    assert_laid_out(page, f"{tag}-sale-long", main_action="#btn-pay")

    page.locator("#btn-pay").click()
    expect(page.locator("#screen-pay")).to_be_visible()
    assert_laid_out(page, f"{tag}-pay", main_action="#btn-take-cash")
    page.locator("#btn-back-to-sale").click()
    expect(page.locator("#screen-sale")).to_be_visible()

    page.locator("#tab-find").click()
    expect(page.locator("#screen-find")).to_be_visible()
    assert_laid_out(page, f"{tag}-find", main_action="#btn-find")
    page.locator("#tab-incoming").click()
    expect(page.locator("#screen-incoming")).to_be_visible()
    assert_laid_out(page, f"{tag}-incoming", main_action="#tab-sale")


# ---- kitchen displays, expo, board -------------------------------------------------------------------------

@pytest.fixture(scope="module")
def busy_kitchen(hub):
    """Thirty orders on the bar, the kitchen and the pick zone: more than one screen of tickets."""
    device = TestDevice(hub.device_url, hub.store, "kiosk-layout")
    lines = ([{"sku": "LATTE-M", "qty": 1, "modifiers": ["OAT"]}, {"sku": "BAGEL-SALMON", "qty": 1, "note": "no capers"}],
             [{"sku": "ESPRESSO", "qty": 2}, {"sku": "TEA-EARLGREY", "qty": 1}],
             [{"sku": "MUG-PASSLINE", "qty": 1}, {"sku": "CAPPUCCINO", "qty": 1}])
    numbers = []
    try:
        for index in range(30):
            device.submit(order_data(lines=lines[index % 3]))
            reply = device.reply()
            assert reply["type"] == "order.accepted", reply
            numbers.append(reply["data"]["number"])
    finally:
        device.close()
    return numbers


def open_display(screen, path: str, role: str = "display"):
    page = screen(path, f"{role}-{path.strip('/').replace('/', '-')}", role, DISPLAY_SIZE)
    expect(page.locator("#link")).to_have_attribute("data-state", "live")
    return page


@pytest.mark.parametrize("station", ["bar", "kitchen"])
def test_a_busy_kitchen_display_holds_its_layout(screen, busy_kitchen, station):
    page = open_display(screen, f"/displays/kds/{station}")
    expect(page.locator(".card").first).to_be_visible()
    assert_laid_out(page, f"kds-{station}", main_action=".card .bump",
                    tiles=Tiles(tile=".card", name=".number"))
    problems = text_cut(page, ".card header, .card header > *, .card .items", on_screen=False)
    assert problems == [], "\n".join(problems)


def test_a_busy_pick_list_holds_its_layout(screen, busy_kitchen):
    page = open_display(screen, "/displays/pick/pick-a")
    expect(page.locator(".card").first).to_be_visible()
    assert_laid_out(page, "pick-a", main_action="#scan", tiles=Tiles(tile=".card", name=".number"))


def test_a_busy_expo_holds_its_layout(screen, busy_kitchen):
    page = open_display(screen, "/displays/expo")
    expect(page.locator("#orders tr")).to_have_count(len(busy_kitchen))
    assert_laid_out(page, "expo", main_action="#orders tr .expo-bump")


def test_a_busy_board_holds_its_layout(screen, busy_kitchen):
    page = open_display(screen, "/displays/board", "board")
    expect(page.locator("#preparing .num").first).to_be_visible()
    assert_laid_out(page, "board", main_action="#preparing .num")
    problems = text_cut(page, ".num, .more")
    assert problems == [], "\n".join(problems)
