"""Properties of the pricing engine on random baskets (hypothesis)."""

from __future__ import annotations

from datetime import datetime
from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from hub.domain.catalog import Catalog, CatalogItem
from hub.domain.commands import LineRequest
from hub.domain.money import Money
from hub.domain.pricing import PricingRequest, price_basket
from hub.domain.promotions import Promotion
from hub.domain.tax import TaxPolicy, TaxRate

RATES = {"std": (TaxRate("S", "standard", 1900),), "low": (TaxRate("L", "reduced", 700),),
         "us": (TaxRate("ST", "state", 625), TaxRate("CI", "city", 225)), "none": ()}
SKUS = [f"I{n}" for n in range(8)]
CATEGORIES = ["coffee", "pastry", "food"]

prices = st.lists(st.integers(0, 5000), min_size=len(SKUS), max_size=len(SKUS))
taxes = st.lists(st.sampled_from(sorted(RATES)), min_size=len(SKUS), max_size=len(SKUS))
lines = st.lists(st.tuples(st.sampled_from(SKUS), st.integers(1, 9)), min_size=1, max_size=12)
promotions = st.lists(
    st.builds(
        lambda n, kind, value, scope, target, stackable, spend: Promotion(
            f"p{n}", f"p{n}", kind, value if kind != "percent" else min(value, 10_000), scope,
            frozenset({target}), 1, 1, (frozenset({"coffee"}), frozenset({"pastry"})), ("coffee", "pastry"),
            min_spend=spend, stackable=stackable),
        st.integers(0, 99), st.sampled_from(["percent", "amount", "buy_x_get_y", "bundle"]), st.integers(0, 20_000),
        st.sampled_from(["item", "category", "basket"]), st.sampled_from(SKUS + CATEGORIES), st.booleans(),
        st.sampled_from([0, 0, 1000, 5000])),
    max_size=8, unique_by=lambda p: p.promo_id)


def catalog(amounts, categories, inclusive=True, per_line=True):
    items = [CatalogItem(sku, sku, Money(amount, "EUR"), 0, "bar", 60, category=CATEGORIES[i % 3], tax_category=cat)
             for i, (sku, amount, cat) in enumerate(zip(SKUS, amounts, categories))]
    return Catalog(items, taxes=TaxPolicy(inclusive, per_line, RATES))


def price(cat, basket, promos=(), exempt=False):
    request = PricingRequest("kiosk", datetime(2026, 11, 23, 12), promotions=promos, tax_exempt=exempt)
    return price_basket(cat, [LineRequest(sku, qty) for sku, qty in basket], request)


@settings(max_examples=300)
@given(prices, taxes, lines, promotions, st.booleans(), st.booleans(), st.booleans())
def test_a_total_is_never_negative_and_discounts_never_exceed_a_line(amounts, cats, basket, promos, inclusive, per_line, exempt):
    priced = price(catalog(amounts, cats, inclusive, per_line), basket, promos, exempt)
    assert priced.total >= 0
    assert all(0 <= line.discount <= line.amount for line in priced.lines)
    assert priced.discount == sum(line.discount for line in priced.lines)


@settings(max_examples=300)
@given(prices, taxes, lines, promotions, st.booleans(), st.booleans(), st.randoms(use_true_random=False))
def test_the_order_of_lines_does_not_change_the_total(amounts, cats, basket, promos, inclusive, per_line, rnd):
    cat = catalog(amounts, cats, inclusive, per_line)
    shuffled = list(basket)
    rnd.shuffle(shuffled)
    first, second = price(cat, basket, promos), price(cat, shuffled, promos)
    assert (first.total, first.discount, first.taxes.tax) == (second.total, second.discount, second.taxes.tax)


def half_up(value: Fraction) -> int:
    """Round half away from zero, written independently of the engine's Decimal rounding."""
    return int(value + Fraction(1, 2)) if value >= 0 else -int(-value + Fraction(1, 2))


@settings(max_examples=300)
@given(prices, taxes, lines)
def test_inclusive_and_exclusive_stores_match_a_hand_computed_reference(amounts, cats, basket):
    reference_in_total, reference_in_tax, reference_ex_total, reference_ex_tax = 0, 0, 0, 0
    price_of = dict(zip(SKUS, amounts))
    rates_of = dict(zip(SKUS, cats))
    for sku, qty in basket:
        amount = price_of[sku] * qty
        rates = [r.rate_bp for r in RATES[rates_of[sku]]]
        included = [half_up(Fraction(amount * r, 10_000 + sum(rates))) for r in rates]
        added = [half_up(Fraction(amount * r, 10_000)) for r in rates]
        reference_in_total += amount
        reference_in_tax += sum(included)
        reference_ex_total += amount + sum(added)
        reference_ex_tax += sum(added)
    inclusive = price(catalog(amounts, cats, inclusive=True), basket)
    exclusive = price(catalog(amounts, cats, inclusive=False), basket)
    assert (inclusive.total, inclusive.taxes.tax) == (reference_in_total, reference_in_tax)
    assert (exclusive.total, exclusive.taxes.tax) == (reference_ex_total, reference_ex_tax)


@settings(max_examples=300)
@given(prices, taxes, lines, promotions)
def test_the_customer_gets_at_least_what_any_single_exclusive_promotion_gives(amounts, cats, basket, promos):
    cat = catalog(amounts, cats)
    best = price(cat, basket, promos).discount
    for promo in promos:
        if not promo.stackable:
            assert best >= price(cat, basket, [promo]).discount
    assert best >= price(cat, basket, [p for p in promos if p.stackable]).discount
