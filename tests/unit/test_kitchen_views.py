"""What the screens show of an order: modifier names, the store's stations, the board's newest-first times."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from hub.domain import kitchen
from hub.domain.catalog import Catalog, CatalogItem, Modifier
from hub.domain.kitchen import KitchenSettings
from hub.domain.catalog_texts import CatalogTexts, ItemWords, Words
from hub.domain.kitchen_views import BOARD, card, catalog_words, shelf_of, stations_of
from hub.domain.money import Money
from tests.unit.test_kitchen_domain import NOON, accepted_order, line


def item(sku: str, station: str, bin_code: str | None = None, **modifiers: str) -> CatalogItem:
    return CatalogItem(sku, sku.title(), Money(300, "EUR"), 700, station, 60, bin=bin_code,
                       modifiers={code: Modifier(code, name) for code, name in modifiers.items()})


CATALOG = Catalog([item("LATTE", "bar", OAT="Oat milk", SHOT="Extra shot"), item("BURGER", "grill"),
                   item("MUG", "pick-a", "A-12")])


def test_a_kitchen_card_names_the_modifiers_as_the_printed_ticket_does():
    order = accepted_order(replace(line("Latte", "bar", 60), modifiers=("OAT", "SHOT", "GONE")))
    shown = card(order, "kds:bar", shelf_of(CATALOG, order))
    assert shown["items"][0]["modifiers"] == ["Oat milk", "Extra shot", "GONE"]  # a code the catalog lost stays a code


def test_a_display_in_german_gets_the_catalog_names_in_german_and_the_own_name_where_a_word_is_missing():
    german = Words(items={"LATTE": ItemWords(name="Latte (mittel)", modifiers={"SHOT": "Extra-Espresso"})},
                   modifiers={"OAT": "Hafermilch"})
    catalog = Catalog(CATALOG, texts=CatalogTexts("en", {"de": german}))
    words = catalog_words(catalog, "de")
    assert words["items"] == {"LATTE": "Latte (mittel)", "BURGER": "Burger", "MUG": "Mug"}
    assert words["modifiers"]["LATTE"] == {"OAT": "Hafermilch", "SHOT": "Extra-Espresso"}
    assert words["names"]["Latte"] == "Latte (mittel)"  # a short pick's words name lines by the own name
    assert catalog_words(catalog, "en")["modifiers"]["LATTE"] == {"OAT": "Oat milk", "SHOT": "Extra shot"}
    order = accepted_order(replace(line("Latte", "bar", 60), modifiers=("OAT", "SHOT")))
    assert card(order, "kds:bar", shelf_of(catalog, order))["items"][0]["modifier_codes"] == ["OAT", "SHOT"]


def test_stations_come_from_the_catalog_and_the_display_settings_and_shelf_stations_are_pick_zones():
    assert stations_of(CATALOG) == (["bar", "grill"], ["pick-a"])
    assert stations_of(CATALOG, ["fryer", "bar"], ["pick-b"]) == (["bar", "fryer", "grill"], ["pick-a", "pick-b"])


def test_a_ready_number_on_the_board_is_dated_by_its_last_finished_station():
    order = accepted_order(line("Latte", "bar", 60), line("Bagel", "kitchen", 120))
    assert (card(order, BOARD)["state"], card(order, BOARD)["since"]) == ("preparing", NOON.isoformat())
    bar, kitchen_ticket = order.tickets
    kitchen.bump(order, bar, NOON + timedelta(minutes=2), KitchenSettings())
    kitchen.bump(order, kitchen_ticket, NOON + timedelta(minutes=3), KitchenSettings())
    kitchen.expo_bump(order)
    assert (card(order, BOARD)["state"], card(order, BOARD)["since"]) == ("ready", (NOON + timedelta(minutes=3)).isoformat())
