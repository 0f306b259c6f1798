"""The figures of the back office's reports, from roll-up sums (hub.domain.report_rollups) over two periods.

Each report returns a `Figures`: a table (columns typed so the page and the CSV write each cell the same way)
and a chart (bars for this period and the comparison period). Money is integer minor units; a share or a rate
is integer basis points (1 % = 100), rounded half up in one place, `basis_points`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta

from hub.domain.errors import PasslineError

MAX_DAYS = 800  # a range longer than two years is almost certainly a typo
TOP_PAIRS = 20
# (first hour, name): a daypart runs from its first hour to the next one's; before the first is "night".
DAYPARTS = ((6, "breakfast"), (11, "lunch"), (14, "afternoon"), (17, "dinner"), (21, "night"))
COMPARISONS = ("previous", "last_year", "none")
Sums = Mapping[str, int]


class ReportRefused(PasslineError):
    """A report asked for with a bad parameter; names the field."""

    def __init__(self, field_name: str, message: str) -> None:
        super().__init__(f"{field_name}: {message}")
        self.field = field_name
        self.message = f"{field_name}: {message}"


@dataclass(frozen=True, slots=True)
class Period:
    """Business days from `start` to `end`, both included."""

    start: date
    end: date

    @property
    def days(self) -> int:
        """Return how many business days the period holds."""
        return (self.end - self.start).days + 1


@dataclass(frozen=True, slots=True)
class ReportQuery:
    """What a report covers: a period, an optional comparison period, channel and station."""

    period: Period
    compare: Period | None
    channel: str | None = None
    station: str | None = None


def _day(text: str | None, field_name: str, default: date) -> date:
    if text is None or text == "":
        return default
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ReportRefused(field_name, f"{text!r} is not a date (write it as YYYY-MM-DD)") from None


def parse_query(args: Mapping[str, str], today: date, channels: tuple[str, ...], stations: tuple[str, ...]) -> ReportQuery:
    """Read a report's parameters (`from`, `to`, `compare`, `channel`, `station`); refuse a bad one naming it."""
    end = _day(args.get("to"), "to", today)
    start = _day(args.get("from"), "from", end - timedelta(days=6))
    if start > end:
        raise ReportRefused("from", f"{start} is after the end of the range ({end})")
    if (end - start).days >= MAX_DAYS:
        raise ReportRefused("from", f"a report covers at most {MAX_DAYS} days")
    period = Period(start, end)
    how = args.get("compare") or "previous"
    if how not in COMPARISONS:
        raise ReportRefused("compare", f"{how!r} is not one of {', '.join(COMPARISONS)}")
    channel = args.get("channel") or None
    if channel is not None and channel not in channels:
        raise ReportRefused("channel", f"{channel!r} is not one of {', '.join(channels)}")
    station = args.get("station") or None
    if station is not None and station not in stations:
        raise ReportRefused("station", f"{station!r} is not a station of this store")
    return ReportQuery(period, comparison(period, how), channel, station)


def whole_months(period: Period) -> tuple[list[str], list[Period]]:
    """Split a period into the calendar months it holds whole (`YYYY-MM`) and the days left at either end."""
    first = period.start if period.start.day == 1 else _next_month(period.start)
    months, cursor = [], first
    while _next_month(cursor) - timedelta(days=1) <= period.end:
        months.append(cursor.strftime("%Y-%m"))
        cursor = _next_month(cursor)
    if not months:
        return [], [period]
    edges = [Period(period.start, first - timedelta(days=1)), Period(cursor, period.end)]
    return months, [edge for edge in edges if edge.start <= edge.end]


