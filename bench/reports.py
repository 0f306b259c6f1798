"""Benchmark the back office's reports over a year of a busy store (issue 17).

Generates a year (365 business days, >= 300,000 orders by default) of kiosk, counter, app, web, phone and
marketplace orders over the demo catalog: 1-4 lines, modifiers, promotions, refunds, daily deliveries of the
stock-tracked items. Each order goes through the same roll-up function the hub runs in the sale's
transaction (hub.domain.report_rollups); a day's sums are written in one transaction through the hub's own
roll-up repository. Then every report is asked for the whole year (compared with the year before) the way
its page does it, and as the page itself through the web app.

Also measures what the roll-up costs a sale: an order's roll-up written inside its own transaction.
Prints figures, and as its last line one JSON object with each report's time in seconds.
Target: every report <= 1 s at one year.  Run: .venv/bin/python bench/reports.py [--orders-per-day N]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import statistics
import sys
import tempfile
import time
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

# Run as a script, bench/ comes first on the path, and bench/kiosk.py would hide the kiosk package.
_HERE = Path(__file__).resolve().parent
sys.path[:] = [str(_HERE.parent)] + [p for p in sys.path if Path(p or ".").resolve() != _HERE]

from hub.adapters.db.migrate import upgrade
from hub.adapters.db.report_repo import SqlReportRollups
from hub.adapters.db.report_tables import report_stock
from hub.bootstrap import bootstrap
from hub.config import load_settings
from hub.demo import DEMO_CATALOG
from hub.domain.money import Money
from hub.domain.orders import Order, OrderLine, Ticket
from hub.domain.report_rollups import Rollup, order_rollup, refund_rollup, stock_day
from hub.domain.reports import ReportQuery, comparison, Period
from hub.domain.speed_of_service import bump_entry
from hub.entrypoints.catalog_import import import_catalog
from hub.services.reports import REPORTS, build

UTC = ZoneInfo("UTC")
LAST_DAY = date(2026, 11, 30)
ORIGINS = (("kiosk", 40), ("counter", 30), ("app", 12), ("web", 6), ("phone", 4), ("marketplace", 8))
HOURS = {7: 6, 8: 10, 9: 8, 10: 6, 11: 8, 12: 12, 13: 10, 14: 6, 15: 6, 16: 5, 17: 6, 18: 7, 19: 5, 20: 3, 21: 2}
PROMOTIONS = (("pastry-3for2", "3 pastries for the price of 2"), ("spend-25", "2.00 off when you spend 25.00"),
              ("happy-hour", "Pastry happy hour: half price"))
REFUND_SHARE = 0.01
TARGET_S = 480  # the stations' target (the default red age of displays.toml)
TRACKED = ("BEANS-HOUSE-250", "BEANS-DECAF-250", "GRINDER-HAND")


def _catalog_items(catalog) -> list:
    return [item for item in catalog if not item.is_bundle]


def make_order(rng: random.Random, n: int, day: date, items: list, weights: list[int]) -> Order:
    """Return one order of 1-4 lines with its priced basket, sometimes with a promotion on a line."""
    hour = rng.choices(list(HOURS), list(HOURS.values()))[0]
    at = datetime(day.year, day.month, day.day, hour, rng.randrange(60), tzinfo=timezone.utc)
    origin = rng.choices([o for o, _ in ORIGINS], [w for _, w in ORIGINS])[0]
    picked = rng.choices(range(len(items)), weights, k=rng.choice((1, 1, 2, 2, 2, 3, 3, 4)))
    chosen = [items[i] for i in dict.fromkeys(picked)]
    lines, priced, discounts = [], [], []
    for index, item in enumerate(chosen):
        qty = rng.choice((1, 1, 1, 2, 3))
        mods = tuple(m.code for m in list(item.modifiers.values())[:1] if rng.random() < 0.3)
        unit = item.price.amount + sum(item.modifiers[m].price_delta for m in mods)
        discount = 0
        if rng.random() < 0.08:
            promo_id, name = rng.choice(PROMOTIONS)
            discount = unit * qty // 4
            discounts.append({"promotion": promo_id, "name": name, "amount": {"amount": discount},
                              "lines": [{"index": index, "amount": discount}]})
        lines.append(OrderLine(item.sku, item.name, qty, mods, None, Money(unit, "EUR"), 700, item.station, 60))
        priced.append({"index": index, "sku": item.sku, "name": item.name, "qty": qty, "modifiers": list(mods),
                       "parts": [], "amount": {"amount": unit * qty}, "discount": {"amount": discount}})
    total = sum(p["amount"]["amount"] - p["discount"]["amount"] for p in priced)
    pricing = {"lines": priced, "discounts": discounts, "total": {"amount": total, "currency": "EUR"},
               "tax": {"amount": 0, "currency": "EUR"}}
    return Order(f"o-{n}", f"{n % 1000:03d}", day.isoformat(), origin, "takeaway", lines, [], at, at, "bench",
                 pricing=pricing)


def add_bumps(roll: Rollup, rng: random.Random, order: Order) -> None:
    """Bump each of the order's station tickets after a time around its longest prep time (speed of service)."""
    for station in dict.fromkeys(line.station for line in order.lines):
        prep = max(line.prep_seconds for line in order.lines if line.station == station)
        fired = order.received_at + timedelta(seconds=rng.randrange(30))
        ticket = Ticket(f"{order.order_id}-{station}", station, fired_at=fired,
                        done_at=fired + timedelta(seconds=rng.lognormvariate(0, 0.5) * (prep + 60)))
        key, over = bump_entry(order, ticket, UTC, TARGET_S)
        roll.add("speed", key, tickets=1, late=over)


