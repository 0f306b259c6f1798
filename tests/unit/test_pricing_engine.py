"""The pricing engine: channel prices, modifier groups, taxes, promotions, hints."""

from __future__ import annotations

from datetime import datetime, time

import pytest

from hub.contracts.pricing import hint_message
from hub.domain.catalog import BundlePart, Catalog, CatalogItem, Modifier, ModifierGroup, PriceRule
from hub.domain.order_messages import LineRequest
from hub.domain.errors import InvalidModifiers, Unavailable, UnknownModifier, UnknownSku
from hub.domain.money import Money
from hub.domain.pricing import PricingRequest, price_basket
from hub.domain.promotions import Hint, Promotion, Window
from hub.domain.tax import TaxPolicy, TaxRate

MONDAY_NOON = datetime(2026, 11, 23, 12, 0)
MONDAY_4PM = datetime(2026, 11, 23, 16, 0)


def item(sku, price, category="general", **kw):
    return CatalogItem(sku, sku.title(), Money(price, "EUR"), kw.pop("tax_rate_bp", 1900), kw.pop("station", "bar"),
                       60, category=category, **kw)


LATTE = item("LATTE", 400, "coffee", modifiers={
    "OAT": Modifier("OAT", "Oat milk", 50, "milk"), "SOY": Modifier("SOY", "Soy milk", 50, "milk"),
    "WHOLE": Modifier("WHOLE", "Whole milk", 0, "milk"),
    "VANILLA": Modifier("VANILLA", "Vanilla", 40), "SF": Modifier("SF", "Sugar-free", 0, parent="VANILLA")},
    groups={"milk": ModifierGroup("milk", "milk", 1, 1, default="WHOLE")},
    prices=(PriceRule(450, channel="marketplace"), PriceRule(420, location="airport"),
            PriceRule(470, location="airport", channel="marketplace")))
CROISSANT = item("CROISSANT", 260, "pastry", tax_rate_bp=700, station="pastry")
MUFFIN = item("MUFFIN", 290, "pastry", tax_rate_bp=700, station="pastry")
BURGER = item("BURGER", 990, "food", tax_rate_bp=700, station="grill")
FRIES = item("FRIES", 390, "side", tax_rate_bp=700, station="fryer")
COLA = item("COLA", 320, "cold", station="bar")
MEAL = item("MEAL", 1290, "meal", tax_rate_bp=700, station="grill",
            parts=(BundlePart("BURGER"), BundlePart("FRIES"), BundlePart("COLA")))
CATALOG = Catalog([LATTE, CROISSANT, MUFFIN, BURGER, FRIES, COLA, MEAL])


def price(lines, catalog=CATALOG, origin="kiosk", **kw):
    kw.setdefault("local_time", MONDAY_NOON)
    return price_basket(catalog, [LineRequest(*line) for line in lines], PricingRequest(origin, **kw))


def test_price_depends_on_channel_and_location_most_specific_first():
    assert price([("LATTE", 1)]).lines[0].unit_amount == 400
    assert price([("LATTE", 1)], origin="marketplace").lines[0].unit_amount == 450
    airport = Catalog(list(CATALOG), location="airport")
    assert price([("LATTE", 1)], airport).lines[0].unit_amount == 420
    assert price([("LATTE", 1)], airport, origin="marketplace").lines[0].unit_amount == 470


def test_phone_orders_sell_at_counter_prices():
    assert price([("LATTE", 1)], origin="phone").channel == "counter"


def test_required_group_takes_its_default_and_modifiers_add_their_price():
    basket = price([("LATTE", 2, ("OAT", "VANILLA"))])
    assert basket.lines[0].unit_amount == 490 and basket.total == 980
    assert price([("LATTE", 1)]).lines[0].modifiers == ("WHOLE",)