def _next_month(day: date) -> date:
    return date(day.year + day.month // 12, day.month % 12 + 1, 1)


def comparison(period: Period, how: str) -> Period | None:
    """Return the period to compare with: the same number of days just before, the same dates a year earlier, or none."""
    if how == "previous":
        return Period(period.start - timedelta(days=period.days), period.start - timedelta(days=1))
    if how == "last_year":
        return Period(_year_earlier(period.start), _year_earlier(period.end))
    return None


def _year_earlier(day: date) -> date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


def basis_points(part: int, whole: int) -> int | None:
    """Return part / whole in basis points, rounded half up; None when there is no whole."""
    if whole <= 0:
        return None
    return (20000 * part + whole) // (2 * whole)


def daypart(hour: int) -> str:
    """Return the daypart an hour of the store's clock belongs to."""
    name = DAYPARTS[-1][1]
    for first, part in DAYPARTS:
        if hour >= first:
            name = part
    return name


@dataclass(frozen=True, slots=True)
class Column:
    """A table column: its key (the CSV header and the word for people) and how its cells are written."""

    key: str
    kind: str  # "text", "count", "money", "percent" (basis points), "duration" (seconds)


@dataclass(slots=True)
class Figures:
    """One report: its table and its chart (label, this period, comparison period) in the chart's unit."""

    name: str
    columns: tuple[Column, ...]
    rows: list[dict[str, object]]
    chart: list[tuple[str, int, int | None]] = field(default_factory=list)
    chart_kind: str = "money"
    extra: dict[str, list[dict[str, object]]] = field(default_factory=dict)  # more tables (dayparts, modifiers)
    legend: tuple[str, str] | None = None  # the columns the two bars show, when not this period and the one before
    marks: list[int | None] = field(default_factory=list)  # a line across each bar's row (a target), in the chart's unit


def _cols(*spec: str) -> tuple[Column, ...]:
    return tuple(Column(*item.split(":")) for item in spec)


EXTRA_COLUMNS = {
    "dayparts": _cols("daypart:text", "orders:count", "net:money", "share:percent", "compare_net:money"),
    "modifiers": _cols("sku:text", "modifier:text", "quantity:count", "gross:money", "discounts:money",
                       "refunded_quantity:count", "refunds:money", "net:money"),
}


def _get(sums: Mapping[object, Sums] | None, key: object, column: str) -> int | None:
    return None if sums is None else sums.get(key, {}).get(column, 0)


def sales_by_hour(now: Mapping[int, Sums], before: Mapping[int, Sums] | None) -> Figures:
    """Return orders and net sales per hour of the store's clock, and per daypart, against the comparison period."""
    hours = sorted(set(now) | set(before or {}))
    rows = []
    for hour in hours:
        orders, net = _get(now, hour, "orders"), _get(now, hour, "net")
        rows.append({"hour": f"{hour:02d}:00", "daypart": daypart(hour), "orders": orders, "net": net,
                     "average": net // orders if orders else None, "refunded": _get(now, hour, "refunded"),
                     "compare_orders": _get(before, hour, "orders"), "compare_net": _get(before, hour, "net")})
    parts: dict[str, dict[str, int | None]] = {}
    for row in rows:
        into = parts.setdefault(row["daypart"], {"daypart": row["daypart"], "orders": 0, "net": 0,
                                                 "compare_net": None if before is None else 0})
        into["orders"] += row["orders"]
        into["net"] += row["net"]
        if before is not None:
            into["compare_net"] += row["compare_net"]
    total = sum(row["net"] for row in rows)
    order = [name for _, name in DAYPARTS]
    dayparts = [{**p, "share": basis_points(p["net"], total)} for p in sorted(parts.values(), key=lambda p: order.index(p["daypart"]))]
    return Figures("sales", _cols("hour:text", "daypart:text", "orders:count", "net:money", "average:money",
                                  "refunded:money", "compare_orders:count", "compare_net:money"),
                   rows, [(r["hour"], r["net"], r["compare_net"]) for r in rows], "money", {"dayparts": dayparts})


def channel_mix(now: Mapping[str, Sums], before: Mapping[str, Sums] | None) -> Figures:
    """Return each channel's orders, net sales and share of net sales, against the comparison period."""
    total = sum(s.get("net", 0) for s in now.values())
    total_before = sum(s.get("net", 0) for s in (before or {}).values())
    rows = []
    for origin in sorted(set(now) | set(before or {}), key=lambda o: (-_get(now, o, "net"), o)):
        net, was = _get(now, origin, "net"), _get(before, origin, "net")
        rows.append({"channel": origin, "orders": _get(now, origin, "orders"), "net": net,
                     "share": basis_points(net, total), "compare_net": was,
                     "compare_share": None if before is None else basis_points(was, total_before)})
    return Figures("channels", _cols("channel:text", "orders:count", "net:money", "share:percent",
                                     "compare_net:money", "compare_share:percent"),
                   rows, [(r["channel"], r["net"], r["compare_net"]) for r in rows])


def product_mix(items: Mapping[str, Sums], modifiers: Mapping[tuple[str, str], Sums], before: Mapping[str, Sums] | None,
                names: Mapping[tuple[str, str], str]) -> Figures:
    """Return quantity, gross, discounts and refunds per item and per modifier; net = gross - discounts - refunds."""
    def row(sums: Sums) -> dict[str, int]:
        gross, discount, refunded = sums.get("gross", 0), sums.get("discount", 0), sums.get("refunded", 0)
        return {"quantity": sums.get("units", 0), "gross": gross, "discounts": discount,
                "refunded_quantity": sums.get("refunded_units", 0), "refunds": refunded,
                "net": gross - discount - refunded}

    rows = [{"sku": sku, "item": names.get(("item", sku), sku), **row(sums),
             "compare_quantity": _get(before, sku, "units")}
            for sku, sums in sorted(items.items(), key=lambda kv: (-kv[1].get("units", 0), kv[0]))]
    mods = [{"sku": sku, "modifier": names.get(("modifier", f"{sku}/{code}"), code), "code": code, **row(sums)}
            for (sku, code), sums in sorted(modifiers.items(), key=lambda kv: (-kv[1].get("units", 0), kv[0]))]
    return Figures("products", _cols("sku:text", "item:text", "quantity:count", "gross:money", "discounts:money",
                                     "refunded_quantity:count", "refunds:money", "net:money", "compare_quantity:count"),
                   rows, [(r["item"], r["quantity"], r["compare_quantity"]) for r in rows[:12]], "count",
                   {"modifiers": mods})


def promotion_roi(promotions: Mapping[str, Sums], promoted: Mapping[str, Mapping[str, Sums]],
                  items_now: Mapping[str, Sums], items_before: Mapping[str, Sums] | None,
                  names: Mapping[tuple[str, str], str]) -> Figures:
    """Return, per promotion, the discount given against the lift in units of its items and of items sold with them.

    A promotion's items are those it discounted in the period. Their units and the units sold beside them
    (other lines of the orders that hold them, counted per item) are compared with the comparison period;
    the sales lift is the same for net sales, and the return is sales lift / discount given.
    """
    rows = []
    for promo_id, sums in sorted(promotions.items(), key=lambda kv: (-kv[1].get("discount", 0), kv[0])):
        skus = sorted(promoted.get(promo_id, {}))
        discount = sums.get("discount", 0)

        def total(source: Mapping[str, Sums] | None, column: str) -> int | None:
            return None if source is None else sum(source.get(sku, {}).get(column, 0) for sku in skus)

        units, attached = total(items_now, "units"), total(items_now, "with_units")
        was_units, was_attached = total(items_before, "units"), total(items_before, "with_units")
        lift = None if items_before is None else (total(items_now, "net") + total(items_now, "with_net")
                                                  - total(items_before, "net") - total(items_before, "with_net"))
        rows.append({"promotion": names.get(("promotion", promo_id), promo_id), "items": ", ".join(
            names.get(("item", sku), sku) for sku in skus), "orders": sums.get("orders", 0), "discount": discount,
            "units": units, "compare_units": was_units, "unit_lift": None if was_units is None else units - was_units,
            "attached": attached, "compare_attached": was_attached,
            "attached_lift": None if was_attached is None else attached - was_attached,
            "sales_lift": lift, "return": None if lift is None else basis_points(lift, discount)})
    return Figures("promotions", _cols("promotion:text", "items:text", "orders:count", "discount:money", "units:count",
                                       "compare_units:count", "unit_lift:count", "attached:count",
                                       "compare_attached:count", "attached_lift:count", "sales_lift:money",
                                       "return:percent"),
                   rows, [(r["promotion"], r["discount"], r["sales_lift"]) for r in rows],
                   legend=("discount", "sales_lift"))


def attachment(pairs: Mapping[tuple[str, str], int], items: Mapping[str, Sums],
               before_pairs: Mapping[tuple[str, str], int] | None, before_items: Mapping[str, Sums] | None,
               names: Mapping[tuple[str, str], str], top: int = TOP_PAIRS) -> Figures:
    """Return the top pairs: of the orders holding item A, the share that also hold item B."""
    ranked = sorted(pairs.items(), key=lambda kv: (-kv[1], -(basis_points(kv[1], _get(items, kv[0][0], "orders")) or 0), kv[0]))
    rows = []
    for (a, b), both in ranked[:top]:
        with_a = _get(items, a, "orders")
        was = None if before_pairs is None else basis_points(before_pairs.get((a, b), 0), _get(before_items, a, "orders"))
        rows.append({"item_a": names.get(("item", a), a), "item_b": names.get(("item", b), b), "orders_with_a": with_a,
                     "orders_with_both": both, "rate": basis_points(both, with_a), "compare_rate": was})
    return Figures("attachment", _cols("item_a:text", "item_b:text", "orders_with_a:count", "orders_with_both:count",
                                       "rate:percent", "compare_rate:percent"),
                   rows, [(f"{r['item_a']} + {r['item_b']}", r["rate"] or 0, r["compare_rate"]) for r in rows], "percent")


def sell_through(stock: Mapping[str, Sums], sold: Mapping[str, Sums], before_stock: Mapping[str, Sums] | None,
                 before_sold: Mapping[str, Sums] | None, names: Mapping[tuple[str, str], str]) -> Figures:
    """Return, per stock-tracked item, sold / (opening stock + received) over the period."""
    rows = []
    for sku in sorted(stock):
        opening, received = stock[sku].get("opening", 0), stock[sku].get("received", 0)
        units = _get(sold, sku, "units") - _get(sold, sku, "refunded_units")
        was = None
        if before_stock is not None and sku in before_stock:
            base = before_stock[sku].get("opening", 0) + before_stock[sku].get("received", 0)
            was = basis_points(_get(before_sold, sku, "units") - _get(before_sold, sku, "refunded_units"), base)
        rows.append({"sku": sku, "item": names.get(("item", sku), sku), "opening": opening, "received": received,
                     "sold": units, "rate": basis_points(units, opening + received), "compare_rate": was})
    rows.sort(key=lambda r: (-(r["rate"] or 0), r["sku"]))
    return Figures("sell_through", _cols("sku:text", "item:text", "opening:count", "received:count", "sold:count",
                                         "rate:percent", "compare_rate:percent"),
                   rows, [(r["item"], r["rate"] or 0, r["compare_rate"]) for r in rows], "percent")
