"""What one sale or refund adds to the report roll-ups: rows of sums keyed by day, hour, channel, station.

The reports (hub.domain.reports) never read orders: they add up these rows, which the hub writes in the
same transaction as the sale, so a year of a busy store is a few hundred thousand small rows, not millions
of order lines. Every amount is integer minor units; `sign` is -1 to take a cancelled order back out.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from itertools import permutations
from zoneinfo import ZoneInfo

from hub.domain.orders import Order
from hub.domain.pricing import is_promotion, split_by_weight

WHOLE_ORDER = ""  # the station key of a row counting whole orders (every station together)

# (sku, modifier code) -> (name, price delta per unit); None when the catalog no longer knows it
ModifierLookup = Callable[[str, str], "tuple[str, int] | None"]


@dataclass(slots=True)
class Rollup:
    """Sums to add, per table: key tuple -> {column: amount}; the adapter upserts them."""

    hourly: dict[tuple, dict[str, int]] = field(default_factory=dict)  # (day, hour, origin, station)
    items: dict[tuple, dict[str, int]] = field(default_factory=dict)  # (day, origin, sku, station)
    modifiers: dict[tuple, dict[str, int]] = field(default_factory=dict)  # (day, origin, sku, code, station)
    pairs: dict[tuple, dict[str, int]] = field(default_factory=dict)  # (day, origin, sku_a, station_a, sku_b)
    promotions: dict[tuple, dict[str, int]] = field(default_factory=dict)  # (day, origin, promo_id, sku, station)
    speed: dict[tuple, dict[str, int]] = field(default_factory=dict)  # (day, origin, station, daypart, bucket)
    names: dict[tuple[str, str], str] = field(default_factory=dict)  # (kind, key) -> name for people

    def add(self, table: str, key: tuple, **sums: int) -> None:
        """Add sums to one row of one table."""
        row = getattr(self, table).setdefault(key, {})
        for column, amount in sums.items():
            row[column] = row.get(column, 0) + amount

    def merge(self, other: Rollup) -> None:
        """Add another roll-up's sums to this one (the benchmark gathers a year in memory)."""
        for table in ("hourly", "items", "modifiers", "pairs", "promotions", "speed"):
            for key, sums in getattr(other, table).items():
                self.add(table, key, **sums)
        self.names.update(other.names)


@dataclass(frozen=True, slots=True)
class SoldLine:
    """One priced line as reports see it: the item sold (a bundle is one item), its station and money."""

    index: int
    sku: str
    name: str
    station: str
    qty: int
    modifiers: tuple[str, ...]
    gross: int  # before discounts
    discount: int
    promotions: tuple[tuple[str, str, int], ...]  # (promo_id, name, amount) promotions that discounted it

    @property
    def net(self) -> int:
        """Return the line after discounts."""
        return self.gross - self.discount


def local_hour(moment: datetime, tz: ZoneInfo) -> int:
    """Return the hour of the store's clock (0-23) a moment falls in."""
    return moment.astimezone(tz).hour


def day_start(day: date, tz: ZoneInfo, starts_at_hour: int) -> datetime:
    """Return the moment a business day begins, in the store's time zone."""
    return datetime.combine(day, time(starts_at_hour), tz)


def day_after(day: str) -> str:
    """Return the next business day, as `YYYY-MM-DD`."""
    return (date.fromisoformat(day) + timedelta(days=1)).isoformat()


def sold_lines(order: Order) -> list[SoldLine]:
    """Return the order's lines as sold: from its priced basket, else at list prices (no discounts)."""
    pricing = order.pricing
    if not pricing:
        return [SoldLine(i, ln.sku, ln.name, ln.station, ln.qty, tuple(ln.modifiers), ln.unit_price.amount * ln.qty, 0, ())
                for i, ln in enumerate(order.lines)]
    by_line: dict[int, list[tuple[str, str, int]]] = {}
    for d in pricing.get("discounts", []):
        if is_promotion(d["promotion"]):
            for part in d["lines"]:
                by_line.setdefault(part["index"], []).append((d["promotion"], d["name"], part["amount"]))
    result, position = [], 0
    for ln in pricing["lines"]:
        # A bundle became one order line per part, in order: its first part's station stands for it.
        station = order.lines[position].station if position < len(order.lines) else ""
        position += max(1, len(ln.get("parts") or ()))
        result.append(SoldLine(ln["index"], ln["sku"], ln["name"], station, ln["qty"], tuple(ln["modifiers"]),
                               ln["amount"]["amount"], ln["discount"]["amount"], tuple(by_line.get(ln["index"], ()))))
    return result


def _modifier_split(line: SoldLine, lookup: ModifierLookup) -> list[tuple[str, str, int, int]]:
    """Return (code, name, gross, discount) per modifier: its price delta times qty, the discount shared by price."""
    found = [(code, *(lookup(line.sku, code) or (code, 0))) for code in line.modifiers]
    grosses = [delta * line.qty for _, _, delta in found]
    base = line.gross - sum(grosses)
    shares = split_by_weight(line.discount, [max(base, 0), *grosses])[1:] if line.discount else [0] * len(found)
    return [(code, name, gross, share) for (code, name, _), gross, share in zip(found, grosses, shares)]


