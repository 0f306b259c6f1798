"""Benchmark the pricing engine: a 30-line basket against 200 active promotions.

Prints figures, and as its last line a JSON object with p50_ms, p99_ms and baskets_per_s.
Target: p99 <= 5 ms. Run: .venv/bin/python bench/pricing.py [--baskets N]
"""

from __future__ import annotations

import argparse
import json
import platform
import random
import statistics
import time
from datetime import datetime, time as clock_time

from hub.domain.catalog import Catalog, CatalogItem, Modifier
from hub.domain.order_messages import LineRequest
from hub.domain.money import Money
from hub.domain.pricing import PricingRequest, price_basket
from hub.domain.promotions import Promotion, Window
from hub.domain.tax import TaxPolicy, TaxRate

CATEGORIES = [f"cat{n}" for n in range(8)]
ITEMS = 120
LINES = 30
PROMOTIONS = 200


def make_catalog(rng: random.Random) -> Catalog:
    """Return a store of 120 items in 8 categories, with modifiers and two tax categories."""
    taxes = TaxPolicy(True, True, {"food": (TaxRate("VAT7", "VAT 7 %", 700),), "drink": (TaxRate("VAT19", "VAT 19 %", 1900),)})
    items = [
        CatalogItem(f"SKU{n:03d}", f"Item {n}", Money(rng.randint(100, 3000), "EUR"), 0, "bar", 60,
                    {"X": Modifier("X", "Extra", 50)}, category=CATEGORIES[n % len(CATEGORIES)],
                    tax_category="food" if n % 2 else "drink")
        for n in range(ITEMS)
    ]
    return Catalog(items, taxes=taxes)


def make_promotions(rng: random.Random) -> list[Promotion]:
    """Return 200 active promotions of every kind, all in their window and channel."""
    window = (Window(frozenset(range(7)), clock_time(0), clock_time(23, 59)),)
    promos = []
    for n in range(PROMOTIONS):
        kind = ("percent", "amount", "buy_x_get_y", "bundle")[n % 4]
        scope = ("item", "category", "basket")[n % 3]
        targets = frozenset({f"SKU{rng.randrange(ITEMS):03d}"} if scope == "item" else {rng.choice(CATEGORIES)})
        promos.append(Promotion(
            f"promo-{n:03d}", f"Promotion {n}", kind,
            {"percent": rng.randint(300, 1500), "amount": rng.randint(20, 200), "buy_x_get_y": 5000}.get(kind, rng.randint(1500, 3000)),
            scope if kind != "buy_x_get_y" else "category", targets, 2, 1,
            (frozenset({rng.choice(CATEGORIES)}), frozenset({rng.choice(CATEGORIES)})), ("first", "second"),
            min_spend=rng.choice([0, 0, 2000, 10_000]), windows=window, stackable=n % 5 != 0,
        ))
    return promos


def main() -> None:
    """Time pricing of random 30-line baskets and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baskets", type=int, default=2000)
    args = parser.parse_args()
    rng = random.Random(42)
    catalog = make_catalog(rng)
    request = PricingRequest("kiosk", datetime(2026, 11, 23, 12, 0), promotions=make_promotions(rng))
    baskets = [[LineRequest(f"SKU{rng.randrange(ITEMS):03d}", rng.randint(1, 3), ("X",) if rng.random() < 0.3 else ())
                for _ in range(LINES)] for _ in range(args.baskets)]
    for basket in baskets[:50]:  # warm up
        price_basket(catalog, basket, request)
    times = []
    started = time.perf_counter()
    for basket in baskets:
        t0 = time.perf_counter()
        priced = price_basket(catalog, basket, request)
        times.append((time.perf_counter() - t0) * 1000)
    elapsed = time.perf_counter() - started
    times.sort()
    p50 = statistics.median(times)
    p99 = times[int(len(times) * 0.99) - 1]
    print(f"python {platform.python_version()} on {platform.machine()}, {LINES}-line baskets, "
          f"{PROMOTIONS} active promotions, {ITEMS} items")
    print(f"baskets: {len(times)}  mean {statistics.fmean(times):.3f} ms  p50 {p50:.3f} ms  p99 {p99:.3f} ms  "
          f"max {times[-1]:.3f} ms")
    print(f"last basket: {len(priced.discounts)} discounts, total {priced.total} minor units")
    print(json.dumps({"p50_ms": round(p50, 3), "p99_ms": round(p99, 3), "baskets_per_s": round(len(times) / elapsed, 1)}))


if __name__ == "__main__":
    main()
