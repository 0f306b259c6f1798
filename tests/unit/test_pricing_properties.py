"""Properties of the pricing engine on random baskets (hypothesis)."""

from __future__ import annotations

from datetime import datetime
from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from hub.domain.catalog import BundlePart, Catalog, CatalogItem
from hub.domain.order_messages import LineRequest, ManualDiscount
from hub.domain.money import Money
from hub.domain.pricing import PricingRequest, needs_approval, price_basket
from hub.domain.promotions import Promotion
from hub.domain.tax import TaxPolicy, TaxRate

RATES = {"std": (TaxRate("S", "standard", 1900),), "low": (TaxRate("L", "reduced", 700),),
         "us": (TaxRate("ST", "state", 625), TaxRate("CI", "city", 225)), "none": ()}
SKUS = [f"I{n}" for n in range(8)]
BUNDLES = ["B0", "B1"]  # combos of the items above, priced as one and taxed part by part
CATEGORIES = ["coffee", "pastry", "food"]

prices = st.lists(st.integers(0, 5000), min_size=len(SKUS), max_size=len(SKUS))
taxes = st.lists(st.sampled_from(sorted(RATES)), min_size=len(SKUS), max_size=len(SKUS))
bundles = st.lists(
    st.tuples(st.integers(0, 8000),
              st.lists(st.tuples(st.sampled_from(SKUS), st.integers(1, 3)), min_size=1, max_size=4, unique_by=lambda p: p[0])),
    min_size=len(BUNDLES), max_size=len(BUNDLES))
lines = st.lists(st.tuples(st.sampled_from(SKUS + BUNDLES), st.integers(1, 9)), min_size=1, max_size=12)
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


def catalog(amounts, categories, combos, inclusive=True, per_line=True):
    items = [CatalogItem(sku, sku, Money(amount, "EUR"), 0, "bar", 60, category=CATEGORIES[i % 3], tax_category=cat)
             for i, (sku, amount, cat) in enumerate(zip(SKUS, amounts, categories))]
    # A bundle's own tax category ("std") must never be what it is taxed at: its parts' are.
    items += [CatalogItem(sku, sku, Money(amount, "EUR"), 0, "grill", 60, category="meal", tax_category="std",
                          parts=tuple(BundlePart(part, qty) for part, qty in parts))
              for sku, (amount, parts) in zip(BUNDLES, combos)]
    return Catalog(items, taxes=TaxPolicy(inclusive, per_line, RATES))


def price(cat, basket, promos=(), exempt=False):
    request = PricingRequest("kiosk", datetime(2026, 11, 23, 12), promotions=promos, tax_exempt=exempt)
    return price_basket(cat, [LineRequest(sku, qty) for sku, qty in basket], request)


@settings(max_examples=300)
@given(prices, taxes, bundles, lines, promotions, st.booleans(), st.booleans(), st.booleans())
def test_a_total_is_never_negative_and_discounts_never_exceed_a_line(amounts, cats, combos, basket, promos, inclusive,
                                                                     per_line, exempt):
    priced = price(catalog(amounts, cats, combos, inclusive, per_line), basket, promos, exempt)
    assert priced.total >= 0
    assert all(0 <= line.discount <= line.amount for line in priced.lines)
    assert priced.discount == sum(line.discount for line in priced.lines)


@settings(max_examples=300)
@given(prices, taxes, bundles, lines, promotions, st.booleans(), st.booleans(), st.randoms(use_true_random=False))
def test_the_order_of_lines_does_not_change_the_total(amounts, cats, combos, basket, promos, inclusive, per_line, rnd):
    cat = catalog(amounts, cats, combos, inclusive, per_line)
    shuffled = list(basket)
    rnd.shuffle(shuffled)
    first, second = price(cat, basket, promos), price(cat, shuffled, promos)
    assert (first.total, first.discount, first.taxes.tax) == (second.total, second.discount, second.taxes.tax)