def test_two_choices_in_a_group_of_one_are_refused_naming_the_line():
    with pytest.raises(InvalidModifiers) as refused:
        price([("CROISSANT", 1), ("LATTE", 1, ("OAT", "SOY"))])
    assert refused.value.field == "lines[1].modifiers" and "at most 1 milk" in refused.value.message


def test_nested_modifier_needs_its_parent():
    with pytest.raises(InvalidModifiers, match="SF needs Vanilla"):
        price([("LATTE", 1, ("SF",))])
    assert price([("LATTE", 1, ("VANILLA", "SF"))]).lines[0].unit_amount == 440


def test_unknown_sku_and_modifier_are_refused_with_their_codes():
    with pytest.raises(UnknownSku) as sku:
        price([("PIZZA", 1)])
    with pytest.raises(UnknownModifier) as modifier:
        price([("LATTE", 1, ("CREAM",))])
    assert (sku.value.code, sku.value.field) == ("unknown_sku", "lines[0].sku")
    assert (modifier.value.code, modifier.value.field) == ("unknown_modifier", "lines[0].modifiers[0]")


def test_a_bundle_is_sold_out_when_one_of_its_parts_is():
    with pytest.raises(Unavailable, match="no FRIES"):
        price([("MEAL", 1)], CATALOG.with_sold_out({"FRIES"}))


def test_inclusive_tax_is_contained_in_the_price_per_rate():
    basket = price([("LATTE", 1, ("OAT",)), ("CROISSANT", 2)])
    assert basket.total == 450 + 520
    taxes = {t.code: (t.taxable, t.amount) for t in basket.taxes.lines}
    assert taxes == {"VAT1900": (378, 72), "VAT700": (486, 34)}


def test_exclusive_tax_is_added_with_several_rates_of_one_jurisdiction():
    policy = TaxPolicy(inclusive=False, categories={"food": (TaxRate("STATE", "State", 625), TaxRate("CITY", "City", 200))})
    shop = Catalog([item("SANDWICH", 799, tax_category="food")], taxes=policy)
    basket = price([("SANDWICH", 3)], shop)
    assert [(t.code, t.amount) for t in basket.taxes.lines] == [("CITY", 48), ("STATE", 150)]
    assert basket.total == 2397 + 48 + 150


def test_rounding_per_line_and_per_order_can_differ_by_a_cent():
    lines = [("C", 1), ("D", 1), ("E", 1)]
    cheap = [item(s, 5, tax_rate_bp=700) for s in ("C", "D", "E")]  # 7 % of 5 cents = 0.35 each
    per_line = price(lines, Catalog(cheap, taxes=TaxPolicy(inclusive=False, per_line=True)))
    per_order = price(lines, Catalog(cheap, taxes=TaxPolicy(inclusive=False, per_line=False)))
    assert (per_line.taxes.tax, per_order.taxes.tax) == (0, 1)


def test_tax_exempt_order_pays_net_in_an_inclusive_store_and_no_tax_in_an_exclusive_one():
    exempt = price([("LATTE", 1)], tax_exempt=True)
    assert (exempt.taxes.tax, exempt.total) == (0, 400 - 64)
    us = Catalog([item("SODA", 199)], taxes=TaxPolicy(inclusive=False))
    assert price([("SODA", 1)], us, tax_exempt=True).total == 199


def promo(promo_id, kind, value, **kw):
    return Promotion(promo_id, promo_id.replace("-", " "), kind, value, **kw)


def test_percent_off_a_category_in_its_window_in_the_stores_time():
    happy = promo("happy-hour", "percent", 5000, scope="category", targets=frozenset({"pastry"}),
                  windows=(Window(frozenset(range(5)), time(15), time(17)),))
    assert price([("CROISSANT", 2)], promotions=[happy]).discount == 0
    basket = price([("CROISSANT", 2), ("LATTE", 1)], promotions=[happy], local_time=MONDAY_4PM)
    assert basket.discount == 260 and basket.discounts[0].promo_id == "happy-hour"


