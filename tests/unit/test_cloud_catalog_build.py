"""HQ's objects become the hub's catalog file: variants, this store's prices, tax rates, dated promotions, bundles."""

from __future__ import annotations

from datetime import datetime, timezone

from hub.adapters.catalog_file import build_import
from hub.adapters.cloud.catalog_build import catalog_document
from hub.contracts.catalog import CatalogFile

NOW = datetime(2026, 12, 7, 12, 0, tzinfo=timezone.utc)


def price(sku: str, amount: int, store: str | None = None, channel: str | None = None) -> dict:
    return {"sku": sku, "store": store, "channel": channel, "price": {"amount": amount, "currency": "EUR"}}


def objects(**extra) -> dict:
    base = {
        "tax": {"DE|food": {"jurisdiction": "DE", "tax_code": "food", "rate_bp": 700, "inclusive": True}},
        "category": {"coffee": {"code": "coffee", "names": {"en": "Coffee", "de": "Kaffee"}}},
        "modifier_group": {"milk": {"code": "milk", "names": {"en": "Milk"}, "min_choices": 0, "max_choices": 1,
                                    "modifiers": [{"code": "OAT", "names": {"en": "Oat milk", "de": "Hafermilch"},
                                                   "price_delta": 50}]}},
        "item": {"LATTE": {"sku": "LATTE", "names": {"en": "Latte", "de": "Milchkaffee"}, "category": "coffee",
                           "tax_code": "food", "station": "bar", "prep_seconds": 90, "modifier_groups": ["milk"],
                           "variants": [{"sku": "LATTE-M", "names": {"en": "Latte M"}, "variant": {"size": "M"}},
                                        {"sku": "LATTE-L", "names": {"en": "Latte L"}, "variant": {"size": "L"}}]}},
        "price": {"a": price("LATTE-M", 400), "b": price("LATTE-L", 480), "c": price("LATTE-M", 420, store="berlin"),
                  "d": price("LATTE-M", 380, channel="app"), "e": price("LATTE-L", 999, store="hamburg")},
    }
    base.update(extra)
    return base


def build(found: dict, store: str = "berlin", language: str = "en") -> dict:
    document = catalog_document(found, store, language, NOW)
    build_import(CatalogFile.model_validate(document), store)  # the hub takes it as a catalog file
    return document


def test_each_variant_is_an_item_priced_for_this_store_with_its_channel_prices():
    items = {item["sku"]: item for item in build(objects())["items"]}
    assert set(items) == {"LATTE-M", "LATTE-L"}
    assert items["LATTE-M"]["price"] == 420, "the store's own price wins over the chain's"
    assert items["LATTE-L"]["price"] == 480, "another store's price is not this store's"
    assert items["LATTE-M"]["prices"] == [{"amount": 380, "location": None, "channel": "app"}]
    assert (items["LATTE-M"]["variant_of"], items["LATTE-M"]["variant"]) == ("LATTE", {"size": "M"})
    assert items["LATTE-M"]["modifiers"] == [{"code": "OAT", "name": "Oat milk", "price_delta": 50, "group": "milk",
                                              "parent": None}]


def test_names_in_the_stores_language_and_the_others_as_texts():
    document = build(objects(), language="en")
    assert document["texts"]["de"]["modifiers"] == {"OAT": "Hafermilch"}
    document = build(objects(), language="de")
    assert {item["name"] for item in document["items"]} == {"Latte M", "Latte L"}, "no German name: the first given"
    assert document["texts"]["de"]["categories"] == {"coffee": "Kaffee"}
    assert document["items"][0]["modifiers"][0]["name"] == "Hafermilch"
    assert document["taxes"] == {"inclusive": True,
                                 "categories": {"food": [{"code": "food", "name": "food", "rate_bp": 700}]}}


def test_an_item_without_a_price_or_a_tax_rate_here_is_not_sold():
    found = objects()
    found["item"]["TEA"] = {"sku": "TEA", "names": {"en": "Tea"}, "category": "coffee", "tax_code": "food",
                            "station": "bar", "prep_seconds": 30}
    found["item"]["WINE"] = {"sku": "WINE", "names": {"en": "Wine"}, "category": "coffee", "tax_code": "alcohol",
                             "station": "bar", "prep_seconds": 30}
    found["price"]["w"] = price("WINE", 700)
    assert {item["sku"] for item in build(found)["items"]} == {"LATTE-M", "LATTE-L"}
    assert catalog_document({"tax": found["tax"]}, "berlin", "en", NOW) is None, "nothing to sell: keep the old catalog"


def test_only_promotions_whose_dates_include_now_are_offered():
    def promotion(code: str, starts: str, ends: str) -> dict:
        return {"code": code, "names": {"en": code}, "starts_at": starts, "ends_at": ends,
                "rule": {"id": code, "name": code, "kind": "percent", "value": 10}}

    found = objects(promotion={
        "now": promotion("now", "2026-12-01T00:00:00+00:00", "2026-12-31T00:00:00+00:00"),
        "past": promotion("past", "2026-11-01T00:00:00+00:00", "2026-12-07T11:59:00+00:00"),
        "later": promotion("later", "2026-12-07T12:01:00+00:00", "2026-12-31T00:00:00+00:00"),
    })
    assert [p["id"] for p in build(found)["promotions"]] == ["now"]


def test_a_bundle_is_sold_when_all_its_parts_are():
    found = objects(bundle={"DEAL": {"sku": "DEAL", "names": {"en": "Two lattes"}, "category": "coffee",
                                     "parts": [{"sku": "LATTE-M", "qty": 2}]}})
    found["price"]["deal"] = price("DEAL", 700)
    deal = next(item for item in build(found)["items"] if item["sku"] == "DEAL")
    assert (deal["price"], deal["parts"], deal["station"]) == (700, [{"sku": "LATTE-M", "qty": 2}], "bar")
