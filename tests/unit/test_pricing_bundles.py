"""A bundle's price, discount and tax are shared over its parts by their own prices (hand-computed)."""

from __future__ import annotations

from datetime import datetime

from hub.domain.catalog import BundlePart, Catalog, CatalogItem, PriceRule
from hub.domain.order_messages import LineRequest, SubmitOrder
from hub.domain.money import Money
from hub.domain.orders import price_lines
from hub.domain.pricing import PricingRequest, price_basket
from hub.domain.promotions import Promotion
from hub.domain.tax import TaxPolicy, TaxRate

MONDAY_NOON = datetime(2026, 11, 23, 12, 0)
GERMANY = {"food": (TaxRate("VAT7", "VAT 7 %", 700),), "drink": (TaxRate("VAT19", "VAT 19 %", 1900),)}
SPEND_25 = Promotion("spend-25", "2.00 off when you spend 25.00", "amount", 200, min_spend=2500)


def item(sku, price, tax_category, station, **kw):
    return CatalogItem(sku, sku.title(), Money(price, "EUR"), 0, station, 60, tax_category=tax_category, **kw)


# The demo meal deal: 9.90 + 3.90 + 3.20 = 17.00 of parts for 12.90, taxed as a whole at 7 % before.
ITEMS = [
    item("BURGER", 990, "food", "grill"),
    item("FRIES", 390, "food", "fryer"),
    item("COLA", 320, "drink", "bar", prices=(PriceRule(420, channel="app"),)),
    item("MEAL", 1290, "food", "grill", parts=(BundlePart("BURGER"), BundlePart("FRIES"), BundlePart("COLA"))),
]


def store(inclusive=True, per_line=True, items=ITEMS):
    return Catalog(items, taxes=TaxPolicy(inclusive, per_line, GERMANY))


def price(lines, catalog=None, origin="kiosk", **kw):
    request = PricingRequest(origin, MONDAY_NOON, **kw)
    return price_basket(catalog or store(), [LineRequest(sku, qty) for sku, qty in lines], request)


def shares(basket):
    return [(p.item.sku, p.amount, p.discount, p.net) for p in basket.lines[0].parts]


def taxes(basket):
    return {t.code: t.amount for t in basket.taxes.lines}


def test_meal_deal_price_is_shared_over_its_parts_by_their_own_prices():
    # 12.90 x 990/1700 = 751.24, x 390/1700 = 295.94, x 320/1700 = 242.82: 1288 in whole cents, and the
    # two spare cents go to the largest remainders (fries .94, cola .82).
    basket = price([("MEAL", 1)])
    assert shares(basket) == [("BURGER", 751, 0, 751), ("FRIES", 296, 0, 296), ("COLA", 243, 0, 243)]
    assert basket.total == 1290


def test_meal_deal_vat_is_charged_at_each_parts_own_rate_in_an_inclusive_store():
    # Burger 751 x 7/107 = 49.13 -> 49, fries 296 x 7/107 = 19.36 -> 19, cola 243 x 19/119 = 38.80 -> 39.
    per_line = price([("MEAL", 1)])
    assert taxes(per_line) == {"VAT7": 49 + 19, "VAT19": 39}
    assert (per_line.taxes.tax, per_line.total) == (107, 1290)
    # Once per order: (751 + 296) x 7/107 = 68.50 -> 68, the same here.
    assert taxes(price([("MEAL", 1)], store(per_line=False))) == {"VAT7": 68, "VAT19": 39}


def test_meal_deal_tax_is_added_per_part_rate_in_an_exclusive_store_per_line_or_per_order():
    # Per line: 751 x 7 % = 52.57 -> 53, 296 x 7 % = 20.72 -> 21, 243 x 19 % = 46.17 -> 46.
    per_line = price([("MEAL", 1)], store(inclusive=False))
    assert (taxes(per_line), per_line.total) == ({"VAT7": 74, "VAT19": 46}, 1290 + 120)
    # Per order: 1047 x 7 % = 73.29 -> 73.
    per_order = price([("MEAL", 1)], store(inclusive=False, per_line=False))
    assert (taxes(per_order), per_order.total) == ({"VAT7": 73, "VAT19": 46}, 1290 + 119)


