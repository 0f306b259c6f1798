"""The kitchen displays, expo, pick list and board of a store whose language is German, in Chromium: every word a
person reads is German, the catalog's names too; a screen's address can choose English and the screen keeps it."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from displays.display_strings import DISPLAY_STRINGS
from tests.support.browser import expect_display_live, screenshot
from tests.support.catalog_words import english_catalog_words, english_in
from tests.support.devices import TestDevice, order_data
from tests.support.hub_process import running_hub
from tests.support.layout import layout_problems, text_cut

DISPLAY_SIZE = {"width": 1920, "height": 1080}
FRONTDESK = '[kiosk]\nlanguages = ["de", "en"]\ndefault_language = "de"\n'
MUG_GTIN = "4001234000039"


@pytest.fixture(scope="module")
def hub(tmp_path_factory):
    """A store that speaks German first (frontdesk.toml), with the demo catalog."""
    with running_hub(tmp_path_factory.mktemp("german"), frontdesk_toml=FRONTDESK) as process:
        yield process


@pytest.fixture
def screen(screens, hub):
    """Open a paired display at 1920×1080 in its own browser context; `live` waits until it has its snapshot."""

    def open_screen(path: str, role: str = "display", live: bool = True):
        page = screens.open(hub, path, role, DISPLAY_SIZE)
        if live:
            expect_display_live(page)
        return page

    return open_screen


@pytest.fixture
def kiosk(hub):
    device = TestDevice(hub.device_url, hub.store, "kiosk-de")
    yield device
    device.close()


def send(kiosk, *lines: dict, **fields) -> str:
    kiosk.submit(order_data(lines=list(lines), **fields))
    reply = kiosk.reply()
    assert reply["type"] == "order.accepted", reply
    return reply["data"]["number"]


def english_display_words() -> list[str]:
    """The display pages' English words that German writes differently: each string's text between its holes."""
    german = _german_strings()
    said_in_german = " ".join(german.values())
    words = set()
    for key, english in DISPLAY_STRINGS.items():
        if english == german[key]:
            continue  # "live", "Kiosk": the same in both
        for part in re.split(r"\{\w+\}", english):
            part = part.strip(" ·:+×—?“”")
            # A part German uses too ("Start" in "Start in 0:30") is no sign of English.
            if len(part) >= 3 and not re.search(rf"(?<![\w-]){re.escape(part)}(?![\w-])", said_in_german):
                words.add(part)
    return sorted(words)


def _german_strings() -> dict[str, str]:
    from flask import Flask

    from displays.i18n import display_strings
    from kiosk.i18n import init_babel

    app = Flask(__name__)
    init_babel(app)
    with app.app_context():
        return display_strings("de")


def assert_all_german(pages: dict, catalog_words: list[str], display_words: list[str]) -> None:
    """What a person reads on each page (its text, title, placeholders and tooltips) has no English word."""
    for name, page in pages.items():
        seen = page.evaluate("""() => [document.title, document.body.innerText,
            ...[...document.querySelectorAll('[placeholder]')].map((e) => e.placeholder),
            ...[...document.querySelectorAll('[title]')].map((e) => e.title),
            ...[...document.querySelectorAll('[aria-label]')].map((e) => e.getAttribute('aria-label'))].join('\\n')""")
        found = english_in(seen, catalog_words) + english_in(seen, display_words)
        assert found == [], f"{name} shows English {found}:\n{seen}"


def placeholders_cut(page) -> list[str]:
    """Return each input's placeholder that is wider than the input shows it (a person reads only its start)."""
    return page.evaluate("""() => {
      const ctx = document.createElement("canvas").getContext("2d");
      return [...document.querySelectorAll("input[placeholder]")].filter((input) => {
        const s = getComputedStyle(input);
        ctx.font = s.font;
        const room = input.clientWidth - parseFloat(s.paddingLeft) - parseFloat(s.paddingRight);
        return input.offsetParent !== null && ctx.measureText(input.placeholder).width > room;
      }).map((input) => input.placeholder);
    }""")