@settings(max_examples=300)
@given(prices, taxes, bundles, lines, promotions, st.booleans(), st.booleans(), st.booleans())
def test_a_bundles_shares_add_up_to_its_price_and_the_tax_to_the_sum_over_rates(amounts, cats, combos, basket, promos,
                                                                                 inclusive, per_line, exempt):
    priced = price(catalog(amounts, cats, combos, inclusive, per_line), basket, promos, exempt)
    for line in priced.lines:
        if not line.item.is_bundle:
            assert line.parts == ()
            continue
        parts = line.parts
        assert sum(p.unit_share for p in parts) == line.unit_amount
        assert sum(p.amount for p in parts) == line.amount and sum(p.net for p in parts) == line.net
        assert sum(p.discount for p in parts) == line.discount
        assert all(0 <= p.discount <= p.amount for p in parts)
        weights = [p.list_amount * (p.qty // line.qty) for p in parts]
        if any(weights):  # largest remainder: each share is within a cent of its exact proportion
            assert all(abs(p.unit_share - Fraction(line.unit_amount * w, sum(weights))) < 1 for p, w in zip(parts, weights))
    assert priced.taxes.tax == sum(t.amount for t in priced.taxes.lines)
    net = sum(line.net for line in priced.lines)
    if exempt:
        assert priced.taxes.tax == 0 and (priced.total <= net if inclusive else priced.total == net)
    else:
        assert priced.total == (net if inclusive else net + priced.taxes.tax)


def half_up(value: Fraction) -> int:
    """Round half away from zero, written independently of the engine's Decimal rounding."""
    return int(value + Fraction(1, 2)) if value >= 0 else -int(-value + Fraction(1, 2))


def largest_remainder(total: int, weights: list[int]) -> list[int]:
    """Split total by weights (equally if all are 0): floors, then a cent each by remainder, then position."""
    weights = weights if any(weights) else [1] * len(weights)
    exact = [Fraction(total * w, sum(weights)) for w in weights]
    shares = [int(x) for x in exact]
    by_remainder = sorted(range(len(exact)), key=lambda i: (shares[i] - exact[i], i))
    for i in by_remainder[:total - sum(shares)]:
        shares[i] += 1
    return shares


@settings(max_examples=300)
@given(prices, taxes, bundles, lines, st.booleans())
def test_inclusive_and_exclusive_stores_match_a_hand_computed_reference(amounts, cats, combos, basket, per_line):
    price_of = dict(zip(SKUS, amounts))
    rates_of = dict(zip(SKUS, cats))
    taxed = []  # (amount, rates in basis points by code), a bundle's parts each at their own rates
    for sku, qty in basket:
        if sku in BUNDLES:
            amount, parts = combos[BUNDLES.index(sku)]
            shares = largest_remainder(amount, [price_of[part] * n for part, n in parts])
            taxed += [(share * qty, RATES[rates_of[part]]) for share, (part, _) in zip(shares, parts)]
        else:
            taxed.append((price_of[sku] * qty, RATES[rates_of[sku]]))
    reference = {}
    for inclusive in (True, False):
        exact: dict[str, list[Fraction]] = {}
        for amount, rates in taxed:
            divisor = 10_000 + sum(r.rate_bp for r in rates) if inclusive else 10_000
            for r in rates:
                exact.setdefault(r.code, []).append(Fraction(amount * r.rate_bp, divisor))
        if per_line:
            tax = sum(half_up(x) for parts in exact.values() for x in parts)
        else:
            tax = sum(half_up(sum(parts)) for parts in exact.values())
        amounts_total = sum(amount for amount, _ in taxed)
        reference[inclusive] = (amounts_total if inclusive else amounts_total + tax, tax)
    for inclusive in (True, False):
        priced = price(catalog(amounts, cats, combos, inclusive, per_line), basket)
        assert (priced.total, priced.taxes.tax) == reference[inclusive]


@settings(max_examples=300)
@given(prices, taxes, bundles, lines, promotions)
def test_the_customer_gets_at_least_what_any_single_exclusive_promotion_gives(amounts, cats, combos, basket, promos):
    cat = catalog(amounts, cats, combos)
    best = price(cat, basket, promos).discount
    for promo in promos:
        if not promo.stackable:
            assert best >= price(cat, basket, [promo]).discount
    assert best >= price(cat, basket, [p for p in promos if p.stackable]).discount


manual = st.lists(
    st.builds(lambda line, percent, amount, use_percent: ManualDiscount("why", line, percent if use_percent else None,
                                                                        None if use_percent else amount),
              st.one_of(st.none(), st.integers(0, 11)), st.integers(1, 100), st.integers(1, 20_000), st.booleans()),
    max_size=4)


@settings(max_examples=300)
@given(prices, taxes, bundles, lines, promotions, manual, st.booleans())
def test_manual_discounts_come_after_promotions_and_never_take_a_line_below_zero(amounts, cats, combos, basket, promos,
                                                                                  by_hand, inclusive):
    by_hand = [d for d in by_hand if d.line is None or d.line < len(basket)]
    cat = catalog(amounts, cats, combos, inclusive)
    request = PricingRequest("counter", datetime(2026, 11, 23, 12), promotions=promos, manual=by_hand,
                             discount_limit_percent=10)
    priced = price_basket(cat, [LineRequest(sku, qty) for sku, qty in basket], request)
    plain = price(cat, basket, promos)
    promoted = {d.promo_id: d.amount for d in priced.discounts if not d.promo_id.startswith("manual-")}
    assert promoted == {d.promo_id: d.amount for d in plain.discounts}  # promotions do not see manual discounts
    assert priced.total >= 0 and all(0 <= line.discount <= line.amount for line in priced.lines)
    assert priced.discount == sum(line.discount for line in priced.lines)
    for d in priced.discounts:
        assert d.amount == sum(amount for _, amount in d.lines)
        if d.reason is not None:
            assert d.amount <= d.base
    assert priced.approval_required == needs_approval(priced, 10)  # the flag shown is what intake will demand