def test_buy_two_get_one_frees_the_cheapest_and_hints_when_one_is_missing():
    deal = promo("3for2", "buy_x_get_y", 10000, scope="category", targets=frozenset({"pastry"}), buy=2, get=1,
                 noun="pastry")
    assert price([("CROISSANT", 1), ("MUFFIN", 2)], promotions=[deal]).discount == 260
    short = price([("CROISSANT", 1), ("MUFFIN", 1)], promotions=[deal])
    assert short.discount == 0 and short.hints == (("3for2", Hint("add_more", "3for2", count=1, noun="pastry")),)
    assert hint_message(short.hints[0][1].parts(), "EUR") == "add 1 more pastry to get 3for2"


def test_bundle_promotion_prices_a_set_and_hints_the_missing_slot():
    deal = promo("breakfast", "bundle", 500, slots=(frozenset({"coffee"}), frozenset({"pastry"})),
                 slot_names=("coffee", "pastry"))
    assert price([("LATTE", 1), ("MUFFIN", 1)], promotions=[deal]).total == 500
    [(promo_id, hint)] = price([("LATTE", 1)], promotions=[deal]).hints
    assert (promo_id, hint) == ("breakfast", Hint("add_slot", "breakfast", count=1, noun="pastry"))
    assert hint_message(hint.parts(), "EUR") == "add a pastry to get breakfast"


def test_threshold_applies_from_its_spend_and_hints_what_is_missing():
    spend = promo("spend-20", "amount", 200, min_spend=2000)
    assert price([("BURGER", 3)], promotions=[spend]).total == 2770
    [(promo_id, hint)] = price([("BURGER", 1), ("LATTE", 1)], promotions=[spend]).hints
    assert (promo_id, hint) == ("spend-20", Hint("spend_more", "spend 20", amount=610))
    assert hint_message(hint.parts(), "EUR") == "spend €6.10 more to get spend 20"
    assert price([("BURGER", 1)], promotions=[spend]).hints == ()  # too far away to be worth a hint


def test_exclusive_promotion_wins_only_when_it_beats_the_stack():
    small = [promo("a-5", "percent", 500), promo("b-croissant", "amount", 50, scope="item", targets=frozenset({"CROISSANT"}))]
    big = promo("z-30", "percent", 3000, stackable=False)
    cheap = price([("CROISSANT", 1)], promotions=[*small, big])
    assert [d.promo_id for d in cheap.discounts] == ["z-30"]  # 78 beats 50 + 5 % of the rest (11)
    many = price([("CROISSANT", 10)], promotions=[*small, promo("z-10", "percent", 1000, stackable=False)])
    assert [d.promo_id for d in many.discounts] == ["b-croissant", "a-5"]  # 500 + 105 beats 260


def test_channel_tier_exclusion_usage_limit_and_switch_all_gate_a_promotion():
    base = dict(kind="percent", value=1000)
    assert price([("LATTE", 1)], promotions=[promo("web", channels=frozenset({"web"}), **base)]).discount == 0
    assert price([("LATTE", 1)], origin="web", promotions=[promo("web", channels=frozenset({"web"}), **base)]).discount == 40
    assert price([("LATTE", 1)], promotions=[promo("gold", tiers=frozenset({"gold"}), **base)]).discount == 0
    assert price([("LATTE", 1)], tier="gold", promotions=[promo("gold", tiers=frozenset({"gold"}), **base)]).discount == 40
    assert price([("LATTE", 1)], promotions=[promo("x", exclude=frozenset({"coffee"}), **base)]).discount == 0
    assert price([("LATTE", 1)], promotions=[promo("lim", usage_limit=3, **base)], uses={"lim": 3}).discount == 0
    assert price([("LATTE", 1)], promotions=[promo("off", active=False, **base)]).discount == 0


def test_bundle_item_is_priced_as_one():
    assert price([("MEAL", 2)]).total == 2580