def test_a_discount_on_a_bundle_is_spread_over_its_parts_like_its_price():
    # Two meals (25.80) reach the threshold. Shares 1502, 592, 486; 2.00 over them: 116.43, 45.89, 37.67
    # -> 116, 45, 37 and the spare two cents to fries and cola.
    basket = price([("MEAL", 2)], promotions=[SPEND_25])
    assert shares(basket) == [("BURGER", 1502, 116, 1386), ("FRIES", 592, 46, 546), ("COLA", 486, 38, 448)]
    # 1386 x 7/107 = 90.67 -> 91, 546 x 7/107 = 35.72 -> 36, 448 x 19/119 = 71.53 -> 72.
    assert (taxes(basket), basket.total) == ({"VAT7": 127, "VAT19": 72}, 2380)
    assert basket.discounts[0].lines == ((0, 200),)


def test_the_channels_own_part_prices_weigh_the_split_and_ties_go_to_the_first_part():
    # In the app a cola is 4.20: 12.90 x 990/1800 = 709.5, x 390/1800 = 279.5, x 420/1800 = 301;
    # one spare cent, burger and fries tie on .5, the burger comes first.
    basket = price([("MEAL", 1)], origin="app")
    assert [(p.item.sku, p.list_amount, p.amount) for p in basket.lines[0].parts] == [
        ("BURGER", 990, 710), ("FRIES", 390, 279), ("COLA", 420, 301)]


def test_a_tax_exempt_meal_deal_pays_its_price_without_the_parts_vat():
    basket = price([("MEAL", 1)], tax_exempt=True)
    assert (basket.taxes.tax, basket.total) == (0, 1290 - 107)
    assert taxes(basket) == {"VAT7": 0, "VAT19": 0}


def test_parts_with_no_price_of_their_own_share_a_bundle_equally():
    free = [item("TOY", 0, "drink", "bar"), item("STICKER", 0, "food", "bar"), item("CARD", 0, "food", "bar"),
            item("KIT", 100, "food", "bar", parts=(BundlePart("TOY"), BundlePart("STICKER"), BundlePart("CARD")))]
    assert [p.amount for p in price([("KIT", 1)], store(items=free)).lines[0].parts] == [34, 33, 33]


def test_the_order_lines_of_a_meal_deal_carry_the_shares_that_were_taxed():
    command = SubmitOrder("o-1", "kiosk", "eat_in", (LineRequest("MEAL", 1),), "f")
    lines = price_lines(command, store())
    assert [(ln.sku, ln.station, ln.total.amount, ln.bundle) for ln in lines] == [
        ("BURGER", "grill", 751, "MEAL"), ("FRIES", "fryer", 296, "MEAL"), ("COLA", "bar", 243, "MEAL")]


def test_the_breakdown_shows_each_parts_share_and_rate():
    line = price([("MEAL", 2)], promotions=[SPEND_25]).to_dict()["lines"][0]
    assert line["net"] == {"amount": 2380, "currency": "EUR"}
    assert [(p["sku"], p["qty"], p["list_price"]["amount"], p["amount"]["amount"], p["discount"]["amount"],
             p["net"]["amount"], p["tax_codes"]) for p in line["parts"]] == [
        ("BURGER", 2, 990, 1502, 116, 1386, ["VAT7"]), ("FRIES", 2, 390, 592, 46, 546, ["VAT7"]),
        ("COLA", 2, 320, 486, 38, 448, ["VAT19"])]
    assert price([("BURGER", 1)]).to_dict()["lines"][0]["parts"] == []