def test_a_german_kitchen_display_expo_pick_list_and_board_show_no_english_word(screen, kiosk):
    catalog_words, display_words = english_catalog_words(), english_display_words()
    assert {"Oat milk", "Salmon bagel", "Passline mug"} <= set(catalog_words)
    assert {"Preparing", "Ready", "more", "New", "Started", "Bump", "Hand over", "All day", "Pack"} <= set(display_words)
    bar = screen("/displays/kds/bar")  # no ?lang=: the store's language
    kitchen = screen("/displays/kds/kitchen")
    expo = screen("/displays/expo")
    pick = screen("/displays/pick/pick-a")
    board = screen("/displays/board", "board")

    rushed = send(kiosk, {"sku": "LATTE-M", "qty": 1, "modifiers": ["OAT", "SHOT"]}, rush=True)
    started = send(kiosk, {"sku": "TEA-EARLGREY", "qty": 2}, {"sku": "BAGEL-SALMON", "qty": 1})
    done = send(kiosk, {"sku": "CAPPUCCINO", "qty": 1})
    cancelled = send(kiosk, {"sku": "ESPRESSO", "qty": 1})
    shelf = send(kiosk, {"sku": "MUG-PASSLINE", "qty": 1}, {"sku": "BEANS-DECAF-250", "qty": 1}, fulfilment="pickup")
    for _ in range(40):  # more than the board's Preparing column holds
        send(kiosk, {"sku": "ESPRESSO", "qty": 1})

    card = bar.locator(f".card[data-number='{rushed}']")
    expect(card.locator(".item .name")).to_have_text("Latte (mittel)")
    expect(card.locator(".item .mods")).to_have_text("Hafermilch, Extra-Espresso")
    expect(card.locator(".rush-mark")).to_have_text("EILT")
    expect(card.locator(".meta")).to_contain_text("Kiosk · Zum Mitnehmen · fällig")
    expect(card.locator(".bump")).to_have_text("Fertig")
    bar.locator(f".card[data-number='{started}'] .start").click()
    expect(bar.locator(f".card[data-number='{started}'] .state-mark")).to_have_text("In Arbeit")
    expect(card.locator(".state-mark")).to_have_text("Neu")
    expect(bar.locator("#allday")).to_contain_text("Earl-Grey-Tee")
    expect(bar.locator("#load")).to_contain_text(" offen · ")
    expect(kitchen.locator(f".card[data-number='{started}'] .item .name")).to_have_text("Lachs-Bagel")

    asked: list[str] = []
    expo.on("dialog", lambda dialog: (asked.append(dialog.message), dialog.accept()))
    expo.locator(f"tr[data-number='{cancelled}'] .cancel").click()
    expect(bar.locator(f".card[data-number='{cancelled}'] .banner")).to_have_text("STORNIERT — abräumen zum Entfernen")
    assert asked == [f"Bestellung {cancelled} stornieren?"]
    expect(expo.locator(f"tr[data-number='{started}'] .chip[data-station='bar']")).to_contain_text("bar: in Arbeit")

    expo.locator(f"tr[data-number='{done}'] .expo-bump").click()  # too early: the hub says why, in German
    expect(expo.locator("#notice")).to_have_text(f"Bestellung {done} ist noch an bar")
    bar.locator(f".card[data-number='{done}'] .bump").click()
    expect(expo.locator(f"tr[data-number='{done}'] .state")).to_have_text("alles fertig")
    expo.locator(f"tr[data-number='{done}'] .expo-bump").click()
    expect(expo.locator(f"tr[data-number='{done}'] .state")).to_have_text("ABHOLBEREIT")
    expect(expo.locator(f"tr[data-number='{done}'] .hand-over")).to_have_text("Übergeben")
    expect(board.locator("#ready .num")).to_have_text([done])
    bar.locator("#recall-open").click()
    expect(bar.locator("#recent li").first).to_have_text(f"{done} · 1× Cappuccino")

    order = pick.locator(f".card[data-number='{shelf}']")
    expect(order.locator(".bin-name")).to_have_text(["Fach A-03", "Fach A-12"])
    expect(order.locator(".item .name")).to_have_text(["Entkoffeinierte Bohnen 250 g", "Passline-Becher"])
    expect(order.locator(".total")).to_have_text(re.compile(r"^\d+,\d\d EUR$"))
    pick.locator("#scan").fill(MUG_GTIN)
    pick.locator("#scan").press("Enter")
    expect(pick.locator("#scanned")).to_have_text(f"Passline-Becher für {shelf} gepickt")
    order.locator(".item[data-sku='BEANS-DECAF-250'] .short").click()
    expect(order.locator(".short-title")).to_have_text("1× Entkoffeinierte Bohnen 250 g nicht gefunden:")
    expect(order.locator(".substitute")).to_have_attribute("placeholder", "Ersatz scannen, Enter")
    assert placeholders_cut(pick) == []
    order.locator(".short-panel .remove").click()
    changed = "GEÄNDERT: 1× Entkoffeinierte Bohnen 250 g entfernt (nicht gefunden)"
    expect(order.locator(".changed-banner")).to_have_text(changed)
    expect(expo.locator(f"tr[data-number='{shelf}'] .change-note")).to_have_text(changed)
    expect(order.locator(".pack")).to_have_text("Packen")

    more = board.locator("#preparing-more")
    expect(more).to_have_text(re.compile(r"^\+\d+ weitere$"))
    expect(board.locator("h2")).to_have_text(["Abholbereit", "In Zubereitung"])
    expect(board.locator("h1")).to_have_text("Bestellungen")

    pages = {"kds-bar": bar, "kds-kitchen": kitchen, "expo": expo, "pick-a": pick, "board": board}
    for name, page in pages.items():
        expect(page.locator("html")).to_have_attribute("lang", "de")
        screenshot(page, f"german-{name}")
    assert_all_german(pages, catalog_words, display_words)
    # German words are longer: nothing cut off, nothing on top of another, the main actions on screen.
    for name, page, main in (("kds-bar", bar, ".card .bump"), ("pick-a", pick, "#scan"),
                             ("expo", expo, "#orders tr .expo-bump"), ("board", board, "#preparing .num")):
        problems = layout_problems(page, main_action=main)
        problems += text_cut(page, "button, .state-mark, .banner, h1, h2, .more", on_screen=False)
        assert problems == [], f"{name}:\n" + "\n".join(problems)