def order_rollup(order: Order, tz: ZoneInfo, lookup: ModifierLookup, sign: int = 1) -> Rollup:
    """Return what an accepted order adds to the roll-ups (sign -1: what its cancellation takes back)."""
    day, hour, origin = order.business_day, local_hour(order.received_at, tz), order.origin
    lines = sold_lines(order)
    roll = Rollup()
    all_units = sum(ln.qty for ln in lines)
    all_net = sum(ln.net for ln in lines)
    roll.add("hourly", (day, hour, origin, WHOLE_ORDER), orders=sign, units=sign * all_units,
             gross=sign * sum(ln.gross for ln in lines), discount=sign * sum(ln.discount for ln in lines),
             net=sign * all_net)
    for station in dict.fromkeys(ln.station for ln in lines):
        mine = [ln for ln in lines if ln.station == station]
        roll.add("hourly", (day, hour, origin, station), orders=sign, units=sign * sum(ln.qty for ln in mine),
                 gross=sign * sum(ln.gross for ln in mine), discount=sign * sum(ln.discount for ln in mine),
                 net=sign * sum(ln.net for ln in mine))
    per_sku: dict[tuple[str, str], list[SoldLine]] = {}
    for ln in lines:
        per_sku.setdefault((ln.sku, ln.station), []).append(ln)
        roll.names[("item", ln.sku)] = ln.name
        for code, name, gross, discount in _modifier_split(ln, lookup):
            roll.add("modifiers", (day, origin, ln.sku, code, ln.station), units=sign * ln.qty, gross=sign * gross,
                     discount=sign * discount)
            roll.names[("modifier", f"{ln.sku}/{code}")] = name
        for promo_id, name, amount in ln.promotions:
            roll.add("promotions", (day, origin, promo_id, ln.sku, ln.station), units=sign * ln.qty,
                     discount=sign * amount)
            roll.names[("promotion", promo_id)] = name
    for promo_id in dict.fromkeys(p for ln in lines for p, _, _ in ln.promotions):
        roll.add("promotions", (day, origin, promo_id, WHOLE_ORDER, WHOLE_ORDER), orders=sign)
    for (sku, station), mine in per_sku.items():
        units, net = sum(ln.qty for ln in mine), sum(ln.net for ln in mine)
        roll.add("items", (day, origin, sku, station), orders=sign, units=sign * units,
                 gross=sign * sum(ln.gross for ln in mine), discount=sign * sum(ln.discount for ln in mine),
                 net=sign * net, with_units=sign * (all_units - units), with_net=sign * (all_net - net))
    for (sku_a, station_a), (sku_b, _) in permutations(per_sku, 2):
        if sku_a != sku_b:
            roll.add("pairs", (day, origin, sku_a, station_a, sku_b), orders=sign)
    return roll


def refund_rollup(order: Order, day: str, hour: int, before: Mapping[int, int], after: Mapping[int, int],
                  lookup: ModifierLookup) -> Rollup:
    """Return what one refund adds: the money of the units refunded now (`after` - `before` per line index).

    A line's money back is its share of what the customer paid, the same telescoping shares the refund used,
    so refunding every unit in any steps gives back exactly the line's share. The refund counts on the day
    and hour it was made.
    """
    lines = sold_lines(order)
    paid = split_by_weight(order.total.amount, [ln.net for ln in lines])
    roll = Rollup()
    total, per_station = 0, {}
    for ln, share in zip(lines, paid):
        was, now = before.get(ln.index, 0), after.get(ln.index, 0)
        if now <= was:
            continue
        back = share * now // ln.qty - share * was // ln.qty
        total += back
        per_station[ln.station] = per_station.get(ln.station, 0) + back
        roll.add("items", (day, order.origin, ln.sku, ln.station), refunded_units=now - was, refunded=back)
        mods = _modifier_split(ln, lookup)
        mod_back = split_by_weight(back, [max(ln.gross - sum(g for _, _, g, _ in mods), 0), *(g for _, _, g, _ in mods)])
        for (code, _, _, _), amount in zip(mods, mod_back[1:]):
            roll.add("modifiers", (day, order.origin, ln.sku, code, ln.station), refunded_units=now - was,
                     refunded=amount)
    roll.add("hourly", (day, hour, order.origin, WHOLE_ORDER), refunded=total)
    for station, amount in per_station.items():
        roll.add("hourly", (day, hour, order.origin, station), refunded=amount)
    return roll


def on_hand_change(kind: str, qty: int) -> int:
    """Return how a stock move changes what is on the shelf (reservations do not)."""
    return {"receive": qty, "restock": qty, "consume": -qty, "adjust": qty}.get(kind, 0)


def stock_day(moves: Sequence[tuple[str, int]], on_hand_now: int) -> dict[str, int]:
    """Return a day's stock row from its moves so far (kind, qty) and what is on hand now."""
    return {"opening": on_hand_now - sum(on_hand_change(kind, qty) for kind, qty in moves),
            "received": sum(qty for kind, qty in moves if kind == "receive"), "closing": on_hand_now}