def fill_year(hub, rng: random.Random, orders_per_day: int, days: int) -> int:
    """Write a year of roll-ups, a day per transaction; return the number of orders."""
    with hub.uow_factory() as uow:
        catalog = uow.catalog()
    items = _catalog_items(catalog)
    weights = [1 if item.stock_tracked or item.station.startswith("pick") else 6 for item in items]

    def lookup(sku, code):
        modifier = catalog.get(sku).modifiers.get(code)
        return (modifier.name, modifier.price_delta) if modifier else None

    count, on_hand = 0, {sku: 500 for sku in TRACKED}
    for offset in range(days, 0, -1):
        day = LAST_DAY - timedelta(days=offset - 1)
        roll = Rollup()
        sold = {sku: 0 for sku in TRACKED}
        for _ in range(orders_per_day + rng.randint(-40, 40)):
            order = make_order(rng, count, day, items, weights)
            count += 1
            roll.merge(order_rollup(order, UTC, lookup))
            add_bumps(roll, rng, order)
            for line in order.lines:
                if line.sku in sold:
                    sold[line.sku] += line.qty
            if rng.random() < REFUND_SHARE:
                roll.merge(refund_rollup(order, order.business_day, 19, {}, {0: order.lines[0].qty}, lookup))
        with hub.engine.begin() as connection:
            SqlReportRollups(connection).add(roll)
            for sku in TRACKED:
                received = 40 if day.weekday() == 0 else 0
                moves = [("receive", received), ("consume", sold[sku])]
                on_hand[sku] += received - sold[sku]
                connection.execute(report_stock.insert().values(sku=sku, business_day=day.isoformat(),
                                                                **stock_day(moves, on_hand[sku])))
    return count


def time_reports(hub, app_client, period: Period) -> dict[str, dict[str, float]]:
    """Return each report's time (seconds) to build its figures, and to serve its page and its CSV."""
    query = ReportQuery(period, comparison(period, "previous"))
    timings = {}
    for name in REPORTS:
        with hub.uow_factory() as uow:
            build(name, uow, query)  # warm the page cache once, as a second look at a report would be
        t0 = time.perf_counter()
        with hub.uow_factory() as uow:
            figures = build(name, uow, query)
        built = time.perf_counter() - t0
        args = f"from={period.start}&to={period.end}"
        t0 = time.perf_counter()
        page = app_client.get(f"/admin/reports/{name}?{args}")
        served = time.perf_counter() - t0
        t0 = time.perf_counter()
        export = app_client.get(f"/admin/reports/{name}.csv?{args}")
        exported = time.perf_counter() - t0
        assert page.status_code == 200 and export.status_code == 200, name
        timings[name] = {"figures_s": round(built, 3), "page_s": round(served, 3), "csv_s": round(exported, 3),
                         "rows": len(figures.rows)}
    return timings