def test_the_list_of_displays_and_a_wrong_address_are_german_too(screen):
    catalog_words, display_words = english_catalog_words(), english_display_words()
    index = screen("/displays/", live=False)
    expect(index.locator("h1")).to_have_text("Anzeigen")
    expect(index.locator("main > ul > li > a")).to_have_text(["Pass", "Abholanzeige"])
    expect(index.locator("#stations a").first).to_be_visible()
    wrong = screen("/displays/pick/typo", live=False)
    expect(wrong.locator("h1")).to_have_text("Keine Pickzone typo")
    expect(wrong.locator("#unknown")).to_have_text(
        "Diese Filiale hat keine Pickzone „typo“, dieser Bildschirm bliebe leer. Bitte die Adresse prüfen.")
    expect(wrong.locator("#known a")).to_have_text(["pick-a", "pick-b"])
    assert_all_german({"index": index, "no such pick zone": wrong}, catalog_words, display_words)
    screenshot(index, "german-displays-index")

    index.locator("#languages a[hreflang='en']").click()  # every screen opened from here now speaks English
    expect(index.locator("h1")).to_have_text("Displays")
    index.goto(index.url.split("?")[0] + "expo")
    expect(index.locator("thead th")).to_have_text(["#", "Order", "Origin", "Stations", "Status", ""])


def test_a_display_address_chooses_english_and_the_screen_keeps_it(screen, kiosk):
    board = screen("/displays/board?lang=en", "board")
    expect(board.locator("h2")).to_have_text(["Ready", "Preparing"])
    expect(board.locator("html")).to_have_attribute("lang", "en")
    board.goto(board.url.split("?")[0])  # a reload without ?lang=: the cookie keeps English
    expect(board.locator("#link")).to_have_attribute("data-state", "live")
    expect(board.locator("h2")).to_have_text(["Ready", "Preparing"])
    cookie = next(c for c in board.context.cookies() if c["name"] == "passline_display_lang")
    assert (cookie["value"], cookie["path"]) == ("en", "/displays")  # the kiosk's own language is left alone

    pick = screen("/displays/pick/pick-a?lang=en")
    expect(pick.locator("#scan")).to_have_attribute("placeholder", "barcode or SKU, Enter")
    assert placeholders_cut(pick) == []

    bar = screen("/displays/kds/bar?lang=en")
    number = send(kiosk, {"sku": "LATTE-M", "qty": 1, "modifiers": ["OAT"]})
    card = bar.locator(f".card[data-number='{number}']")
    expect(card.locator(".item .name")).to_have_text("Latte (medium)")
    expect(card.locator(".item .mods")).to_have_text("Oat milk")
    expect(card.locator(".state-mark")).to_have_text("New")
    bar.goto(bar.url.replace("lang=en", "lang=de"))
    expect(bar.locator(f".card[data-number='{number}'] .item .name")).to_have_text("Latte (mittel)")
    expect(bar.locator(f".card[data-number='{number}'] .state-mark")).to_have_text("Neu")


def test_a_rare_refusal_is_german_too(screen, kiosk):
    bar = screen("/displays/kds/bar")
    expo = screen("/displays/expo")
    number = send(kiosk, {"sku": "CAPPUCCINO", "qty": 1})
    bar.locator(f".card[data-number='{number}'] .bump").click()
    expo.locator(f"tr[data-number='{number}'] .expo-bump").click()
    expo.locator(f"tr[data-number='{number}'] .hand-over").click()
    expect(expo.locator(f"tr[data-number='{number}']")).to_have_count(0)
    bar.locator("#recall-open").click()  # the cook recalls a ticket whose customer has already left with it
    bar.locator("#recent button", has_text=f"{number} ·").click()
    expect(bar.locator("#notice")).to_have_text(
        f"Bestellung {number} ist übergeben; sie kann nicht mehr zurückgeholt werden")
    screenshot(bar, "german-kds-refusal")