def time_rollup_writes(hub, rng: random.Random, orders: int = 2000) -> tuple[list[float], list[float]]:
    """Return ms per order to write its roll-ups inside its own transaction (what a sale pays for reports), and ms
    per bumped ticket to write its speed bucket and remember it (what a bump pays)."""
    with hub.uow_factory() as uow:
        catalog = uow.catalog()
    items = _catalog_items(catalog)

    def lookup(sku, code):
        modifier = catalog.get(sku).modifiers.get(code)
        return (modifier.name, modifier.price_delta) if modifier else None

    times, bumps = [], []
    for n in range(orders):
        order = make_order(rng, 10_000_000 + n, LAST_DAY + timedelta(days=1), items, [1] * len(items))
        with hub.uow_factory() as uow:
            t0 = time.perf_counter()
            uow.reports.add(order_rollup(order, UTC, lookup))
            times.append((time.perf_counter() - t0) * 1000)
            uow.commit()
        ticket_id = f"{order.order_id}-t"
        with hub.uow_factory() as uow:
            t0 = time.perf_counter()
            roll = Rollup()
            add_bumps(roll, rng, order)
            first = next(iter(roll.speed))
            previous = uow.reports.speed_bump(ticket_id)
            uow.reports.add(roll)
            uow.reports.record_speed_bump(ticket_id, (first, roll.speed[first]["late"]))
            bumps.append((time.perf_counter() - t0) * 1000)
            assert previous is None
            uow.commit()
    return sorted(times), sorted(bumps)


def main() -> None:
    """Generate the year, time every report, print the figures and one JSON line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders-per-day", type=int, default=850)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--database-url", help="a PostgreSQL URL to use instead of a fresh SQLite file")
    args = parser.parse_args()
    from hub.entrypoints.web.app import create_app
    from tests.support.identities import owner_client

    folder = Path(tempfile.mkdtemp(prefix="passline-bench-reports-"))
    env = {"PASSLINE_STORE": "bench", "PASSLINE_DATA_DIR": str(folder), "PASSLINE_BROKER_PORT": "0",
           **({"PASSLINE_DATABASE_URL": args.database_url} if args.database_url else {})}
    settings = load_settings(env)
    folder.mkdir(parents=True, exist_ok=True)
    upgrade(settings.database_url)
    import_catalog(settings, DEMO_CATALOG)
    hub = bootstrap(settings)
    rng = random.Random(17)
    t0 = time.perf_counter()
    orders = fill_year(hub, rng, args.orders_per_day, args.days)
    filled = time.perf_counter() - t0
    app = create_app(hub=hub)
    client = owner_client(app)
    period = Period(LAST_DAY - timedelta(days=args.days - 1), LAST_DAY)
    timings = time_reports(hub, client, period)
    writes, bumps = time_rollup_writes(hub, rng)
    size = os.path.getsize(folder / "passline.db") if not args.database_url else None
    hub.stop()
    print(f"python {platform.python_version()} on {platform.machine()}, {hub.engine.dialect.name}: {orders} orders "
          f"over {args.days} days written as roll-ups in {filled:.1f} s"
          + (f", database {size / 1e6:.0f} MB" if size else ""))
    for name, t in timings.items():
        print(f"  {name:13s} figures {t['figures_s']:.3f} s  page {t['page_s']:.3f} s  csv {t['csv_s']:.3f} s"
              f"  ({t['rows']} rows)")
    p50, p99 = statistics.median(writes), writes[int(len(writes) * 0.99) - 1]
    print(f"roll-up writes per sale (inside its transaction): p50 {p50:.2f} ms  p99 {p99:.2f} ms")
    b50, b99 = statistics.median(bumps), bumps[int(len(bumps) * 0.99) - 1]
    print(f"speed roll-ups of an order's bumped tickets and the record of one (inside its transaction): p50 {b50:.2f} ms  p99 {b99:.2f} ms")
    slowest = max(max(t["figures_s"], t["page_s"], t["csv_s"]) for t in timings.values())
    print(json.dumps({"orders": orders, "days": args.days, "database": hub.engine.dialect.name,
                      **{f"{name}_s": max(t["page_s"], t["csv_s"]) for name, t in timings.items()},
                      "slowest_s": slowest, "rollup_write_p50_ms": round(p50, 2), "rollup_write_p99_ms": round(p99, 2),
                      "bump_write_p50_ms": round(b50, 2), "bump_write_p99_ms": round(b99, 2),
                      "target_met": slowest <= 1.0}))


if __name__ == "__main__":
    main()
